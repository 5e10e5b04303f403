import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Notices of followed activity (one per person and item: a retried fan-out never tells anyone twice) and the
 * fan-out's marks (how far each kind of activity has been fanned out). The general mark starts now, so an
 * installation that upgrades does not notify its whole history.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('follow_notices')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('activity_type', 'text', (c) => c.notNull())
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('mail', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('follow_notices_pk', ['user_id', 'activity_type', 'item_id'])
      .execute()
    await db.schema
      .createTable('follow_marks')
      .addColumn('activity_type', 'text', (c) => c.primaryKey())
      .addColumn('until', 'text', (c) => c.notNull())
      .execute()
    await db.insertInto('follow_marks').values({ activity_type: '*', until: new Date().toISOString() }).execute()
  },
}
