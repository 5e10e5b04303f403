/**
 * Follows benchmark: 100,000 people follow one project (and a reader follows it, 3 tags and 10 writers, over
 * 20,000 posts). Measures, in one app process working background jobs like production:
 * - the reader's home timeline (/timeline, signed in: rendered every time): req/s, p99 and CPU ms per request
 *   beside a bare Fastify hello-world;
 * - the digest planner walking all 100,000 followers at a London morning (10,000 of them are in London, the
 *   rest in Auckland, where it is evening): its time;
 * - the digest run for those 10,000 people (200 jobs of 50, composed as each reader with access checks, sent
 *   over SMTP to an in-process server): time, CPU and the app process's peak memory.
 * - the fan-out of one new weeknote to the 100,000 followers (10,000 of them told in-app): time to the last notice.
 * Prints figures; never passes or fails on time.
 *
 *   node bench/follows.bench.ts        (or: npm run bench:follows)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase } from '../src/database.ts'
import { migrate, silentLog } from '../src/core/db/setup.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { openJobs } from '../src/core/jobs/plugin.ts'
import { modules } from '../src/modules.ts'
import { planDigests } from '../src/modules/follows/follows.mail.ts'
import { startMailbox } from '../test/support/mailbox.ts'
import { fillDatabase } from './fill.ts'
import { CONNECTIONS, DURATION, cpuMs, measure, print, rssMb, start } from './harness.ts'

const FOLLOWERS = 100_000
const DIGESTS = 10_000

async function chunks<T>(rows: T[], size: number, insert: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size))
}

const dir = mkdtempSync(join(tmpdir(), 'openly-bench-'))
const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
const mailbox = await startMailbox()
try {
  console.log(`Openly follows benchmark: ${CONNECTIONS} connections, ${DURATION}s per page, SQLite, Node ${process.version}`)
  await migrate(database, modules)
  const db = wholeDatabase(database)
  let t0 = Date.now()
  await fillDatabase(db, { people: FOLLOWERS, projects: 1_000, posts: 20_000 })
  // Five fresh weeknotes of the followed project (p0), so today's digests have news.
  const now = Date.now()
  const fresh = Array.from({ length: 5 }, (_, i) => {
    const t = new Date(now - (i + 1) * 3_600_000).toISOString()
    return { id: `fresh${i}`, slug: `fresh-weeknote-${i}`, title: `Fresh weeknote ${i}`, body: 'What we did.', body_html: '<p>What we did.</p>', summary: '', excerpt: 'What we did.', learned: '', status: 'published' as const, published_at: t, author_id: 'u1', project_id: 'p0', organisation_id: null, space_id: null, series_id: null, series_number: null, hidden_at: null, created_at: t, updated_at: t }
  })
  await db.insertInto('posts').values(fresh).execute()
  await db.insertInto('post_authors').values(fresh.map((p) => ({ post_id: p.id, user_id: 'u1', position: 0 }))).execute()
  const at = new Date().toISOString()
  await db.transaction().execute(async (trx) => {
    await chunks(Array.from({ length: FOLLOWERS }, (_, i) => ({ user_id: `u${i}`, subject_kind: 'project', subject_id: 'p0', created_at: at })), 500, (part) => trx.insertInto('follows').values(part).execute())
    // Three tags, each on about a tenth of all posts (a tag's posts are sorted by date after the join: its cost grows with them).
    const tags = ['research', 'maps', 'consent']
    await trx.insertInto('follows').values([...tags.map((tag) => ({ user_id: 'u5', subject_kind: 'tag', subject_id: tag, created_at: at })), ...Array.from({ length: 10 }, (_, i) => ({ user_id: 'u5', subject_kind: 'person', subject_id: `u${100 + i}`, created_at: at }))]).execute()
    // 10,000 in London, where the planner's instant is morning; the rest in Auckland, where it is evening.
    await trx.updateTable('users').set({ time_zone: 'Pacific/Auckland' }).execute()
    await chunks(Array.from({ length: DIGESTS }, (_, i) => `u${i}`), 500, (ids) => trx.updateTable('users').set({ time_zone: 'Europe/London' }).where('id', 'in', ids).execute())
  })
  console.log(`filled ${FOLLOWERS.toLocaleString('en-GB')} people following one project, 20,005 posts, in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  const { token } = await createSession(db, 'u5')

  const helloChild = await start('bench/hello.ts', {})
  const hello = await measure(helloChild, 'hello-world (bare Fastify)', ['/'])
  helloChild.proc.kill('SIGTERM')
  const app = await start('bench/server.ts', { DATA_DIR: dir, SMTP_URL: `${mailbox.url}?pool=true`, JOBS_POLL_MS: '200', BASE_URL: 'http://openly.bench' })
  const timeline = await measure(app, '/timeline (signed in)', ['/timeline'], { cookie: `openly_session=${token}` })
  const following = await measure(app, '/following (signed in)', ['/following'], { cookie: `openly_session=${token}` })
  const project = await measure(app, 'project with 100,000 followers', ['/projects/bench-project-0'], { cookie: `openly_session=${token}` })
  print('signed-in reader (rendered every time)', [timeline, following, project], hello)

  // The planner at 08:00 in London (21:00 in Auckland), enqueued as the cron would; then the digests it plans.
  const jobs = await openJobs(database, { jobs: { run: false, pollMs: 200 } }, silentLog)
  const morning = new Date(`${new Date().toISOString().slice(0, 10)}T08:00:00Z`)
  const settled = async () => Number((await db.selectFrom('follow_mailings').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '!=', 'sending').executeTakeFirstOrThrow()).n)
  const planned = async () => Number((await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('name', '=', 'follows.send-digests').executeTakeFirstOrThrow()).n)
  let peak = rssMb(app.pid)
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(app.pid))), 100)
  const cpu0 = cpuMs(app.pid)
  t0 = Date.now()
  await jobs.enqueue(database.db, planDigests, { at: morning.toISOString() })
  while ((await planned()) < DIGESTS / 50) await new Promise((r) => setTimeout(r, 100))
  const planMs = Date.now() - t0
  while ((await settled()) < DIGESTS) await new Promise((r) => setTimeout(r, 200))
  const runMs = Date.now() - t0
  clearInterval(sampler)
  const cpu = cpuMs(app.pid) - cpu0
  await jobs.close()
  console.log(`\ndigests for ${DIGESTS.toLocaleString('en-GB')} of ${FOLLOWERS.toLocaleString('en-GB')} followers`)
  console.log(`  planner walk over ${FOLLOWERS.toLocaleString('en-GB')} followers, ${DIGESTS / 50} jobs enqueued: ${(planMs / 1000).toFixed(1)} s`)
  console.log(`  planning and sending ${mailbox.messages.length.toLocaleString('en-GB')} digests: ${(runMs / 1000).toFixed(1)} s (${(runMs / DIGESTS).toFixed(2)} ms per person), app CPU ${(cpu / 1000).toFixed(1)} s`)
  console.log(`  app process memory: peak RSS ${peak.toFixed(0)} MB during the run`)

  // Fan-out: a new weeknote of the project the 100,000 follow; 10,000 of them chose "on the site" for posts (an
  // in-app notice each, access checked as each), the rest keep the daily digest (skipped by the jobs, not told).
  await chunks(Array.from({ length: DIGESTS }, (_, i) => `u${i}`), 500, (ids) => db.insertInto('follow_settings').values(ids.map((id) => ({ user_id: id, activity_type: 'post', delivery: 'app' as const, updated_at: at }))).execute())
  const told = async () => Number((await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'followed').executeTakeFirstOrThrow()).n)
  const published = new Date().toISOString()
  const cpu1 = cpuMs(app.pid)
  peak = rssMb(app.pid)
  const sampler2 = setInterval(() => (peak = Math.max(peak, rssMb(app.pid))), 100)
  t0 = Date.now()
  await db.insertInto('posts').values({ ...fresh[0]!, id: 'fanned', slug: 'fanned-weeknote', title: 'Fanned-out weeknote', published_at: published, created_at: published, updated_at: published }).execute()
  await db.insertInto('post_authors').values({ post_id: 'fanned', user_id: 'u1', position: 0 }).execute()
  while ((await told()) < DIGESTS - 1) await new Promise((r) => setTimeout(r, 500))
  const fanMs = Date.now() - t0
  clearInterval(sampler2)
  console.log(`\nfan-out of one weeknote to ${FOLLOWERS.toLocaleString('en-GB')} followers (${(DIGESTS - 1).toLocaleString('en-GB')} told in-app, the rest on digests)`)
  console.log(`  from publishing to the last notice: ${(fanMs / 1000).toFixed(1)} s (${((fanMs / FOLLOWERS) * 1000).toFixed(0)} µs per follower), app CPU ${((cpuMs(app.pid) - cpu1) / 1000).toFixed(1)} s, peak RSS ${peak.toFixed(0)} MB`)
  const again = await measure(app, '/timeline (signed in, after the fan-out)', ['/timeline'], { cookie: `openly_session=${token}` })
  print('signed-in reader after the fan-out', [again], hello)
  app.proc.kill('SIGTERM')
} finally {
  await mailbox.close()
  await database.close()
  rmSync(dir, { recursive: true, force: true })
}
