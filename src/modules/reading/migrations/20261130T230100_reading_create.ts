import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// The reading list: curated links with a summary in the member's own words, and their tags.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('reading_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      // One entry per link: a second member adding it is told where it is.
      .addColumn('url', 'text', (c) => c.notNull().unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('added_by', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      // Always null (site content): kept so visibleTo applies unchanged.
      .addColumn('space_id', 'text')
      .addColumn('hidden_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('reading_items_created').on('reading_items').columns(['created_at', 'id']).execute()
    await db.schema.createIndex('reading_items_added_by').on('reading_items').columns(['added_by', 'created_at']).execute()
    await db.schema
      .createTable('reading_item_tags')
      .addColumn('item_id', 'text', (c) => c.notNull().references('reading_items.id').onDelete('cascade'))
      .addColumn('tag', 'text', (c) => c.notNull())
      // The item's time, copied, so a tag's list is one index range in list order.
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('reading_item_tags_pk', ['item_id', 'tag'])
      .execute()
    await db.schema.createIndex('reading_item_tags_tag').on('reading_item_tags').columns(['tag', 'created_at', 'item_id']).execute()
  },
}
