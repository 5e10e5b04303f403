import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Images in posts (posts/images.ts): stored resized under DATA_DIR/uploads, readable by whoever may read the
 * post they belong to; until a post using them is saved, by the person who uploaded them only.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('post_images')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('post_id', 'text')
      .addColumn('storage_key', 'text', (c) => c.notNull())
      .addColumn('mime_type', 'text', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('size_bytes', 'integer', (c) => c.notNull())
      .addColumn('alt', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('post_images_post').on('post_images').column('post_id').execute()
    await db.schema.createIndex('post_images_user').on('post_images').columns(['user_id', 'created_at']).execute()
  },
}
