import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * A fan-out mark names the last item read as well as its time, so a round that ends inside one instant resumes
 * after that item instead of skipping the rest of the instant. Null: every item up to `until` was read.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('follow_marks').addColumn('after_id', 'text').execute()
  },
}
