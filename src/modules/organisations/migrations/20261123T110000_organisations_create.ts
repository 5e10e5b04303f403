import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('organisations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('country', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('region', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('website', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('set null'))
      .addColumn('hidden_at', 'text')
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    // The directory lists alphabetically (keyset on name, id) and filters by country and type.
    await db.schema.createIndex('organisations_name_id').on('organisations').columns(['name', 'id']).execute()
    await db.schema.createIndex('organisations_country_name').on('organisations').columns(['country', 'name', 'id']).execute()
    await db.schema.createIndex('organisations_type_name').on('organisations').columns(['type', 'name', 'id']).execute()

    await db.schema
      .createTable('organisation_themes')
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('theme', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('organisation_themes_pk', ['organisation_id', 'theme'])
      .execute()
    await db.schema.createIndex('organisation_themes_theme').on('organisation_themes').columns(['theme', 'organisation_id']).execute()

    await db.schema
      .createTable('organisation_members')
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('organisation_members_pk', ['organisation_id', 'user_id'])
      .execute()
    await db.schema.createIndex('organisation_members_user').on('organisation_members').column('user_id').execute()

    await db.schema
      .createTable('organisation_slug_redirects')
      .addColumn('old_slug', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
  },
}
