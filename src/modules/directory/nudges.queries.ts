import type { NudgesDb } from './nudges.tables.ts'

/** Of these people, those who stopped the nudges. */
export async function optedOut(db: NudgesDb, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set()
  return new Set((await db.selectFrom('directory_nudge_optouts').select('user_id').where('user_id', 'in', userIds).execute()).map((r) => r.user_id))
}

/** Stops the nudges for this person (idempotent). */
export async function optOut(db: NudgesDb, userId: string, at: string): Promise<void> {
  await db.insertInto('directory_nudge_optouts').values({ user_id: userId, created_at: at }).onConflict((oc) => oc.column('user_id').doNothing()).execute()
}
