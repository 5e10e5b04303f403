import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { ANONYMOUS, type Actor } from '../access/policy.ts'
import { createSpace, setMembership } from '../access/spaces.ts'
import { createUser } from '../../../test/support/factories.ts'
import { RANK_WINDOW, searchDocuments } from './search.ts'

/**
 * Words each common but rarely together fill no time slice; PostgreSQL then reads them month by month, newest first,
 * from the index of words by month (decision 0055). The window must be the one every document would give: the newest
 * matches across months, past a month without any, down to the oldest month, phrases in order, private spaces kept
 * private, a type filter honoured. 3,000 documents 90 minutes apart (January to July 2025); the newest 1,000 hold
 * "lantern" or "ferry" but never both, so the first slice finds none. The same answers are expected on SQLite.
 */
for (const dialect of testDialects()) {
  describe(`words rarely together, month by month on ${dialect}`, () => {
    let t: TestApp
    let member: Actor
    const N = 3000
    const start = Date.parse('2025-01-05T00:00:00.000Z')
    const at = (i: number) => new Date(start + i * 90 * 60_000).toISOString()
    /** Indexes 1,100 to 1,650 (about 34 days, all of March 2025) hold no pair: a month without matches. */
    const gap = (i: number) => i >= 1100 && i <= 1650
    // Every document's text is the same length, so every match of a query has the same relevance: the hits are then
    // the newest matches, newest first, and the last of the window shows where it ended.
    const text = (i: number) => {
      if (i >= N - 1000) return i % 2 ? 'note lantern plain' : 'note ferry plain'
      // Words too short to be searched as prefixes: the month by month window is then the answer, not a step before one.
      if (i === 7 || i === 500 || i === 800 || i === 1700) return 'note ox uk'
      if (!gap(i) && i % 6 === 0) return 'note lantern ferry'
      if (!gap(i) && i % 50 === 3) return 'note ferry lantern'
      return i % 2 ? 'note lantern plain' : 'note ferry plain'
    }
    const space = (i: number, circle: string) => (i === 800 ? circle : null)
    const type = (i: number) => (i === 12 ? 'project' : 'post')
    /** Indexes of the documents matching, newest first. */
    const newest = (match: (i: number) => boolean) => Array.from({ length: N }, (_, i) => N - 1 - i).filter(match)
    const search = (q: string, actor: Actor = ANONYMOUS, options: { offset?: number; limit?: number; types?: string[] } = {}) => searchDocuments(t.app.db, t.app.dialect, actor, q, options)
    const ids = (r: { hits: Array<{ id: string }> }) => r.hits.map((h) => h.id)

    before(async () => {
      t = await buildTestApp(dialect)
      const circle = await createSpace(t.app.db, { kind: 'community', visibility: 'members', name: 'Lighthouse circle', path: '/communities/lighthouse-circle' })
      const userId = (await createUser(t.app.db)).id
      await setMembership(t.app.db, circle, userId, 'member', 'active')
      member = { userId, isAdmin: false }
      const rows = Array.from({ length: N }, (_, i) => ({ id: `${type(i)}:m${i}`, doc_type: type(i), doc_id: `m${i}`, title: 'Note', body: text(i), url: `/posts/m${i}`, space_id: space(i, circle), visible_from: at(i), updated_at: at(i) }))
      for (let i = 0; i < rows.length; i += 300) await t.db.insertInto('search_documents').values(rows.slice(i, i + 300)).execute()
      if (dialect === 'postgres') await sql`analyze search_documents`.execute(t.db)
    })
    after(async () => t.close())

    test('more matches than the window: the newest, across months and past a month without any', async () => {
      const expected = newest((i) => text(i).includes('lantern') && text(i).includes('ferry'))
      assert.ok(expected.length > RANK_WINDOW + 1 && at(expected[RANK_WINDOW]!) < at(1100), 'the window ends before the month without matches')
      // The statements a search sends, to see that PostgreSQL read the months (and the test so what it means to).
      const sent: string[] = []
      const executor = t.app.db.getExecutor()
      const watched = t.app.db.withPlugin({ transformQuery: ({ node, queryId }) => (sent.push(executor.compileQuery(node, queryId).sql), node), transformResult: async ({ result }) => result })
      const result = await searchDocuments(watched, t.app.dialect, ANONYMOUS, 'lantern ferry')
      if (dialect === 'postgres') assert.ok(sent.some((s) => s.includes('openly_month_words')), 'read month by month')
      assert.equal(result.capped, true)
      assert.deepEqual(ids(result), expected.slice(0, 20).map((i) => `m${i}`))
      const last = await search('lantern ferry', ANONYMOUS, { offset: RANK_WINDOW - 1, limit: 1 })
      assert.deepEqual(ids(last), [`m${expected[RANK_WINDOW - 1]}`], 'the oldest document of the window')
    })

    test('fewer matches than the window: every one, down to the oldest month', async () => {
      const result = await search('ox uk')
      assert.deepEqual(ids(result), ['m1700', 'm500', 'm7'], 'the member-only document is not found by others')
      assert.equal(result.total, 3)
      const forMember = await search('uk ox', member)
      assert.deepEqual(ids(forMember), ['m1700', 'm800', 'm500', 'm7'])
    })

    test('a phrase keeps its order', async () => {
      const expected = newest((i) => text(i) === 'note ferry lantern')
      const result = await search('"ferry lantern"', ANONYMOUS, { limit: 50 })
      assert.deepEqual(ids(result), expected.map((i) => `m${i}`))
    })

    test('a type filter finds its own matches', async () => {
      const result = await search('lantern ferry', ANONYMOUS, { types: ['project'] })
      assert.deepEqual(ids(result), ['m12'])
    })

    test('a document moved to another month is found in its new month, the newest', async () => {
      // Rescheduled (a draft published later, an event moved): the month words follow visible_from.
      await t.db.updateTable('search_documents').set({ visible_from: at(N), body: 'note ka zu' }).where('id', '=', 'post:m1').execute()
      await t.db.updateTable('search_documents').set({ body: 'note ka zu' }).where('id', '=', 'post:m2').execute()
      // Sorted: SQLite's window follows the order documents were indexed in (FTS5 rowids), not their times.
      assert.deepEqual(ids(await search('zu ka')).sort(), ['m1', 'm2'])
    })
  })
}
