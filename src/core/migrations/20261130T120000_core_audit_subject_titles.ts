import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/**
 * The audit log names what an action was about (title and link), as it was when the action was taken:
 * the log stays readable after the item is renamed or deleted, and is one query to show. Older rows keep
 * '' and are shown by their type and id.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('audit_log').addColumn('subject_title', 'text', (c) => c.notNull().defaultTo('')).execute()
    await db.schema.alterTable('audit_log').addColumn('subject_url', 'text', (c) => c.notNull().defaultTo('')).execute()
  },
}
