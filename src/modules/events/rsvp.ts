import { randomBytes } from 'node:crypto'
import type { Db } from '../../core/db/database.ts'
import { now } from '../../core/db/ids.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { hashToken } from '../../core/auth/sessions.ts'
import { AppError, notFound } from '../../core/errors.ts'
import { notify } from '../notifications/notifications.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { eventFacts } from './events.policy.ts'
import { lockEvent, type EventRow } from './events.queries.ts'
import {
  calendarTokenOf,
  deleteCalendarToken,
  findRsvp,
  firstWaiting,
  nextPosition,
  replaceCalendarToken,
  rsvpCounts,
  rsvpsOf,
  setRsvpStatus,
  userIdForCalendarToken,
  waitingAhead,
  writeRsvp,
} from './rsvp.queries.ts'
import type { RsvpStatus } from './events.tables.ts'

// Replies to events: going, not going, and the waiting list. Every change to one event's replies runs
// under that event's row lock (lockEvent), so places are counted and handed out one request at a time:
// ten people replying at once to three places make exactly three going and seven waiting, in order.

/** The person's reply after answering, and their place on the waiting list when they are on it. */
export interface ReplyOutcome {
  status: RsvpStatus
  /** 1 for the first person waiting. */
  waitingPlace: number | null
}

/**
 * Answers "going" or "not going" for the actor, in the caller's transaction. Going takes a place if one
 * is free, else joins the end of the waiting list; not going gives the place to the first person waiting
 * (who is told). Replying again with the same answer changes nothing (a double click keeps one's place).
 */
export async function reply(db: Db, actor: Actor & { userId: string }, eventId: string, answer: 'going' | 'not_going'): Promise<ReplyOutcome> {
  const t = now()
  const event = await lockEvent(db, eventId, t)
  if (!event) throw notFound('Event')
  const facts = eventFacts(event)
  if (!(await can(db, actor, 'view', 'event', facts))) throw notFound('Event')
  if (!(await can(db, actor, 'participate', 'event', facts))) {
    throw new AppError('forbidden', 403, event.cancelled_at ? 'This event was cancelled' : event.ends_at <= t ? 'This event is over' : 'Join the community to reply to its events')
  }
  const existing = await findRsvp(db, event.id, actor.userId)
  const keep = existing && (answer === 'going' ? existing.status !== 'not_going' : existing.status === 'not_going')
  if (existing && keep) return outcome(db, event.id, existing.status, existing.position)

  let status: RsvpStatus = 'not_going'
  if (answer === 'going') {
    const going = (await rsvpCounts(db, [event.id])).get(event.id)?.going ?? 0
    status = event.capacity === null || going < Number(event.capacity) ? 'going' : 'waiting'
  }
  const position = await nextPosition(db, event.id)
  await writeRsvp(db, { event_id: event.id, user_id: actor.userId, status, position, created_at: existing?.created_at ?? t, updated_at: t }, existing !== undefined)
  if (existing?.status === 'going') await promoteWaiting(db, event)
  return outcome(db, event.id, status, position)
}

async function outcome(db: Db, eventId: string, status: RsvpStatus, position: number): Promise<ReplyOutcome> {
  if (status !== 'waiting') return { status, waitingPlace: null }
  return { status, waitingPlace: (await waitingAhead(db, eventId, position)) + 1 }
}

/**
 * Fills free places from the waiting list, in order, and tells each person promoted. The caller holds
 * the event's lock (reply, updateEvent). With no limit any more, everyone waiting is going.
 */
export async function promoteWaiting(db: Db, event: EventRow): Promise<string[]> {
  if (event.cancelled_at) return []
  const going = (await rsvpCounts(db, [event.id])).get(event.id)?.going ?? 0
  const free = event.capacity === null ? 100_000 : Number(event.capacity) - going
  const promoted = await firstWaiting(db, event.id, free)
  if (promoted.length === 0) return []
  const ids = promoted.map((r) => r.user_id)
  await setRsvpStatus(db, event.id, ids, 'going', now())
  await notify(
    db,
    ids.map((userId) => ({ userId, kind: 'event_place' as const, text: `A place opened up: you are now going to “${event.title}”`, url: `/events/${event.slug}`, spaceId: event.space_id })),
  )
  return ids
}

/** The people who replied, for organisers: going and waiting in order, then those not going. */
export async function repliesFor(db: Db, eventId: string): Promise<Record<RsvpStatus, Array<{ id: string; handle: string; name: string; public: boolean; at: string }>>> {
  const rows = await rsvpsOf(db, eventId, ['going', 'waiting', 'not_going'])
  const people = await peopleByIds(db, rows.map((r) => r.user_id))
  const out: Record<RsvpStatus, Array<{ id: string; handle: string; name: string; public: boolean; at: string }>> = { going: [], waiting: [], not_going: [] }
  for (const r of rows) {
    const p = people.get(r.user_id)
    if (p) out[r.status].push({ id: p.id, handle: p.handle, name: p.name, public: p.public, at: r.updated_at })
  }
  return out
}

// ---------------------------------------------------------------- the personal "my events" calendar

/**
 * Makes (or replaces) the person's secret calendar address and returns the secret: shown to them once,
 * stored only as its hash, so a leaked database does not leak anyone's calendar. The old one stops working.
 */
export async function resetCalendarToken(db: Db, userId: string): Promise<string> {
  const token = randomBytes(24).toString('base64url')
  await replaceCalendarToken(db, userId, hashToken(token), now())
  return token
}

export async function removeCalendarToken(db: Db, userId: string): Promise<void> {
  await deleteCalendarToken(db, userId)
}

/** When the person's calendar address was made, or null if they have none. */
export async function calendarTokenCreatedAt(db: Db, userId: string): Promise<string | null> {
  return (await calendarTokenOf(db, userId))?.created_at ?? null
}

/** The person a calendar secret belongs to, or null (wrong, reset, or not one of ours). */
export async function calendarOwner(db: Db, token: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null
  return userIdForCalendarToken(db, hashToken(token))
}
