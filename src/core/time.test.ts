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

test('formatDate writes the date Intl gives, in every zone, on days the clocks change too', () => {
  const zones = timeZones()
  const intl = new Map(zones.map((z) => [z, new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: z })]))
  // Every 37 minutes through 2026 (a step that falls on every quarter hour of the day over the year) in a spread of zones,
  // and instants a minute either side of each UTC midnight in every zone: local midnights and clock changes included.
  const start = Date.UTC(2026, 0, 1)
  for (const [i, zone] of zones.entries()) {
    const f = intl.get(zone)!
    for (let t = start + i * 60_000; t < start + 366 * 86_400_000; t += (i % 40 === 0 ? 37 : 24 * 60 + 1) * 60_000) {
      const iso = new Date(t).toISOString()
      assert.equal(formatDate(iso, zone), f.format(new Date(t)), `${iso} in ${zone}`)
    }
  }
  for (const iso of ['0999-12-31T23:00:00.000Z', '1000-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '2026-03-29T00:59:59.000Z', '2026-03-29T01:00:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z', '9999-12-31T23:59:59.000Z']) {
    for (const zone of ['Europe/London', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns']) {
      assert.equal(formatDate(iso, zone), new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: zone }).format(new Date(iso)), `${iso} in ${zone}`)
    }
  }
})
