/**
 * Static files while passwords are hashed (issue 12: 24 clients signing in made the favicon take 30 s). Measures
 * the favicon and the stylesheet (brotli, compressed per request on libuv's thread pool) alone, then while 24
 * clients keep signing in with wrong passwords (each a scrypt hash at the default PASSWORD_COST, at most two at
 * once, 32 waiting, 503 beyond), beside a bare Fastify hello-world. Prints figures; never passes or fails on time.
 *
 *   node bench/hashing.bench.ts        (or: npm run bench:hashing)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { openDatabase } from '../src/core/db/database.ts'
import { migrate } from '../src/core/db/setup.ts'
import { modules } from '../src/modules.ts'
import { DURATION, measure, print, rssMb, start, type Figures } from './harness.ts'

const SIGN_INS = Number(process.env.BENCH_SIGN_INS ?? 24)

const dir = mkdtempSync(join(tmpdir(), 'openly-bench-hashing-'))
const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
await migrate(database, modules)
await database.close()

const hello = await start(join(import.meta.dirname, 'hello.ts'), {})
const server = await start(join(import.meta.dirname, 'server.ts'), { DATA_DIR: dir })
try {
  const base = `http://127.0.0.1:${server.port}`
  const page = await fetch(`${base}/sign-in`)
  const html = await page.text()
  const css = /href="(\/assets\/openly-[0-9a-f]+\.css)"/.exec(html)![1]!
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const staticPaths = ['/favicon.ico', css]
  const br = { 'accept-encoding': 'br' }

  const helloFigures = await measure(hello, 'hello-world', ['/'], {}, 10)
  const idle = await measure(server, 'static, no sign-ins', staticPaths, br, 10)

  // Sign-ins with wrong passwords for addresses nobody has: each costs one hash, like a real one (dummy hash).
  let n = 0
  const signIns = autocannon({
    url: base,
    connections: SIGN_INS,
    duration: DURATION + 4,
    requests: [
      {
        method: 'POST',
        path: '/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        setupRequest: (req) => ({ ...req, body: new URLSearchParams({ email: `nobody-${n++}@bench.example`, password: 'not the password', _csrf: csrf }).toString() }),
      },
    ],
  })
  await new Promise((r) => setTimeout(r, 2000))
  const busy = await measure(server, `static, ${SIGN_INS} clients signing in`, staticPaths, br, 10)
  const rss = rssMb(server.pid)
  const signInResult = await signIns
  const statuses = Object.entries(signInResult.statusCodeStats ?? {}).map(([code, s]) => `${code}×${(s as { count: number }).count}`).join(' ')
  const signInRow: Figures = { name: `sign-in (${SIGN_INS} connections)`, rps: signInResult.requests.average, p50: signInResult.latency.p50, p99: signInResult.latency.p99, cpuPerReq: NaN, errors: signInResult.errors }

  print('Static files while passwords are hashed (PASSWORD_COST 15: scrypt N=2^15, r=8, p=3)', [idle, busy, signInRow], helloFigures)
  console.log(`sign-in answers: ${statuses}; server RSS under hashing load: ${rss.toFixed(0)} MB`)
  console.log(`static p99 under hashing load: ${busy.p99.toFixed(1)} ms against ${idle.p99.toFixed(1)} ms without`)
} finally {
  hello.proc.kill('SIGTERM')
  server.proc.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
