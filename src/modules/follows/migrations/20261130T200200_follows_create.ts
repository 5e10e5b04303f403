import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/** Follows, delivery settings and mailings (see follows.tables.ts). */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('follows')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('subject_kind', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('follows_pk', ['user_id', 'subject_kind', 'subject_id'])
      .execute()
    // Followers of one subject (counts, the bench's 100,000 followers of a project); the planner's walk over followers.
    await db.schema.createIndex('follows_subject').on('follows').columns(['subject_kind', 'subject_id', 'user_id']).execute()
    await db.schema
      .createTable('follow_settings')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('activity_type', 'text', (c) => c.notNull())
      .addColumn('delivery', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('follow_settings_pk', ['user_id', 'activity_type'])
      .execute()
    await db.schema.createIndex('follow_settings_delivery').on('follow_settings').columns(['delivery', 'user_id']).execute()
    await db.schema
      .createTable('follow_mailings')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('until', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('follow_mailings_pk', ['user_id', 'period', 'day'])
      .execute()
    // The last mailing of a period for a person (where the next window starts).
    await db.schema.createIndex('follow_mailings_latest').on('follow_mailings').columns(['user_id', 'period', 'until']).execute()
  },
}
