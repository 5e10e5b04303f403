import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/** Handles a person used to have, so their old profile and feed addresses answer 301 (as renamed projects do). */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('handle_redirects')
      .addColumn('old_handle', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('handle_redirects_user').on('handle_redirects').column('user_id').execute()
  },
}
