import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Every change to an organisation's directory fields is a revision, as for projects (core/revisions): its admins'
 * edits apply at once, anyone else's are proposals its admins accept or reject. `revision` counts applied
 * revisions; `nudged_at` is when its admins were last asked whether the entry is still current.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('organisation_revisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('number', 'integer')
      .addColumn('base', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('decided_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .execute()
    await db.schema.createIndex('organisation_revisions_created').on('organisation_revisions').columns(['organisation_id', 'created_at', 'id']).execute()
    // One applied revision per number: two edits racing from the same base cannot both land.
    await db.schema.createIndex('organisation_revisions_number').on('organisation_revisions').columns(['organisation_id', 'number']).unique().execute()
    await db.schema.alterTable('organisations').addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0)).execute()
    await db.schema.alterTable('organisations').addColumn('nudged_at', 'text').execute()
  },
}
