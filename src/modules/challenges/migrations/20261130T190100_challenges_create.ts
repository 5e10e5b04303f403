import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// Challenges, their themes, ideas (authors, revisions, votes, comments) and organisers' private reviews.
// organiser_id and project_id carry no foreign key: they name rows of other modules' tables.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('problem', 'text', (c) => c.notNull())
      .addColumn('problem_html', 'text', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('prize', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('organiser_kind', 'text', (c) => c.notNull())
      .addColumn('organiser_id', 'text', (c) => c.notNull())
      .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('cascade'))
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('ideas_open_at', 'text', (c) => c.notNull())
      .addColumn('review_at', 'text', (c) => c.notNull())
      .addColumn('shortlist_at', 'text', (c) => c.notNull())
      .addColumn('winners_at', 'text', (c) => c.notNull())
      .addColumn('closes_at', 'text', (c) => c.notNull())
      .addColumn('moved_phase', 'text')
      .addColumn('moved_at', 'text')
      .addColumn('hidden_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('challenges_created').on('challenges').columns(['created_at', 'id']).execute()
    await db.schema.createIndex('challenges_organiser').on('challenges').columns(['organiser_kind', 'organiser_id', 'created_at']).execute()
    await db.schema.createIndex('challenges_space').on('challenges').columns(['space_id', 'created_at']).execute()

    await db.schema
      .createTable('challenge_themes')
      .addColumn('challenge_id', 'text', (c) => c.notNull().references('challenges.id').onDelete('cascade'))
      .addColumn('theme', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('challenge_themes_pk', ['challenge_id', 'theme'])
      .execute()
    await db.schema.createIndex('challenge_themes_theme').on('challenge_themes').columns(['theme', 'challenge_id']).execute()

    await db.schema
      .createTable('challenge_ideas')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('challenge_id', 'text', (c) => c.notNull().references('challenges.id').onDelete('cascade'))
      .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('body_html', 'text', (c) => c.notNull())
      .addColumn('attachment_url', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('submitted'))
      .addColumn('win_reason', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('project_id', 'text')
      .addColumn('vote_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('shuffle_key', 'integer', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('hidden_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    // One index per order of the list: votes, newest, random (a permutation of shuffle_key), and the winners.
    await db.schema.createIndex('challenge_ideas_votes').on('challenge_ideas').columns(['challenge_id', 'vote_count', 'id']).execute()
    await db.schema.createIndex('challenge_ideas_newest').on('challenge_ideas').columns(['challenge_id', 'created_at', 'id']).execute()
    await db.schema.createIndex('challenge_ideas_status').on('challenge_ideas').columns(['challenge_id', 'status']).execute()
    // Counting a challenge's shown ideas reads this index alone, not every idea's row.
    await db.schema.createIndex('challenge_ideas_shown').on('challenge_ideas').columns(['challenge_id', 'hidden_at']).execute()
    await db.schema.createIndex('challenge_ideas_project').on('challenge_ideas').column('project_id').execute()

    await db.schema
      .createTable('challenge_idea_authors')
      .addColumn('idea_id', 'text', (c) => c.notNull().references('challenge_ideas.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('challenge_idea_authors_pk', ['idea_id', 'user_id'])
      .execute()
    await db.schema.createIndex('challenge_idea_authors_user').on('challenge_idea_authors').column('user_id').execute()

    await db.schema
      .createTable('challenge_idea_revisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('idea_id', 'text', (c) => c.notNull().references('challenge_ideas.id').onDelete('cascade'))
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('attachment_url', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('edited_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('challenge_idea_revisions_idea').on('challenge_idea_revisions').columns(['idea_id', 'revision']).unique().execute()

    await db.schema
      .createTable('challenge_idea_votes')
      .addColumn('idea_id', 'text', (c) => c.notNull().references('challenge_ideas.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('challenge_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('challenge_idea_votes_pk', ['idea_id', 'user_id'])
      .execute()
    await db.schema.createIndex('challenge_idea_votes_user').on('challenge_idea_votes').columns(['user_id', 'challenge_id']).execute()

    await db.schema
      .createTable('challenge_idea_comments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('idea_id', 'text', (c) => c.notNull().references('challenge_ideas.id').onDelete('cascade'))
      .addColumn('challenge_id', 'text', (c) => c.notNull())
      .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('cascade'))
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('body_html', 'text', (c) => c.notNull())
      .addColumn('hidden_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('challenge_idea_comments_idea').on('challenge_idea_comments').columns(['idea_id', 'created_at']).execute()

    await db.schema
      .createTable('challenge_reviews')
      .addColumn('idea_id', 'text', (c) => c.notNull().references('challenge_ideas.id').onDelete('cascade'))
      .addColumn('reviewer_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('challenge_id', 'text', (c) => c.notNull())
      .addColumn('score', 'integer')
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('challenge_reviews_pk', ['idea_id', 'reviewer_id'])
      .execute()
  },
}
