import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { testDialects } from '../../../test/support/databases.ts'
import { createUser } from '../../../test/support/factories.ts'
import { FeedServer } from '../../../test/support/feed-server.ts'
import { runUntilKilled, sharedDatabase, type SharedDatabase } from '../../../test/support/crash.ts'
import { registerAllPolicies } from '../../core/access/spaces.policy.ts'
import { modules } from '../../modules.ts'
import { wholeDatabase } from '../../database.ts'
import { importQueued, pollFeed } from './poll.ts'
import { registerFeed } from './syndication.ts'

const child = fileURLToPath(new URL('../../../test/support/syndication-import-child.ts', import.meta.url))

for (const dialect of testDialects()) {
  describe(`feeds in: a crash during an import on ${dialect}`, () => {
    test('the process killed in the middle of an import: after a restart every entry is imported exactly once', async () => {
      const feeds = await new FeedServer().start()
      let shared: SharedDatabase | null = null
      try {
        shared = await sharedDatabase(dialect)
        const { database, target } = shared
        registerAllPolicies(modules)
        const db = wholeDatabase(database)
        const owner = await createUser(db, { name: 'Crash Owner' })
        const feed = await registerFeed(database.db, { userId: owner.id, isAdmin: false }, { url: `${feeds.base}/blog.atom`, project: '', auto_import: true }, true)
        for (const n of [1, 2, 3, 4]) feeds.publish({ id: `c${n}`, title: `Crash entry ${n}`, published: `2026-0${n}-01T00:00:00.000Z` })
        await pollFeed(database.db, { allowPrivate: true }, feed.id)
        // The owner picks all four (the back catalogue): queued for import.
        await db.updateTable('syndicated_items').set({ state: 'queued' }).where('feed_id', '=', feed.id).execute()

        const lines = await runUntilKilled(child, [target, feed.id], 'importing', 2)
        assert.equal(lines.filter((l) => l.startsWith('importing')).length, 2)
        // Killed inside the second import: the first is in, the second rolled back with its transaction.
        assert.equal((await db.selectFrom('post_sources').select('post_id').execute()).length, 1)

        // The restart: whatever is still queued is imported; nothing twice.
        await importQueued(database.db, feed.id)
        await importQueued(database.db, feed.id)
        const sources = await db.selectFrom('post_sources').select('canonical_url').execute()
        assert.deepEqual(sources.map((s) => s.canonical_url).sort(), ['https://blog.example/c1', 'https://blog.example/c2', 'https://blog.example/c3', 'https://blog.example/c4'])
        const items = await db.selectFrom('syndicated_items').select(['state', 'post_id']).where('feed_id', '=', feed.id).execute()
        assert.ok(items.every((i) => i.state === 'imported' && i.post_id))
        assert.equal(new Set(items.map((i) => i.post_id)).size, 4)
        assert.equal((await db.selectFrom('posts').select('id').execute()).length, 4)
        // And a poll after the restart records nothing again.
        await db.updateTable('syndicated_feeds').set({ etag: null }).where('id', '=', feed.id).execute()
        await pollFeed(database.db, { allowPrivate: true }, feed.id)
        assert.equal((await db.selectFrom('syndicated_items').select('id').where('feed_id', '=', feed.id).execute()).length, 4)
      } finally {
        await shared?.close()
        await feeds.stop()
      }
    })
  })
}
