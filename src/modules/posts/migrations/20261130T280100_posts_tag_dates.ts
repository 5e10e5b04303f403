import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * A tag's posts by date without reading every post of the tag: each `post_tags` row carries its post's
 * `published_at` (null while a draft), filled here from the posts, and an index (tag, published_at, post_id)
 * walks a followed tag newest first from where a timeline page starts.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('post_tags').addColumn('published_at', 'text').execute()
    await sql`update post_tags set published_at = (select posts.published_at from posts where posts.id = post_tags.post_id and posts.status = 'published')`.execute(db)
    await db.schema.createIndex('post_tags_tag_published').on('post_tags').columns(['tag', 'published_at', 'post_id']).execute()
  },
}
