import type { FollowsDb } from './follows.tables.ts'

/**
 * Whoever followed a merged duplicate follows the entry that stays (core/merge.ts); someone who followed both
 * follows it once, since their follow of the survivor was already there.
 */
export async function moveFollows(db: FollowsDb, kind: string, fromId: string, toId: string): Promise<void> {
  await db
    .updateTable('follows')
    .set({ subject_id: toId })
    .where('subject_kind', '=', kind)
    .where('subject_id', '=', fromId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('follows as kept').select('kept.user_id').whereRef('kept.user_id', '=', 'follows.user_id').where('kept.subject_kind', '=', kind).where('kept.subject_id', '=', toId))))
    .execute()
  await db.deleteFrom('follows').where('subject_kind', '=', kind).where('subject_id', '=', fromId).execute()
}
