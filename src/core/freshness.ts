import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Executor } from './db/database.ts'

/**
 * "Is this still live?" for directory entries (decision 0024): a table of entries (organisations, projects) with
 * `id`, `hidden_at`, `updated_at`, `confirmed_at` (a confirmation, post or practical action) and `nudged_at` (when
 * their managers were last asked). The module owning the table calls these with its own executor and table name.
 */

/** The entry's last sign of life: its last edit or its last confirmation. */
export const lastActiveOf = (table: string): RawBuilder<string> =>
  sql<string>`coalesce(case when ${sql.ref(`${table}.confirmed_at`)} > ${sql.ref(`${table}.updated_at`)} then ${sql.ref(`${table}.confirmed_at`)} end, ${sql.ref(`${table}.updated_at`)})`

/**
 * Claims up to `limit` entries stale since before `staleBefore` whose managers were not asked since then: marks them
 * asked at `at` (unique per run) and returns those this run marked, so two runs at once never both claim an entry in
 * one period. `columns` are the entry's own columns to return, with `lastActive`.
 */
export async function claimStaleEntries<R extends { id: string }>(
  executor: Executor<any>,
  table: string,
  columns: readonly string[],
  staleBefore: string,
  at: string,
  limit: number,
): Promise<R[]> {
  const db = executor as Kysely<any>
  const lastActive = lastActiveOf(table)
  const notAskedSince = (eb: any) => eb.or([eb('nudged_at', 'is', null), eb('nudged_at', '<', staleBefore)])
  const rows = (await db
    .selectFrom(table)
    .select([...columns, lastActive.as('lastActive')])
    .where('hidden_at', 'is', null)
    .where(lastActive, '<', staleBefore)
    .where(notAskedSince)
    .orderBy('id')
    .limit(limit)
    .execute()) as unknown as R[]
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  await db.updateTable(table).set({ nudged_at: at }).where('id', 'in', ids).where(notAskedSince).execute()
  // What this run claimed: a run at the same moment elsewhere claimed the rest (its update found them taken).
  const mine = new Set((await db.selectFrom(table).select('id').where('id', 'in', ids).where('nudged_at', '=', at).execute()).map((r) => r.id as string))
  return rows.filter((r) => mine.has(r.id))
}

/** Moves the entry's "last confirmed" on to `at` (never back). */
export async function markEntryActive(executor: Executor<any>, table: string, id: string, at: string): Promise<void> {
  await (executor as Kysely<any>).updateTable(table).set({ confirmed_at: at }).where('id', '=', id).where((eb) => eb.or([eb('confirmed_at', 'is', null), eb('confirmed_at', '<', at)])).execute()
}
