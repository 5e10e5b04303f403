import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/** Communities, their discussions (threads, replies, revisions), library and invitations. */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('communities')
      .addColumn('id', 'text', (c) => c.primaryKey().references('spaces.id').onDelete('cascade'))
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('themes', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('join_policy', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('last_activity_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('communities_activity').on('communities').columns(['last_activity_at', 'id']).execute()

    await db.schema
      .createTable('threads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('body_html', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('hidden_at', 'text')
      .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_activity_at', 'text', (c) => c.notNull())
      .addColumn('edited_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('submission_id', 'text', (c) => c.unique())
      .execute()
    await db.schema.createIndex('threads_space_order').on('threads').columns(['space_id', 'pinned', 'last_activity_at', 'id']).execute()

    await db.schema
      .createTable('replies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('thread_id', 'text', (c) => c.notNull().references('threads.id').onDelete('cascade'))
      .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('body_html', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('quote_reply_id', 'text')
      .addColumn('hidden_at', 'text')
      .addColumn('edited_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('submission_id', 'text', (c) => c.unique())
      .execute()
    // Unique: two concurrent replies can never share a position; also the keyset index for paging.
    await db.schema.createIndex('replies_thread_position').on('replies').columns(['thread_id', 'position']).unique().execute()

    await db.schema
      .createTable('revisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('edited_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('revisions_subject').on('revisions').columns(['subject_type', 'subject_id', 'created_at']).execute()

    await db.schema
      .createTable('documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('url', 'text')
      .addColumn('file_name', 'text')
      .addColumn('mime_type', 'text')
      .addColumn('size_bytes', 'integer')
      .addColumn('storage_key', 'text')
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('hidden_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('documents_space_created').on('documents').columns(['space_id', 'created_at', 'id']).execute()

    await db.schema
      .createTable('invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
      .addColumn('email', 'text')
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('invited_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('token_hash', 'text', (c) => c.unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('accepted_at', 'text')
      .execute()
    await db.schema.createIndex('invitations_space').on('invitations').columns(['space_id', 'created_at']).execute()
  },
}
