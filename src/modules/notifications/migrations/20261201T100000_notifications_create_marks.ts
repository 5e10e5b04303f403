import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// One mark per person, moved by every notice written to them or read (decision 0045): /notifications is kept for its
// reader until it moves. People notified before this migration start with a mark of their own.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('notification_marks')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('mark', 'text', (c) => c.notNull())
      .execute()
    await db
      .insertInto('notification_marks')
      .columns(['user_id', 'mark'])
      .expression(db.selectFrom('notifications').select(['user_id', 'user_id as mark']).distinct())
      .execute()
  },
}
