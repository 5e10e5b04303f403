import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/** One-time form tokens already used (core/http/submissions.ts): a double submit is answered with the first result. */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('form_submissions')
      .addColumn('token', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('result_url', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('form_submissions_created').on('form_submissions').column('created_at').execute()
  },
}
