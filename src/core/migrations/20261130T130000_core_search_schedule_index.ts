import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/**
 * The page cache asks, after each write and each scheduled publication, "what becomes visible next?"
 * (core/cache/schedule.ts). Without an index that reads the whole search index. The index is on an expression
 * (the same text, nulls as '') rather than on the column, so that search's own queries, which filter and order on
 * `visible_from`, keep the plans they were tuned for: only a query using this very expression can use it.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('search_documents_schedule').on('search_documents').expression(sql`coalesce(visible_from, '')`).execute()
  },
}
