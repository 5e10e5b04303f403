import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/**
 * Why content is held back from readers: waiting for a moderator's approval (a new account's content with
 * links), hidden by a moderator, or approved. The content's own `hidden_at` is what every read path checks;
 * this table is what the moderation queue lists and what trust levels count.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('held_content')
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('cascade'))
      .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('decided_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('held_content_pk', ['subject_type', 'subject_id'])
      .execute()
    // The queue's lists (pending, hidden: newest first), per space for hosts, and trust levels' count of approvals.
    await db.schema.createIndex('held_content_state').on('held_content').columns(['state', 'updated_at', 'subject_id']).execute()
    await db.schema.createIndex('held_content_space').on('held_content').columns(['space_id', 'state', 'updated_at']).execute()
    await db.schema.createIndex('held_content_author').on('held_content').columns(['author_id', 'state']).execute()
  },
}
