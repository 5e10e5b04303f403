/**
 * The demo shows the crowd-sourced directory at work on first start (decision 0024): an edit proposed to an
 * organisation waiting for its admin, a duplicate merged into its entry (its old address redirects), and entries
 * nobody touched for more than DIRECTORY_STALE_DAYS, whose managers the nudge job will ask.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { demoDatabase } from '../support/demo.ts'
import { testDialects } from '../support/databases.ts'
import type { DatabaseHandle } from '../../src/core/db/database.ts'
import { wholeDatabase } from '../../src/database.ts'

for (const dialect of testDialects()) {
  describe(`demo directory on ${dialect}`, () => {
    let database: DatabaseHandle
    before(async () => {
      database = await demoDatabase(dialect)
    })
    after(async () => database.close())

    test('an edit proposed to an organisation waits for its admin', async () => {
      const db = wholeDatabase(database)
      const waiting = await db.selectFrom('organisation_revisions').innerJoin('organisations', 'organisations.id', 'organisation_revisions.organisation_id').select(['organisations.slug', 'organisation_revisions.note']).where('organisation_revisions.status', '=', 'proposed').execute()
      assert.deepEqual(waiting.map((w) => w.slug), ['riverside-health-board'])
    })

    test('a merged duplicate’s address leads to the entry it was merged into, with its history', async () => {
      const db = wholeDatabase(database)
      const moved = await db.selectFrom('organisation_slug_redirects').innerJoin('organisations', 'organisations.id', 'organisation_slug_redirects.organisation_id').select('organisations.slug').where('old_slug', '=', 'northshire-council').executeTakeFirst()
      assert.equal(moved?.slug, 'northshire-county-council')
      const merge = await db.selectFrom('organisation_revisions').select('note').where('note', 'like', 'Merged “Northshire Council”%').execute()
      assert.equal(merge.length, 1)
      assert.equal((await db.selectFrom('organisations').select('identifier').where('slug', '=', 'northshire-county-council').executeTakeFirstOrThrow()).identifier, 'GB-LAE-NSH', 'the duplicate filled what the entry left blank')
    })

    test('some organisations and projects are stale', async () => {
      const db = wholeDatabase(database)
      const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString()
      const orgs = await db.selectFrom('organisations').select('slug').where('updated_at', '<', yearAgo).where('confirmed_at', 'is', null).execute()
      const projects = await db.selectFrom('projects').select('slug').where('updated_at', '<', yearAgo).where('confirmed_at', 'is', null).execute()
      assert.ok(orgs.length >= 2, `stale organisations: ${orgs.length}`)
      assert.ok(projects.length >= 4, `stale projects: ${projects.length}`)
    })
  })
}
