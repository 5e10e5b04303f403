import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/** Times when pages change by the clock alone (core/cache/schedule.ts): the page cache expires entries at the next one. */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('scheduled_changes')
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('scheduled_changes_pk', ['subject', 'at'])
      .execute()
    await db.schema.createIndex('scheduled_changes_at').on('scheduled_changes').column('at').execute()
  },
}
