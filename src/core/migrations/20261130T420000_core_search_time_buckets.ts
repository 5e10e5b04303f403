import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/**
 * PostgreSQL: a search reads the newest documents first in time slices (core/search/search.ts, decisions 0027 and
 * 0037). The slice was a btree range on visible_from, checked row by row or ANDed with the GIN bitmap of every match;
 * now the search vector also holds the document's month, day and hour as lexemes no text can produce (they contain a
 * space), so the GIN index itself intersects the words with the slice's buckets and reads no match outside it.
 * The btree on visible_from is replaced by one in the "C" collation used only by the probe that finds where a slice
 * starts: ISO timestamps sort the same bytewise, compare faster, and no search statement can be planned as a
 * backward walk of that index checking every row's words (which a generic prepared plan could pick for a rare word).
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'postgres') return
    // The hour is read around its separator, so "2026-11-30 18:…" and "2026-11-30T18:…" fall in the same bucket; a bare
    // date has its month and day.
    await sql`create or replace function openly_time_buckets(v text) returns tsvector language sql immutable parallel safe as $$
      select case when v is null or length(v) < 7 then ''::tsvector else array_to_tsvector(array_remove(array[
        'm ' || substr(v, 1, 7),
        case when length(v) >= 10 then 'd ' || substr(v, 1, 10) end,
        case when length(v) >= 13 then 'h ' || substr(v, 1, 10) || 'T' || substr(v, 12, 2) end
      ], null)) end
    $$`.execute(db)
    await sql`drop index if exists search_documents_tsv`.execute(db)
    await sql`alter table search_documents drop column tsv`.execute(db)
    await sql`alter table search_documents add column tsv tsvector generated always as (
      setweight(to_tsvector('english', openly_fold(title)), 'A') || setweight(to_tsvector('english', openly_fold(body)), 'B') || openly_time_buckets(visible_from)
    ) stored`.execute(db)
    await sql`create index search_documents_tsv on search_documents using gin (tsv)`.execute(db)
    await sql`drop index if exists search_documents_visible_from`.execute(db)
    await sql`create index search_documents_visible_from_c on search_documents ((visible_from collate "C"))`.execute(db)
  },
}
