import { createHash } from 'node:crypto'

/**
 * The schedule grid's rules, as pure functions over plain values (no database): where "fill by votes"
 * puts sessions, and whether a hand-made grid breaks a rule. The database's unique keys enforce the
 * same two rules again (one session per room and slot; one session per pitcher and slot).
 */

export interface GridRoom {
  id: string
  name: string
  capacity: number
}

export interface GridSlot {
  id: string
  startsAt: string
  label: string
}

export interface GridSession {
  id: string
  title: string
  pitcherId: string
  pitcherName: string
  votes: number
  createdAt: string
}

export interface Placement {
  sessionId: string
  roomId: string
  slotId: string
}

/**
 * Places the most wanted unplaced sessions into the free cells of the largest rooms: sessions by votes
 * (then the earliest pitched), cells by room size (largest first), then by time. A session goes to the
 * first free cell in a slot where its pitcher is not already on; sessions that fit nowhere stay unplaced.
 * Existing placements are kept (the host's hand-made choices). Returns only the new placements.
 */
export function fillByVotes(rooms: GridRoom[], slots: GridSlot[], sessions: GridSession[], placed: Placement[]): Placement[] {
  const taken = new Set(placed.map((p) => `${p.roomId}|${p.slotId}`))
  const pitcherOf = new Map(sessions.map((s) => [s.id, s.pitcherId]))
  const busy = new Set(placed.map((p) => `${pitcherOf.get(p.sessionId)}|${p.slotId}`))
  const done = new Set(placed.map((p) => p.sessionId))
  const cells = [...rooms]
    .sort((a, b) => b.capacity - a.capacity || a.name.localeCompare(b.name))
    .flatMap((room) => [...slots].sort((a, b) => a.startsAt.localeCompare(b.startsAt)).map((slot) => ({ roomId: room.id, slotId: slot.id })))
  const wanted = sessions.filter((s) => !done.has(s.id)).sort((a, b) => b.votes - a.votes || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
  const out: Placement[] = []
  for (const session of wanted) {
    const cell = cells.find((c) => !taken.has(`${c.roomId}|${c.slotId}`) && !busy.has(`${session.pitcherId}|${c.slotId}`))
    if (!cell) continue
    taken.add(`${cell.roomId}|${cell.slotId}`)
    busy.add(`${session.pitcherId}|${cell.slotId}`)
    out.push({ sessionId: session.id, ...cell })
  }
  return out
}

/**
 * Checks a whole grid as the host submitted it (session id → cell or nothing). Returns an error per
 * offending session, keyed by the session id: an unknown cell, two sessions in one room and slot, or a
 * pitcher in two places at once. The first session in a cell keeps it; the later ones get the message.
 */
export function checkPlacements(rooms: GridRoom[], slots: GridSlot[], sessions: GridSession[], placements: Placement[]): Record<string, string> {
  const roomById = new Map(rooms.map((r) => [r.id, r]))
  const slotById = new Map(slots.map((s) => [s.id, s]))
  const sessionById = new Map(sessions.map((s) => [s.id, s]))
  const cellOwner = new Map<string, GridSession>()
  const pitcherAt = new Map<string, GridSession>()
  const errors: Record<string, string> = {}
  for (const p of placements) {
    const session = sessionById.get(p.sessionId)
    const room = roomById.get(p.roomId)
    const slot = slotById.get(p.slotId)
    if (!session) continue
    if (!room || !slot) {
      errors[p.sessionId] = `Select a room and time for “${session.title}” from the list`
      continue
    }
    const cell = `${room.id}|${slot.id}`
    const other = cellOwner.get(cell)
    if (other) {
      errors[p.sessionId] = `“${other.title}” and “${session.title}” are both in ${room.name} at ${slot.label}: choose another place for one of them`
      continue
    }
    const clash = pitcherAt.get(`${session.pitcherId}|${slot.id}`)
    if (clash) {
      errors[p.sessionId] = `${session.pitcherName} pitched “${clash.title}” and “${session.title}”, both at ${slot.label}: choose another time for one of them`
      continue
    }
    cellOwner.set(cell, session)
    pitcherAt.set(`${session.pitcherId}|${slot.id}`, session)
  }
  return errors
}

/**
 * The grid's version: a digest of its rooms, time slots and placements, which the host's form carries so that a
 * save made from an older grid is refused (optimistic concurrency, decision 0038). Sessions pitched meanwhile do
 * not change it (attendees pitch all day; a new session is simply not placed); anything that moves, adds or removes
 * a cell or a placement does, whoever did it (another host's save, fill by votes, a removed room, a hidden session).
 */
export function gridVersion(grid: { rooms: GridRoom[]; slots: Array<GridSlot & { endsAt?: string }>; placements: Placement[] }): string {
  const lines = [
    ...grid.rooms.map((r) => `r|${r.id}|${r.capacity}`),
    ...grid.slots.map((s) => `s|${s.id}|${s.startsAt}|${s.endsAt ?? ''}`),
    ...grid.placements.map((p) => `p|${p.sessionId}|${p.roomId}|${p.slotId}`),
  ].sort()
  return createHash('sha256').update(lines.join('\n')).digest('base64url').slice(0, 22)
}
