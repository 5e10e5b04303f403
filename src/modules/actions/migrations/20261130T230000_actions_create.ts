import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// Practical actions: one line of "what I did today", an optional link and project. project_id carries no
// foreign key: it names a row of the projects module's table, checked by the use case on save.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('practical_actions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('project_id', 'text')
      // Always null (site content, as projects are): kept so visibleTo applies unchanged.
      .addColumn('space_id', 'text')
      .addColumn('hidden_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    // The site's list, a person's list and counts, a project's list: each keyset on (created_at, id).
    await db.schema.createIndex('practical_actions_created').on('practical_actions').columns(['created_at', 'id']).execute()
    await db.schema.createIndex('practical_actions_author').on('practical_actions').columns(['author_id', 'created_at', 'id']).execute()
    await db.schema.createIndex('practical_actions_project').on('practical_actions').columns(['project_id', 'created_at', 'id']).execute()
  },
}
