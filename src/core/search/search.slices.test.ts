import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { ANONYMOUS } from '../access/policy.ts'
import { bucketsSince, RANK_WINDOW, searchDocuments, widerSlice } from './search.ts'

/**
 * PostgreSQL reads the newest documents in time slices made of hour, day and month buckets (decision 0037): a slice
 * crossing days and months must hold every document after its start, so the window is the newest matches whatever
 * the slices were. Documents 15 minutes apart over three months; the same answers are expected on SQLite.
 */
describe('time buckets covering a slice', () => {
  test('the hours left in the first day, the days left in its month, then whole months', () => {
    assert.equal(bucketsSince('2025-01-30T22:10:00.000Z', '2025-03-02T08:00:00.000Z'), `'h 2025-01-30T22' | 'h 2025-01-30T23' | 'd 2025-01-31' | 'm 2025-02' | 'm 2025-03'`)
    assert.equal(bucketsSince('2025-03-02T06:59:59.999Z', '2025-03-02T08:00:00.000Z'), `'h 2025-03-02T06' | 'h 2025-03-02T07' | 'h 2025-03-02T08'`)
    assert.equal(bucketsSince('2025-12-31T23:00:00.000Z', '2026-01-01T00:30:00.000Z'), `'h 2025-12-31T23' | 'm 2026-01'`)
    assert.equal(bucketsSince('not a time', '2026-01-01T00:30:00.000Z'), '')
  })
})

describe('the slice after the first (1,000 documents)', () => {
  test('as dense as the first slice showed, with a margin, bounded by the widest (64,000)', () => {
    assert.equal(widerSlice(150, 1_000_000), 2048, '300,000 / 150 = 2,000 documents, rounded up')
    assert.equal(widerSlice(8, 1_000_000), 49_152, '37,500 documents, rounded up to 1.5 × 32,768')
    assert.equal(widerSlice(3, 1_000_000), 64_000, 'at 4 matches in 1,000 the widest slice would hold 256')
  })
  test('all documents when even the widest slice would not fill the window, or all hold few matches', () => {
    assert.equal(widerSlice(2, 1_000_000), null, 'at 3 matches in 1,000 the widest slice would hold 192 of the 201 needed')
    assert.equal(widerSlice(0, 1_000_000), null)
    assert.equal(widerSlice(5, 300_000), null, 'at 6 in 1,000, 300,000 documents hold about 1,800 matches')
  })
})

for (const dialect of testDialects()) {
  describe(`search in time slices across days and months on ${dialect}`, () => {
    let t: TestApp
    const N = 9000
    const start = Date.parse('2025-01-20T00:00:00.000Z')
    const at = (i: number) => new Date(start + i * 15 * 60_000).toISOString()
    // Equal relevance for every match (one word, same text), so the hits are the newest matches, newest first.
    // Each document holds at most one of the words (the same text length, so the same relevance).
    const words = (i: number) => (i % 3 === 0 ? 'alder' : i % 10 === 1 ? 'birch' : i % 700 === 2 ? 'cedar' : 'plain')
    const newest = (word: string) => Array.from({ length: N }, (_, i) => N - 1 - i).filter((i) => words(i) === word)

    before(async () => {
      t = await buildTestApp(dialect)
      const rows = Array.from({ length: N }, (_, i) => ({ id: `post:s${i}`, doc_type: 'post', doc_id: `s${i}`, title: 'Note', body: `note ${words(i)}`, url: `/posts/s${i}`, space_id: null, visible_from: at(i), updated_at: at(i) }))
      for (let i = 0; i < rows.length; i += 300) await t.db.insertInto('search_documents').values(rows.slice(i, i + 300)).execute()
    })
    after(async () => t.close())

    for (const [word, every] of [['alder', 3], ['birch', 10], ['cedar', 700]] as const) {
      test(`${word}: a word in about one document of ${every} gives its newest matches and their count`, async () => {
        const expected = newest(word)
        const result = await searchDocuments(t.app.db, t.app.dialect, ANONYMOUS, word)
        assert.equal(result.total, Math.min(expected.length, RANK_WINDOW + 1))
        assert.equal(result.capped, expected.length > RANK_WINDOW)
        assert.deepEqual(result.hits.map((h) => h.id), expected.slice(0, 20).map((i) => `s${i}`))
        const last = await searchDocuments(t.app.db, t.app.dialect, ANONYMOUS, word, { offset: Math.min(expected.length, RANK_WINDOW) - 1, limit: 1 })
        assert.deepEqual(last.hits.map((h) => h.id), [`s${expected[Math.min(expected.length, RANK_WINDOW) - 1]}`], 'the oldest document of the window')
      })
    }
  })
}
