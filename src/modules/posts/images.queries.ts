import type { PostsDb, PostImagesTable } from './posts.tables.ts'

export type ImageRow = PostImagesTable

export async function insertImage(db: PostsDb, row: ImageRow): Promise<void> {
  await db.insertInto('post_images').values(row).execute()
}

export async function findImage(db: PostsDb, id: string): Promise<ImageRow | undefined> {
  if (!id || id.length > 40) return undefined
  return db.selectFrom('post_images').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Images by id, in one query (for the sizes of images a post shows). */
export async function imagesByIds(db: PostsDb, ids: string[]): Promise<ImageRow[]> {
  if (ids.length === 0) return []
  return db.selectFrom('post_images').selectAll().where('id', 'in', ids.slice(0, 200)).execute()
}

/** Gives a post the images its body uses that their uploader has not used in another post yet. */
export async function attachImagesToPost(db: PostsDb, postId: string, uploaderIds: string[], imageIds: string[]): Promise<void> {
  if (imageIds.length === 0 || uploaderIds.length === 0) return
  await db.updateTable('post_images').set({ post_id: postId }).where('id', 'in', imageIds.slice(0, 200)).where('post_id', 'is', null).where('user_id', 'in', uploaderIds).execute()
}
