import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/**
 * PostgreSQL: an index of each document's words with the month it became visible ("payment 2025-11"; core/search/
 * search.ts, decision 0055). Two common words rarely found together ("payments identity": 36,000 documents each, 596
 * together at 1,000,000 posts) filled no time slice, so every document was searched, and the GIN index intersecting
 * the two words' whole lists was most of the search. With the words by month, the newest months are read one by one,
 * each intersecting one month's lists, until the window is full.
 *
 * An expression index, not a stored column: the month words would add about 580 bytes to every row of the table
 * (half its size again at 1,000,000 posts), which every other read of the table would then pay. The words are the
 * search vector's lexemes (title and body, folded and stemmed), without weights or positions: the exact query is still
 * checked against the search vector. A document not yet visible has none. SQLite: nothing (FTS5 gives
 * matches newest first already).
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'postgres') return
    // A subquery, so a function (an index expression may hold none). The search vector's own lexemes, without the time
    // buckets (they hold a space, as no word does); read from the stored vector, not parsed again from the text (11 µs a
    // document instead of 48). Lexemes are shorter than 2,048 bytes; a month word is 8 bytes longer, so the few near
    // that length are left out rather than fail the row.
    await sql`create or replace function openly_month_words(tsv tsvector, v text) returns tsvector language sql immutable parallel safe as $$
      select case when v is null or length(v) < 7 then ''::tsvector else array_to_tsvector(array(
        select l || ' ' || substr(v, 1, 7) from unnest(tsvector_to_array(tsv)) as u(l) where strpos(l, ' ') = 0 and octet_length(l) < 2000
      )) end
    $$`.execute(db)
    // The query for one month: the words' lexemes (folded and stemmed as the documents' are) with that month, ANDed.
    await sql`create or replace function openly_month_query(words text, month text) returns tsquery language sql immutable parallel safe as $$
      select coalesce(string_agg('''' || replace(replace(l || ' ' || month, '\\', '\\\\'), '''', '''''') || '''', ' & '), '')::tsquery
      from unnest(tsvector_to_array(to_tsvector('english', openly_fold(words)))) as u(l)
    $$`.execute(db)
    await sql`create index search_documents_month_words on search_documents using gin (openly_month_words(tsv, visible_from))`.execute(db)
  },
}
