import { sql } from 'kysely'
import type { CoreDb } from '../core.tables.ts'
import { databaseUnavailable } from './errors.ts'

export interface DatabaseHealth {
  reachable: boolean
  /** A write was committed: the database is neither read-only nor full. */
  writable: boolean
  /** What went wrong, in a few words, for operators (never the full error: /healthz is public). */
  problem?: string
}

/**
 * checkDatabase at most once per `ms`, shared by every caller in between: /healthz is public, and a flood of it must
 * not become a flood of writes (SQLite has one writer).
 */
export function sharedHealthCheck(db: CoreDb, ms = 1000): () => Promise<DatabaseHealth> {
  let last: { at: number; result: Promise<DatabaseHealth> } | null = null
  return () => {
    const now = Date.now()
    if (!last || now - last.at >= ms) last = { at: now, result: checkDatabase(db) }
    return last.result
  }
}

/** Asks the database a trivial question, then commits a one-row write (health_checks) to prove it takes writes. */
export async function checkDatabase(db: CoreDb): Promise<DatabaseHealth> {
  try {
    await sql`select 1`.execute(db)
  } catch (err) {
    return { reachable: false, writable: false, problem: databaseUnavailable(err) ?? 'error' }
  }
  try {
    await db.transaction().execute((trx) => trx.updateTable('health_checks').set({ checked_at: new Date().toISOString() }).where('id', '=', 1).execute())
    return { reachable: true, writable: true }
  } catch (err) {
    return { reachable: true, writable: false, problem: databaseUnavailable(err) ?? 'error' }
  }
}
