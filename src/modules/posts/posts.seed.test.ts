import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createTestDatabase } from '../../../test/support/databases.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { testConfig } from '../../../test/support/app.ts'
import { migrate, seedIfEmpty } from '../../core/db/setup.ts'
import type { DatabaseHandle } from '../../core/db/database.ts'
import { ANONYMOUS } from '../../core/access/policy.ts'
import { searchDocuments } from '../../core/search/search.ts'
import { modules } from '../../modules.ts'
import { wholeDatabase } from '../../database.ts'

for (const dialect of testDialects()) {
  describe(`posts demo content on ${dialect}`, () => {
    let database: DatabaseHandle
    before(async () => {
      database = await createTestDatabase(dialect)
      // The modules up to and including posts: the ones its seed builds on.
      const all = modules
      const upToPosts = all.slice(0, all.findIndex((m) => m.id === 'posts') + 1)
      await migrate(database, all)
      await seedIfEmpty(database, testConfig({ demoContent: true }), upToPosts)
    })
    after(async () => database.close())

    test('at least 60 posts, mostly numbered weeknotes, with drafts, one scheduled post, tags, co-authors and comments', async () => {
      const db = wholeDatabase(database)
      const posts = await db.selectFrom('posts').select(['status', 'published_at', 'series_id', 'series_number', 'body']).execute()
      assert.ok(posts.length >= 60, `${posts.length} posts`)
      assert.ok(posts.filter((p) => p.series_id).length > posts.length / 2)
      assert.ok(posts.filter((p) => p.status === 'draft').length >= 2)
      const t = new Date().toISOString()
      assert.equal(posts.filter((p) => p.status === 'published' && p.published_at! > t).length, 1)
      // Weeknotes (numbered in a series) follow the template; every other post has a body.
      assert.ok(posts.every((p) => (p.series_id ? p.body.includes('## What we did') : p.body.trim().length > 0)))
      assert.ok(Number((await db.selectFrom('post_authors').select((eb) => eb.fn.countAll<number>().as('n')).where('position', '>', 0).executeTakeFirstOrThrow()).n) > 0)
      assert.ok(Number((await db.selectFrom('comments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) >= 3)
      assert.ok(Number((await db.selectFrom('post_tags').select((eb) => eb.fn.countAll<number>().as('n')).where('tag', '=', 'weeknotes').executeTakeFirstOrThrow()).n) >= 50)
      // When the projects module's demo projects are there, the weeknotes are attached to them.
      const projects = Number((await db.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
      if (projects >= 12) assert.ok(posts.length - (await db.selectFrom('posts').select('id').where('project_id', 'is', null).execute()).length >= 60, 'posts attached to projects')
      const hits = await searchDocuments(db, dialect, ANONYMOUS, 'weeknotes', { types: ['post'] })
      assert.ok(hits.total >= 40, `${hits.total} search hits`)
    })
  })
}
