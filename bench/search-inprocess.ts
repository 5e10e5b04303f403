/**
 * The uncached search page in one process (`app.inject`, no socket): CPU per request for an anonymous reader, a plain
 * signed-in reader and an admin, interleaved in small batches of unique query strings, and the search alone for each actor.
 * Cheaper to run than wrk and steadier on a loaded machine; use it to tell where a signed-in page's extra time goes.
 *
 *   BENCH_DATA_DIR=/tmp/openly-100k node bench/search-inprocess.ts   # a database filled by bench/hot.bench.ts
 */
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { openDatabase } from '../src/core/db/database.ts'
import { searchDocuments } from '../src/core/search/search.ts'
import { ANONYMOUS } from '../src/core/access/policy.ts'
import { wholeDatabase } from '../src/database.ts'

const dir = process.env.BENCH_DATA_DIR
if (!dir) throw new Error('BENCH_DATA_DIR: a folder with a database filled by bench/hot.bench.ts')
const config = loadConfig({ ...process.env, DATA_DIR: dir }, { demoContent: false, logLevel: 'silent', sessionSecret: 'bench-secret-bench-secret-bench-secret', logMail: false })
const database = openDatabase(config)
const app = await buildApp(config, database, { logger: false })
await app.ready()
const db = wholeDatabase(database)
await db.updateTable('users').set({ is_admin: 1 }).where('id', '=', 'u3').execute()
const cookies = { reader: `openly_session=${(await createSession(db, 'u1')).token}`, admin: `openly_session=${(await createSession(db, 'u3')).token}` }
const qs = ['accessibility', 'procurement', 'caseworkers research', '"plain words"', 'flooding', 'allotments', 'payments identity', 'mapping', 'consultations', 'archives']
const N = Number(process.env.N ?? 300)
const ROUNDS = Number(process.env.ROUNDS ?? 5)
let unique = 0
const med = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!
const page = (cookie?: string) => async (i: number) => {
  const r = await app.inject({ url: `/search?q=${encodeURIComponent(qs[i % qs.length]!)}&type=inproc${unique++}`, headers: cookie ? { cookie } : {} })
  if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}`)
}
const reader = { userId: 'u1', isAdmin: false }
const rows: Array<[string, (i: number) => Promise<unknown>]> = [
  ['page, anonymous', page()],
  ['page, signed in', page(cookies.reader)],
  ['page, admin', page(cookies.admin)],
  ['search alone, anonymous', (i) => searchDocuments(app.db, app.dialect, ANONYMOUS, qs[i % qs.length]!, { limit: 20 })],
  ['search alone, reader (one actor per request)', (i) => searchDocuments(app.db, app.dialect, { ...reader }, qs[i % qs.length]!, { limit: 20 })],
  ['search alone, admin (one actor per request)', (i) => searchDocuments(app.db, app.dialect, { userId: 'u3', isAdmin: true }, qs[i % qs.length]!, { limit: 20 })],
]
const ONLY = process.env.ONLY ? new RegExp(process.env.ONLY) : null
const chosen = rows.filter(([name]) => !ONLY || ONLY.test(name))
// Interleaved in small batches (20 requests of each row in turn), so that a load that changes over the run weighs on
// every row alike: on a shared machine, the differences between rows are what this measures.
const BATCH = 20
console.log(`uncached search in process, ${N} requests a row a round in batches of ${BATCH}, ${ROUNDS} rounds, load ${loadavg().map((n) => n.toFixed(1)).join(' ')}`)
const results = new Map<string, number[]>()
for (const [, f] of chosen) for (let i = 0; i < 20; i++) await f(i)
for (let r = 0; r < ROUNDS; r++) {
  const used = new Map<string, number>()
  for (let b = 0; b < N / BATCH; b++) {
    for (const [name, f] of chosen) {
      const c = process.cpuUsage()
      for (let i = 0; i < BATCH; i++) await f(b * BATCH + i)
      const u = process.cpuUsage(c)
      used.set(name, (used.get(name) ?? 0) + u.user + u.system)
    }
  }
  for (const [name, us] of used) (results.get(name) ?? results.set(name, []).get(name)!).push(us / 1000 / N)
}
for (const [name, xs] of results) console.log(`${name.padEnd(46)} median ${med(xs).toFixed(3)} ms  [${xs.map((x) => x.toFixed(3)).join(' ')}]`)
console.log(`load after ${loadavg().map((n) => n.toFixed(1)).join(' ')}`)
await app.close()
await database.close()
