/**
 * Search's own cost per search, in process, as nobody asked it before (no page cache): issue 12 asks for ≤ 2 ms of
 * CPU and ≤ 2 ms of database time, signed in or not. Each query is run as an anonymous reader, a member of a
 * members-only community and a platform admin; printed per search: the process's CPU (on SQLite this includes the
 * database's own work, which runs in process), the statements' time as the client saw them, and how many statements.
 * On PostgreSQL the statements go as named prepared statements (as the application sends them), and it also prints
 * the server's time per search for every query and reader, from `EXPLAIN (ANALYZE, BUFFERS)` of each statement (the
 * median of BENCH_REPEAT runs), planned for its values and as a prepared statement, with the plans of one search
 * (BENCH_EXPLAIN names it). BENCH_POSTS=1000000 fills a million posts (bulk load, in parts of 100,000).
 *
 *   BENCH_DATA_DIR=/tmp/openly-100k node bench/search.bench.ts      # SQLite, filled here if empty (100,000 posts)
 *   BENCH_DATABASE_URL=postgres://… node bench/search.bench.ts
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely'
import { openDatabase, setUpConnection } from '../src/core/db/database.ts'
import { createSqliteDialect } from '../src/core/db/sqlite-dialect.ts'
import { migrate } from '../src/core/db/setup.ts'
import { wholeDatabase } from '../src/database.ts'
import { modules } from '../src/modules.ts'
import { createSpace, setMembership } from '../src/core/access/spaces.ts'
import { ANONYMOUS, type Actor } from '../src/core/access/policy.ts'
import { searchDocuments } from '../src/core/search/search.ts'
import { prefixExpansion } from '../src/core/search/lexemes.ts'
import { bulkLoad, fillDatabase } from './fill.ts'
import { preparingPool } from '../src/core/db/prepared.ts'

const POSTS = Number(process.env.BENCH_POSTS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 20)
const EXPLAIN = process.env.BENCH_EXPLAIN ?? 'accessibility'
/** PostgreSQL: each statement's EXPLAIN ANALYZE is run this many times and the median run kept. */
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5)
const keep = process.env.BENCH_DATA_DIR
const dir = keep ?? mkdtempSync(join(tmpdir(), 'openly-search-'))
if (keep) mkdirSync(dir, { recursive: true })
const databaseUrl = process.env.BENCH_DATABASE_URL
const sqlitePath = join(dir, 'openly.sqlite')
const filledBefore = !databaseUrl && existsSync(sqlitePath)
const database = openDatabase({ databaseUrl, sqlitePath })

/** The bench's queries: the hot bench's ten, a one-letter word, a word's beginning (prefix only), a common word, a rare pair, a phrase, a three-letter prefix starting many words, one starting none. */
const QUERIES = ['accessibility', 'procurement', 'caseworkers research', '"plain words"', 'flooding', 'allotments', 'payments identity', 'mapping', 'consultations', 'archives', 'a', 'playgr', 'research', 'zebra crossing', 'plan', 'con', 'qzxv']

