import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/** Discussions started in a window, oldest first (the follows module's fan-out reads them every few seconds). */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('threads_created').on('threads').columns(['created_at', 'id']).execute()
  },
}
