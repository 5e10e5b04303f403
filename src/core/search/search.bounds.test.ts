import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { ANONYMOUS, type Actor } from '../access/policy.ts'
import { createSpace, setMembership } from '../access/spaces.ts'
import { createUser } from '../../../test/support/factories.ts'
import { RANK_WINDOW, searchDocuments } from './search.ts'

/**
 * The bounds of a search (decision 0027): relevance is ranked within the newest RANK_WINDOW visible matches, whole
 * words before prefixes, stop words dropped, and on PostgreSQL the newest documents first in time slices.
 * Documents are written in time order, so the newest are also the last indexed (as FTS5's rowids assume).
 */
for (const dialect of testDialects()) {
  describe(`search's bounds on ${dialect}`, () => {
    let t: TestApp
    let clock = Date.parse('2025-01-01T00:00:00.000Z')
    let member: Actor
    let circle: string
    /** Indexes documents in time order, in batches (as the benchmark's fill does). */
    const add = async (docs: Array<{ id: string; title: string; body: string; spaceId?: string | null; type?: string }>) => {
      const rows = docs.map((d) => {
        clock += 1000
        const at = new Date(clock).toISOString()
        return { id: `${d.type ?? 'post'}:${d.id}`, doc_type: d.type ?? 'post', doc_id: d.id, title: d.title, body: d.body, url: `/posts/${d.id}`, space_id: d.spaceId ?? null, visible_from: at, updated_at: at }
      })
      for (let i = 0; i < rows.length; i += 200) await t.db.insertInto('search_documents').values(rows.slice(i, i + 200)).execute()
    }
    const many = (n: number, prefix: string, make: (i: number) => { title: string; body: string; spaceId?: string | null }) => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, ...make(i) }))
    const search = (q: string, actor: Actor = ANONYMOUS, types?: string[]) => searchDocuments(t.app.db, t.app.dialect, actor, q, { types })

    before(async () => {
      t = await buildTestApp(dialect)
      circle = await createSpace(t.app.db, { kind: 'community', visibility: 'members', name: 'Harbour circle', path: '/communities/harbour-circle' })
      const userId = (await createUser(t.app.db)).id
      await setMembership(t.app.db, circle, userId, 'member', 'active')
      member = { userId, isAdmin: false }
    })
    after(async () => t.close())

    test('an older but much better match within the window ranks first', async () => {
      await add([{ id: 'quay-plan', title: 'Quayside plan', body: 'The quayside plan, in full: the quayside and its people.' }])
      await add(many(RANK_WINDOW - 50, 'quay', (i) => ({ title: `Weeknotes ${i}`, body: `A long week of meetings, forms and research; someone mentioned the quayside once. ${'More words about other things. '.repeat(10)}` })))
      const result = await search('quayside')
      assert.equal(result.capped, false)
      assert.equal(result.total, RANK_WINDOW - 50 + 1)
      assert.equal(result.hits[0]?.id, 'quay-plan')
    })

    test('beyond the window the newest matches are ranked, and a narrower query reaches further back', async () => {
      await add([{ id: 'breakwater-plan', title: 'Breakwater plan', body: 'The breakwater plan, in full: the breakwater and its people.' }])
      await add(many(RANK_WINDOW + 50, 'break', (i) => ({ title: `Weeknotes ${i}`, body: `A long week; someone mentioned the breakwater once. ${'More words about other things. '.repeat(10)}` })))
      const common = await search('breakwater')
      assert.equal(common.capped, true)
      assert.equal(common.hits.length, 20)
      assert.ok(!common.hits.some((h) => h.id === 'breakwater-plan'), 'the bound: older than the newest window of matches, it is not ranked')
      const narrower = await search('breakwater plan')
      assert.equal(narrower.hits[0]?.id, 'breakwater-plan')
    })

    test('members-only matches crowding the newest neither hide public ones nor show to strangers', async () => {
      await add([{ id: 'lighthouse-public', title: 'Lighthouse keepers', body: 'A public lighthouse note.' }])
      await add(many(RANK_WINDOW + 50, 'lighthouse-private', () => ({ title: 'Lighthouse rota', body: 'privatelighthouse rota for the circle', spaceId: circle })))
      const stranger = await search('lighthouse')
      assert.deepEqual(stranger.hits.map((h) => h.id), ['lighthouse-public'])
      assert.equal(stranger.total, 1)
      assert.equal((await search('privatelighthouse')).hits.length, 0)
      const admin = await search('lighthouse', { userId: 'someone-else', isAdmin: true })
      assert.deepEqual(admin.hits.map((h) => h.id), ['lighthouse-public'], 'an admin reads a members-only space only through a grant')
      const insider = await search('lighthouse', member)
      assert.equal(insider.capped, true)
      assert.ok(insider.hits.every((h) => h.id.startsWith('lighthouse-private')), 'the member sees the newest: the circle')
    })

    test('whole words first; prefixes only when whole words do not fill the window', async () => {
      await add(many(5, 'tidewater', (i) => ({ title: `Tidewater survey ${i}`, body: 'tidewater levels' })))
      await add(many(RANK_WINDOW + 10, 'tide', (i) => ({ title: `Tide table ${i}`, body: 'the tide tables' })))
      await add(many(3, 'playground', (i) => ({ title: `Playgrounds ${i}`, body: 'new playgrounds for the park' })))
      const tide = await search('tide')
      assert.equal(tide.capped, true)
      assert.ok(!tide.hits.some((h) => h.id.startsWith('tidewater')), 'whole words filled the window')
      assert.equal((await search('tidew')).hits.length, 5)
      assert.equal((await search('playgr')).hits.length, 3)
      assert.equal((await search('pl')).hits.length, 0, 'words shorter than three letters are never prefixes')
    })

    test('stop words are left out on both databases, phrases keep theirs', async () => {
      await add([
        { id: 'art', title: 'State of the art', body: 'Our tools are state of the art.' },
        { id: 'reversed', title: 'Art of the state', body: 'The art of the state.' },
      ])
      assert.deepEqual(await search('the'), { hits: [], counts: {}, total: 0, capped: false })
      assert.deepEqual((await search('the tools')).hits.map((h) => h.id), ['art'])
      assert.deepEqual((await search('"state of the art"')).hits.map((h) => h.id), ['art'])
    })

    test('newest first in time slices: a common word from the newest documents, rarer ones from more of them', async () => {
      // More documents than the first slice holds: the rare word lies only before it, the common one everywhere.
      await add(many(3, 'seawall', (i) => ({ title: `Seawall repair ${i}`, body: 'seawall repairs' })))
      await add(many(40 * RANK_WINDOW + 500, 'filler', (i) => ({ title: `Note ${i}`, body: i % 20 === 0 ? 'jetty works this week' : i % 100 === 50 ? 'wharf repairs' : 'nothing to see' })))
      const rare = await search('seawall')
      assert.deepEqual(rare.hits.map((h) => h.id).sort(), ['seawall0', 'seawall1', 'seawall2'])
      // Fewer than the window in the first slice: widened by its density (here to everything), every match counted.
      const wharf = await search('wharf')
      assert.equal(wharf.total, (40 * RANK_WINDOW + 500) / 100)
      assert.equal(wharf.capped, false)
      const common = await search('jetty')
      assert.equal(common.capped, true)
      // Equal relevance: the newest first, and the newest jetty note is the last one written.
      const last = 40 * RANK_WINDOW + 500 - 1
      assert.equal(common.hits[0]?.id, `filler${last - (last % 20)}`)
      // Written after the slice's start was found (kept a minute): still found, newest first.
      await add([{ id: 'jetty-new', title: 'Jetty reopens', body: 'the jetty reopens' }])
      assert.equal((await search('jetty')).hits[0]?.id, 'jetty-new')
      assert.equal((await search('seawall')).hits.length, 3)
    })
  })
}
