import type { ActionsDb } from './actions.tables.ts'

/** Practical actions on a merged duplicate project count for the project that stays (core/merge.ts). */
export async function moveProjectActions(db: ActionsDb, fromId: string, toId: string): Promise<void> {
  await db.updateTable('practical_actions').set({ project_id: toId }).where('project_id', '=', fromId).execute()
}
