import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'
import { rebuildLexemes } from '../search/lexemes.ts'

/**
 * PostgreSQL: the search index's distinct words with how many documents hold each (core/search/lexemes.ts, decision
 * 0041), so that a prefix ("playgr") is expanded into its most frequent words before the search, which the GIN index
 * then reads as whole words inside a time slice, instead of a partial match reading every item of every word the
 * prefix starts. Writers never lock a shared row: a statement trigger appends each statement's net change per word to
 * search_lexeme_changes, and a job folds those into search_lexemes every minute; a reader adds both. Words are kept in
 * the "C" collation, so a prefix is a btree range. SQLite: nothing (FTS5 reads prefixes from its own term index).
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'postgres') return
    await sql`create table search_lexemes (lexeme text collate "C" primary key, documents integer not null)`.execute(db)
    await sql`create table search_lexeme_changes (lexeme text collate "C" not null, delta integer not null)`.execute(db)
    await sql`create index search_lexeme_changes_lexeme on search_lexeme_changes (lexeme)`.execute(db)
    // The time buckets (migration 20261130T420000) contain a space, as no word does: they are not words to complete.
    await sql`create or replace function openly_lexeme_changes() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          insert into search_lexeme_changes (lexeme, delta)
            select l, count(*) from new_rows, unnest(tsvector_to_array(new_rows.tsv)) as u(l) where strpos(l, ' ') = 0 group by l;
        elsif tg_op = 'DELETE' then
          insert into search_lexeme_changes (lexeme, delta)
            select l, -count(*) from old_rows, unnest(tsvector_to_array(old_rows.tsv)) as u(l) where strpos(l, ' ') = 0 group by l;
        else
          insert into search_lexeme_changes (lexeme, delta)
            select l, sum(d) from (
              select l, 1 as d from new_rows, unnest(tsvector_to_array(new_rows.tsv)) as u(l)
              union all
              select l, -1 as d from old_rows, unnest(tsvector_to_array(old_rows.tsv)) as u(l)
            ) as c where strpos(l, ' ') = 0 group by l having sum(d) <> 0;
        end if;
        return null;
      end
    $$`.execute(db)
    await sql`create trigger search_lexemes_inserted after insert on search_documents referencing new table as new_rows for each statement execute function openly_lexeme_changes()`.execute(db)
    await sql`create trigger search_lexemes_updated after update on search_documents referencing old table as old_rows new table as new_rows for each statement execute function openly_lexeme_changes()`.execute(db)
    await sql`create trigger search_lexemes_deleted after delete on search_documents referencing old table as old_rows for each statement execute function openly_lexeme_changes()`.execute(db)
    await rebuildLexemes(db)
  },
}
