import { readerRow, readerRowsIn } from '../../core/access/reader-facts.ts'
import type { Actor } from '../../core/access/policy.ts'
import type { EventsDb, EventRsvpsTable, RsvpStatus } from './events.tables.ts'

export type RsvpRow = EventRsvpsTable

/** One person's reply to an event, or undefined. */
export async function findRsvp(db: EventsDb, eventId: string, userId: string): Promise<RsvpRow | undefined> {
  return db.selectFrom('event_rsvps').selectAll().where('event_id', '=', eventId).where('user_id', '=', userId).executeTakeFirst()
}

/** Going and waiting counts for a set of events, in one query over the (event_id, status) index. */
export async function rsvpCounts(db: EventsDb, eventIds: string[]): Promise<Map<string, { going: number; waiting: number }>> {
  const out = new Map<string, { going: number; waiting: number }>()
  if (eventIds.length === 0) return out
  const rows = await db
    .selectFrom('event_rsvps')
    .select(['event_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('event_id', 'in', [...new Set(eventIds)])
    .where('status', 'in', ['going', 'waiting'])
    .groupBy(['event_id', 'status'])
    .execute()
  for (const r of rows) {
    const entry = out.get(r.event_id) ?? { going: 0, waiting: 0 }
    entry[r.status as 'going' | 'waiting'] = Number(r.n)
    out.set(r.event_id, entry)
  }
  return out
}

/** The next place in the event's queue of replies (call under the event's lock). */
export async function nextPosition(db: EventsDb, eventId: string): Promise<number> {
  const row = await db.selectFrom('event_rsvps').select((eb) => eb.fn.max('position').as('max')).where('event_id', '=', eventId).executeTakeFirst()
  return Number(row?.max ?? 0) + 1
}

/** Writes a reply: a new row, or a changed status (and place in the queue) for an existing one. */
export async function writeRsvp(db: EventsDb, row: RsvpRow, exists: boolean): Promise<void> {
  if (exists) {
    await db.updateTable('event_rsvps').set({ status: row.status, position: row.position, updated_at: row.updated_at }).where('event_id', '=', row.event_id).where('user_id', '=', row.user_id).execute()
  } else {
    await db.insertInto('event_rsvps').values(row).execute()
  }
}

/** The first `n` people on the waiting list, in order. */
export async function firstWaiting(db: EventsDb, eventId: string, n: number): Promise<RsvpRow[]> {
  if (n <= 0) return []
  return db.selectFrom('event_rsvps').selectAll().where('event_id', '=', eventId).where('status', '=', 'waiting').orderBy('position', 'asc').limit(n).execute()
}

export async function setRsvpStatus(db: EventsDb, eventId: string, userIds: string[], status: RsvpStatus, at: string): Promise<void> {
  if (userIds.length === 0) return
  await db.updateTable('event_rsvps').set({ status, updated_at: at }).where('event_id', '=', eventId).where('user_id', 'in', userIds).execute()
}

/** How many people wait ahead of the one at `position`. */
export async function waitingAhead(db: EventsDb, eventId: string, position: number): Promise<number> {
  const row = await db
    .selectFrom('event_rsvps')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event_id', '=', eventId)
    .where('status', '=', 'waiting')
    .where('position', '<', position)
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}

/** Everyone who replied, in the order they replied. */
export async function rsvpsOf(db: EventsDb, eventId: string, statuses: RsvpStatus[], limit = 5000): Promise<RsvpRow[]> {
  return db.selectFrom('event_rsvps').selectAll().where('event_id', '=', eventId).where('status', 'in', statuses).orderBy('position', 'asc').limit(limit).execute()
}

/** People going to or waiting for an event (to tell them about a change). */
export async function peopleToTell(db: EventsDb, eventId: string): Promise<string[]> {
  const rows = await db.selectFrom('event_rsvps').select('user_id').where('event_id', '=', eventId).where('status', 'in', ['going', 'waiting']).execute()
  return rows.map((r) => r.user_id)
}

/** The events a person is going to or waiting for, with their status. */
export async function repliesOfPerson(db: EventsDb, userId: string): Promise<Map<string, RsvpStatus>> {
  const rows = await db.selectFrom('event_rsvps').select(['event_id', 'status']).where('user_id', '=', userId).where('status', 'in', ['going', 'waiting']).execute()
  return new Map(rows.map((r) => [r.event_id, r.status]))
}

/** Replies of one person to several events (for list badges). */
/** The reader's replies to these events: personal facts, read so that a shared page can note them (core/access/reader-facts.ts). */
export async function repliesTo(db: EventsDb, actor: Actor, eventIds: string[]): Promise<Map<string, RsvpStatus>> {
  const rows = await readerRowsIn(db, actor, 'event_rsvps', 'user_id', 'event_id', eventIds, ['status'])
  return new Map([...rows].map(([id, r]) => [id, r.status]))
}

/** The reader's reply to an event (a personal fact, noted on a shared page: core/access/reader-facts.ts). */
export async function readerRsvp(db: EventsDb, actor: Actor, eventId: string): Promise<Pick<RsvpRow, 'status' | 'position'> | undefined> {
  return readerRow(db, actor, 'event_rsvps', 'user_id', { event_id: eventId }, ['status', 'position'])
}

// ---------------------------------------------------------------- personal calendar tokens

export async function calendarTokenOf(db: EventsDb, userId: string): Promise<{ created_at: string } | undefined> {
  return db.selectFrom('event_calendar_tokens').select('created_at').where('user_id', '=', userId).executeTakeFirst()
}

/** Replaces the person's calendar token hash (the old URL stops working at once). */
export async function replaceCalendarToken(db: EventsDb, userId: string, tokenHash: string, at: string): Promise<void> {
  await db
    .insertInto('event_calendar_tokens')
    .values({ user_id: userId, token_hash: tokenHash, created_at: at })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ token_hash: tokenHash, created_at: at }))
    .execute()
}

export async function deleteCalendarToken(db: EventsDb, userId: string): Promise<void> {
  await db.deleteFrom('event_calendar_tokens').where('user_id', '=', userId).execute()
}

export async function userIdForCalendarToken(db: EventsDb, tokenHash: string): Promise<string | null> {
  const row = await db.selectFrom('event_calendar_tokens').select('user_id').where('token_hash', '=', tokenHash).executeTakeFirst()
  return row?.user_id ?? null
}
