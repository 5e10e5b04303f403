/**
 * Jobs that change what readers see void cached and shared pages as write routes do (JobRun.changed(), decision
 * 0028): a feed entry imported by the poll job is on the cached /posts page at once, for anonymous readers and for
 * signed-in readers served a shared page, not after the cache's five-minute lifetime.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { TestClient } from '../support/client.ts'
import { createUser, signInAs } from '../support/factories.ts'
import { FeedServer } from '../support/feed-server.ts'
import { jobRun } from '../../src/core/jobs/jobs.ts'
import { pollFeedJob } from '../../src/modules/syndication/syndication.jobs.ts'

for (const dialect of testDialects()) {
  describe(`jobs void the pages they change on ${dialect}`, () => {
    let t: TestApp
    let feeds: FeedServer
    before(async () => {
      // The runner is off: the test runs the job itself, so nothing else writes meanwhile.
      t = await buildTestApp(dialect, { config: { syndicationAllowPrivate: true, jobs: { run: false, pollMs: 100 } } })
      feeds = await new FeedServer().start()
    })
    after(async () => {
      await feeds?.stop()
      await t?.close()
    })

    test('a feed entry imported by the poll job is on the cached and shared /posts pages right after the job', async () => {
      const owner = new TestClient(t.app)
      await signInAs(t.db, owner, (await createUser(t.db)).id)
      feeds.publish({ id: 'old', title: 'Zqjobold back catalogue', published: '2026-10-01T09:00:00.000Z' })
      const registered = await owner.submit('/syndication', { url: `${feeds.base}/blog.atom`, project: '', auto_import: 'true' })
      const feedId = /^\/syndication\/([^/?]+)/.exec(registered.headers.location as string)![1]!
      const poll = () => pollFeedJob.run({ feedId }, jobRun(pollFeedJob, 'test', 0, t.app))
      // The first poll finds the back catalogue (it waits for its owner); later entries are imported at once.
      await poll()
      feeds.publish({ id: 'new', title: 'Zqjobnew fresh from the blog', published: new Date().toISOString() })

      const anonymous = new TestClient(t.app)
      const [a, b] = [new TestClient(t.app), new TestClient(t.app)]
      for (const c of [a, b]) await signInAs(t.db, c, (await createUser(t.db)).id)
      await anonymous.get('/posts')
      assert.equal((await anonymous.get('/posts')).headers['x-cache'], 'hit')
      await a.get('/posts')
      const shared = await b.get('/posts')
      assert.equal(shared.headers['x-cache'], 'shared')
      assert.doesNotMatch(shared.body, /Zqjobnew/)

      await poll()
      const imported = await t.db.selectFrom('syndicated_items').select('state').where('feed_id', '=', feedId).where('title', 'like', 'Zqjobnew%').executeTakeFirstOrThrow()
      assert.equal(imported.state, 'imported')

      const after = await anonymous.get('/posts')
      assert.notEqual(after.headers['x-cache'], 'hit')
      assert.match(after.body, /Zqjobnew fresh from the blog/)
      assert.match((await b.get('/posts')).body, /Zqjobnew fresh from the blog/)
      assert.match((await a.get('/posts')).body, /Zqjobnew fresh from the blog/)
    })

    test('a poll that imports nothing voids nothing', async () => {
      const anonymous = new TestClient(t.app)
      await anonymous.get('/posts')
      assert.equal((await anonymous.get('/posts')).headers['x-cache'], 'hit')
      const feed = await t.db.selectFrom('syndicated_feeds').select('id').executeTakeFirstOrThrow()
      await pollFeedJob.run({ feedId: feed.id }, jobRun(pollFeedJob, 'test', 0, t.app))
      assert.equal((await anonymous.get('/posts')).headers['x-cache'], 'hit')
    })
  })
}
