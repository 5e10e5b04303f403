import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkPlacements, fillByVotes, type GridRoom, type GridSession, type GridSlot, type Placement } from './grid.ts'

const rooms: GridRoom[] = [
  { id: 'small', name: 'Small room', capacity: 10 },
  { id: 'hall', name: 'Main hall', capacity: 100 },
  { id: 'mid', name: 'Middle room', capacity: 40 },
]
const slots: GridSlot[] = [
  { id: 's2', startsAt: '2026-12-01T11:00:00.000Z', label: '11:00' },
  { id: 's1', startsAt: '2026-12-01T10:00:00.000Z', label: '10:00' },
]
const session = (id: string, votes: number, pitcherId = `p-${id}`, createdAt = '2026-11-01T00:00:00.000Z'): GridSession => ({ id, title: `Session ${id}`, pitcherId, pitcherName: `Pitcher ${pitcherId}`, votes, createdAt })

test('fill by votes: the most wanted sessions go to the largest rooms, earliest slot first', () => {
  const sessions = [session('a', 3), session('b', 9), session('c', 5), session('d', 1), session('e', 7)]
  const placed = fillByVotes(rooms, slots, sessions, [])
  const where = Object.fromEntries(placed.map((p) => [p.sessionId, `${p.roomId}@${p.slotId}`]))
  assert.deepEqual(where, { b: 'hall@s1', e: 'hall@s2', c: 'mid@s1', a: 'mid@s2', d: 'small@s1' })
})

test('fill by votes never puts one pitcher in two rooms at once, nor two sessions in one cell', () => {
  // One person pitched the four most wanted sessions: only two slots exist, so two of them must wait.
  const sessions = [session('a', 10, 'ana'), session('b', 9, 'ana'), session('c', 8, 'ana'), session('d', 7, 'ana'), session('e', 1, 'bo')]
  const placed = fillByVotes(rooms, slots, sessions, [])
  const bySlot = new Map<string, string[]>()
  for (const p of placed) bySlot.set(p.slotId, [...(bySlot.get(p.slotId) ?? []), sessions.find((s) => s.id === p.sessionId)!.pitcherId])
  for (const pitchers of bySlot.values()) assert.equal(new Set(pitchers).size, pitchers.length)
  assert.equal(new Set(placed.map((p) => `${p.roomId}|${p.slotId}`)).size, placed.length)
  assert.deepEqual(placed.map((p) => p.sessionId).sort(), ['a', 'b', 'e'])
  assert.deepEqual(checkPlacements(rooms, slots, sessions, placed), {})
})

test('fill by votes keeps the host\'s placements and fills around them', () => {
  const sessions = [session('a', 1), session('b', 9)]
  const byHand: Placement[] = [{ sessionId: 'a', roomId: 'hall', slotId: 's1' }]
  assert.deepEqual(fillByVotes(rooms, slots, sessions, byHand), [{ sessionId: 'b', roomId: 'hall', slotId: 's2' }])
  // A full grid places nothing more.
  const many = Array.from({ length: 8 }, (_, i) => session(`x${i}`, i))
  assert.equal(fillByVotes(rooms, slots, many, []).length, 6)
})

test('a hand-made grid: two sessions in one cell, a pitcher twice at once and unknown cells are each named', () => {
  const sessions = [session('a', 1, 'ana'), session('b', 1, 'bo'), session('c', 1, 'ana'), session('d', 1, 'di')]
  const errors = checkPlacements(rooms, slots, sessions, [
    { sessionId: 'a', roomId: 'hall', slotId: 's1' },
    { sessionId: 'b', roomId: 'hall', slotId: 's1' },
    { sessionId: 'c', roomId: 'mid', slotId: 's1' },
    { sessionId: 'd', roomId: 'attic', slotId: 's1' },
  ])
  assert.deepEqual(Object.keys(errors).sort(), ['b', 'c', 'd'])
  assert.match(errors.b!, /“Session a” and “Session b” are both in Main hall at 10:00/)
  assert.match(errors.c!, /Pitcher ana pitched “Session a” and “Session c”, both at 10:00/)
  assert.match(errors.d!, /Select a room and time/)
})
