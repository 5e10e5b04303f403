import { sql, type Kysely } from 'kysely'

/**
 * SQLite: a second FTS5 index over the same rows holding only the newest documents (decision 0033). FTS5's bm25
 * counts, once per search, every document holding each of the query's words (the IDF): 15–21 ms for a common word at
 * 1,000,000 documents. Searched first, this index bounds that count by its size; the window of the newest visible
 * matches is the same set of documents as the whole index gives whenever it fills (it holds every document from
 * `floor` up, and the window is newest first), and the whole index is asked only when it does not.
 *
 * It is kept by triggers: a document at or above `floor` is indexed in it as in search_fts; each new one beyond `size`
 * moves the floor past the oldest one (removing that one), so the table holds the newest `size` documents by rowid.
 */
export const RECENT_DOCUMENTS = 20_000

const TOKENIZE = 'porter unicode61 remove_diacritics 2'

/** Creates the newest-documents index, its state and triggers, and fills it (a migration; SQLite only). */
export async function createRecentIndex(db: Kysely<any>, size = RECENT_DOCUMENTS): Promise<void> {
  await sql.raw(`create virtual table search_recent using fts5(title, body, content='search_documents', content_rowid='rowid', tokenize='${TOKENIZE}')`).execute(db)
  // One row: the lowest rowid indexed, how many documents are indexed, how many to keep.
  await sql`create table search_recent_state (id integer primary key check (id = 1), floor integer not null, n integer not null, size integer not null)`.execute(db)
  await sql`insert into search_recent_state (id, floor, n, size) values (1, 0, 0, ${size})`.execute(db)
  const inRecent = (row: 'new' | 'old') => `${row}.rowid >= (select floor from search_recent_state where id = 1)`
  await sql.raw(`create trigger search_recent_ai after insert on search_documents when ${inRecent('new')} begin
    insert into search_recent(rowid, title, body) values (new.rowid, new.title, new.body);
    update search_recent_state set n = n + 1 where id = 1;
    insert into search_recent(search_recent, rowid, title, body)
      select 'delete', d.rowid, d.title, d.body from search_documents d, search_recent_state s
      where s.id = 1 and s.n > s.size and d.rowid >= s.floor order by d.rowid limit 1;
    update search_recent_state set floor = (select d.rowid from search_documents d where d.rowid >= floor order by d.rowid limit 1) + 1, n = n - 1
      where id = 1 and n > size;
  end`).execute(db)
  await sql.raw(`create trigger search_recent_ad after delete on search_documents when ${inRecent('old')} begin
    insert into search_recent(search_recent, rowid, title, body) values ('delete', old.rowid, old.title, old.body);
    update search_recent_state set n = n - 1 where id = 1;
  end`).execute(db)
  // Rowids never change on update (upserts keep them), so old and new are the same row.
  await sql.raw(`create trigger search_recent_au after update of title, body on search_documents when ${inRecent('old')} begin
    insert into search_recent(search_recent, rowid, title, body) values ('delete', old.rowid, old.title, old.body);
    insert into search_recent(rowid, title, body) values (new.rowid, new.title, new.body);
  end`).execute(db)
  await refillRecentIndex(db)
}

/** Indexes the newest `size` documents again from search_documents (after a bulk load, or a change of size). */
export async function refillRecentIndex(db: Kysely<any>): Promise<void> {
  await sql`insert into search_recent(search_recent) values ('delete-all')`.execute(db)
  await sql`update search_recent_state set floor = coalesce((select rowid from search_documents order by rowid desc limit 1 offset (select size - 1 from search_recent_state where id = 1)), 0) where id = 1`.execute(db)
  await sql`insert into search_recent(rowid, title, body) select rowid, title, body from search_documents where rowid >= (select floor from search_recent_state where id = 1)`.execute(db)
  await sql`update search_recent_state set n = (select count(*) from search_documents where rowid >= floor) where id = 1`.execute(db)
}
