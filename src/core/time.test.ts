import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatDate, formatDateTime, fromZonedLocal, isTimeZone, timeZones, toZonedLocal } from './time.ts'

test('times are shown in the reader’s zone, the zone named', () => {
  const winter = '2026-11-23T09:30:00.000Z'
  const summer = '2026-07-01T09:30:00.000Z'
  assert.equal(formatDateTime(winter, 'Europe/London'), '23 November 2026 at 09:30 GMT')
  assert.equal(formatDateTime(summer, 'Europe/London'), '1 July 2026 at 10:30 BST')
  assert.equal(formatDateTime(winter, 'Europe/Berlin'), '23 November 2026 at 10:30 CET')
  assert.match(formatDateTime(winter, 'America/New_York'), /^23 November 2026 at 04:30 (EST|GMT-5)$/)
  assert.equal(formatDateTime(winter, 'UTC'), '23 November 2026 at 09:30 UTC')
  // The day it was where the reader is.
  assert.equal(formatDate('2026-11-23T23:30:00.000Z', 'Europe/Helsinki'), '24 November 2026')
  assert.equal(formatDate('2026-11-23T23:30:00.000Z', 'Europe/London'), '23 November 2026')
  // An unknown zone falls back to the default rather than throwing.
  assert.equal(formatDateTime(winter, 'Mars/Olympus'), '23 November 2026 at 09:30 GMT')
  assert.equal(formatDate(null), '')
})

test('a time written in a zone is stored in UTC, and read back the same', () => {
  assert.equal(fromZonedLocal('2026-11-23T09:30', 'Europe/London'), '2026-11-23T09:30:00.000Z')
  assert.equal(fromZonedLocal('2026-07-01T09:30', 'Europe/London'), '2026-07-01T08:30:00.000Z')
  assert.equal(fromZonedLocal('2026-07-01T09:30', 'Europe/Stockholm'), '2026-07-01T07:30:00.000Z')
  assert.equal(fromZonedLocal('2026-11-23T09:30', 'Asia/Kolkata'), '2026-11-23T04:00:00.000Z')
  for (const zone of ['Europe/London', 'Europe/Berlin', 'America/Los_Angeles', 'Australia/Adelaide', 'Pacific/Chatham']) {
    for (const iso of ['2026-01-15T12:00:00.000Z', '2026-06-15T23:45:00.000Z']) assert.equal(fromZonedLocal(toZonedLocal(iso, zone), zone), iso, `${zone} ${iso}`)
  }
  // The spring change skips 01:00–02:00 in London: that time does not exist.
  assert.equal(fromZonedLocal('2026-03-29T01:30', 'Europe/London'), null)
  // The autumn change repeats 01:00–02:00: the first of the two.
  assert.equal(fromZonedLocal('2026-10-25T01:30', 'Europe/London'), '2026-10-25T00:30:00.000Z')
  assert.equal(fromZonedLocal('not a time', 'Europe/London'), null)
})

test('the zones offered are the IANA zones Node knows', () => {
  assert.ok(timeZones().includes('Europe/London'))
  assert.ok(timeZones().length > 300)
  assert.ok(isTimeZone('Europe/Vilnius'))
  assert.ok(!isTimeZone('Europe/Atlantis'))
})
