/**
 * Practical actions, reading list, digests and feeds in: 2,000 people with 50,000 practical actions (one
 * person with 5,000), 3,000 reading-list links, 1,000 registered feeds. Measures, beside a bare Fastify
 * hello-world and the home page in the same run:
 * - /actions, a busy profile, /reading and a tag, /digests — anonymous (whole-page cache) and signed in;
 * - logging a practical action (a form POST with its CSRF token, answered 303) against the home page;
 * - a polling round of the 1,000 feeds from a local server (all new, then all 304), time and peak memory;
 * - a digest sent to BENCH_DIGEST_RECIPIENTS people (10,000) through a local SMTP server, time and peak memory.
 * Prints figures; never passes or fails on time. `BENCH_PARTS` (comma-separated: pages, post, poll, digest;
 * all by default) runs only some parts, e.g. `BENCH_PARTS=digest` for the 10,000-recipient digest alone.
 *
 *   node bench/syndication.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import type { Kysely } from 'kysely'
import { SMTPServer } from 'smtp-server'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase, type Database } from '../src/database.ts'
import { migrate } from '../src/core/db/setup.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { registerAllPolicies } from '../src/core/access/spaces.policy.ts'
import { modules } from '../src/modules.ts'
import { pollDueFeeds } from '../src/modules/syndication/poll.ts'
import { sendBatch } from '../src/modules/digests/send.ts'
import { CONNECTIONS, DURATION, cpuMs, measure, print, rssMb, start, type Figures } from './harness.ts'

const PEOPLE = 2_000
const ACTIONS = 50_000
const LINKS = 3_000
const FEEDS = 1_000
const RECIPIENTS = Number(process.env.BENCH_DIGEST_RECIPIENTS ?? 10_000)
const PARTS = new Set((process.env.BENCH_PARTS ?? 'pages,post,poll,digest').split(',').map((p) => p.trim()))

async function chunks<T>(rows: T[], size: number, insert: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size))
}

async function fill(db: Kysely<Database>, feedBase: string): Promise<string> {
  const now = Date.now()
  const at = (ms: number) => new Date(ms).toISOString()
  const people = Math.max(PEOPLE, RECIPIENTS)
  await db.transaction().execute(async (trx) => {
    const rows = Array.from({ length: people }, (_, i) => ({ id: `u${i}`, email: `p${i}@bench.example`, email_verified_at: at(now - 400 * 86_400_000), password_hash: 'x', handle: `bench-${i}`, name: `Bench Person ${i}`, is_admin: 0, suspended_at: null, created_at: at(now - 400 * 86_400_000), updated_at: at(now) }))
    await chunks(rows, 100, (part) => trx.insertInto('users').values(part).execute())
    await chunks(rows, 100, (part) => trx.insertInto('profiles').values(part.map((p) => ({ user_id: p.id, role: '', bio: '', skills: '', interests: '', listed: 1, hidden_at: null, updated_at: p.updated_at }))).execute())
    // u0 is busy: 5,000 of the actions are theirs.
    const actions = Array.from({ length: ACTIONS }, (_, i) => ({ id: `a${i}`, author_id: i < 5_000 ? 'u0' : `u${i % PEOPLE}`, text: `Shared our research plan with the team next door, step ${i}`, url: i % 3 ? '' : `https://example.org/step/${i}`, project_id: null, space_id: null, hidden_at: null, created_at: at(now - i * 60_000) }))
    await chunks(actions, 200, (part) => trx.insertInto('practical_actions').values(part).execute())
    const links = Array.from({ length: LINKS }, (_, i) => ({ id: `l${i}`, slug: `link-${i}`, url: `https://example.org/read/${i}`, title: `A good read about open working, number ${i}`, summary: 'Why this matters, in a member’s own words: two sentences on what it says and who should read it.', added_by: `u${i % PEOPLE}`, space_id: null, hidden_at: null, created_at: at(now - i * 3_600_000), updated_at: at(now - i * 3_600_000) }))
    await chunks(links, 200, (part) => trx.insertInto('reading_items').values(part).execute())
    await chunks(links.flatMap((l, i) => [{ item_id: l.id, tag: ['procurement', 'design', 'open-data', 'delivery'][i % 4]!, created_at: l.created_at }]), 400, (part) => trx.insertInto('reading_item_tags').values(part).execute())
    const feeds = Array.from({ length: FEEDS }, (_, i) => ({ id: `f${i}`, url: `${feedBase}/feed/${i}.atom`, owner_id: `u${i % PEOPLE}`, project_id: null, title: '', site_url: '', status: 'active' as const, auto_import: 0, etag: null, last_modified: null, failures: 0, last_error: '', polled_at: null, next_poll_at: at(now - 1000), created_at: at(now), updated_at: at(now) }))
    await chunks(feeds, 200, (part) => trx.insertInto('syndicated_feeds').values(part).execute())
    await trx.insertInto('digests').values({ id: 'd1', slug: 'bench-digest', title: 'Bench digest', intro: 'Hello.', intro_html: '<p>Hello.</p>', editor_id: 'u0', space_id: null, published_at: at(now), created_at: at(now), updated_at: at(now) }).execute()
    await trx.insertInto('digest_items').values(Array.from({ length: 8 }, (_, i) => ({ digest_id: 'd1', position: i, kind: 'reading' as const, ref_id: `l${i}` }))).execute()
  })
  return (await createSession(db, 'u1999')).token
}

/** Peak RSS of this process while `work` runs (sampled every 20 ms), and its time. */
async function peak<T>(work: () => Promise<T>): Promise<{ ms: number; peakMb: number; result: T }> {
  let top = process.memoryUsage().rss
  const timer = setInterval(() => (top = Math.max(top, process.memoryUsage().rss)), 20)
  const t0 = performance.now()
  const result = await work()
  const ms = performance.now() - t0
  clearInterval(timer)
  return { ms, peakMb: Math.max(top, process.memoryUsage().rss) / 1024 / 1024, result }
}

