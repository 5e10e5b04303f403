import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('reports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('cascade'))
      .addColumn('subject_title', 'text', (c) => c.notNull())
      .addColumn('subject_url', 'text', (c) => c.notNull())
      .addColumn('subject_author_id', 'text')
      .addColumn('reporter_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('resolution', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('resolution_reason', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('resolved_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('resolved_at', 'text')
      .execute()
    // The admin queue (all open reports, newest first) and a host's queue (open reports of their spaces).
    await db.schema.createIndex('reports_status_created').on('reports').columns(['status', 'created_at', 'id']).execute()
    await db.schema.createIndex('reports_space_status_created').on('reports').columns(['space_id', 'status', 'created_at']).execute()
    // Resolving every open report about one item at once.
    await db.schema.createIndex('reports_subject').on('reports').columns(['subject_type', 'subject_id', 'status']).execute()
    // The audit log page is admin-only and ordered by (created_at, id).
    await db.schema.createIndex('audit_log_created_id').on('audit_log').columns(['created_at', 'id']).execute()
  },
}
