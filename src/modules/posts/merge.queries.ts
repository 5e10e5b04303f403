import type { PostsDb } from './posts.tables.ts'

/** Posts about a merged duplicate organisation or project are about the entry that stays (core/merge.ts). */
export async function moveOrganisationPosts(db: PostsDb, fromId: string, toId: string): Promise<void> {
  await db.updateTable('posts').set({ organisation_id: toId }).where('organisation_id', '=', fromId).execute()
}

export async function moveProjectPosts(db: PostsDb, fromId: string, toId: string): Promise<void> {
  await db.updateTable('posts').set({ project_id: toId }).where('project_id', '=', fromId).execute()
}
