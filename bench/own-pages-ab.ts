/**
 * A reader's own pages before and after a change, on the same machine in the same minutes (decision 0045): two servers,
 * one from another checkout (`git worktree add --detach /tmp/before <commit>`, node_modules linked) over its own copy
 * of a database filled by bench/hot.bench.ts, one from this checkout over another copy; each round measures
 * hello-world, then both servers (in alternating order), with wrk at 50 connections: CPU per request and the ratio to
 * the hello-world of that round. Two readers: u1 as hot.bench.ts has them (following nothing, no drafts, no
 * notices) and u4, given here 30 follows of four kinds, a delivery choice, three drafts, a scheduled post and
 * twelve notifications (the same rows in both databases), so each page is measured empty and with what it lists.
 *
 *   BEFORE_CHECKOUT=/tmp/before BEFORE_DATA_DIR=/tmp/openly-100k-before BENCH_DATA_DIR=/tmp/openly-100k node bench/own-pages-ab.ts
 *   BENCH_ONLY="following|drafts" …   # only rows whose name matches; BENCH_ROUNDS (5), BENCH_DURATION (4 s)
 */
import { spawn } from 'node:child_process'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { createSession } from '../src/core/auth/sessions.ts'
import { migrate } from '../src/core/db/setup.ts'
import { modules } from '../src/modules.ts'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase } from '../src/database.ts'
import { SERVER_ENV, SERVER_NODE_FLAGS, start, type Child } from './harness.ts'
import { wrk } from './wrk.ts'

const [beforeCwd, beforeDir, afterDir] = [process.env.BEFORE_CHECKOUT, process.env.BEFORE_DATA_DIR, process.env.BENCH_DATA_DIR]
if (!beforeCwd || !beforeDir || !afterDir) throw new Error('BEFORE_CHECKOUT, BEFORE_DATA_DIR and BENCH_DATA_DIR are needed (see the comment at the top)')
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const SECONDS = Number(process.env.BENCH_DURATION ?? 4)
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null
const load = () => loadavg().map((n) => n.toFixed(1)).join(' ')

/** u4's follows, choices, drafts and notices, written once (the same ids in both databases, so each run finds them). */
async function giveReaderThings(dir: string, migrated: boolean): Promise<{ u1: string; u4: string }> {
  const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
  // This checkout's migrations for its own server's database (the other checkout's is as that checkout left it).
  if (migrated) await migrate(database, modules)
  const db = wholeDatabase(database)
  const at = (i: number) => new Date(Date.UTC(2026, 10, 1, 12, i)).toISOString()
  const follows = [
    ...Array.from({ length: 20 }, (_, i) => ['project', `p${100 + i}`]),
    ...Array.from({ length: 5 }, (_, i) => ['person', `u${200 + i}`]),
    ...['accessibility', 'maps', 'housing'].map((t) => ['tag', t]),
    ['organisation', 'o5'],
    ['organisation', 'o6'],
  ]
  await db
    .insertInto('follows')
    .values(follows.map(([kind, id], i) => ({ user_id: 'u4', subject_kind: kind!, subject_id: id!, created_at: at(i) })))
    .onConflict((oc) => oc.columns(['user_id', 'subject_kind', 'subject_id']).doNothing())
    .execute()
  await db.insertInto('follow_settings').values({ user_id: 'u4', activity_type: 'post', delivery: 'daily', updated_at: at(0) }).onConflict((oc) => oc.columns(['user_id', 'activity_type']).doNothing()).execute()
  const model = await db.selectFrom('posts').selectAll().where('id', '=', 'post10004').executeTakeFirstOrThrow()
  for (let i = 0; i < 4; i++) {
    const id = `own-bench-draft-${i}`
    const scheduled = i === 3
    await db
      .insertInto('posts')
      .values({ ...model, id, slug: id, title: `${scheduled ? 'Scheduled' : 'Draft'} weeknote ${i}`, status: scheduled ? 'published' : 'draft', published_at: scheduled ? '2030-01-01T09:00:00.000Z' : null, shown_at: null, series_id: null, series_number: null, created_at: at(i), updated_at: at(i) })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute()
    await db.insertInto('post_authors').values({ post_id: id, user_id: 'u4', position: 0 }).onConflict((oc) => oc.columns(['post_id', 'user_id']).doNothing()).execute()
  }
  await db
    .insertInto('notifications')
    .values(Array.from({ length: 12 }, (_, i) => ({ id: `own-bench-notice-${i}`, user_id: 'u4', kind: 'comment', text: `Someone commented on your weeknote ${i}`, url: '/posts/weeknotes-10004', space_id: null, read_at: i < 4 ? null : at(i), created_at: at(i) })))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
  const tokens = { u1: (await createSession(db, 'u1')).token, u4: (await createSession(db, 'u4')).token }
  await database.close()
  return tokens
}

