import type { Db } from '../../core/db/database.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { eventFacts } from './events.policy.ts'
import type { EventRow } from './events.queries.ts'
import type { SessionEntry } from './ical.ts'
import { sessionsOf } from './unconference.queries.ts'
import { gridState } from './unconference.ts'

// The published schedule: a table of rooms × time slots for the page, and the same placements as
// calendar entries. Before publication only organisers see it.

export interface GridCell {
  session: { id: string; title: string; url: string; pitcherName: string } | null
}

export interface GridView {
  published: boolean
  rooms: Array<{ id: string; name: string; capacity: number }>
  rows: Array<{ slot: { id: string; time: string; startsAt: string }; cells: GridCell[] }>
  placedCount: number
}

/** Whether the actor may see the grid now (published, or they organise the event). */
export async function maySeeGrid(db: Db, actor: Actor, event: EventRow): Promise<boolean> {
  return event.schedule_published_at !== null || can(db, actor, 'manage', 'event', eventFacts(event))
}

/** The grid as a table: one row per time slot, one cell per room (null cell = free). */
export async function gridView(db: Db, event: EventRow): Promise<GridView> {
  const state = await gridState(db, event, { votes: false })
  const sessions = new Map(state.sessions.map((s) => [s.id, s]))
  const at = new Map(state.placements.map((p) => [`${p.roomId}|${p.slotId}`, p.sessionId]))
  return {
    published: event.schedule_published_at !== null,
    rooms: state.rooms,
    placedCount: state.placements.length,
    rows: state.slots.map((slot) => ({
      slot: { id: slot.id, time: slot.time, startsAt: slot.startsAt },
      cells: state.rooms.map((room) => {
        const s = sessions.get(at.get(`${room.id}|${slot.id}`) ?? '')
        if (!s) return { session: null }
        return { session: { id: s.id, title: s.title, url: `/events/${event.slug}/sessions/${s.id}`, pitcherName: s.pitcherName } }
      }),
    })),
  }
}

/** Calendar entries of the placed sessions, or null when the actor may not see the grid. */
export async function scheduleEntries(db: Db, actor: Actor, event: EventRow): Promise<SessionEntry[] | null> {
  if (!(await maySeeGrid(db, actor, event))) return null
  const [state, rows] = await Promise.all([gridState(db, event, { votes: false }), sessionsOf(db, event.id)])
  const byId = new Map(rows.map((r) => [r.id, r]))
  const rooms = new Map(state.rooms.map((r) => [r.id, r.name]))
  const slots = new Map(state.slots.map((s) => [s.id, s]))
  return state.placements.flatMap((p) => {
    const s = byId.get(p.sessionId)
    const slot = slots.get(p.slotId)
    if (!s || !slot) return []
    return [{ event, session: { id: s.id, title: s.title, summary: s.summary, sequence: Number(s.sequence), updatedAt: s.updated_at }, room: rooms.get(p.roomId) ?? '', startsAt: slot.startsAt, endsAt: slot.endsAt }]
  })
}
