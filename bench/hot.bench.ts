/**
 * Hot paths (issue 12) with wrk: every page beside a hello-world measured in the same seconds, CPU per request,
 * RSS; anonymous (page cache) and signed in (shared by readers with the same answers, decision 0039), the API, feeds, search and the sitemap.
 *
 *   node bench/hot.bench.ts                         # SQLite, 100,000 posts
 *   BENCH_POSTS=1000000 node bench/hot.bench.ts     # a million
 *   BENCH_DATABASE_URL=postgres://… node bench/hot.bench.ts
 *   BENCH_ONLY="search|sitemap" node bench/hot.bench.ts   # only rows whose name matches
 *   BENCH_SERVER_NODE_OPTIONS=--cpu-prof node bench/hot.bench.ts   # profiles in the working directory
 *   BENCH_DATA_DIR=/tmp/openly-100k node bench/hot.bench.ts   # keep the filled SQLite database there, and reuse it
 *   BENCH_HEAP_SNAPSHOTS="admin" node bench/hot.bench.ts   # heap snapshots (in the data folder) at start and after matching rows
 *   BENCH_SMAPS=/tmp/smaps node bench/hot.bench.ts   # the server's /proc/<pid>/smaps at the end, copied there
 *
 * Each row ends with the server's RSS (VmRSS) and high-water mark (VmHWM) from /proc, and its V8 heap (used/total) and
 * memory outside the heap that V8 is told of (external, Buffers included) from process.memoryUsage(), over IPC.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase } from '../src/database.ts'
import { migrate } from '../src/core/db/setup.ts'
import { modules } from '../src/modules.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { createSpace, setMembership } from '../src/core/access/spaces.ts'
import { bulkLoad, fillDatabase, filledAlready } from './fill.ts'
import { fillReaderPages } from './reader-pages.fill.ts'
import { memoryMap, memoryOf, peakRssMb, SERVER_ENV, SERVER_NODE_FLAGS, start, type Child } from './harness.ts'
import { beside, printHeading, printRow, wrk, type Row } from './wrk.ts'

const POSTS = Number(process.env.BENCH_POSTS ?? 100_000)
const ONLY = process.env.BENCH_ONLY
const SNAPSHOTS = process.env.BENCH_HEAP_SNAPSHOTS
const keep = process.env.BENCH_DATA_DIR
const dir = keep ?? mkdtempSync(join(tmpdir(), 'openly-hot-'))
const databaseUrl = process.env.BENCH_DATABASE_URL
const reuse = Boolean(keep && !databaseUrl && existsSync(join(dir, 'openly.sqlite')))
if (keep) mkdirSync(dir, { recursive: true })
const database = openDatabase({ databaseUrl, sqlitePath: join(dir, 'openly.sqlite') })
const stop = async (child: Child) => {
  child.proc.kill('SIGTERM')
  await new Promise((r) => child.proc.once('exit', r))
}

try {
  await migrate(database, modules)
  const t = Date.now()
  const cpu = process.cpuUsage()
  const filled = reuse
    ? filledAlready(POSTS, await createSession(wholeDatabase(database), 'u1'))
    : await bulkLoad(database, async () => {
        let f = await fillDatabase(wholeDatabase(database), { people: 10_000, projects: 1_000, posts: Math.min(POSTS, 100_000), timeline: POSTS })
        for (let n = f.posts; n < POSTS; n = f.posts) f = await fillDatabase(wholeDatabase(database), { people: 0, projects: 0, posts: Math.min(100_000, POSTS - n), timeline: POSTS }, f)
        return f
      })
  const { user, system } = process.cpuUsage(cpu)
  console.log(`Openly hot paths: ${filled.posts.toLocaleString('en')} posts, 10,000 people, 1,000 projects, ${databaseUrl ? 'PostgreSQL' : 'SQLite'}, Node ${process.version}; ${reuse ? 'reused' : 'filled'} in ${((Date.now() - t) / 1000).toFixed(0)} s (${((user + system) / 1e6).toFixed(0)} s of CPU)`)

  // A member of a members-only space is served the pages of their standing (decision 0023: rendered once per
  // standing and write); a platform admin sees hidden content and shares pages with admins (decision 0039).
  const db = wholeDatabase(database)
  const circle = (await db.selectFrom('spaces').select('id').where('path', '=', '/communities/bench-circle').executeTakeFirst())?.id ?? (await createSpace(db, { kind: 'community', visibility: 'members', name: 'Bench circle', path: '/communities/bench-circle' }))
  await setMembership(db, circle, 'u2', 'member', 'active')
  await db.updateTable('users').set({ is_admin: 1 }).where('id', '=', 'u3').execute()
  const member = { cookie: `openly_session=${(await createSession(db, 'u2')).token}` }
  const admin = { cookie: `openly_session=${(await createSession(db, 'u3')).token}` }
  // On the team of bench-project-19 (fill.ts puts u57–u59 there), one of the 50 project pages measured: a team member
  // shares their own project’s page with its team (the edit link), the others with readers on no team (decisions 0028, 0039).
  const more = await fillReaderPages(db)
  // On no project's team (fill.ts puts u0–u2999 on teams): /actions offers them no projects, so it is shared (decision 0034).
  const noTeam = { cookie: `openly_session=${(await createSession(db, 'u5000')).token}` }
  const teamMember = { cookie: `openly_session=${(await createSession(db, 'u57')).token}` }

  const hello = await start('bench/hello.ts', {})
  const app = await start('bench/server.ts', { DATA_DIR: dir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) })
  const cookie = { cookie: `openly_session=${filled.memberSessionToken}` }
  // The first index request cuts posts and people into ranges (later ones reuse them): its time is that cost.
  const cutAt = performance.now()
  const index = await (await fetch(`http://127.0.0.1:${app.port}/sitemap.xml`)).text()
  const cutMs = performance.now() - cutAt
  const parts = [...index.matchAll(/<loc>[^<]*?(\/sitemap\.xml\?[^<]+)<\/loc>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'))
  const postPart = parts.find((p) => p.includes('part=posts'))!
  console.log(`sitemap: ${parts.length} parts (${parts.filter((p) => p.includes('part=posts')).length} of posts); the first index, which cuts the ranges, took ${cutMs.toFixed(0)} ms`)

  // Searches nobody asked before: a `type` the route declares but does not know changes the page cache's key, not
  // the work (unknown types are ignored), so each request is a miss: 100,000 paths, each run continuing where the last
  // stopped (wrk.ts), so that no path is asked twice (the page cache keeps a page asked twice, and compresses it; the
  // three rows ask about 30,000 at 1,000 a second). One connection only: wrk's two threads would each walk the list from the same place.
  const uncached = Array.from({ length: 100_000 }, (_, i) => `${filled.searchPaths[i % filled.searchPaths.length]}&type=bench${i}`)
  const pages: Array<[string, string[], Record<string, string>, number?]> = [
    ['home / (anonymous, cached)', ['/'], {}],
    ['/posts (anonymous, cached)', ['/posts'], {}],
    ['project page (anonymous, cached)', filled.projectPaths, {}],
    ['/feed.atom (anonymous, cached)', ['/feed.atom'], {}],
    ['/api/v1/posts (anonymous)', ['/api/v1/posts'], {}],
    ['/search?q=… (anonymous, cached)', filled.searchPaths, {}],
    ['/sitemap.xml index (anonymous, cached)', ['/sitemap.xml'], {}],
    // As browsers and most feed readers ask (Accept-Encoding): the bytes compressed once when stored. Without it a
    // hit's time is mostly the kernel sending 20–26 kB over loopback (writev: half of a cached search hit's profile).
    ['project page (anonymous, cached, brotli)', filled.projectPaths, { 'accept-encoding': 'gzip, deflate, br' }],
    ['/search?q=… (anonymous, cached, brotli)', filled.searchPaths, { 'accept-encoding': 'gzip, deflate, br' }],
    ['home / (signed in)', ['/'], cookie],
    ['/posts (signed in)', ['/posts'], cookie],
    ['project page (signed in)', filled.projectPaths, cookie],
    // As a browser asks: a signed-in page is compressed per request (gzip first, core/http/transport.ts).
    ['project page (signed in, compressed)', filled.projectPaths, { ...cookie, 'accept-encoding': 'gzip, deflate, br' }],
    ['project page (team member, 50 projects)', filled.projectPaths, teamMember],
    ['project page (team member, own project: the team’s variant)', ['/projects/bench-project-19'], teamMember],
    ['project page (admin: shared with admins)', filled.projectPaths, admin],
    ['post page (signed in)', filled.postPaths, cookie],
    ['/feed.atom (signed in)', ['/feed.atom'], cookie],
    ['/search?q=… (signed in)', filled.searchPaths, cookie],
    ['/search?q=… (signed in, 1 connection)', filled.searchPaths, cookie, 1],
    ['home / (member: shared in standing)', ['/'], member],
    ['/posts (member: shared in standing)', ['/posts'], member],
    ['post page (member: shared in standing)', filled.postPaths, member],
    ['/search?q=… (member: shared, 1 connection)', filled.searchPaths, member, 1],
    ['home / (admin: shared with admins)', ['/'], admin],
    ['/posts (admin: shared with admins)', ['/posts'], admin],
    ['post page (admin: shared with admins)', filled.postPaths, admin],
    ['/search?q=… (admin: shared with admins, 1 connection)', filled.searchPaths, admin, 1],
    ['/search?q=… (anonymous, uncached, 1 connection)', uncached, {}, 1],
    ['/search?q=… (signed in, uncached, 1 connection)', uncached, cookie, 1],
    ['/search?q=… (admin, uncached, 1 connection)', uncached, admin, 1],
    ['/search?q=… (admin: shared with admins)', filled.searchPaths, admin],
    ['/actions (signed in, on a team: the team’s variant)', ['/actions'], cookie],
    ['/actions (signed in, on no team)', ['/actions'], noTeam],
    ['challenge page, 60 ideas (signed in)', [more.challenge], cookie],
    ['idea page (signed in)', [more.idea], cookie],
    ['community thread, 30 replies (signed in)', [more.thread], cookie],
    ['barrier page (signed in)', [more.barrier], cookie],
    ['solution page (signed in)', [more.solution], cookie],
    ['person page (signed in)', ['/people/person-20'], cookie],
    ['sitemap index, built (signed in)', ['/sitemap.xml'], cookie, 4],
    ['sitemap part of 10,000 posts, built (signed in)', [postPart], cookie, 4],
    // A reader's own pages: nobody else's answers are theirs (what they follow, their notices, their drafts).
    ['/timeline (own page)', ['/timeline'], cookie],
    ['/notifications (own page)', ['/notifications'], cookie],
    ['/following (own page)', ['/following'], cookie],
    ['/posts/drafts (own page)', ['/posts/drafts'], cookie],
    ['/posts/new (form)', ['/posts/new'], cookie],
    ['/account/profile (own page)', ['/account/profile'], cookie],
    ['/admin (admin)', ['/admin'], admin],
    ['/moderation (admin)', ['/moderation'], admin],
  ]
  const rows: Row[] = []
  // Writing a snapshot raises RSS for a few seconds (and so VmHWM): a run with snapshots measures retainers, not RSS.
  const snapshot = async (label: string) => {
    const file = join(dir, `heap-${String(snapshots++).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.heapsnapshot`)
    const m = await memoryOf(app, file)
    console.log(`heap snapshot: ${m?.snapshot ?? 'not written'} (heap ${m?.heapUsed.toFixed(0)}/${m?.heapTotal.toFixed(0)} MB after writing it)`)
  }
  let snapshots = 0
  // RSS by kind sampled every second: the row ends' figures miss the peak, and the end's by-kind printout is not at it.
  let peak = { total: 0, kinds: memoryMap(app.pid), smaps: '' }
  const sampler = setInterval(() => {
    try {
      const smaps = readFileSync(`/proc/${app.pid}/smaps`, 'utf8')
      const kinds = memoryMap(app.pid, smaps)
      const total = Object.values(kinds).reduce((a, b) => a + b, 0)
      if (total > peak.total) peak = { total, kinds, smaps }
    } catch {}
  }, 1000)
  if (SNAPSHOTS) await snapshot('start')
  printHeading(`${filled.posts.toLocaleString('en')} posts`)
  for (const [name, paths, headers, connections] of pages) {
    if (ONLY && !new RegExp(ONLY).test(name)) continue
    rows.push(await beside(hello, app, name, paths, headers, connections))
    printRow(rows.at(-1)!)
    if (SNAPSHOTS && new RegExp(SNAPSHOTS).test(name)) await snapshot(name)
  }
  clearInterval(sampler)
  const k = peak.kinds
  console.log(`server RSS at the highest sample (every second) ${peak.total} MB; by kind: V8 heap pages ${k.v8Pages}, malloc main arena ${k.mainArena}, thread arenas ${k.threadArenas}, JIT code ${k.code}, other anonymous ${k.otherAnonymous}, files ${k.files} MB`)
  if (process.env.BENCH_SMAPS) writeFileSync(`${process.env.BENCH_SMAPS}.peak`, peak.smaps)
  const status = readFileSync(`/proc/${app.pid}/status`, 'utf8')
  const kb = (field: string) => (Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024).toFixed(0)
  const map = memoryMap(app.pid)
  console.log(`server RSS now ${kb('VmRSS')} MB: anonymous ${kb('RssAnon')} MB, files ${kb('RssFile')} MB, shared memory ${kb('RssShmem')} MB; by kind: V8 heap pages ${map.v8Pages}, malloc main arena ${map.mainArena}, thread arenas ${map.threadArenas}, JIT code ${map.code}, other anonymous ${map.otherAnonymous}, files ${map.files} MB`)
  // BENCH_SMAPS=<file>: the server's mappings at the end, to tell V8's heap from malloc's arenas and thread stacks.
  if (process.env.BENCH_SMAPS) writeFileSync(process.env.BENCH_SMAPS, readFileSync(`/proc/${app.pid}/smaps`))
  console.log(`server RSS: highest at the end of a row ${Math.max(...rows.map((r) => r.page.rss)).toFixed(0)} MB, highest over the whole run ${peakRssMb(app.pid).toFixed(0)} MB (the kernel's high-water mark), with ${[...Object.entries(SERVER_ENV).map(([k, v]) => `${k}=${v}`), ...SERVER_NODE_FLAGS].join(' ') || 'no flags'}`)
  // A sitemap part on one connection, unless BENCH_ONLY leaves the sitemap out (it would pollute a profile of other rows).
  const single = !ONLY || /sitemap/.test(ONLY) ? await wrk(app, [postPart], cookie, 1, 3) : null
  if (single) console.log(`one sitemap part of posts, one connection: p50 ${single.p50.toFixed(1)} ms, CPU ${single.cpuPerReq.toFixed(1)} ms`)
  await stop(app)
  await stop(hello)
} finally {
  await database.close()
  if (!keep) rmSync(dir, { recursive: true, force: true })
}
