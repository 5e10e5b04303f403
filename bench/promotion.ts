/**
 * What a page sends on to V8's old space (issue 12's RSS target): the server is started as `npm start` runs it, with
 * `--trace-gc-nvp`, and each page is asked by wrk at 50 connections; per page, req/s, young-generation collections,
 * the bytes they promoted (in all and per request) and the full collections that followed. Requests are served one at
 * a time, so what a young collection promotes is what was alive while it ran: the request then in progress, and
 * anything a request leaves behind for longer. Old space fills at that rate, and V8 keeps the pages its full
 * collections free (docs/performance.md, "Where V8's resident pages come from"), so the rate sets the heap's high-water.
 *
 *   BENCH_DATA_DIR=/tmp/openly-100k node bench/promotion.ts        # a database filled by bench/hot.bench.ts
 *   BENCH_ONLY=timeline BENCH_DURATION=8 node bench/promotion.ts
 */
import { join } from 'node:path'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase } from '../src/database.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { filledAlready } from './fill.ts'
import { start } from './harness.ts'
import { wrk } from './wrk.ts'

const dir = process.env.BENCH_DATA_DIR
if (!dir) throw new Error('BENCH_DATA_DIR: a database filled by bench/hot.bench.ts')
const SECONDS = Number(process.env.BENCH_DURATION ?? 6)

const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
const db = wholeDatabase(database)
const filled = filledAlready(100_000, await createSession(db, 'u1'))
const reader = { cookie: `openly_session=${filled.memberSessionToken}` }
await db.updateTable('users').set({ is_admin: 1 }).where('id', '=', 'u3').execute()
const admin = { cookie: `openly_session=${(await createSession(db, 'u3')).token}` }
await database.close()

// Pages shared between readers (rendered once, each reader's header put in) and pages rendered in full for one reader.
const pages: Array<[string, string[], Record<string, string>]> = [
  ['/posts (signed in: shared)', ['/posts'], reader],
  ['project page (signed in: shared)', filled.projectPaths, reader],
  ['/notifications (own page: shared by personal facts)', ['/notifications'], reader],
  ['/timeline (own page: rendered in full)', ['/timeline'], reader],
  ['/admin (admin: rendered in full)', ['/admin'], admin],
  ['/posts/new (a form: rendered in full)', ['/posts/new'], reader],
]

const app = await start('bench/server.ts', { DATA_DIR: dir }, ['--trace-gc-nvp'])
/** The collections the server reported since the last call: --trace-gc-nvp's name=value lines. */
let lines: string[] = []
let partial = ''
app.proc.stdout!.on('data', (chunk: Buffer) => {
  const text = partial + chunk.toString('utf8')
  const all = text.split('\n')
  partial = all.pop() ?? ''
  lines.push(...all.filter((l) => l.includes(' gc=')))
})
const collections = () => {
  const taken = lines
  lines = []
  let young = 0
  let promoted = 0
  let full = 0
  for (const line of taken) {
    const gc = / gc=(\w+)/.exec(line)?.[1]
    if (gc === 's' || gc === 'mmc') {
      young++
      promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0)
    } else if (gc === 'mc' || gc === 'ms') full++
  }
  return { young, promoted, full }
}

console.log(`What pages promote to V8's old space: ${SECONDS} s a page at 50 connections after 2 s of warm-up, the server as npm start runs it`)
console.log('page'.padEnd(56) + 'req/s'.padStart(8) + 'young GCs'.padStart(11) + 'promoted MB'.padStart(13) + 'KB/request'.padStart(12) + 'full GCs'.padStart(10))
try {
  for (const [name, paths, headers] of pages) {
    if (process.env.BENCH_ONLY && !new RegExp(process.env.BENCH_ONLY).test(name)) continue
    await wrk(app, paths, headers, 50, 2)
    await new Promise((r) => setTimeout(r, 200))
    collections()
    const load = await wrk(app, paths, headers, 50, SECONDS)
    await new Promise((r) => setTimeout(r, 200))
    const c = collections()
    console.log(name.padEnd(56) + load.rps.toFixed(0).padStart(8) + String(c.young).padStart(11) + (c.promoted / 1048576).toFixed(1).padStart(13) + (c.promoted / 1024 / Math.max(load.requests, 1)).toFixed(2).padStart(12) + String(c.full).padStart(10) + (load.errors ? `  (${load.errors} errors)` : ''))
  }
} finally {
  app.proc.kill('SIGTERM')
}
