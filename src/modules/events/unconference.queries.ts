import { readerHas } from '../../core/access/reader-facts.ts'
import type { Actor } from '../../core/access/policy.ts'
import type { EventsDb, EventRoomsTable, EventScheduleTable, EventSessionsTable, EventSlotsTable } from './events.tables.ts'

export type SessionRow = EventSessionsTable
export type RoomRow = EventRoomsTable
export type SlotRow = EventSlotsTable
export type PlacementRow = EventScheduleTable

// ---------------------------------------------------------------- sessions

export async function findSession(db: EventsDb, eventId: string, id: string): Promise<SessionRow | undefined> {
  if (id.length > 100) return undefined
  return db.selectFrom('event_sessions').selectAll().where('id', '=', id).where('event_id', '=', eventId).executeTakeFirst()
}

export async function findSessionById(db: EventsDb, id: string): Promise<SessionRow | undefined> {
  if (id.length > 100) return undefined
  return db.selectFrom('event_sessions').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Every session pitched for an event, oldest first (callers filter hidden ones by the policy). */
export async function sessionsOf(db: EventsDb, eventId: string): Promise<SessionRow[]> {
  return db.selectFrom('event_sessions').selectAll().where('event_id', '=', eventId).orderBy('created_at', 'asc').orderBy('id', 'asc').limit(2000).execute()
}

export async function insertSession(db: EventsDb, row: SessionRow): Promise<void> {
  await db.insertInto('event_sessions').values(row).execute()
}

export async function updateSessionRow(db: EventsDb, id: string, changes: Partial<Omit<SessionRow, 'id'>>): Promise<void> {
  await db.updateTable('event_sessions').set(changes).where('id', '=', id).execute()
}

/** Keeps the sessions' copy of their event's space in step when the event moves. */
export async function moveSessions(db: EventsDb, eventId: string, spaceId: string | null): Promise<void> {
  await db.updateTable('event_sessions').set({ space_id: spaceId }).where('event_id', '=', eventId).execute()
}

/** Raises the calendar SEQUENCE of sessions that moved in the grid. */
export async function bumpSessionSequences(db: EventsDb, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await db.updateTable('event_sessions').set((eb) => ({ sequence: eb('sequence', '+', 1) })).where('id', 'in', ids).execute()
}

/** The event's sessions by id with their space, for moderation and search. */
export async function sessionsByIds(db: EventsDb, ids: string[]): Promise<SessionRow[]> {
  if (ids.length === 0) return []
  return db.selectFrom('event_sessions').selectAll().where('id', 'in', ids).execute()
}

// ---------------------------------------------------------------- votes

/** Votes per session of an event, in one grouped query. */
export async function voteCounts(db: EventsDb, eventId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('event_votes').select(['session_id', (eb) => eb.fn.countAll<number>().as('n')]).where('event_id', '=', eventId).groupBy('session_id').execute()
  return new Map(rows.map((r) => [r.session_id, Number(r.n)]))
}

/** A person's votes in an event: the sessions and the vote numbers they hold. */
export async function votesOf(db: EventsDb, eventId: string, userId: string): Promise<Array<{ session_id: string; slot: number }>> {
  return db.selectFrom('event_votes').select(['session_id', 'slot']).where('event_id', '=', eventId).where('user_id', '=', userId).execute()
}

/**
 * The reader's votes on an event's sessions. Whether they voted at all is a personal fact (core/access/reader-facts.ts):
 * a schedule is shared between the readers who did not; a voter's page is their own.
 */
export async function readerVotesOf(db: EventsDb, actor: Actor, eventId: string): Promise<Array<{ session_id: string; slot: number }>> {
  if (!(await readerHas(db, actor, 'event_votes', 'user_id', { event_id: eventId }))) return []
  return votesOf(db, eventId, actor.userId!)
}

export async function insertVote(db: EventsDb, row: { session_id: string; user_id: string; event_id: string; slot: number; created_at: string }): Promise<void> {
  await db.insertInto('event_votes').values(row).execute()
}

export async function deleteVote(db: EventsDb, sessionId: string, userId: string): Promise<number> {
  const r = await db.deleteFrom('event_votes').where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst()
  return Number(r.numDeletedRows ?? 0)
}

// ---------------------------------------------------------------- rooms, slots, the grid

export async function roomsOf(db: EventsDb, eventId: string): Promise<RoomRow[]> {
  return db.selectFrom('event_rooms').selectAll().where('event_id', '=', eventId).orderBy('capacity', 'desc').orderBy('name', 'asc').execute()
}

export async function insertRoom(db: EventsDb, row: RoomRow): Promise<void> {
  await db.insertInto('event_rooms').values(row).execute()
}

export async function deleteRoom(db: EventsDb, eventId: string, id: string): Promise<number> {
  const r = await db.deleteFrom('event_rooms').where('event_id', '=', eventId).where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows ?? 0)
}

export async function slotsOf(db: EventsDb, eventId: string): Promise<SlotRow[]> {
  return db.selectFrom('event_slots').selectAll().where('event_id', '=', eventId).orderBy('starts_at', 'asc').orderBy('id', 'asc').execute()
}

export async function insertSlot(db: EventsDb, row: SlotRow): Promise<void> {
  await db.insertInto('event_slots').values(row).execute()
}

export async function deleteSlot(db: EventsDb, eventId: string, id: string): Promise<number> {
  const r = await db.deleteFrom('event_slots').where('event_id', '=', eventId).where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows ?? 0)
}

export async function placementsOf(db: EventsDb, eventId: string): Promise<PlacementRow[]> {
  return db.selectFrom('event_schedule').selectAll().where('event_id', '=', eventId).execute()
}

export async function deletePlacements(db: EventsDb, sessionIds: string[]): Promise<void> {
  if (sessionIds.length === 0) return
  await db.deleteFrom('event_schedule').where('session_id', 'in', sessionIds).execute()
}

export async function insertPlacements(db: EventsDb, rows: PlacementRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('event_schedule').values(rows.slice(i, i + 200)).execute()
}
