import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/** The per-address sign-in failure log, and the index for the people list (name order). */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('sign_in_failures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email_hash', 'text', (c) => c.notNull())
      .addColumn('failed_at', 'text', (c) => c.notNull())
      .execute()
    // Counting recent failures for one address; pruning old rows by time.
    await db.schema.createIndex('sign_in_failures_email_time').on('sign_in_failures').columns(['email_hash', 'failed_at']).execute()
    await db.schema.createIndex('sign_in_failures_time').on('sign_in_failures').column('failed_at').execute()
    // /people lists verified people by (name, id).
    await db.schema.createIndex('users_name_id').on('users').columns(['name', 'id']).execute()
  },
}
