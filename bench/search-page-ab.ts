/**
 * The uncached search page before and after a change, on the same machine in the same minutes (decision 0033): two
 * servers, one from another checkout (`git worktree add --detach /tmp/before <commit>`, with node_modules linked) over
 * its own copy of a filled database, one from this checkout; wrk rounds alternate between them (1 connection, unique
 * query strings, so every request is a page-cache miss), anonymous, a plain signed-in reader and an admin. On a
 * machine shared with others' work, alternating rounds is what makes the two comparable.
 *
 *   BEFORE_CHECKOUT=/tmp/before BEFORE_DATA_DIR=/tmp/openly-100k-before BENCH_DATA_DIR=/tmp/openly-100k node bench/search-page-ab.ts
 */
import { spawn } from 'node:child_process'
import { createSession } from '../src/core/auth/sessions.ts'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase } from '../src/database.ts'
import { wrk } from './wrk.ts'
import { SERVER_NODE_FLAGS, type Child } from './harness.ts'
const startIn = (cwd: string, dir: string) => new Promise<Child>((resolve, reject) => {
  const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, 'bench/server.ts'], { cwd, env: { ...process.env, DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  proc.stdout!.on('data', (c) => { out += c; const m = /READY (\d+)/.exec(out); if (m) resolve({ port: Number(m[1]), pid: proc.pid!, proc }) })
  proc.on('exit', (code) => reject(new Error(`exited ${code}`)))
})
const token = async (dir: string, user: string) => { const d = openDatabase({ databaseUrl: undefined, sqlitePath: `${dir}/openly.sqlite` }); const t = (await createSession(wholeDatabase(d), user)).token; await d.close(); return t }
const [beforeCwd, beforeDir, afterDir] = [process.env.BEFORE_CHECKOUT, process.env.BEFORE_DATA_DIR, process.env.BENCH_DATA_DIR]
if (!beforeCwd || !beforeDir || !afterDir) throw new Error('BEFORE_CHECKOUT, BEFORE_DATA_DIR and BENCH_DATA_DIR are needed (see the comment at the top)')
const A = { name: 'before', cwd: beforeCwd, dir: beforeDir }
const B = { name: 'after', cwd: process.cwd(), dir: afterDir }
const qs = ['accessibility', 'procurement', 'caseworkers research', '"plain words"', 'flooding', 'allotments', 'payments identity', 'mapping', 'consultations', 'archives']
const paths = (tag: string) => Array.from({ length: 50_000 }, (_, i) => `/search?q=${encodeURIComponent(qs[i % qs.length]!)}&type=${tag}${i}`)
const rows: Array<[string, Record<string, string>]> = [['anonymous', {}], ['signed in (plain)', { u: 'u1' }], ['admin', { u: 'u3' }]]
const servers = [] as Array<{ name: string; child: Child; cookies: Record<string, string> }>
for (const s of [A, B]) servers.push({ name: s.name, child: await startIn(s.cwd, s.dir), cookies: { u1: await token(s.dir, 'u1'), u3: await token(s.dir, 'u3') } })
const rounds = Number(process.env.ROUNDS ?? 4)
console.log(`A/B uncached search page (wrk, 1 connection, 5 s rounds alternating), load ${(await import('node:os')).loadavg().map((n) => n.toFixed(1)).join(' ')}`)
for (const [label, who] of rows) {
  const cpu: Record<string, number[]> = {}
  for (let r = 0; r < rounds; r++) for (const s of r % 2 ? [...servers].reverse() : servers) {
    const headers: Record<string, string> = who.u ? { cookie: `openly_session=${s.cookies[who.u]}` } : {}
    const load = await wrk(s.child, paths(`${label[0]}${r}x`), headers, 1, 5)
    ;(cpu[s.name] ??= []).push(load.cpuPerReq)
  }
  const med = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!
  console.log(label.padEnd(20) + Object.entries(cpu).map(([n, xs]) => `${n}: median ${med(xs).toFixed(2)} ms [${xs.map((x) => x.toFixed(2)).join(' ')}]`).join('   '))
}
for (const s of servers) s.child.proc.kill('SIGTERM')
console.log(`load after ${(await import('node:os')).loadavg().map((n) => n.toFixed(1)).join(' ')}`)
