import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// Ideas in the order they were sent, across challenges: the follows fan-out reads new ones from its mark (a challenge
// is followable, decision 0032).
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('challenge_ideas_created').on('challenge_ideas').columns(['created_at', 'id']).execute()
  },
}
