import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Every change to a project's description is a revision (who, when, what): edits by its team are applied at
 * once; anyone else's are proposals its team accepts or rejects. `number` counts applied revisions per
 * project; `base` is the number the author started from, so an edit based on an old one is refused.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('project_revisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
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
    await db.schema.createIndex('project_revisions_project_created').on('project_revisions').columns(['project_id', 'created_at', 'id']).execute()
    // One applied revision per number: two edits racing from the same base cannot both land.
    await db.schema.createIndex('project_revisions_number').on('project_revisions').columns(['project_id', 'number']).unique().execute()
    await db.schema.alterTable('projects').addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  },
}