try {
  await migrate(database, modules)
  const whole = wholeDatabase(database)
  const posts = Number((await whole.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  if (posts === 0 && !filledBefore) {
    // In parts of 100,000 posts (one transaction each), as the hot bench fills a million.
    await bulkLoad(database, async () => {
      let filled = await fillDatabase(whole, { people: 10_000, projects: 1_000, posts: Math.min(POSTS, 100_000), timeline: POSTS })
      while (filled.posts < POSTS) filled = await fillDatabase(whole, { people: 0, projects: 0, posts: Math.min(100_000, POSTS - filled.posts), timeline: POSTS }, filled)
    })
    // What autovacuum does on a live site: statistics for the planner, and the GIN index's pending list merged
    // (a freshly filled one made the search of a common word scan it: 9 ms instead of 1–2).
    if (databaseUrl) await sql`vacuum analyze`.execute(database.db)
  }
  const circle = (await whole.selectFrom('spaces').select('id').where('path', '=', '/communities/bench-circle').executeTakeFirst())?.id ?? (await createSpace(whole, { kind: 'community', visibility: 'members', name: 'Bench circle', path: '/communities/bench-circle' }))
  await setMembership(whole, circle, 'u2', 'member', 'active')
  const documents = Number((await whole.selectFrom('search_documents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  // Our own handle on the same database, logging every statement's duration; on PostgreSQL sending named prepared
  // statements as the application does (core/db/prepared.ts), unless BENCH_UNPREPARED is set.
  const log: LogEvent[] = []
  // Connections set up as the application's are (setUpConnection: no JIT), the EXPLAIN client's below too.
  const pool = databaseUrl ? database.pool! : null
  const prepared = pool && !process.env.BENCH_UNPREPARED ? preparingPool(pool, setUpConnection) : pool
  const timed = new Kysely<{}>({ dialect: prepared ? new PostgresDialect({ pool: prepared }) : createSqliteDialect(sqlitePath), log: (e) => void log.push(e) })
  const dialect = database.dialect
  const actors: Array<[string, Actor]> = [
    ['anonymous', ANONYMOUS],
    ['member', { userId: 'u2', isAdmin: false }],
    ['admin', { userId: 'u3', isAdmin: true }],
  ]
  console.log(`Search, in process: ${documents.toLocaleString('en')} documents, ${dialect === 'postgres' ? `PostgreSQL${prepared === pool ? '' : ' (named prepared statements)'}` : 'SQLite'}, Node ${process.version}, ${RUNS} runs each; load average ${(await import('node:os')).loadavg().map((n) => n.toFixed(1)).join(' ')}`)
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
    // The server's own view, per search and reader: each statement of the search run again under EXPLAIN (ANALYZE,
    // BUFFERS), planning and execution time summed. "custom": the statement as sent, planned for its values (what an
    // unprepared statement costs); "prepared": a named prepared statement executed 6 times first, then EXPLAIN EXECUTE,
    // so the plan cache has chosen its generic or custom plan as it does in the application. Plans of one search
    // (BENCH_EXPLAIN) printed.
    console.log(`\nPostgreSQL server time per search (planning + execution, EXPLAIN ANALYZE of its statements), ms; load average ${(await import('node:os')).loadavg().map((n) => n.toFixed(1)).join(' ')}:`)
    console.log('query'.padEnd(24) + 'reader'.padEnd(18) + 'stmts'.padStart(6) + 'custom'.padStart(8) + 'plan'.padStart(7) + 'prepared'.padStart(10) + 'plan'.padStart(7))
    const client = await pool.connect()
    await setUpConnection(client)
    const server: Record<string, { custom: number[]; prepared: number[] }> = {}
    // A/B in the same run (decision 0041): each prefix search measured with its prefixes expanded into their words and,
    // beside it, with the partial match it replaced; searches whose statements are the same are measured once.
    const modes = process.env.BENCH_AB === '0' ? [true] : [false, true]
    const timeOf = (lines: string[], what: 'Planning' | 'Execution') => lines.filter((l) => l.trimStart().startsWith(`${what} Time`)).reduce((sum, l) => sum + Number(/([\d.]+) ms/.exec(l)?.[1] ?? 0), 0)
    let n = 0
    for (const q of QUERIES) {
      for (const [who, actor] of actors) {
        let measured = ''
        let last = { custom: 0, prepared: 0 }
        for (const expand of modes) {
          prefixExpansion.enabled = expand
          log.length = 0
          await searchDocuments(timed as any, dialect, actor, q)
          const statements = log.map((e) => e.query)
          const shape = JSON.stringify(statements)
          const label = modes.length > 1 ? `${who}/${expand ? 'expanded' : 'partial'}` : who
          if (shape === measured) {
            // No prefix pass, or one without a prefix to expand: the same statements, counted for both.
            ;(server[label] ??= { custom: [], prepared: [] }).custom.push(last.custom)
            server[label].prepared.push(last.prepared)
            continue
          }
          measured = shape
          const t = { custom: 0, customPlan: 0, prepared: 0, preparedPlan: 0 }
          for (const s of statements) {
            const values = s.parameters as unknown[]
            // The run of median total time among REPEAT, so that one slice of another engineer's CPU does not decide.
            const medianRun = async (run: () => Promise<string[]>) => {
              const runs: string[][] = []
              for (let i = 0; i < REPEAT; i++) runs.push(await run())
              return runs.toSorted((a, b) => timeOf(a, 'Planning') + timeOf(a, 'Execution') - timeOf(b, 'Planning') - timeOf(b, 'Execution'))[Math.floor(REPEAT / 2)]!
            }
            const custom = await medianRun(async () => (await client.query(`explain (analyze, buffers) ${s.sql}`, values)).rows.map((r: Record<string, string>) => r['QUERY PLAN']!))
            t.customPlan += timeOf(custom, 'Planning')
            t.custom += timeOf(custom, 'Planning') + timeOf(custom, 'Execution')
            const name = `bench${n++}`
            for (let i = 0; i < 6; i++) await client.query({ name, text: s.sql, values })
            const literals = values.map((v) => (v === null ? 'null' : client.escapeLiteral(String(v))))
            const lines = await medianRun(async () => (await client.query(`explain (analyze, buffers) execute ${name}${literals.length ? `(${literals.join(', ')})` : ''}`)).rows.map((r: Record<string, string>) => r['QUERY PLAN']!))
            t.preparedPlan += timeOf(lines, 'Planning')
            t.prepared += timeOf(lines, 'Planning') + timeOf(lines, 'Execution')
            if (q === EXPLAIN && who === 'member') console.log(`-- ${label}`), console.log(`-- ${s.sql.slice(0, 160)}${s.sql.length > 160 ? '…' : ''}\n-- custom plan:\n${custom.join('\n')}\n-- prepared, 7th execution:\n${lines.join('\n')}`)
          }
          ;(server[label] ??= { custom: [], prepared: [] }).custom.push(t.custom)
          server[label].prepared.push(t.prepared)
          last = t
          console.log(q.slice(0, 23).padEnd(24) + label.padEnd(18) + String(statements.length).padStart(6) + t.custom.toFixed(2).padStart(8) + t.customPlan.toFixed(2).padStart(7) + t.prepared.toFixed(2).padStart(10) + t.preparedPlan.toFixed(2).padStart(7))
        }
      }
    }
    client.release()
    for (const [who, s] of Object.entries(server)) console.log(`server time per search, ${who}: custom plans median ${median(s.custom).toFixed(2)} ms, max ${Math.max(...s.custom).toFixed(2)}; prepared median ${median(s.prepared).toFixed(2)} ms, max ${Math.max(...s.prepared).toFixed(2)}`)
  } else await timed.destroy()
} finally {
  await database.close()
  if (!keep) rmSync(dir, { recursive: true, force: true })
}
