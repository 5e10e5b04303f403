import type { ChallengesDb } from './challenges.tables.ts'

/** A winning idea that became a merged duplicate project became the project that stays (core/merge.ts). */
export async function moveIdeaProjects(db: ChallengesDb, fromId: string, toId: string): Promise<void> {
  await db.updateTable('challenge_ideas').set({ project_id: toId }).where('project_id', '=', fromId).execute()
}
