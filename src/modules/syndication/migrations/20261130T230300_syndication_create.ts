import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// Feeds in: the blogs members registered, how polling them goes, and every entry seen (imported or not).
// project_id and post_id carry no foreign key: they name rows of other modules' tables.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('syndicated_feeds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('project_id', 'text')
      .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('site_url', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('auto_import', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('etag', 'text')
      .addColumn('last_modified', 'text')
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('polled_at', 'text')
      .addColumn('next_poll_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    // One registration of a feed per member.
    await db.schema.createIndex('syndicated_feeds_owner_url').on('syndicated_feeds').columns(['owner_id', 'url']).unique().execute()
    await db.schema.createIndex('syndicated_feeds_due').on('syndicated_feeds').columns(['status', 'next_poll_at']).execute()
    await db.schema
      .createTable('syndicated_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('feed_id', 'text', (c) => c.notNull().references('syndicated_feeds.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('link', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('html', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('published_at', 'text', (c) => c.notNull())
      // new: waits for the owner to pick it; queued: to be imported; imported; skipped.
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('post_id', 'text')
      .addColumn('seen_at', 'text', (c) => c.notNull())
      .execute()
    // De-duplication across restarts and edits: by GUID and by link, each unique within a feed.
    await db.schema.createIndex('syndicated_items_key').on('syndicated_items').columns(['feed_id', 'key']).unique().execute()
    await db.schema.createIndex('syndicated_items_link').on('syndicated_items').columns(['feed_id', 'link']).unique().execute()
    await db.schema.createIndex('syndicated_items_list').on('syndicated_items').columns(['feed_id', 'published_at', 'id']).execute()
    await db.schema.createIndex('syndicated_items_queued').on('syndicated_items').columns(['state', 'feed_id']).execute()
  },
}
