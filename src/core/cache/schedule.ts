import { sql } from 'kysely'
import type { CoreDb } from '../core.tables.ts'

/**
 * When the next scheduled thing becomes visible after `asOf` (ISO), or null: the earliest future
 * `visible_from` in the search index, where every module records when its content becomes visible, or the
 * earliest future clock change a module declared with `scheduleChanges` (a challenge's next phase).
 * Raw SQL: the expression must be exactly the one indexed by 20261130T130000_core_search_schedule_index,
 * so this reads one index entry however large the index grows (and one of scheduled_changes_at).
 */
export async function nextScheduledPublication(db: CoreDb, asOf: string): Promise<string | null> {
  const at = sql<string>`coalesce(visible_from, '')`
  const [row, change] = await Promise.all([
    db.selectFrom('search_documents').select(at.as('at')).where(at, '>', asOf).orderBy(at).limit(1).executeTakeFirst(),
    db.selectFrom('scheduled_changes').select('at').where('at', '>', asOf).orderBy('at').limit(1).executeTakeFirst(),
  ])
  const times = [row?.at, change?.at].filter((t): t is string => Boolean(t)).sort()
  return times[0] ?? null
}

/**
 * Declares the times at which what anonymous readers see of `subject` changes without a write (replacing
 * those declared before), so cached pages expire then. Call in the transaction that changed the times.
 */
export async function scheduleChanges(db: CoreDb, subject: string, times: readonly string[]): Promise<void> {
  await db.deleteFrom('scheduled_changes').where('subject', '=', subject).execute()
  const rows = [...new Set(times)].map((at) => ({ subject, at }))
  if (rows.length) await db.insertInto('scheduled_changes').values(rows).execute()
}
