import { test } from 'node:test'
import assert from 'node:assert/strict'
import { localMorning } from './morning.ts'

test('a digest is due in the person’s own morning, by their local date', () => {
  // 06:30 UTC on Monday 30 November 2026: 06:30 in London (not yet), 07:30 in Paris, 17:30 in Sydney (Monday evening).
  const at = new Date('2026-11-30T06:30:00Z')
  assert.deepEqual(localMorning('Europe/London', at), { day: '2026-11-30', isMorning: false, isMonday: true })
  assert.deepEqual(localMorning('Europe/Paris', at), { day: '2026-11-30', isMorning: true, isMonday: true })
  assert.deepEqual(localMorning('Australia/Sydney', at), { day: '2026-11-30', isMorning: false, isMonday: true })
  // 21:00 UTC on Sunday is 08:00 on Monday in Sydney: their Monday morning, their date.
  assert.deepEqual(localMorning('Australia/Sydney', new Date('2026-11-29T21:00:00Z')), { day: '2026-11-30', isMorning: true, isMonday: true })
  assert.deepEqual(localMorning('America/New_York', new Date('2026-11-29T12:00:00Z')), { day: '2026-11-29', isMorning: true, isMonday: false })
  // An unknown zone reads as London rather than failing the run.
  assert.equal(localMorning('Not/A_Zone', at).day, '2026-11-30')
})
