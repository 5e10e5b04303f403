import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// When readers could first see each item, and followers hear of it (decision 0038): an item held for approval (or
// scheduled) becomes visible later than it was written, and the follows fan-out reads new items by this time.
// Visible published posts were shown at their published_at; hidden ones (waiting, or hidden by a moderator) get it when shown again.
// No index: posts' lists, feeds and fan-out read published_at (an approved post is published then); shown_at is read by id.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('posts').addColumn('shown_at', 'text').execute()
    await db.updateTable('posts').set({ shown_at: sql.ref('published_at') }).where('hidden_at', 'is', null).where('status', '=', 'published').execute()
  },
}
