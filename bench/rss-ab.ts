/**
 * Server RSS A/B (issue 12, decision 0043): two or more servers over the same filled SQLite database, each started
 * with its own flags or environment, driven by wrk *at the same time* with the same pages, so that they share the
 * machine's load and differ only in what is being compared. Prints, per row and variant, req/s, CPU per request and
 * RSS, and at the end each server's high-water mark (VmHWM) and RSS by kind at its highest sample (every second).
 *
 *   BENCH_DATA_DIR=/tmp/openly-100k \
 *   BENCH_VARIANTS='[{"name":"npm start"},{"name":"glibc defaults","env":{}}]' node bench/rss-ab.ts
 *
 * A variant's `flags` replace `npm start`'s flags when given (`"flags": []`: no flags at all), and its `env` replaces
 * the environment `npm start` sets (`"env": {}`: glibc's defaults, without MALLOC_ARENA_MAX); its `cwd`, a worktree of
 * another commit to run the server from (`{"name":"before","cwd":"/tmp/before"}`: two commits side by side).
 * The database must have been filled by bench/hot.bench.ts with BENCH_DATA_DIR (this bench does not fill);
 * BENCH_ONLY=<regex> runs only the rows whose name matches.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase } from '../src/database.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { filledAlready } from './fill.ts'
import { memoryMap, memoryOf, peakRssMb, SERVER_ENV, SERVER_NODE_FLAGS, type Child } from './harness.ts'
import { wrk } from './wrk.ts'

interface Variant {
  name: string
  flags?: string[]
  env?: Record<string, string>
  /** A checkout of another commit to run the server from (a git worktree): compares two commits under the same load. */
  cwd?: string
}

const dir = process.env.BENCH_DATA_DIR
if (!dir) throw new Error('BENCH_DATA_DIR: a database filled by bench/hot.bench.ts')
const variants = JSON.parse(process.env.BENCH_VARIANTS ?? '[{"name":"npm start"},{"name":"npm start again"}]') as Variant[]
const SECONDS = Number(process.env.BENCH_DURATION ?? 4)
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2)

const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
const db = wholeDatabase(database)
const cookieOf = async (user: string) => ({ cookie: `openly_session=${(await createSession(db, user)).token}` })
const filled = filledAlready(100_000, await createSession(db, 'u1'))
const reader = { cookie: `openly_session=${filled.memberSessionToken}` }
const admin = await cookieOf('u3')
const teamMember = await cookieOf('u57')
await database.close()

async function startVariant(v: Variant): Promise<Child> {
  const flags = v.flags ?? SERVER_NODE_FLAGS
  // `env` replaces npm start's environment when given (`"env": {}`: none of it), as `flags` do its flags.
  const proc = spawn(process.execPath, [...flags, 'bench/server.ts'], { cwd: v.cwd, env: { ...process.env, ...(v.env ?? SERVER_ENV), DATA_DIR: dir! }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
  const child = { port: 0, pid: proc.pid!, proc } as Child
  proc.on('message', (m: { reportsMemory?: boolean }) => {
    if (m.reportsMemory) child.reportsMemory = true
  })
  child.port = await new Promise<number>((resolve, reject) => {
    let out = ''
    proc.stdout!.on('data', (chunk) => {
      out += chunk
      const m = /READY (\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    proc.on('exit', (code) => reject(new Error(`${v.name} exited with ${code}`)))
  })
  return child
}

// The rows whose throughput raised RSS in the hot bench: cache hits (the most requests), shared signed-in pages,
// pages shared with admins and a team, uncached searches, and a reader's own pages (rendered for each request).
const uncached = Array.from({ length: 50_000 }, (_, i) => `${filled.searchPaths[i % filled.searchPaths.length]}&type=ab${i}`)
const rows: Array<[string, string[], Record<string, string>, number?]> = [
  ['hits: home, /posts, projects, feed, API', ['/', '/posts', ...filled.projectPaths, '/feed.atom', '/api/v1/posts'], {}],
  ['signed in: home, /posts, projects, posts', ['/', '/posts', ...filled.projectPaths, ...filled.postPaths], reader],
  ['signed in: search', filled.searchPaths, reader],
  ['admin: home, projects, posts', ['/', ...filled.projectPaths, ...filled.postPaths], admin],
  ['team member: projects', filled.projectPaths, teamMember],
  // As in the hot bench: anonymous first (a query string asked again is stored), then signed in and an admin.
  ['uncached search, anonymous', uncached, {}, 1],
  ['uncached search, signed in', uncached, reader, 2],
  ['uncached search, admin', uncached, admin, 1],
  ['own pages: timeline, notifications, following, drafts, form, profile', ['/timeline', '/notifications', '/following', '/posts/drafts', '/posts/new', '/account/profile'], reader],
]

const servers = await Promise.all(variants.map(startVariant))
const peaks = servers.map((s) => ({ total: 0, kinds: memoryMap(s.pid), heapTotal: 0 }))
const sampler = setInterval(() => {
  servers.forEach((s, i) => {
    try {
      const kinds = memoryMap(s.pid)
      const total = Object.values(kinds).reduce((a, b) => a + b, 0)
      if (total > peaks[i]!.total) {
        const peak = (peaks[i] = { total, kinds, heapTotal: 0 })
        // V8's own committed heap at that moment, to tell its pages from pages it no longer counts.
        void memoryOf(s).then((m) => (peak.heapTotal = m?.heapTotal ?? 0))
      }
    } catch {}
  })
}, 1000)

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
console.log(`RSS A/B: ${variants.map((v) => v.name).join(' | ')}; ${SECONDS} s a row, ${REPEAT} passes, wrk on every server at once; load ${load()}`)
console.log('row'.padEnd(72) + variants.map((v) => `${v.name.slice(0, 14)}: req/s CPU ms RSS`.padStart(40)).join(''))
try {
  for (let pass = 0; pass < REPEAT; pass++) {
    for (const [name, paths, headers, connections] of rows) {
      if (process.env.BENCH_ONLY && !new RegExp(process.env.BENCH_ONLY).test(name)) continue
      const loads = await Promise.all(servers.map((s) => wrk(s, paths, headers, connections ?? 50, SECONDS)))
      console.log(`${pass + 1}. ${name}`.padEnd(72) + loads.map((l) => `${l.rps.toFixed(0)} ${l.cpuPerReq.toFixed(3)} ${l.rss.toFixed(0)}${l.errors ? ` (${l.errors} errors)` : ''}`.padStart(40)).join(''))
    }
  }
} finally {
  clearInterval(sampler)
  console.log(`load at the end ${load()}`)
  servers.forEach((s, i) => {
    const k = peaks[i]!.kinds
    console.log(`${variants[i]!.name}: VmHWM ${peakRssMb(s.pid).toFixed(0)} MB; highest sample ${peaks[i]!.total} MB = V8 heap pages ${k.v8Pages} (V8's heapTotal then ${peaks[i]!.heapTotal.toFixed(0)}), malloc main arena ${k.mainArena}, thread arenas ${k.threadArenas}, JIT code ${k.code}, other anonymous ${k.otherAnonymous}, files ${k.files}`)
    s.proc.kill('SIGTERM')
  })
}
