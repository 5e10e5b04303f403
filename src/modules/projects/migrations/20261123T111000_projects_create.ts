import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('projects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('problem', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('audience', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('looking_for', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('set null'))
      .addColumn('hidden_at', 'text')
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    // Lists show the most recently updated first (keyset on updated_at, id), optionally by phase.
    await db.schema.createIndex('projects_updated_id').on('projects').columns(['updated_at', 'id']).execute()
    await db.schema.createIndex('projects_phase_updated').on('projects').columns(['phase', 'updated_at', 'id']).execute()

    await db.schema
      .createTable('project_tags')
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('project_tags_pk', ['project_id', 'kind', 'value'])
      .execute()
    await db.schema.createIndex('project_tags_kind_value').on('project_tags').columns(['kind', 'value', 'project_id']).execute()

    await db.schema
      .createTable('project_organisations')
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('project_organisations_pk', ['project_id', 'organisation_id'])
      .execute()
    await db.schema.createIndex('project_organisations_org').on('project_organisations').columns(['organisation_id', 'role']).execute()

    await db.schema
      .createTable('project_members')
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('project_members_pk', ['project_id', 'user_id'])
      .execute()
    await db.schema.createIndex('project_members_user').on('project_members').column('user_id').execute()

    await db.schema
      .createTable('project_links')
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('project_links_pk', ['project_id', 'position'])
      .execute()

    await db.schema
      .createTable('project_slug_redirects')
      .addColumn('old_slug', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
  },
}
