import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/** The barriers and solutions wiki: pages with their revisions and themes, links, endorsements. */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('wiki_entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('body_html', 'text', (c) => c.notNull())
      .addColumn('excerpt', 'text', (c) => c.notNull())
      .addColumn('themes', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('set null'))
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('hidden_at', 'text')
      .addUniqueConstraint('wiki_entries_kind_slug', ['kind', 'slug'])
      .execute()
    await db.schema.createIndex('wiki_entries_kind_updated').on('wiki_entries').columns(['kind', 'updated_at', 'id']).execute()

    await db.schema
      .createTable('wiki_revisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('entry_id', 'text', (c) => c.notNull().references('wiki_entries.id').onDelete('cascade'))
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('themes', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('reverted_to', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('wiki_revisions_entry_number', ['entry_id', 'number'])
      .execute()

    await db.schema
      .createTable('wiki_entry_themes')
      .addColumn('entry_id', 'text', (c) => c.notNull().references('wiki_entries.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('theme', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('wiki_entry_themes_pk', ['entry_id', 'theme'])
      .execute()
    await db.schema.createIndex('wiki_entry_themes_kind_theme').on('wiki_entry_themes').columns(['kind', 'theme', 'entry_id']).execute()

    await db.schema
      .createTable('wiki_links')
      .addColumn('barrier_id', 'text', (c) => c.notNull().references('wiki_entries.id').onDelete('cascade'))
      .addColumn('solution_id', 'text', (c) => c.notNull().references('wiki_entries.id').onDelete('cascade'))
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('wiki_links_pk', ['barrier_id', 'solution_id'])
      .execute()
    await db.schema.createIndex('wiki_links_solution').on('wiki_links').columns(['solution_id', 'barrier_id']).execute()

    await db.schema
      .createTable('wiki_charter_links')
      .addColumn('entry_id', 'text', (c) => c.notNull().references('wiki_entries.id').onDelete('cascade'))
      .addColumn('section_id', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('wiki_charter_links_pk', ['entry_id', 'section_id'])
      .execute()

    await db.schema
      .createTable('wiki_project_links')
      .addColumn('entry_id', 'text', (c) => c.notNull().references('wiki_entries.id').onDelete('cascade'))
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('wiki_project_links_pk', ['entry_id', 'project_id'])
      .execute()
    await db.schema.createIndex('wiki_project_links_project').on('wiki_project_links').columns(['project_id', 'entry_id']).execute()

    await db.schema
      .createTable('wiki_endorsements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('entry_id', 'text', (c) => c.notNull().references('wiki_entries.id').onDelete('cascade'))
      .addColumn('endorser_key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('organisation_id', 'text')
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('wiki_endorsements_one_each', ['entry_id', 'endorser_key'])
      .execute()
    await db.schema.createIndex('wiki_endorsements_entry').on('wiki_endorsements').columns(['entry_id', 'created_at']).execute()
  },
}
