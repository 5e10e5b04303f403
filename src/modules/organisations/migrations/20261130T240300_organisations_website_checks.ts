import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Website link checks: when the site is next due a check (sites that fail are checked again sooner, then
 * less and less often), how many checks in a row failed, and when and how it last answered.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('organisations').addColumn('website_check_due', 'text').execute()
    await db.schema.alterTable('organisations').addColumn('website_checked_at', 'text').execute()
    await db.schema.alterTable('organisations').addColumn('website_failures', 'integer', (c) => c.notNull().defaultTo(0)).execute()
    await db.schema.alterTable('organisations').addColumn('website_result', 'text', (c) => c.notNull().defaultTo('')).execute()
    await db.schema.createIndex('organisations_website_check_due').on('organisations').columns(['website_check_due', 'id']).execute()
  },
}
