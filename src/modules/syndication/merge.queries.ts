import type { SyndicationDb } from './syndication.tables.ts'

/** A blog registered for a merged duplicate project feeds the project that stays (core/merge.ts). */
export async function moveFeedProjects(db: SyndicationDb, fromId: string, toId: string): Promise<void> {
  await db.updateTable('syndicated_feeds').set({ project_id: toId }).where('project_id', '=', fromId).execute()
}
