import { Kysely, PostgresDialect, type Transaction, sql } from 'kysely'
import pg from 'pg'
import type { Config } from '../../config.ts'
import { createSqliteDialect } from './sqlite-dialect.ts'
import type { Database } from './schema.ts'

export type Dialect = 'sqlite' | 'postgres'
export type Db = Kysely<Database>
/** A database handle or an open transaction: what queries take as their first argument. */
export type Executor = Kysely<Database> | Transaction<Database>

// COUNT(*) and BIGINT come back from pg as strings; our counts fit in a double.
pg.types.setTypeParser(20, (v) => Number(v))

export interface DatabaseHandle {
  db: Db
  dialect: Dialect
  /** For PostgreSQL: a client to LISTEN on (cache invalidation across processes). */
  pool?: pg.Pool
  close(): Promise<void>
}

/** Connects to PostgreSQL when DATABASE_URL is set, else opens the SQLite file in DATA_DIR. */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'sqlitePath'>): DatabaseHandle {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    return { db, dialect: 'postgres', pool, close: () => db.destroy() }
  }
  const db = new Kysely<Database>({ dialect: createSqliteDialect(config.sqlitePath) })
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
