/**
 * What the page cache holds against what it counts (decision 0047): signed-in readers and anonymous readers ask for
 * searches nobody asked before, each twice (a query string is kept on its second request), until the cache reaches
 * its byte bound; after each pass the server reports its RSS, the cache's own count of its bytes and the ArrayBuffers
 * alive. Kept Buffers that were slices of Node's shared 64 kB pool made the second four times the first (254 MB of
 * ArrayBuffers for a cache counting 64 MB); they should now be close.
 *
 *   BENCH_DATA_DIR=/tmp/openly-100k node bench/cache-memory.ts     # a database filled by bench/hot.bench.ts
 */
import { join } from 'node:path'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase } from '../src/database.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { filledAlready } from './fill.ts'
import { memoryMap, memoryOf, start } from './harness.ts'
import { wrk } from './wrk.ts'

const dir = process.env.BENCH_DATA_DIR
if (!dir) throw new Error('BENCH_DATA_DIR: a database filled by bench/hot.bench.ts')
const PASSES = Number(process.env.BENCH_REPEAT ?? 4)
const SECONDS = Number(process.env.BENCH_DURATION ?? 4)
const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
const filled = filledAlready(100_000, await createSession(wholeDatabase(database), 'u1'))
await database.close()
const reader = { cookie: `openly_session=${filled.memberSessionToken}` }
const app = await start('bench/server.ts', { DATA_DIR: dir })
const unique = (who: string) => Array.from({ length: 50_000 }, (_, i) => `${filled.searchPaths[i % filled.searchPaths.length]}&type=${who}${i >> 1}`)
console.log('pass  req/s  CPU ms/req  RSS MB  cache pages  cache MB  ArrayBuffers MB  ratio  by kind (MB)')
try {
  for (let pass = 0; pass < PASSES; pass++) {
    // Signed in and anonymous in turn: shared pages (pieces) and anonymous ones (bodies, compressed bodies).
    const r = await wrk(app, unique(pass % 2 ? 'anon' : 'reader').slice(pass * 2000), pass % 2 ? {} : reader, 2, SECONDS)
    const m = await memoryOf(app)
    console.log(`${pass + 1}`.padEnd(6) + `${r.rps.toFixed(0)}`.padStart(5) + `${r.cpuPerReq.toFixed(3)}`.padStart(12) + `${r.rss.toFixed(0)}`.padStart(8) + `${m?.cachePages ?? '?'}`.padStart(13) + `${m?.cacheBytes?.toFixed(0) ?? '?'}`.padStart(10) + `${m?.arrayBuffers.toFixed(0) ?? '?'}`.padStart(17) + `${m?.cacheBytes ? (m.arrayBuffers / m.cacheBytes).toFixed(2) : '?'}`.padStart(7) + '  ' + JSON.stringify(memoryMap(app.pid)))
  }
} finally {
  app.proc.kill('SIGTERM')
}
