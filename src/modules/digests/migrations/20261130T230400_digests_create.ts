import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// Editor digests: who may compose them, who receives them, the digests with what they pick (reading-list
// items and posts, by id: other modules' rows, so no foreign key), and one delivery row per recipient.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('digest_editors')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('granted_by', 'text', (c) => c.notNull())
      .addColumn('granted_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema
      .createTable('digest_subscribers')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('subscribed_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema
      .createTable('digests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('intro', 'text', (c) => c.notNull())
      .addColumn('intro_html', 'text', (c) => c.notNull())
      .addColumn('editor_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      // Always null (site content): kept so visibleTo applies unchanged.
      .addColumn('space_id', 'text')
      .addColumn('published_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('digests_published').on('digests').columns(['published_at', 'id']).execute()
    await db.schema
      .createTable('digest_items')
      .addColumn('digest_id', 'text', (c) => c.notNull().references('digests.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ref_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('digest_items_pk', ['digest_id', 'position'])
      .execute()
    await db.schema
      .createTable('digest_deliveries')
      .addColumn('digest_id', 'text', (c) => c.notNull().references('digests.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      // pending until sent; then sent, bounced, suppressed (an address that bounced before) or skipped.
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addPrimaryKeyConstraint('digest_deliveries_pk', ['digest_id', 'user_id'])
      .execute()
    await db.schema.createIndex('digest_deliveries_state').on('digest_deliveries').columns(['digest_id', 'state']).execute()
  },
}
