import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// project_id and organisation_id carry no foreign key: those tables belong to other modules
// whose migrations may sort after this one; the use cases check the ids on save.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('series')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('series_owner').on('series').columns(['owner_id', 'title']).execute()

    await db.schema
      .createTable('posts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('body_html', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('excerpt', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('learned', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text')
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('project_id', 'text')
      .addColumn('organisation_id', 'text')
      .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('cascade'))
      .addColumn('series_id', 'text', (c) => c.references('series.id').onDelete('set null'))
      .addColumn('series_number', 'integer')
      .addColumn('hidden_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    // One index per list order/filter: latest, per project, organisation, community, series, author's drafts.
    await db.schema.createIndex('posts_published').on('posts').columns(['published_at', 'id']).execute()
    await db.schema.createIndex('posts_project').on('posts').columns(['project_id', 'published_at', 'id']).execute()
    await db.schema.createIndex('posts_organisation').on('posts').columns(['organisation_id', 'published_at', 'id']).execute()
    await db.schema.createIndex('posts_space').on('posts').columns(['space_id', 'published_at', 'id']).execute()
    await db.schema.createIndex('posts_series').on('posts').columns(['series_id', 'series_number']).execute()
    await db.schema.createIndex('posts_author').on('posts').columns(['author_id', 'status']).execute()

    await db.schema
      .createTable('post_authors')
      .addColumn('post_id', 'text', (c) => c.notNull().references('posts.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('post_authors_pk', ['post_id', 'user_id'])
      .execute()
    await db.schema.createIndex('post_authors_user').on('post_authors').columns(['user_id', 'post_id']).execute()

    await db.schema
      .createTable('post_tags')
      .addColumn('post_id', 'text', (c) => c.notNull().references('posts.id').onDelete('cascade'))
      .addColumn('tag', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('post_tags_pk', ['post_id', 'tag'])
      .execute()
    await db.schema.createIndex('post_tags_tag').on('post_tags').columns(['tag', 'post_id']).execute()

    await db.schema
      .createTable('comments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('post_id', 'text', (c) => c.notNull().references('posts.id').onDelete('cascade'))
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('body_html', 'text', (c) => c.notNull())
      .addColumn('hidden_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('comments_post').on('comments').columns(['post_id', 'created_at']).execute()
  },
}
