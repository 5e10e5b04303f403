import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// When readers could first see each item, and followers hear of it (decision 0038): an item held for approval (or
// scheduled) becomes visible later than it was written, and the follows fan-out reads new items by this time.
// Visible rows were shown at their created_at; hidden ones (waiting, or hidden by a moderator) get it when shown again.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('reading_items').addColumn('shown_at', 'text').execute()
    await db.updateTable('reading_items').set({ shown_at: sql.ref('created_at') }).where('hidden_at', 'is', null).execute()
    await db.schema.createIndex('reading_items_shown_at').on('reading_items').columns(['shown_at', 'id']).execute()
  },
}
