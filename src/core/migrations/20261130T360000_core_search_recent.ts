import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'
import { createRecentIndex } from '../search/recent.ts'

/**
 * SQLite: a second FTS5 index holding the newest documents, searched first, so that bm25's count of the documents
 * holding each word is bounded by its size rather than the corpus (core/search/recent.ts, decision 0033). PostgreSQL
 * already searches the newest documents first in time slices (decision 0027).
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>, dialect) {
    if (dialect === 'sqlite') await createRecentIndex(db)
  },
}
