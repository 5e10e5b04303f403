import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/**
 * PostgreSQL searches the newest documents in time slices (core/search/search.ts, decision 0027): a btree range on
 * visible_from ANDed with the GIN bitmap of the words, so that only the matches inside the slice are fetched from the
 * table, and an index-only probe finds where a slice of the newest N documents starts. SQLite reads matches newest
 * first from FTS5's rowid order and needs no such index (one on visible_from would tempt its planner away from FTS5).
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'postgres') return
    await sql`create index search_documents_visible_from on search_documents (visible_from)`.execute(db)
  },
}
