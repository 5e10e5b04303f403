import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/**
 * Search ignores accents on PostgreSQL as it does on SQLite (FTS5's remove_diacritics): "Altenbruck" finds
 * "Altenbrück". Not with the `unaccent` extension, which needs rights or packages a host may not give: with
 * PostgreSQL's built-in normalize() (13+, a UTF8 database), text is decomposed (NFKD) and its combining marks
 * removed, in an immutable function the generated search vector uses; search.ts folds the query the same way
 * in JavaScript. Re-creating the generated column recomputes it for every existing row.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'postgres') return
    await sql`create or replace function openly_fold(t text) returns text language sql immutable parallel safe as $$
      select regexp_replace(normalize(coalesce(t, ''), NFKD), '[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f]', '', 'g')
    $$`.execute(db)
    await sql`drop index if exists search_documents_tsv`.execute(db)
    await sql`alter table search_documents drop column tsv`.execute(db)
    await sql`alter table search_documents add column tsv tsvector generated always as (
      setweight(to_tsvector('english', openly_fold(title)), 'A') || setweight(to_tsvector('english', openly_fold(body)), 'B')
    ) stored`.execute(db)
    await sql`create index search_documents_tsv on search_documents using gin (tsv)`.execute(db)
  },
}