/** The pages, anonymous and signed in, and logging an action, each beside hello-world. */
async function pageFigures(dir: string, token: string): Promise<void> {
  const helloChild = await start('bench/hello.ts', {})
  const hello = await measure(helloChild, 'hello-world (bare Fastify)', ['/'])
  helloChild.proc.kill('SIGTERM')
  const app = await start('bench/server.ts', { DATA_DIR: dir, JOBS_RUN: 'false' })
  const cookie = `openly_session=${token}`
  const pages: Array<[string, string]> = [
    ['/ (home page)', '/'],
    ['/actions', '/actions'],
    ['profile with 5,000 actions', '/people/bench-0'],
    ['/reading', '/reading'],
    ['/reading?tag=design', '/reading?tag=design'],
    ['/digests', '/digests'],
  ]
  const anon: Figures[] = []
  const member: Figures[] = []
  // `BENCH_PARTS=post` measures only the signed-in home page beside the POST.
  const shown = PARTS.has('pages') ? pages : pages.slice(0, 1)
  if (PARTS.has('pages')) for (const [name, path] of shown) anon.push(await measure(app, `${name} (anonymous)`, [path]))
  for (const [name, path] of shown) member.push(await measure(app, `${name} (signed in)`, [path], { cookie }))
  if (PARTS.has('pages')) print('anonymous readers (whole-page cache)', anon, hello)
  print('signed-in reader (rendered every time)', member, hello)

  // Logging an action: the form's POST with a real CSRF token (one per session), as the browser sends it.
  if (PARTS.has('post')) {
    const form = await fetch(`http://127.0.0.1:${app.port}/actions`, { headers: { cookie } })
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!
    // The CSRF secret's cookie (core/auth/cookies.ts: openly_csrf over http): without it every POST is a 403.
    const csrfCookie = (form.headers.getSetCookie().find((c) => /^(__Host-)?openly_csrf=/.test(c)) ?? '').split(';')[0]!
    if (!csrfCookie) throw new Error('GET /actions set no CSRF cookie: the POST figures would measure refusals')
    const before = cpuMs(app.pid)
    const post = await autocannon({ url: `http://127.0.0.1:${app.port}`, connections: CONNECTIONS, duration: DURATION, requests: [{ method: 'POST', path: '/actions', headers: { cookie: `${cookie}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(csrf)}&text=Wrote+up+our+retro&back=%2Factions` }] })
    const posted = post.requests.total || 1
    console.log(`\nlogging a practical action (POST, answered 303): ${post.requests.average.toFixed(0)} req/s, p50 ${post.latency.p50} ms, p99 ${post.latency.p99} ms, ${((cpuMs(app.pid) - before) / posted).toFixed(3)} CPU ms/req, answers ${JSON.stringify(post.statusCodeStats)}; home page signed in: ${member[0]!.rps.toFixed(0)} req/s, ${member[0]!.cpuPerReq.toFixed(3)} CPU ms/req`)
  }
  console.log(`server RSS after the pages: ${rssMb(app.pid).toFixed(0)} MB`)
  await new Promise((resolve) => (app.proc.once('exit', resolve), app.proc.kill('SIGTERM')))
}

// A local blog server: every feed has three entries with an ETag; a second read answers 304.
const atom = (i: number) => `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog ${i}</title><id>urn:b${i}</id><updated>2026-01-01T00:00:00Z</updated>${[1, 2, 3].map((n) => `<entry><id>urn:b${i}:${n}</id><title>Post ${n}</title><link href="https://blog${i}.example/${n}"/><updated>2026-01-0${n}T00:00:00Z</updated><content type="html">&lt;p&gt;Hello ${n}&lt;/p&gt;</content></entry>`).join('')}</feed>`
const blogs = createServer((req, res) => {
  if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { etag: '"v1"' }).end()
  res.writeHead(200, { 'content-type': 'application/atom+xml', etag: '"v1"' }).end(atom(Number(/(\d+)/.exec(req.url ?? '')?.[1] ?? 0)))
})
await new Promise<void>((r) => blogs.listen(0, '127.0.0.1', r))
let mails = 0
// No reverse DNS of each client: that is the server's cost, not the app's.
const smtp = new SMTPServer({ authOptional: true, disableReverseLookup: true, disabledCommands: ['STARTTLS'], logger: false, onData(stream, _session, done) { stream.resume(); stream.on('end', () => (mails++, done())) } })
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r))
// Pooled, as README advises for digests (thousands of messages): connections are kept between messages.
const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}/?pool=true`

const dir = mkdtempSync(join(tmpdir(), 'openly-bench-'))
const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
try {
  console.log(`Openly practical actions, reading list, digests and feeds in: ${CONNECTIONS} connections, ${DURATION}s per page, SQLite, Node ${process.version}`)
  await migrate(database, modules)
  const token = await fill(wholeDatabase(database), `http://127.0.0.1:${(blogs.address() as AddressInfo).port}`)
  console.log(`filled ${ACTIONS.toLocaleString('en-GB')} practical actions, ${LINKS.toLocaleString('en-GB')} reading-list links, ${FEEDS} feeds, ${Math.max(PEOPLE, RECIPIENTS).toLocaleString('en-GB')} people`)
  if (PARTS.has('pages') || PARTS.has('post')) await pageFigures(dir, token)
  // Background work, in this process over the same database.
  registerAllPolicies(modules)
  const config = loadConfig({}, { dataDir: dir, sqlitePath: join(dir, 'openly.sqlite'), smtpUrl, logMail: false, demoContent: false, sessionSecret: 'bench-secret-bench-secret-bench-secret', syndicationAllowPrivate: true, jobs: { run: false, pollMs: 1000 } })
  if (PARTS.has('poll')) {
    const first = await peak(() => pollDueFeeds(database.db, { allowPrivate: true }, Date.now(), FEEDS))
    console.log(`\npolling round, ${FEEDS} feeds, all new (3 entries each): ${first.ms.toFixed(0)} ms (${(first.ms / FEEDS).toFixed(2)} ms a feed), peak RSS ${first.peakMb.toFixed(0)} MB, ${JSON.stringify(first.result)}`)
    await wholeDatabase(database).updateTable('syndicated_feeds').set({ next_poll_at: new Date(Date.now() - 1000).toISOString() }).execute()
    const second = await peak(() => pollDueFeeds(database.db, { allowPrivate: true }, Date.now(), FEEDS))
    console.log(`polling round, ${FEEDS} feeds, all unchanged (304): ${second.ms.toFixed(0)} ms (${(second.ms / FEEDS).toFixed(2)} ms a feed), peak RSS ${second.peakMb.toFixed(0)} MB, ${JSON.stringify(second.result)}`)
  }
  if (PARTS.has('digest')) await digestRun(database, config)
} finally {
  await database.close()
  blogs.close()
  smtp.close()
  rmSync(dir, { recursive: true, force: true })
}
/**
 * An editor's digest to RECIPIENTS subscribers, sent batch after batch of 50 as its jobs would (each recipient's
 * picks read again as them, each mail claimed, sent with its Message-ID and marked), in this process: wall time,
 * CPU of this process and its peak RSS.
 */
