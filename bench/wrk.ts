/**
 * wrk as the load generator (Debian's `wrk`: C, event-driven, far faster than the servers it loads here), with
 * hello-world measured beside every page in the same run: the machine is shared, so figures are read as ratios
 * to that hello-world and as CPU per request (the server's user + system time over the run, from /proc).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { cpuMs, memoryOf, peakRssMb, rssMb, start, type Child, type ServerMemory } from './harness.ts'

const run = promisify(execFile)
export const WRK_DURATION = Number(process.env.BENCH_DURATION ?? 5)
export const WRK_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
/** How many times each page is measured (with hello-world beside it each time): the median is printed. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
/** wrk's per-request timeout, seconds (its default is 2): pages slower than that under load count as errors, not figures. */
export const WRK_TIMEOUT = Number(process.env.BENCH_TIMEOUT ?? 2)
const scripts = mkdtempSync(join(tmpdir(), 'openly-wrk-'))

export interface Load {
  rps: number
  p50: number
  p99: number
  cpuPerReq: number
  requests: number
  errors: number
  /** The server's RSS at the end of the run, MB. */
  rss: number
  /** The server's highest RSS since it started, at the end of the run, MB. */
  peakRss: number
  /** The server's V8 heap and memory outside it at the end of the run (process.memoryUsage(), MB), when it reports them. */
  memory: ServerMemory | null
}

const MS = { us: 0.001, ms: 1, s: 1000 } as Record<string, number>
const latency = (out: string, pct: string) => {
  const m = new RegExp(`^\\s+${pct}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out)
  return m ? Number(m[1]) * MS[m[2]!]! : NaN
}

/** Where the next run over a list of paths starts: after the last path the run before asked (one connection walks them in turn). */
const resumeAt = new WeakMap<string[], number>()

/** One wrk run over `paths` (taken in turn) with `headers`, on the child's port. */
export async function wrk(child: Child, paths: string[], headers: Record<string, string> = {}, connections = WRK_CONNECTIONS, seconds = WRK_DURATION): Promise<Load> {
  const script = join(scripts, `${Math.random().toString(36).slice(2)}.lua`)
  const first = resumeAt.get(paths) ?? Math.floor(Math.random() * paths.length)
  const lua = [
    `local paths = {${paths.map((p) => JSON.stringify(p)).join(', ')}}`,
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`),
    // Each run starts where the last run over the same list stopped (the first at a random place), so runs over unique
    // paths (uncached search, one connection) ask none of them twice while the list lasts: a path asked twice is kept
    // by the page cache, and the rest of the row would measure hits.
    `local i = ${first}`,
    'request = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end',
  ].join('\n')
  writeFileSync(script, lua)
  const before = cpuMs(child.pid)
  const { stdout } = await run('wrk', [`-t${Math.min(2, connections)}`, `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', `${WRK_TIMEOUT}s`, '-s', script, `http://127.0.0.1:${child.port}`], { maxBuffer: 1 << 20 })
  const cpu = cpuMs(child.pid) - before
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0)
  resumeAt.set(paths, (first + requests) % paths.length)
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0) + Number(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0)
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0), p50: latency(stdout, '50'), p99: latency(stdout, '99'), cpuPerReq: cpu / Math.max(requests, 1), requests, errors, rss: rssMb(child.pid), peakRss: peakRssMb(child.pid), memory: await memoryOf(child) }
}

export interface Row {
  name: string
  page: Load
  hello: Load
}

/** A page measured ROUNDS times, each after hello-world in the same seconds of the same machine; the median round by CPU. */
export async function beside(hello: Child, app: Child, name: string, paths: string[], headers: Record<string, string> = {}, connections = WRK_CONNECTIONS): Promise<Row> {
  await wrk(app, paths, headers, Math.min(connections, 10), 1) // warm-up: caches, JIT
  const rounds: Row[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const h = await wrk(hello, ['/'], {}, connections)
    rounds.push({ name, hello: h, page: await wrk(app, paths, headers, connections) })
  }
  rounds.sort((a, b) => a.page.cpuPerReq - b.page.cpuPerReq)
  return rounds[Math.floor(rounds.length / 2)]!
}

/** The table's heading; rows follow as they are measured (printRow). */
export function printHeading(title: string): void {
  console.log(`\n${title} (wrk, ${WRK_CONNECTIONS} connections unless named, ${WRK_DURATION}s, median of ${ROUNDS} rounds; hello-world measured beside each)`)
  console.log('page'.padEnd(48) + 'req/s'.padStart(8) + 'p50 ms'.padStart(8) + 'p99 ms'.padStart(8) + 'CPU ms/req'.padStart(11) + 'hello CPU'.padStart(10) + 'vs hello'.padStart(9) + 'CPU x'.padStart(7) + 'RSS MB'.padStart(8) + 'peak MB'.padStart(8) + 'heap MB'.padStart(10) + 'ext MB'.padStart(7) + 'cache MB'.padStart(9) + 'errors'.padStart(7))
}

export function printRow(r: Row): void {
  const p = r.page
  console.log(
      r.name.padEnd(48) +
        p.rps.toFixed(0).padStart(8) +
        p.p50.toFixed(2).padStart(8) +
        p.p99.toFixed(1).padStart(8) +
        p.cpuPerReq.toFixed(3).padStart(11) +
        r.hello.cpuPerReq.toFixed(3).padStart(10) +
        `${((p.rps / r.hello.rps) * 100).toFixed(1)}%`.padStart(9) +
        (p.cpuPerReq / r.hello.cpuPerReq).toFixed(1).padStart(7) +
        p.rss.toFixed(0).padStart(8) +
        p.peakRss.toFixed(0).padStart(8) +
        // heapUsed/heapTotal, and external (Buffers and other memory V8 is told of, arrayBuffers included)
        (p.memory ? `${p.memory.heapUsed.toFixed(0)}/${p.memory.heapTotal.toFixed(0)}` : '-').padStart(10) +
        (p.memory ? p.memory.external.toFixed(0) : '-').padStart(7) +
        // What the page cache counts (its bound: PAGE_CACHE_MB)
        (p.memory?.cacheBytes !== undefined ? p.memory.cacheBytes.toFixed(0) : '-').padStart(9) +
        String(p.errors).padStart(7),
  )
}

/** Each page beside hello-world (started here), first anonymous, then signed in with the session `cookie`. */
export async function anonymousAndSignedIn(app: Child, pages: Array<[string, string]>, cookie: string): Promise<void> {
  const hello = await start('bench/hello.ts', {})
  try {
    printHeading('anonymous readers (whole-page cache)')
    for (const [name, path] of pages) printRow(await beside(hello, app, name, [path]))
    printHeading('signed-in reader (rendered every time)')
    for (const [name, path] of pages) printRow(await beside(hello, app, name, [path], { cookie }))
  } finally {
    hello.proc.kill('SIGTERM')
  }
}
