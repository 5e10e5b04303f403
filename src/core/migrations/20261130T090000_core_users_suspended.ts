import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/** Suspension is part of identity: a suspended person cannot sign in and has no session. */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('suspended_at', 'text').execute()
  },
}
