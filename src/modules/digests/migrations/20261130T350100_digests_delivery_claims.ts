import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// A delivery is claimed ('sending', one more attempt) in its own committed write before its mail goes to the SMTP
// server (decision 0032): after a crash, a row still 'sending' names exactly the recipients whose mail may or may
// not have gone, and a re-send carries the same Message-ID.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('digest_deliveries').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute()
    await db.schema.alterTable('digest_deliveries').addColumn('claimed_at', 'text').execute()
  },
}
