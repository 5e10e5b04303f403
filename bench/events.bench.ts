/**
 * Events benchmark: 300 events over the year (for the list and the site calendar), one of them with
 * 2,000 people going and waiting, and an unconference with 80 sessions in a grid of 10 rooms × 8 slots
 * (and 3,000 votes). Measures the events list, the full event's page, the grid and /events.ics, anonymous
 * (whole-page cache) and signed in (rendered every time), beside a bare Fastify hello-world. Prints
 * figures; never passes or fails on time.
 *
 *   node bench/events.bench.ts        (or: npm run bench:events)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase, type Database } from '../src/database.ts'
import { migrate } from '../src/core/db/setup.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { renderMarkdown } from '../src/core/markdown/markdown.ts'
import { modules } from '../src/modules.ts'
import { rssMb, start } from './harness.ts'
import { anonymousAndSignedIn, WRK_CONNECTIONS, WRK_DURATION } from './wrk.ts'

const PEOPLE = 2_100
const EVENTS = 300
const RSVPS = 2_000
const ROOMS = 10
const SLOTS = 8

async function chunks<T>(rows: T[], size: number, insert: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size))
}

async function fill(db: Kysely<Database>): Promise<{ full: string; camp: string; token: string }> {
  const now = Date.now()
  const at = (ms: number) => new Date(ms).toISOString()
  const hour = 3_600_000
  await db.transaction().execute(async (trx) => {
    const people = Array.from({ length: PEOPLE }, (_, i) => ({ id: `u${i}`, email: `p${i}@bench.example`, email_verified_at: at(now - 400 * 86_400_000), password_hash: 'x', handle: `bench-${i}`, name: `Bench Person ${i}`, is_admin: 0, suspended_at: null, created_at: at(now - 400 * 86_400_000), updated_at: at(now) }))
    await chunks(people, 100, (part) => trx.insertInto('users').values(part).execute())
    await chunks(people, 100, (part) => trx.insertInto('profiles').values(part.map((p) => ({ user_id: p.id, role: '', bio: '', skills: '', interests: '', listed: 1, hidden_at: null, updated_at: p.updated_at }))).execute())
    const description = 'A morning of show and tells from teams working in the open: what they tried, what worked, and what they would do differently. Tea and coffee from 9:30.'
    const events = Array.from({ length: EVENTS }, (_, i) => {
      const starts = now + (i - 60) * 26 * hour
      return {
        id: `e${i}`,
        slug: `event-${i}`,
        title: `Show and tell ${i}`,
        description,
        description_html: renderMarkdown(description),
        excerpt: description,
        starts_at: at(starts),
        ends_at: at(starts + 3 * hour),
        time_zone: 'Europe/London',
        format: (['in_person', 'online', 'hybrid'] as const)[i % 3]!,
        venue: i % 3 === 1 ? '' : 'Civic Centre, 1 Market Street',
        online_url: i % 3 === 0 ? '' : 'https://meet.example/room',
        capacity: (i % 4 === 0 ? null : 500) as number | null,
        organiser_kind: 'person' as const,
        organiser_id: `u${i % 50}`,
        space_id: null,
        created_by: `u${i % 50}`,
        unconference: 0 as number,
        votes_per_person: 3,
        schedule_published_at: null as string | null,
        notes: '',
        notes_html: '',
        notes_published_at: null,
        cancelled_at: null,
        hidden_at: null,
        sequence: 0,
        activity_at: at(now),
        created_at: at(now - 90 * 86_400_000),
        updated_at: at(now - 90 * 86_400_000),
      }
    })
    // The full one: 1,500 places, 2,000 replies (500 waiting). The camp: an unconference with a grid.
    events[61] = { ...events[61]!, slug: 'full-event', title: 'The full event', capacity: 1_500 }
    events[62] = { ...events[62]!, slug: 'camp', title: 'Open Services Camp', unconference: 1, schedule_published_at: at(now), format: 'in_person', ends_at: at(Date.parse(events[62]!.starts_at) + 10 * hour) }
    await chunks(events, 100, (part) => trx.insertInto('events').values(part).execute())
    const rsvps = Array.from({ length: RSVPS }, (_, i) => ({ event_id: 'e61', user_id: `u${i}`, status: (i < 1_500 ? 'going' : 'waiting') as 'going' | 'waiting', position: i + 1, created_at: at(now - i * 1000), updated_at: at(now - i * 1000) }))
    await chunks(rsvps, 400, (part) => trx.insertInto('event_rsvps').values(part).execute())
    // A reply to every other event too (lists count them), five each.
    const others = events.filter((e) => e.id !== 'e61').flatMap((e, k) => Array.from({ length: 5 }, (_, j) => ({ event_id: e.id, user_id: `u${(k * 5 + j) % PEOPLE}`, status: 'going' as const, position: j + 1, created_at: at(now), updated_at: at(now) })))
    await chunks(others, 400, (part) => trx.insertInto('event_rsvps').values(part).execute())

    const camp = events[62]!
    const rooms = Array.from({ length: ROOMS }, (_, r) => ({ id: `r${r}`, event_id: 'e62', name: `Room ${r + 1}`, capacity: 100 - r * 8, created_at: at(now) }))
    const slots = Array.from({ length: SLOTS }, (_, s) => ({ id: `s${s}`, event_id: 'e62', starts_at: at(Date.parse(camp.starts_at) + s * hour), ends_at: at(Date.parse(camp.starts_at) + s * hour + 45 * 60_000), created_at: at(now) }))
    const sessions = Array.from({ length: ROOMS * SLOTS }, (_, i) => ({ id: `x${i}`, event_id: 'e62', space_id: null, title: `Session ${i}: what we learned about forms`, summary: 'One paragraph about the session and who it is for.', format: 'discussion' as const, pitcher_id: `u${i}`, hidden_at: null, sequence: 0, notes: '', notes_html: '', notes_revision: 0, notes_updated_at: null, notes_hidden_at: null, created_at: at(now - i * 60_000), updated_at: at(now) }))
    await trx.insertInto('event_rooms').values(rooms).execute()
    await trx.insertInto('event_slots').values(slots).execute()
    await chunks(sessions, 100, (part) => trx.insertInto('event_sessions').values(part).execute())
    await chunks(sessions.map((s, i) => ({ session_id: s.id, event_id: 'e62', room_id: `r${i % ROOMS}`, slot_id: `s${Math.floor(i / ROOMS)}`, pitcher_id: s.pitcher_id })), 100, (part) => trx.insertInto('event_schedule').values(part).execute())
    const votes = Array.from({ length: 1_000 }, (_, p) => [0, 1, 2].map((k) => ({ session_id: `x${(p * 7 + k * 13) % sessions.length}`, user_id: `u${p}`, event_id: 'e62', slot: k + 1, created_at: at(now) }))).flat()
    const unique = [...new Map(votes.map((v) => [`${v.session_id}|${v.user_id}`, v])).values()]
    await chunks(unique, 400, (part) => trx.insertInto('event_votes').values(part).execute())
  })
  const { token } = await createSession(db, 'u2050')
  return { full: '/events/full-event', camp: '/events/camp/schedule', token }
}

const dir = mkdtempSync(join(tmpdir(), 'openly-bench-'))
const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
try {
  console.log(`Openly events benchmark: wrk, ${WRK_CONNECTIONS} connections, ${WRK_DURATION}s per page, SQLite, Node ${process.version}`)
  await migrate(database, modules)
  const { full, camp, token } = await fill(wholeDatabase(database))
  console.log(`filled ${EVENTS} events, one with ${RSVPS.toLocaleString('en-GB')} replies, and a grid of ${ROOMS} rooms × ${SLOTS} slots`)
  const app = await start('bench/server.ts', { DATA_DIR: dir })
  const pages: Array<[string, string]> = [
    ['/events (list)', '/events'],
    [`event with ${RSVPS} replies`, full],
    // The same page with five replies: what a page costs must not grow with its replies.
    ['event with 5 replies', '/events/event-100'],
    [`grid ${ROOMS}×${SLOTS}`, camp],
    ['/events.ics', '/events.ics'],
  ]
  await anonymousAndSignedIn(app, pages, `openly_session=${token}`)
  console.log(`server RSS after the run: ${rssMb(app.pid).toFixed(0)} MB`)
  app.proc.kill('SIGTERM')
} finally {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
}
