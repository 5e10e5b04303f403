import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { demoDatabase } from '../../../test/support/demo.ts'
import { testDialects } from '../../../test/support/databases.ts'
import type { DatabaseHandle } from '../../core/db/database.ts'
import { wholeDatabase } from '../../database.ts'

/** The events demo content issue 10 lists: upcoming and past events (one hybrid, one full with people waiting), and an upcoming unconference with pitched sessions and a half-built grid. */
for (const dialect of testDialects()) {
  describe(`events demo content on ${dialect}`, () => {
    let database: DatabaseHandle
    before(async () => {
      database = await demoDatabase(dialect, { trust: { newAccountDays: 3, approvals: 2 } })
    })
    after(async () => database.close())

    test('upcoming and past events: one hybrid, one full with a waiting list in order; past ones list their notes', async () => {
      const db = wholeDatabase(database)
      const at = new Date().toISOString()
      const events = await db.selectFrom('events').selectAll().where('hidden_at', 'is', null).where('cancelled_at', 'is', null).execute()
      const upcoming = events.filter((e) => e.starts_at > at)
      const past = events.filter((e) => e.ends_at < at)
      assert.ok(upcoming.length >= 3 && past.length >= 2, `${upcoming.length} upcoming, ${past.length} past`)
      const hybrid = upcoming.find((e) => e.format === 'hybrid')
      assert.ok(hybrid && hybrid.venue && hybrid.online_url, 'an upcoming hybrid event with a venue and an online link')
      const rsvps = await db.selectFrom('event_rsvps').selectAll().execute()
      const full = upcoming.find((e) => e.capacity !== null && rsvps.filter((r) => r.event_id === e.id && r.status === 'going').length === Number(e.capacity))
      assert.ok(full, 'an upcoming event is full')
      const waiting = rsvps.filter((r) => r.event_id === full.id && r.status === 'waiting').sort((a, b) => Number(a.position) - Number(b.position))
      assert.ok(waiting.length >= 2, 'people wait for a place')
      assert.ok(past.some((e) => e.notes_published_at !== null && e.notes.length > 0), 'a past event has published notes')
      const posts = await db.selectFrom('event_posts').select('event_id').execute()
      assert.ok(posts.some((p) => past.some((e) => e.id === p.event_id)), 'a past event links a post')
    })

    test('an upcoming unconference with pitched, voted sessions and a half-built published grid', async () => {
      const db = wholeDatabase(database)
      const at = new Date().toISOString()
      const unconference = (await db.selectFrom('events').selectAll().where('unconference', '=', 1).execute()).find((e) => e.starts_at > at)
      assert.ok(unconference, 'an upcoming unconference')
      assert.ok(unconference.schedule_published_at, 'its grid is published')
      const sessions = await db.selectFrom('event_sessions').select(['id', 'pitcher_id']).where('event_id', '=', unconference.id).execute()
      const votes = await db.selectFrom('event_votes').select('session_id').where('event_id', '=', unconference.id).execute()
      const rooms = await db.selectFrom('event_rooms').select('id').where('event_id', '=', unconference.id).execute()
      const slots = await db.selectFrom('event_slots').select('id').where('event_id', '=', unconference.id).execute()
      const schedule = await db.selectFrom('event_schedule').selectAll().where('event_id', '=', unconference.id).execute()
      assert.ok(sessions.length >= 6 && votes.length >= sessions.length, `${sessions.length} sessions, ${votes.length} votes`)
      assert.ok(rooms.length >= 2 && slots.length >= 2)
      assert.ok(schedule.length > 0 && schedule.length < Math.min(sessions.length, rooms.length * slots.length), `half built: ${schedule.length} placed of ${sessions.length}`)
      assert.equal(new Set(schedule.map((s) => `${s.slot_id}|${s.pitcher_id}`)).size, schedule.length, 'no pitcher in two rooms at once')
    })
  })
}
