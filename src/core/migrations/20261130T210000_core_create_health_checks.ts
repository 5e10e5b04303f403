import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/** One row that /healthz writes to, so it can tell a database that answers from one that also takes writes (core/db/health.ts). */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('health_checks')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('checked_at', 'text', (c) => c.notNull())
      .execute()
    await db.insertInto('health_checks').values({ id: 1, checked_at: new Date().toISOString() }).execute()
  },
}
