import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/** Audited, time-limited admin access to members-only spaces (trusted spaces are not read by default). */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('space_admin_access')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
      .addColumn('admin_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('space_admin_access_admin').on('space_admin_access').columns(['admin_id', 'space_id', 'expires_at']).execute()
    await db.schema.createIndex('space_admin_access_space').on('space_admin_access').columns(['space_id', 'created_at']).execute()
  },
}