async function digestRun(database: ReturnType<typeof openDatabase>, config: ReturnType<typeof loadConfig>): Promise<void> {
  const db = wholeDatabase(database)
  await chunks(Array.from({ length: RECIPIENTS }, (_, i) => ({ user_id: `u${i}`, subscribed_at: new Date().toISOString() })), 400, (part) => db.insertInto('digest_subscribers').values(part).execute())
  await chunks(Array.from({ length: RECIPIENTS }, (_, i) => ({ digest_id: 'd1', user_id: `u${i}`, state: 'pending' as const, sent_at: null })), 400, (part) => db.insertInto('digest_deliveries').values(part).execute())
  const sender = await buildApp(config, database, { logger: false })
  await sender.ready()
  try {
    const ids = Array.from({ length: RECIPIENTS }, (_, i) => `u${i}`).sort()
    console.log(`
digest run: ${RECIPIENTS.toLocaleString('en-GB')} recipients, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
    const cpu0 = process.cpuUsage()
    const run = await peak(async () => {
      for (let i = 0; i < ids.length; i += 50) await sendBatch(sender, 'd1', ids.slice(i, i + 50))
    })
    const cpu = process.cpuUsage(cpu0)
    const cpuMsTotal = (cpu.user + cpu.system) / 1000
    const states = await db.selectFrom('digest_deliveries').select((eb) => ['state', eb.fn.countAll<number>().as('n')]).where('digest_id', '=', 'd1').groupBy('state').execute()
    console.log(`digest to ${RECIPIENTS.toLocaleString('en-GB')} people in batches of 50: ${(run.ms / 1000).toFixed(1)} s (${(run.ms / RECIPIENTS).toFixed(2)} ms a recipient), ${(cpuMsTotal / 1000).toFixed(1)} s CPU (${(cpuMsTotal / RECIPIENTS).toFixed(2)} ms a recipient), peak RSS ${run.peakMb.toFixed(0)} MB, ${mails} mails received, deliveries ${JSON.stringify(Object.fromEntries(states.map((r) => [r.state, Number(r.n)])))}, load average after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  } finally {
    await sender.close()
  }
}
