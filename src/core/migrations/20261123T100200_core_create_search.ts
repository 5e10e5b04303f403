import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

export const migration: OpenlyMigration = {
  async up(db: Kysely<any>, dialect) {
    await db.schema
      .createTable('search_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('doc_type', 'text', (c) => c.notNull())
      .addColumn('doc_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('space_id', 'text')
      .addColumn('visible_from', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    if (dialect === 'postgres') {
      // A stored tsvector with a GIN index: title weighs more than body.
      await sql`alter table search_documents add column tsv tsvector generated always as (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(body, '')), 'B')
      ) stored`.execute(db)
      await sql`create index search_documents_tsv on search_documents using gin (tsv)`.execute(db)
    } else {
      // External-content FTS5 table kept in step with search_documents by triggers.
      await sql`create virtual table search_fts using fts5(title, body, content='search_documents', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')`.execute(db)
      await sql`create trigger search_documents_ai after insert on search_documents begin
        insert into search_fts(rowid, title, body) values (new.rowid, new.title, new.body); end`.execute(db)
      await sql`create trigger search_documents_ad after delete on search_documents begin
        insert into search_fts(search_fts, rowid, title, body) values ('delete', old.rowid, old.title, old.body); end`.execute(db)
      await sql`create trigger search_documents_au after update on search_documents begin
        insert into search_fts(search_fts, rowid, title, body) values ('delete', old.rowid, old.title, old.body);
        insert into search_fts(rowid, title, body) values (new.rowid, new.title, new.body); end`.execute(db)
    }
    await db.schema.createIndex('search_documents_doc').on('search_documents').columns(['doc_type', 'doc_id']).execute()
  },
}
