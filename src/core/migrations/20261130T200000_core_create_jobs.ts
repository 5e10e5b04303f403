import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/**
 * The in-process job runner's tables, on SQLite only: on PostgreSQL pg-boss creates and migrates its own
 * schema (`pgboss`) when it starts (core/jobs/pg-boss-jobs.ts).
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'sqlite') return
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('retry_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('retry_limit', 'integer', (c) => c.notNull())
      .addColumn('retry_delay', 'integer', (c) => c.notNull())
      .addColumn('retry_backoff', 'integer', (c) => c.notNull())
      .addColumn('expire_seconds', 'integer', (c) => c.notNull())
      .addColumn('start_after', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('completed_at', 'text')
      .addColumn('error', 'text')
      .addColumn('keep_until', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    // The runner's claim: the next due job.
    await db.schema.createIndex('jobs_due').on('jobs').columns(['state', 'start_after']).execute()
    // The admin lists, newest first.
    await db.schema.createIndex('jobs_listed').on('jobs').columns(['created_at', 'id']).execute()
    await db.schema
      .createTable('job_schedules')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('cron', 'text', (c) => c.notNull())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .execute()
  },
}
