import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/** The sitemap cuts listed people into parts by when they joined (core/sitemap): one indexed range per part. */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('users_created').on('users').columns(['created_at', 'id']).execute()
  },
}
