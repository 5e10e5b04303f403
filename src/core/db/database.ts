import { createRequire } from 'node:module'
import { Kysely, PostgresDialect, type Transaction } from 'kysely'
import type pg from 'pg'
import type { Config } from '../../config.ts'
import { preparingPool } from './prepared.ts'
import { createSqliteDialect } from './sqlite-dialect.ts'

export type Dialect = 'sqlite' | 'postgres'

/** A database handle or an open transaction over the tables `T`. */
export type Executor<T> = Kysely<T> | Transaction<T>

/**
 * The database as routes, use cases and other modules hold it: no table is visible through it.
 * Each module's `*.queries.ts` takes it narrowed to that module's own tables (its `<Id>Db` type in
 * `<id>.tables.ts`), so reading another module's table does not compile. A `Db` converts to any
 * narrowed executor implicitly; a narrowed one does not widen back, so use cases keep the `Db`.
 * (test/boundaries/typed-tables.test.ts pins these rules, so a Kysely upgrade cannot loosen them silently.)
 */
export type Db = Executor<{}>

/**
 * The PostgreSQL driver, loaded when a PostgreSQL database is opened: a SQLite server never holds it. With pg-boss
 * (core/jobs/plugin.ts) that is 3.4 MB of live heap and 13 MB of RSS at rest (test/boundaries/start-modules.test.ts).
 */
function postgresDriver(): typeof pg {
  const driver = createRequire(import.meta.url)('pg') as typeof pg
  // COUNT(*) and BIGINT come back from pg as strings; our counts fit in a double.
  driver.types.setTypeParser(20, (v) => Number(v))
  return driver
}

export interface DatabaseHandle {
  db: Kysely<{}>
  dialect: Dialect
  /** For PostgreSQL: a client to LISTEN on (cache invalidation across processes). */
  pool?: pg.Pool
  /** Where the database is, for messages to operators: the SQLite file, or PostgreSQL's host and database (no password). */
  location: string
  /** For PostgreSQL: the connection string (pg-boss opens its own pool with it). */
  url?: string
  close(): Promise<void>
}

/**
 * What each of the application's PostgreSQL connections is set to first. No JIT compilation: it pays off for long
 * analytic queries, not these; its threshold is a planner cost, and an estimate grows with the data (the search by
 * month's reaches it at about 3,000,000 documents), after which every execution would compile first (300 ms measured
 * with a plan over it). A SET rather than a startup option, which PgBouncer refuses.
 */
export const setUpConnection = (client: pg.PoolClient) => client.query('set jit = off')

/** Connects to PostgreSQL when DATABASE_URL is set, else opens the SQLite file in DATA_DIR. */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'sqlitePath'>): DatabaseHandle {
  if (config.databaseUrl) {
    // A server that does not answer within 5 s counts as away (a 503), rather than holding requests forever.
    const pool = new (postgresDriver().Pool)({ connectionString: config.databaseUrl, max: 10, connectionTimeoutMillis: 5000 })
    // An idle client losing its connection (server restart, fail-over, a dropped database) emits 'error' on the
    // pool; unhandled, that would end the process. The pool drops the client; the next query opens a new one.
    // (core/services.ts logs it.) A client in use is not covered by that: the server's "terminating connection" can
    // arrive in the same read as the answer to its last query, after which the client has no query to fail, and its
    // 'error' would end the process. The query that uses it next fails instead, and the pool drops it on release.
    pool.on('error', () => {})
    pool.on('connect', (client) => client.on('error', () => {}))
    const db = new Kysely<{}>({ dialect: new PostgresDialect({ pool: preparingPool(pool, setUpConnection) }) })
    const url = new URL(config.databaseUrl)
    return { db, dialect: 'postgres', pool, location: `PostgreSQL database ${url.pathname.slice(1) || '(default)'} on ${url.host || 'localhost'}`, url: config.databaseUrl, close: () => db.destroy() }
  }
  const db = new Kysely<{}>({ dialect: createSqliteDialect(config.sqlitePath) })
  return { db, dialect: 'sqlite', location: `SQLite file ${config.sqlitePath}`, close: () => db.destroy() }
}
