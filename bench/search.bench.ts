/**
 * Search's own cost per search, in process, as nobody asked it before (no page cache): issue 12 asks for ≤ 2 ms of
 * CPU and ≤ 2 ms of database time, signed in or not. Each query is run as an anonymous reader, a member of a
 * members-only community and a platform admin; printed per search: the process's CPU (on SQLite this includes the
 * database's own work, which runs in process), the statements' time as the client saw them, and how many statements.
 * On PostgreSQL it also prints `EXPLAIN (ANALYZE, BUFFERS)` of one search's statements (BENCH_EXPLAIN names it).
 *
 *   BENCH_DATA_DIR=/tmp/openly-100k node bench/search.bench.ts      # SQLite, filled here if empty (100,000 posts)
 *   BENCH_DATABASE_URL=postgres://… node bench/search.bench.ts
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely'
import pg from 'pg'
import { openDatabase } from '../src/core/db/database.ts'
import { createSqliteDialect } from '../src/core/db/sqlite-dialect.ts'
import { migrate } from '../src/core/db/setup.ts'
import { wholeDatabase } from '../src/database.ts'
import { modules } from '../src/modules.ts'
import { createSpace, setMembership } from '../src/core/access/spaces.ts'
import { ANONYMOUS, type Actor } from '../src/core/access/policy.ts'
import { searchDocuments } from '../src/core/search/search.ts'
import { fillDatabase } from './fill.ts'

const POSTS = Number(process.env.BENCH_POSTS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 20)
const EXPLAIN = process.env.BENCH_EXPLAIN ?? 'accessibility'
const keep = process.env.BENCH_DATA_DIR
const dir = keep ?? mkdtempSync(join(tmpdir(), 'openly-search-'))
if (keep) mkdirSync(dir, { recursive: true })
const databaseUrl = process.env.BENCH_DATABASE_URL
const sqlitePath = join(dir, 'openly.sqlite')
const filledBefore = !databaseUrl && existsSync(sqlitePath)
const database = openDatabase({ databaseUrl, sqlitePath })

/** The bench's queries: the hot bench's ten, a one-letter word, a word's beginning (prefix only), a common word, a rare pair, a phrase. */
const QUERIES = ['accessibility', 'procurement', 'caseworkers research', '"plain words"', 'flooding', 'allotments', 'payments identity', 'mapping', 'consultations', 'archives', 'a', 'playgr', 'research', 'zebra crossing', 'plan']

try {
  await migrate(database, modules)
  const whole = wholeDatabase(database)
  const posts = Number((await whole.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  if (posts === 0 && !filledBefore) {
    await fillDatabase(whole, { people: 10_000, projects: 1_000, posts: POSTS })
    // What autovacuum does on a live site: statistics for the planner, and the GIN index's pending list merged
    // (a freshly filled one made the search of a common word scan it: 9 ms instead of 1–2).
    if (databaseUrl) await sql`vacuum analyze`.execute(database.db)
  }
  const circle = (await whole.selectFrom('spaces').select('id').where('path', '=', '/communities/bench-circle').executeTakeFirst())?.id ?? (await createSpace(whole, { kind: 'community', visibility: 'members', name: 'Bench circle', path: '/communities/bench-circle' }))
  await setMembership(whole, circle, 'u2', 'member', 'active')
  const documents = Number((await whole.selectFrom('search_documents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  // Our own handle on the same database, logging every statement's duration.
  const log: LogEvent[] = []
  const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 2 }) : null
  const timed = new Kysely<{}>({ dialect: pool ? new PostgresDialect({ pool }) : createSqliteDialect(sqlitePath), log: (e) => void log.push(e) })
  const dialect = database.dialect
  const actors: Array<[string, Actor]> = [
    ['anonymous', ANONYMOUS],
    ['member', { userId: 'u2', isAdmin: false }],
    ['admin', { userId: 'u3', isAdmin: true }],
  ]
  console.log(`Search, in process: ${documents.toLocaleString('en')} documents, ${dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}, Node ${process.version}, ${RUNS} runs each; load average ${(await import('node:os')).loadavg().map((n) => n.toFixed(1)).join(' ')}`)
  console.log('query'.padEnd(24) + 'reader'.padEnd(11) + 'CPU ms'.padStart(8) + 'db ms'.padStart(8) + 'stmts'.padStart(6) + 'hits'.padStart(6) + 'total'.padStart(7))
  const summary: Record<string, { cpu: number[]; db: number[] }> = {}
  for (const q of QUERIES) {
    for (const [who, actor] of actors) {
      const result = await searchDocuments(timed as any, dialect, actor, q) // warm: statements prepared, JIT
      log.length = 0
      const before = process.cpuUsage()
      for (let i = 0; i < RUNS; i++) await searchDocuments(timed as any, dialect, actor, q)
      const used = process.cpuUsage(before)
      const cpu = (used.user + used.system) / 1000 / RUNS
      const db = log.reduce((sum, e) => sum + e.queryDurationMillis, 0) / RUNS
      ;(summary[who] ??= { cpu: [], db: [] }).cpu.push(cpu)
      summary[who].db.push(db)
      console.log(q.slice(0, 23).padEnd(24) + who.padEnd(11) + cpu.toFixed(2).padStart(8) + db.toFixed(2).padStart(8) + String(log.length / RUNS).padStart(6) + String(result.hits.length).padStart(6) + `${result.total}${result.capped ? '+' : ''}`.padStart(7))
    }
  }
  const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!
  for (const [who, s] of Object.entries(summary)) console.log(`${who}: CPU ms per search median ${median(s.cpu).toFixed(2)}, max ${Math.max(...s.cpu).toFixed(2)}; statements' ms median ${median(s.db).toFixed(2)}, max ${Math.max(...s.db).toFixed(2)}`)

  if (pool) {
    // The server's own view: each statement of an anonymous search run again under EXPLAIN (ANALYZE, BUFFERS), its
    // planning and execution time summed per search; the plans of one search (BENCH_EXPLAIN) printed in full.
    console.log('\nPostgreSQL server time per anonymous search (planning + execution, EXPLAIN ANALYZE of its statements):')
    const server: number[] = []
    for (const q of QUERIES) {
      log.length = 0
      await searchDocuments(timed as any, dialect, ANONYMOUS, q)
      const statements = log.map((e) => e.query)
      let total = 0
      for (const s of statements) {
        const { rows } = await pool.query(`explain (analyze, buffers) ${s.sql}`, s.parameters as unknown[])
        const lines = rows.map((r: Record<string, string>) => r['QUERY PLAN']!)
        total += lines.filter((l) => /^(Planning|Execution) Time/.test(l)).reduce((sum, l) => sum + Number(/([\d.]+) ms/.exec(l)?.[1] ?? 0), 0)
        if (q === EXPLAIN) console.log(`-- ${s.sql.slice(0, 160)}${s.sql.length > 160 ? '…' : ''}\n${lines.join('\n')}`)
      }
      server.push(total)
      console.log(`${q.slice(0, 23).padEnd(24)}${total.toFixed(2).padStart(8)} ms in ${statements.length} statements`)
    }
    console.log(`server time per search: median ${median(server).toFixed(2)} ms, max ${Math.max(...server).toFixed(2)} ms`)
    await pool.end()
  } else await timed.destroy()
} finally {
  await database.close()
  if (!keep) rmSync(dir, { recursive: true, force: true })
}
