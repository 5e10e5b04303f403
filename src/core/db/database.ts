import { Kysely, PostgresDialect, type Transaction, sql } from 'kysely'
import pg from 'pg'
import type { Config } from '../../config.ts'
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

// COUNT(*) and BIGINT come back from pg as strings; our counts fit in a double.
pg.types.setTypeParser(20, (v) => Number(v))

export interface DatabaseHandle {
  db: Kysely<{}>
  dialect: Dialect
  /** For PostgreSQL: a client to LISTEN on (cache invalidation across processes). */
  pool?: pg.Pool
  /** For PostgreSQL: the connection string (pg-boss opens its own pool with it). */
  url?: string
  close(): Promise<void>
}

/** Connects to PostgreSQL when DATABASE_URL is set, else opens the SQLite file in DATA_DIR. */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'sqlitePath'>): DatabaseHandle {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 })
    // An idle client losing its connection (server restart, fail-over, a dropped database) emits 'error' on the
    // pool; unhandled, that would end the process. The pool drops the client; the next query opens a new one.
    pool.on('error', () => {})
    const db = new Kysely<{}>({ dialect: new PostgresDialect({ pool }) })
    return { db, dialect: 'postgres', pool, url: config.databaseUrl, close: () => db.destroy() }
  }
  const db = new Kysely<{}>({ dialect: createSqliteDialect(config.sqlitePath) })
  return { db, dialect: 'sqlite', close: () => db.destroy() }
}

/** True when the database answers a trivial query. */
export async function isReachable(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db)
    return true
  } catch {
    return false
  }
}
