/** Shared by the benchmarks: child processes, autocannon runs, CPU and memory read from /proc, printing. */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

export const DURATION = Number(process.env.BENCH_DURATION ?? 6)
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const CLK_TCK = 100

export interface Child {
  port: number
  pid: number
  proc: ChildProcess
  /** The server answers memory questions over IPC (bench/server.ts; hello-world does not). */
  reportsMemory?: boolean
}

/** The server's own view of its memory (process.memoryUsage(), MB), and a heap snapshot's path when one was asked for. */
export interface ServerMemory {
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
  /** What the page cache holds by its own count (bodies, compressed bodies, pieces), MB, and how many pages. */
  cacheBytes?: number
  cachePages?: number
  snapshot?: string
}

/**
 * The V8 flags `npm start` gives the server, read from package.json's `start` script so the benchmarks measure what
 * runs in production: a young generation of 8 MB semi-spaces and a 256 MB old generation (decisions 0023 and 0029).
 * BENCH_SERVER_FLAGS replaces them (e.g. `--max-semi-space-size=8` alone, for a before/after);
 * BENCH_SERVER_NODE_OPTIONS adds to them (a later flag wins).
 */
export const SERVER_NODE_FLAGS = process.env.BENCH_SERVER_FLAGS !== undefined ? process.env.BENCH_SERVER_FLAGS.split(' ').filter(Boolean) : startScript().filter((word) => word.startsWith('--'))

/**
 * The environment `npm start` sets before `node` (`MALLOC_ARENA_MAX=2`: glibc's malloc in two arenas, decision 0043),
 * given to the servers the benchmarks start. A variable already set in the bench's environment wins (to compare).
 */
export const SERVER_ENV: Record<string, string> = Object.fromEntries(
  startScript()
    .slice(0, startScript().indexOf('node'))
    .map((word) => word.split('=') as [string, string])
    .filter(([name]) => process.env[name] === undefined),
)

function startScript(): string[] {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { scripts: { start: string } }
  return pkg.scripts.start.split(' ')
}

/** Starts a bench server with `npm start`'s flags, BENCH_SERVER_NODE_OPTIONS, then `flags` (a bench's own, e.g. a trace). */
export async function start(script: string, env: Record<string, string>, flags: string[] = []): Promise<Child> {
  const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...(process.env.BENCH_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean), ...flags, script], { env: { ...SERVER_ENV, ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
  const child = { port: 0, pid: proc.pid!, proc } as Child
  proc.on('message', (m: { reportsMemory?: boolean }) => {
    if (m.reportsMemory) child.reportsMemory = true
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    proc.stdout!.on('data', (chunk) => {
      out += chunk
      const m = /READY (\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    proc.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  child.port = port
  return child
}

/**
 * Asks the server for its heap figures (and, with `snapshot`, to write a heap snapshot there first: it takes seconds
 * and raises RSS while it is written, so only in runs that look for retainers, not in runs that measure RSS).
 */
export function memoryOf(child: Child, snapshot?: string): Promise<ServerMemory | null> {
  if (!child.reportsMemory || !child.proc.connected) return Promise.resolve(null)
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(null), snapshot ? 120_000 : 5_000)
    const listener = (m: { memory?: ServerMemory }) => m.memory && done(m.memory)
    const done = (memory: ServerMemory | null) => {
      clearTimeout(timer)
      child.proc.off('message', listener)
      resolve(memory)
    }
    child.proc.on('message', listener)
    child.proc.send({ memory: true, snapshot })
  })
}

export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

/** The highest RSS the process has had since it started (the kernel's high-water mark: every spike, not samples). */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

export interface Figures {
  name: string
  rps: number
  p50: number
  p99: number
  cpuPerReq: number
  errors: number
}

export async function measure(child: Child, name: string, paths: string[], headers: Record<string, string> = {}, connections = CONNECTIONS): Promise<Figures> {
  // Warm up (fills caches, JIT) so the figures describe the steady state.
  await autocannon({ url: `http://127.0.0.1:${child.port}`, connections: 10, amount: Math.max(200, paths.length * 2), requests: paths.map((path) => ({ path, headers })) })
  const before = cpuMs(child.pid)
  const result = await autocannon({ url: `http://127.0.0.1:${child.port}`, connections, duration: DURATION, requests: paths.map((path) => ({ path, headers })) })
  const cpu = cpuMs(child.pid) - before
  const total = result.requests.total || 1
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpuPerReq: cpu / total, errors: result.errors + result.non2xx }
}

export function print(title: string, rows: Figures[], hello: Figures): void {
  console.log(`\n${title}`)
  console.log('page'.padEnd(34) + 'req/s'.padStart(9) + 'p50 ms'.padStart(8) + 'p99 ms'.padStart(8) + 'CPU ms/req'.padStart(12) + 'vs hello'.padStart(10) + 'non-2xx'.padStart(9))
  for (const r of [hello, ...rows]) {
    console.log(
      r.name.padEnd(34) + r.rps.toFixed(0).padStart(9) + r.p50.toFixed(1).padStart(8) + r.p99.toFixed(1).padStart(8) + r.cpuPerReq.toFixed(3).padStart(12) + `${((r.rps / hello.rps) * 100).toFixed(1)}%`.padStart(10) + String(r.errors).padStart(9),
    )
  }
}


/**
 * The server's resident memory by kind, MB, from /proc/<pid>/smaps: V8's heap pages (256 kB anonymous mappings), glibc's
 * thread arenas (64 MB-aligned heaps), the main malloc arena ([heap]), JIT code (the rwx code range), other anonymous
 * memory, and files (the node binary's pages). Tells V8's heap from malloc's, which process.memoryUsage() cannot.
 */
export function memoryMap(pid: number, smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8')): Record<'v8Pages' | 'threadArenas' | 'mainArena' | 'code' | 'otherAnonymous' | 'files', number> {
  const maps: Array<{ start: bigint; end: bigint; perms: string; name: string; rssKb: number }> = []
  for (const line of smaps.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line)
    if (head) maps.push({ start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perms: head[3]!, name: head[4]!.trim(), rssKb: 0 })
    const rss = /^Rss:\s+(\d+) kB/.exec(line)
    if (rss && maps.length) maps.at(-1)!.rssKb = Number(rss[1])
  }
  const kb = { v8Pages: 0, threadArenas: 0, mainArena: 0, code: 0, otherAnonymous: 0, files: 0 }
  maps.forEach((m, i) => {
    const next = maps[i + 1]
    if (m.name.startsWith('/')) kb.files += m.rssKb
    else if (m.name === '[heap]') kb.mainArena += m.rssKb
    else if (m.name) kb.otherAnonymous += m.rssKb
    else if (m.perms === 'rwxp') kb.code += m.rssKb
    else if (m.end - m.start === 256n * 1024n) kb.v8Pages += m.rssKb
    else if (m.start % (64n << 20n) === 0n && m.perms === 'rw-p' && next?.start === m.end && next.perms === '---p') kb.threadArenas += m.rssKb
    else kb.otherAnonymous += m.rssKb
  })
  return Object.fromEntries(Object.entries(kb).map(([k, v]) => [k, Math.round(v / 1024)])) as ReturnType<typeof memoryMap>
}
