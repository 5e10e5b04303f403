import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/**
 * Personal feed keys (core/auth/feed-keys.ts): a feed reader has no session, so a member reads a private
 * community's feed through a secret URL. Only the key's hash is kept; one key per person, replaced on reset.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('feed_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
  },
}
