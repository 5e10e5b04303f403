import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { demoDatabase } from '../../../test/support/demo.ts'
import { testDialects } from '../../../test/support/databases.ts'
import type { DatabaseHandle } from '../../core/db/database.ts'
import { wholeDatabase } from '../../database.ts'

for (const dialect of testDialects()) {
  describe(`barriers demo content on ${dialect}`, () => {
    let database: DatabaseHandle
    before(async () => {
      // Trust levels as on a real first start: demo people are new accounts.
      database = await demoDatabase(dialect, { trust: { newAccountDays: 3, approvals: 2 } })
    })
    after(async () => database.close())

    test('a dozen barriers and solutions, published, each with several revisions, linked to each other, endorsed by people and organisations', async () => {
      const db = wholeDatabase(database)
      const entries = await db.selectFrom('wiki_entries').selectAll().execute()
      assert.ok(entries.filter((e) => e.kind === 'barrier').length >= 6 && entries.filter((e) => e.kind === 'solution').length >= 6)
      assert.ok(entries.every((e) => e.hidden_at === null), 'nothing waits for approval')
      assert.ok(entries.every((e) => e.revision >= 2), 'every page has been edited')
      const revisions = await db.selectFrom('wiki_revisions').select(['entry_id', 'author_id']).execute()
      assert.equal(revisions.length, entries.reduce((n, e) => n + e.revision, 0))
      assert.ok(entries.every((e) => new Set(revisions.filter((r) => r.entry_id === e.id).map((r) => r.author_id)).size >= 2), 'each page written by more than one person')
      const links = await db.selectFrom('wiki_links').selectAll().execute()
      assert.ok(links.length >= 8)
      assert.ok(entries.every((e) => links.some((l) => l.barrier_id === e.id || l.solution_id === e.id)), 'every page is linked')
      const endorsements = await db.selectFrom('wiki_endorsements').selectAll().execute()
      assert.ok(endorsements.filter((e) => e.organisation_id).length >= 4 && endorsements.filter((e) => !e.organisation_id).length >= 10)
      assert.ok((await db.selectFrom('wiki_charter_links').selectAll().execute()).length >= 3, 'barriers linked to charter sections')
      assert.ok((await db.selectFrom('wiki_project_links').selectAll().execute()).length >= 4, 'solutions linked to projects')
    })
  })
}
