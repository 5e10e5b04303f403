import type { Db } from '../../core/db/database.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { eventFacts } from './events.policy.ts'
import { calendarEventRows, eventIdsOrganisedBy, type EventRow } from './events.queries.ts'
import { repliesOfPerson } from './rsvp.queries.ts'
import type { OrganiserKind, RsvpStatus } from './events.tables.ts'
import type { CalendarEntry } from './ical.ts'

// What goes into calendar feeds: events the reader may see, and (only in a person's own calendar, or a
// one-event file for an attendee) the online link.

/** A feed's events (site, community, organiser): never with an online link, whoever reads it. */
export async function feedEntries(db: Db, actor: Actor, filter: { spaceId?: string; organiser?: { kind: OrganiserKind; id: string } }): Promise<CalendarEntry[]> {
  return (await calendarEventRows(db, actor, filter)).map((event) => ({ event }))
}

/** One event's file: with the online link when this reader attends it. */
export async function eventEntry(db: Db, actor: Actor, event: EventRow): Promise<CalendarEntry> {
  const attend = event.online_url !== '' && (await can(db, actor, 'attend', 'event', eventFacts(event)))
  return { event, onlineUrl: attend ? event.online_url : null }
}

/** The events on a person's own calendar: going, waiting and organising, each as the policy lets them see it. */
export async function personalEvents(db: Db, userId: string): Promise<Array<{ event: EventRow; reply: RsvpStatus | null }>> {
  // The feed is read by a calendar client, not a browser: it acts as the person, never with admin rights.
  const actor: Actor = { userId, isAdmin: false }
  const [replies, organised] = await Promise.all([repliesOfPerson(db, userId), eventIdsOrganisedBy(db, userId)])
  const rows = await calendarEventRows(db, actor, { ids: [...new Set([...replies.keys(), ...organised])] }, 500, 365)
  return rows.map((event) => ({ event, reply: replies.get(event.id) ?? null }))
}

/** The personal calendar: the link only where the person attends (going, or organising). */
export async function personalEntries(db: Db, userId: string): Promise<CalendarEntry[]> {
  const actor: Actor = { userId, isAdmin: false }
  const mine = await personalEvents(db, userId)
  return Promise.all(
    mine.map(async ({ event, reply }) => ({
      event,
      onlineUrl: event.online_url && (await can(db, actor, 'attend', 'event', eventFacts(event))) ? event.online_url : null,
      note: reply === 'waiting' ? 'Waiting list: ' : undefined,
    })),
  )
}
