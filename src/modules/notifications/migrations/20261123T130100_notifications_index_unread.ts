import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/** The header's unread count runs on every signed-in request: (user_id, read_at) keeps it an index range scan. */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('notifications_user_unread').on('notifications').columns(['user_id', 'read_at']).execute()
  },
}
