import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { bodySource, bulkLoad, fillDatabase, renderedBody } from '../../bench/fill.ts'
import { markdownToText, renderMarkdown } from '../../src/core/markdown/markdown.ts'
import { migrate } from '../../src/core/db/setup.ts'
import { wholeDatabase } from '../../src/database.ts'
import { modules } from '../../src/modules.ts'
import { createTestDatabase, testDialects } from '../support/databases.ts'

/** The benchmarks' fill (bench/fill.ts) must give the data a row-by-row fill through the real renderers gives. */
describe('bench fill', () => {
  test('each body rendered from its shape is what renderMarkdown and markdownToText give', () => {
    for (let i = 0; i < 2000; i++) {
      const source = bodySource(i)
      assert.deepEqual(renderedBody(i), { html: renderMarkdown(source), text: markdownToText(source) }, `post ${i}`)
    }
  })

  for (const dialect of testDialects()) {
    test(`${dialect}: a bulk load leaves the same schema, rows and search index as a plain fill`, async () => {
      const plain = await createTestDatabase(dialect)
      const bulk = await createTestDatabase(dialect)
      try {
        await migrate(plain, modules)
        await migrate(bulk, modules)
        // The fill names authors and projects by number (u<i % 10,000>, p<i % 1,000>, three members per project): enough of each.
        const sizes = { people: 1500, projects: 500, posts: 300 }
        let first = await fillDatabase(wholeDatabase(plain), sizes)
        await fillDatabase(wholeDatabase(plain), { people: 0, projects: 0, posts: 200 }, first)
        await bulkLoad(bulk, async () => {
          first = await fillDatabase(wholeDatabase(bulk), sizes)
          await fillDatabase(wholeDatabase(bulk), { people: 0, projects: 0, posts: 200 }, first)
        })
        const schema = async (db: typeof plain) =>
          dialect === 'sqlite'
            ? (await sql<{ type: string; name: string; sql: string }>`select type, name, sql from sqlite_master order by type, name`.execute(db.db)).rows
            : (await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where schemaname = current_schema() order by indexname`.execute(db.db)).rows
        assert.deepEqual(await schema(bulk), await schema(plain))
        const count = async (db: typeof plain, table: string) => (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.db)).rows[0]!.n
        for (const table of ['posts', 'post_tags', 'post_authors', 'search_documents', 'users']) assert.equal(await count(bulk, table), await count(plain, table), table)
        for (const q of ['flooding', 'plain words', 'weeknotes']) {
          // The index itself, not search.ts (which ranks and filters): the documents each index matches.
          const found = async (db: typeof plain) =>
            (dialect === 'sqlite'
              ? await sql<{ id: string }>`select d.id from search_fts f join search_documents d on d.rowid = f.rowid where search_fts match ${q} order by d.id`.execute(db.db)
              : await sql<{ id: string }>`select id from search_documents where tsv @@ plainto_tsquery('english', ${q}) order by id`.execute(db.db)
            ).rows.map((r) => r.id)
          const hits = await found(bulk)
          assert.ok(hits.length > 0, q)
          assert.deepEqual(hits, await found(plain), q)
        }
        if (dialect === 'sqlite') {
          // The search index holds every document (FTS5's own check), and a later write still reaches it.
          await sql`insert into search_fts(search_fts) values ('integrity-check')`.execute(bulk.db)
          await sql`insert into search_documents (id, doc_type, doc_id, title, body, url, updated_at) values ('x:1', 'post', 'x1', 'zanzibar', 'zanzibar', '/x', '2026-01-01')`.execute(bulk.db)
          assert.equal((await sql<{ n: number }>`select count(*) as n from search_fts where search_fts match 'zanzibar'`.execute(bulk.db)).rows[0]!.n, 1)
        }
      } finally {
        await plain.close()
        await bulk.close()
      }
    })
  }
})
