import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canonicalZone, describeWhen, isTimeZone, offsetLabel, offsetMinutes, utcToZoned, zonedToUtc } from './zoned.ts'

test('wall-clock time in a zone becomes the right UTC instant, summer and winter', () => {
  assert.deepEqual(zonedToUtc('2026-12-01T10:00', 'Europe/London'), { ok: true, iso: '2026-12-01T10:00:00.000Z' })
  assert.deepEqual(zonedToUtc('2026-07-01T10:00', 'Europe/London'), { ok: true, iso: '2026-07-01T09:00:00.000Z' })
  assert.deepEqual(zonedToUtc('2026-07-01T10:00', 'America/New_York'), { ok: true, iso: '2026-07-01T14:00:00.000Z' })
  assert.deepEqual(zonedToUtc('2026-12-01T10:00', canonicalZone('Asia/Kolkata')!), { ok: true, iso: '2026-12-01T04:30:00.000Z' })
  assert.deepEqual(zonedToUtc('2026-12-01T10:00', 'UTC'), { ok: true, iso: '2026-12-01T10:00:00.000Z' })
})

test('a time the clocks skip is refused; a repeated time is the first one', () => {
  // Clocks go forward at 01:00 UTC on 29 March 2026 in London: 01:30 local never happens.
  assert.deepEqual(zonedToUtc('2026-03-29T01:30', 'Europe/London'), { ok: false, reason: 'gap' })
  // Clocks go back at 02:00 BST on 25 October 2026: 01:30 happens twice, first at 00:30 UTC.
  assert.deepEqual(zonedToUtc('2026-10-25T01:30', 'Europe/London'), { ok: true, iso: '2026-10-25T00:30:00.000Z' })
})

test('nonsense dates, times and zones are refused, never thrown', () => {
  for (const bad of ['', '2026-02-30T10:00', '2026-13-01T10:00', '2026-12-01T24:00', '2026-12-01 10:00', 'tomorrow', '2026-12-01T10:00:00Z'.repeat(3)]) {
    assert.deepEqual(zonedToUtc(bad, 'Europe/London'), { ok: false, reason: 'invalid' }, bad)
  }
  assert.deepEqual(zonedToUtc('2026-12-01T10:00', 'Mars/Olympus_Mons'), { ok: false, reason: 'invalid' })
  assert.equal(isTimeZone('Europe/Berlin'), true)
  assert.equal(isTimeZone('UTC'), true)
  assert.equal(isTimeZone('Nowhere/Else'), false)
  assert.equal(canonicalZone('utc'), 'UTC')
  assert.equal(canonicalZone('Etc/UTC'), 'UTC')
  assert.equal(canonicalZone('europe/london'), 'Europe/London')
  assert.equal(canonicalZone('Nowhere/Else'), null)
  assert.equal(canonicalZone("'; drop table events; --"), null)
})

test('UTC back to the zone for form values; offsets and the reading sentence name the zone', () => {
  assert.equal(utcToZoned('2026-07-01T09:00:00.000Z', 'Europe/London'), '2026-07-01T10:00')
  assert.equal(offsetMinutes('Asia/Kolkata', Date.parse('2026-12-01T00:00:00Z')), 330)
  assert.equal(offsetLabel(330), 'UTC+5:30')
  assert.equal(offsetLabel(-180), 'UTC-3')
  assert.equal(offsetLabel(0), 'UTC+0')
  const when = describeWhen('2026-12-01T09:00:00.000Z', '2026-12-01T11:30:00.000Z', 'Europe/Berlin')
  assert.equal(when.text, 'Tuesday 1 December 2026, 10:00 to 12:30 Berlin time (UTC+1)')
  const long = describeWhen('2026-12-01T09:00:00.000Z', '2026-12-02T15:00:00.000Z', 'Europe/London')
  assert.equal(long.text, '09:00 on Tuesday 1 December 2026 to 15:00 on Wednesday 2 December 2026 London time (UTC+0)')
})
