import type { CommunitiesDb } from './communities.tables.ts'

/**
 * Demo content only: the use cases stamp what they create with the current time, so a fresh demo would
 * show every discussion as started "today". These move a community, its discussions and its library back
 * to when the demo's story says they happened.
 */
export async function backdateCommunity(db: CommunitiesDb, id: string, createdAt: string, lastActivityAt: string): Promise<void> {
  await db.updateTable('communities').set({ created_at: createdAt, updated_at: createdAt, last_activity_at: lastActivityAt }).where('id', '=', id).execute()
  await db.updateTable('documents').set({ created_at: createdAt }).where('space_id', '=', id).execute()
}

export async function backdateThread(db: CommunitiesDb, id: string, createdAt: string, lastActivityAt: string): Promise<void> {
  await db.updateTable('threads').set({ created_at: createdAt, last_activity_at: lastActivityAt }).where('id', '=', id).execute()
  // Shown when it was started, unless it still waits for approval.
  await db.updateTable('threads').set({ shown_at: createdAt }).where('id', '=', id).where('shown_at', 'is not', null).execute()
}

export async function backdateReply(db: CommunitiesDb, id: string, createdAt: string): Promise<void> {
  await db.updateTable('replies').set({ created_at: createdAt }).where('id', '=', id).execute()
}
