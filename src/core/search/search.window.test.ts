import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { ANONYMOUS } from '../access/policy.ts'
import { COUNT_CAP, indexDocument, searchDocuments } from './search.ts'

const at = (i: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 60_000).toISOString()

/** Counts stop past COUNT_CAP; a type filter still finds matches older than the newest COUNT_CAP of all types. */
for (const dialect of testDialects()) {
  describe(`search counts and ranking window on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect)
      // Three old projects, then more posts than the count cap, all matching "harbour".
      for (let i = 0; i < 3; i++) await indexDocument(t.app.db, { type: 'project', id: `old${i}`, title: `Harbour project ${i}`, body: 'Harbour works', url: `/projects/old${i}`, spaceId: null, visibleFrom: at(i) })
      for (let i = 0; i < COUNT_CAP + 20; i++) await indexDocument(t.app.db, { type: 'post', id: `p${i}`, title: `Harbour weeknote ${i}`, body: 'Harbour news', url: `/posts/p${i}`, spaceId: null, visibleFrom: at(10 + i) })
    })
    after(async () => t.close())

    test('the counts are capped, and the newest matches are ranked', async () => {
      const all = await searchDocuments(t.app.db, t.app.dialect, ANONYMOUS, 'harbour')
      assert.equal(all.capped, true)
      assert.equal(all.hits.length, 20)
      assert.ok(all.hits.every((h) => h.type === 'post'))
    })

    test('a type filter finds what lies beyond the newest matches of every type', async () => {
      const projects = await searchDocuments(t.app.db, t.app.dialect, ANONYMOUS, 'harbour', { types: ['project'] })
      assert.deepEqual(projects.hits.map((h) => h.id).sort(), ['old0', 'old1', 'old2'])
      const posts = await searchDocuments(t.app.db, t.app.dialect, ANONYMOUS, 'harbour', { types: ['post'] })
      assert.equal(posts.hits.length, 20)
    })
  })
}