const startIn = (cwd: string, dir: string) =>
  new Promise<Child>((resolve, reject) => {
    const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, 'bench/server.ts'], { cwd, env: { ...SERVER_ENV, ...process.env, DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    proc.stdout!.on('data', (c) => {
      out += c
      const m = /READY (\d+)/.exec(out)
      if (m) resolve({ port: Number(m[1]), pid: proc.pid!, proc })
    })
    proc.on('exit', (code) => reject(new Error(`exited ${code}`)))
  })

const servers: Array<{ name: string; child: Child; tokens: { u1: string; u4: string } }> = []
for (const [name, cwd, dir] of [['before', beforeCwd, beforeDir], ['after', process.cwd(), afterDir]] as const) {
  const tokens = await giveReaderThings(dir, name === 'after')
  servers.push({ name, child: await startIn(cwd, dir), tokens })
}
const hello = await start('bench/hello.ts', {})
const rows: Array<[string, string, 'u1' | 'u4']> = [
  ['/following (follows nothing)', '/following', 'u1'],
  ['/following (30 follows, a choice)', '/following', 'u4'],
  ['/posts/drafts (none)', '/posts/drafts', 'u1'],
  ['/posts/drafts (3 drafts, 1 scheduled)', '/posts/drafts', 'u4'],
  ['/notifications (none)', '/notifications', 'u1'],
  ['/notifications (12, 4 unread)', '/notifications', 'u4'],
]
const med = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(`A/B of a reader's own pages (wrk, 50 connections, ${SECONDS} s, ${ROUNDS} rounds, hello-world, then before and after in alternating order, each round), load ${load()}`)
console.log('page'.padEnd(40) + 'hello CPU'.padStart(10) + 'before CPU ms/req'.padStart(19) + 'after'.padStart(8) + 'after/before'.padStart(14) + 'before x hello'.padStart(16) + 'after x hello'.padStart(15) + '  after req/s, errors')
try {
  for (const [name, path, who] of rows.filter(([name]) => !ONLY || ONLY.test(name))) {
    const cpu: Record<string, number[]> = { hello: [], before: [], after: [] }
    const ratio: Record<string, number[]> = { before: [], after: [] }
    let last = { rps: 0, errors: 0 }
    for (const s of servers) await wrk(s.child, [path], { cookie: `openly_session=${s.tokens[who]}` }, 10, 1) // warm-up: caches, JIT
    for (let r = 0; r < ROUNDS; r++) {
      const h = await wrk(hello, ['/'], {}, 50, SECONDS)
      cpu.hello!.push(h.cpuPerReq)
      for (const s of r % 2 ? [...servers].reverse() : servers) {
        const l = await wrk(s.child, [path], { cookie: `openly_session=${s.tokens[who]}` }, 50, SECONDS)
        cpu[s.name]!.push(l.cpuPerReq)
        ratio[s.name]!.push(l.cpuPerReq / h.cpuPerReq)
        if (s.name === 'after') last = l
      }
    }
    const [b, a] = [med(cpu.before!), med(cpu.after!)]
    console.log(
      name.padEnd(40) + med(cpu.hello!).toFixed(3).padStart(10) + b.toFixed(3).padStart(19) + a.toFixed(3).padStart(8) + (a / b).toFixed(2).padStart(14) + med(ratio.before!).toFixed(1).padStart(16) + med(ratio.after!).toFixed(1).padStart(15) + `  ${last.rps.toFixed(0)}, ${last.errors}`,
    )
    console.log(' '.repeat(40) + `before [${cpu.before!.map((x) => x.toFixed(3)).join(' ')}] after [${cpu.after!.map((x) => x.toFixed(3)).join(' ')}]`)
  }
} finally {
  for (const s of [...servers.map((s) => s.child), hello]) s.proc.kill('SIGTERM')
}
console.log(`load after ${load()}`)
