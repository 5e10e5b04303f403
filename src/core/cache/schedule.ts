import { sql } from 'kysely'
import type { CoreDb } from '../core.tables.ts'

/**
 * When the next scheduled thing becomes visible after `asOf` (ISO), or null: the earliest future
 * `visible_from` in the search index, where every module records when its content becomes visible.
 * Raw SQL: the expression must be exactly the one indexed by 20261130T130000_core_search_schedule_index,
 * so this reads one index entry however large the index grows.
 */
export async function nextScheduledPublication(db: CoreDb, asOf: string): Promise<string | null> {
  const at = sql<string>`coalesce(visible_from, '')`
  const row = await db.selectFrom('search_documents').select(at.as('at')).where(at, '>', asOf).orderBy(at).limit(1).executeTakeFirst()
  return row?.at ?? null
}
