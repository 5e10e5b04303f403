/**
 * Page benchmark: fills a database (10,000 people, 1,000 projects, then 10,000 and 100,000 posts), serves
 * Openly from it in a child process, and loads it with autocannon on a local port, anonymous and signed in,
 * beside a bare Fastify hello-world. Prints req/s, p99 latency, CPU ms per request (from /proc), the ratio to
 * hello-world, and the server's RSS. Never passes or fails on time: it prints figures.
 *
 *   npm run bench                      # SQLite in a temp folder
 *   BENCH_DURATION=10 npm run bench    # seconds per measurement (default 6)
 *   BENCH_DATABASE_URL=postgres://… npm run bench   # an empty PostgreSQL database instead
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase } from '../src/database.ts'
import { migrate } from '../src/core/db/setup.ts'
import { modules } from '../src/modules.ts'
import { fillDatabase, type Filled } from './fill.ts'
import { CONNECTIONS, DURATION, measure, print, rssMb, start, type Figures } from './harness.ts'

async function runRound(label: string, env: Record<string, string>, filled: Filled, hello: Figures): Promise<Record<string, Figures>> {
  const app = await start('bench/server.ts', env)
  const cookie = { cookie: `openly_session=${filled.memberSessionToken}` }
  const pages: Array<[string, string[]]> = [
    ['home /', ['/']],
    ['/posts', ['/posts']],
    ['project page', filled.projectPaths],
    ['post page', filled.postPaths],
    ['/feed.atom', ['/feed.atom']],
    ['/search?q=…', filled.searchPaths],
  ]
  const anon: Figures[] = []
  const member: Figures[] = []
  for (const [name, paths] of pages) anon.push(await measure(app, `${name} (anonymous)`, paths))
  for (const [name, paths] of pages) member.push(await measure(app, `${name} (signed in)`, paths, cookie))
  // Latency without queueing: one connection at a time, so p99 is the time one search takes.
  const searchAlone = await measure(app, '/search?q=… (signed in, 1 connection)', filled.searchPaths, cookie, 1)
  const rss = rssMb(app.pid)
  print(`${label}: anonymous readers (whole-page cache)`, anon, hello)
  print(`${label}: signed-in member (rendered every time)`, [...member, searchAlone], hello)
  console.log(`server RSS after the run: ${rss.toFixed(0)} MB`)
  app.proc.kill('SIGTERM')
  await new Promise((r) => app.proc.once('exit', r))
  return Object.fromEntries([...anon, ...member, searchAlone].map((f) => [f.name, f]))
}

const dir = mkdtempSync(join(tmpdir(), 'openly-bench-'))
const databaseUrl = process.env.BENCH_DATABASE_URL
const env: Record<string, string> = { DATA_DIR: dir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }
const database = openDatabase({ databaseUrl, sqlitePath: join(dir, 'openly.sqlite') })
try {
  console.log(`Openly page benchmark: ${CONNECTIONS} connections, ${DURATION}s per page, ${databaseUrl ? 'PostgreSQL' : 'SQLite'}, Node ${process.version}`)
  await migrate(database, modules)
  const helloChild = await start('bench/hello.ts', {})
  const hello = await measure(helloChild, 'hello-world (bare Fastify)', ['/'])
  helloChild.proc.kill('SIGTERM')

  let t = Date.now()
  let filled = await fillDatabase(wholeDatabase(database), { people: 10_000, projects: 1_000, posts: 10_000 })
  console.log(`filled 10,000 people, 1,000 projects, 10,000 posts in ${((Date.now() - t) / 1000).toFixed(1)}s`)
  const small = await runRound('10,000 posts', env, filled, hello)

  t = Date.now()
  filled = await fillDatabase(wholeDatabase(database), { people: 0, projects: 0, posts: 90_000 }, filled)
  console.log(`\nadded 90,000 posts (100,000 in all) in ${((Date.now() - t) / 1000).toFixed(1)}s`)
  const large = await runRound('100,000 posts', env, filled, hello)

  console.log('\nGrowth from 10,000 to 100,000 posts (CPU ms per request and p99, ratio large/small):')
  for (const name of Object.keys(small)) {
    const a = small[name]!
    const b = large[name]!
    console.log(`  ${name.padEnd(34)} CPU x${(b.cpuPerReq / a.cpuPerReq).toFixed(2)}   p99 x${(b.p99 / Math.max(a.p99, 0.1)).toFixed(2)}`)
  }
} finally {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
}
