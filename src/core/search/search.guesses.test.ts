import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { ANONYMOUS } from '../access/policy.ts'
import { indexDocument, searchDocuments, unrankedGuesses } from './search.ts'
import { refillRecentIndex } from './recent.ts'

const at = (i: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 60_000).toISOString()

/**
 * SQLite runs a statement it guesses will not fill the window without bm25 (decision 0046): the pages shown, their
 * order and the counts must be exactly those of a search that ranks every statement. The documents make each guess
 * happen: `tidal` (few whole words anywhere, its prefix fills the whole index: both guesses right), `anchor` (few among
 * the newest documents, enough in the whole index: the whole index guessed wrong, asked again ranked) and `kelp` (few
 * whole words, its prefix fills the newest documents: guessed wrong there). PostgreSQL runs the same searches.
 */
for (const dialect of testDialects()) {
  describe(`search's unranked guesses on ${dialect}`, () => {
    let t: TestApp
    let n = 0
    // Term frequencies and lengths vary, so that ranking by bm25 is not the newest-first order.
    const write = (word: string) => {
      const i = n++
      return indexDocument(t.app.db, { type: i % 3 === 0 ? 'project' : 'post', id: `g${i}`, title: i % 4 === 0 ? `${word} ${i}` : `notes ${i}`, body: `${`${word} `.repeat(1 + (i % 5))}${'filler '.repeat(i % 7)}end ${i}`, url: `/x/g${i}`, spaceId: null, visibleFrom: at(i) })
    }

    before(async () => {
      t = await buildTestApp(dialect)
      if (dialect === 'sqlite') {
        await sql`update search_recent_state set size = 300 where id = 1`.execute(t.app.db)
        await refillRecentIndex(t.app.db)
      }
      for (let i = 0; i < 20; i++) await write('tidal')
      for (let i = 0; i < 250; i++) await write('tidalpool')
      for (let i = 0; i < 250; i++) await write('anchor')
      for (let i = 0; i < 5; i++) await write('tidal')
      await write('anchor')
      for (let i = 0; i < 3; i++) await write('kelp')
      for (let i = 0; i < 250; i++) await write('kelpbed')
    })
    after(async () => {
      unrankedGuesses.enabled = true
      await t.close()
    })

    test('every page, its order and the counts are those of a search ranking every statement', async () => {
      const pages = async () => {
        const out = []
        for (const q of ['tidal', 'anchor', 'kelp', 'tidal anchor', 'tid'])
          for (const offset of [0, 50, 150]) {
            const r = await searchDocuments(t.app.db, t.app.dialect, ANONYMOUS, q, { limit: 50, offset })
            out.push({ q, offset, ids: r.hits.map((h) => h.id), counts: r.counts, total: r.total, capped: r.capped })
          }
        return out
      }
      const guessed = await pages()
      unrankedGuesses.enabled = false
      const ranked = await pages()
      unrankedGuesses.enabled = true
      assert.deepEqual(guessed, ranked)
      // Each query filled the window (by its prefix for tidal and kelp), so a leaked unranked statement would have shown.
      for (const q of ['tidal', 'anchor', 'kelp']) assert.ok(guessed.find((p) => p.q === q)!.capped, q)
    })
  })
}
