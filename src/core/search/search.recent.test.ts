import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { ANONYMOUS } from '../access/policy.ts'
import { indexDocument, removeDocument, searchDocuments, type SearchResult } from './search.ts'
import { refillRecentIndex } from './recent.ts'

const at = (i: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 60_000).toISOString()
const WORDS = ['harbour', 'lighthouse', 'ferry', 'quay']
const QUERIES = ['harbour', 'beacon', 'beac', 'lighthouse', 'ferry quay', '"harbour ferry"', 'lighthouse harbour', 'quay', 'ligh']
const summary = (r: SearchResult) => ({ ids: r.hits.map((h) => h.id), counts: r.counts, total: r.total, capped: r.capped })
/** Every ranked result of a search, page by page (the order within the window may differ: bm25's IDF is counted over the index asked). */
async function allPages(t: TestApp, q: string, types?: string[]) {
  const first = await searchDocuments(t.app.db, t.app.dialect, ANONYMOUS, q, { types, limit: 50 })
  const ids = first.hits.map((h) => h.id)
  for (let offset = 50; offset < 200; offset += 50) ids.push(...(await searchDocuments(t.app.db, t.app.dialect, ANONYMOUS, q, { types, limit: 50, offset })).hits.map((h) => h.id))
  return { ...summary(first), ids: ids.toSorted() }
}

/**
 * The newest-documents index (decision 0033, SQLite) holds exactly the documents from its floor up, whatever is
 * written, and a search gives the same documents with it as with the whole index. On PostgreSQL (no such index) the
 * same writes and searches run, so both databases are held to the same results.
 */
for (const dialect of testDialects()) {
  describe(`search's newest-documents index on ${dialect}`, () => {
    let t: TestApp
    const write = (i: number, words: string[], visibleFrom: string | null = at(i)) =>
      indexDocument(t.app.db, { type: i % 3 === 0 ? 'project' : 'post', id: `d${i}`, title: `${words[0]} ${i}`, body: `${words.join(' ')} notes ${i}`, url: `/x/d${i}`, spaceId: null, visibleFrom })

    before(async () => {
      t = await buildTestApp(dialect)
      if (dialect === 'sqlite') {
        await sql`update search_recent_state set size = 230 where id = 1`.execute(t.app.db)
        await refillRecentIndex(t.app.db)
      }
      for (let i = 0; i < 40; i++) await write(i, [WORDS[i % 4]!, WORDS[(i * 7) % 4]!, ...(i % 5 === 0 ? ['lighthouse'] : [])])
      // Updates (old and new documents), deletions, a document hidden (no longer visible) and one published again.
      await write(38, ['ferry', 'quay'])
      await write(2, ['lighthouse'])
      await removeDocument(t.app.db, 'post', 'd37')
      await removeDocument(t.app.db, 'post', 'd4')
      await write(35, ['harbour'], null)
      for (let i = 40; i < 46; i++) await write(i, ['harbour', 'ferry'])
      await removeDocument(t.app.db, 'project', 'd45')
      // Enough newer matches of "beacon" (and "harbour") for the newest documents to fill the window, moving the floor past the first ones.
      for (let i = 100; i < 330; i++) await write(i, ['beacon', 'harbour'])
    })
    after(async () => t.close())

    // The newest-documents index is SQLite's alone (PostgreSQL searches time slices: decision 0027).
    if (dialect === 'sqlite') test('it holds exactly the documents from its floor up, at most its size', async () => {
      const state = (await sql<{ floor: number; n: number; size: number }>`select floor, n, size from search_recent_state`.execute(t.app.db)).rows[0]!
      const above = (await sql<{ n: number }>`select count(*) as n from search_documents where rowid >= ${state.floor}`.execute(t.app.db)).rows[0]!.n
      assert.equal(state.n, above)
      assert.ok(state.n <= state.size && state.n >= state.size - 2, `holds ${state.n} of ${state.size}`)
      for (const word of [...WORDS, 'notes']) {
        const recent = (await sql<{ r: number }>`select rowid as r from search_recent where search_recent match ${word} order by rowid`.execute(t.app.db)).rows.map((r) => r.r)
        const all = (await sql<{ r: number }>`select rowid as r from search_fts where search_fts match ${word} and rowid >= ${state.floor} order by rowid`.execute(t.app.db)).rows.map((r) => r.r)
        assert.deepEqual(recent, all, word)
      }
      await sql`insert into search_recent(search_recent, rank) values ('integrity-check', 0)`.execute(t.app.db)
    })

    test('searches give the same documents with it as with the whole index', async () => {
      const withRecent = []
      for (const q of QUERIES) for (const types of [undefined, ['project']]) withRecent.push(await allPages(t, q, types))
      if (dialect === 'sqlite') {
        // Everything in the newest-documents index: the whole index is never asked.
        await sql`update search_recent_state set size = 1000000 where id = 1`.execute(t.app.db)
        await refillRecentIndex(t.app.db)
      }
      const whole = []
      for (const q of QUERIES) for (const types of [undefined, ['project']]) whole.push(await allPages(t, q, types))
      assert.deepEqual(withRecent, whole)
      assert.ok(withRecent[0]!.capped, 'harbour fills the window')
      // The hidden document and the removed ones are found by neither.
      const ferry = await searchDocuments(t.app.db, t.app.dialect, ANONYMOUS, 'ferry', { limit: 50 })
      for (const gone of ['d35', 'd37', 'd4', 'd45']) assert.ok(!ferry.hits.some((h) => h.id === gone), gone)
      assert.ok(ferry.hits.some((h) => h.id === 'd44'))
    })
  })
}
