import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Freshness of projects: `nudged_at`, when its team was last asked whether it is still active, and
 * `phase_changed_at`, when its phase last changed (a project whose phase never moves gets a gentle prompt).
 * Existing projects count from when they were added: nothing older is known.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('projects').addColumn('nudged_at', 'text').execute()
    await db.schema.alterTable('projects').addColumn('phase_changed_at', 'text').execute()
    await sql`update projects set phase_changed_at = created_at`.execute(db)
  },
}
