import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/**
 * Trust levels: `trusted_at` is set when a new account has had enough of its held content approved (it is
 * then no longer new). And the admins' list of suspended accounts, newest suspension first, needs an index.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('trusted_at', 'text').execute()
    await db.schema.createIndex('users_suspended').on('users').columns(['suspended_at', 'id']).execute()
  },
}
