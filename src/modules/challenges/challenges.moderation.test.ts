import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { wholeSitemap } from '../../../test/support/sitemap.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { challengeFields, organisation, person, stateChallenge, submitIdea } from '../../../test/support/challenges.ts'

for (const dialect of testDialects()) {
  describe(`challenges under moderation and trust levels on ${dialect}`, () => {
    let t: TestApp
    // Trust levels on, as in production: accounts younger than three days are new.
    before(async () => {
      t = await buildTestApp(dialect, { config: { trust: { newAccountDays: 3, approvals: 2 } } })
    })
    after(async () => t?.close())

    test('ideas, comments and challenges are reported, hidden everywhere, and restored; a new account’s idea with links waits', async () => {
      const organiser = await person(t, 'Olu Organiser')
      const org = await organisation(t, organiser)
      const c = await stateChallenge(t, organiser, challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Moderated challenge' }))
      const admin = new TestClient(t.app)
      await signInAs(t.db, admin, (await createUser(t.db, { isAdmin: true })).id)
      const author = await person(t, 'Ada Author')
      const held = await submitIdea(author, c.slug, { title: 'Cheap pills idea', body: 'Buy at [our shop](https://spam.example/buy)' })
      assert.equal((await t.app.inject({ url: `/challenges/${c.slug}/ideas/${held}` })).statusCode, 404, 'a new account’s idea with links waits for approval')
      assert.match((await author.client.get(`/challenges/${c.slug}/ideas/${held}`)).body, /Waiting for approval/)

      const idea = await submitIdea(author, c.slug, { title: 'Reported idea zqrep' })
      const page = `/challenges/${c.slug}/ideas/${idea}`
      const reporter = await person(t)
      assert.equal((await reporter.client.submit(`/report?type=challenge_idea&id=${idea}`, { type: 'challenge_idea', id: idea, reason: 'Off topic' }, '/report')).statusCode, 303)
      const report = await t.db.selectFrom('reports').select('id').where('subject_id', '=', idea).executeTakeFirstOrThrow()
      assert.equal((await admin.submit(`/moderation/reports/${report.id}`, { action: 'hide', reason: 'Off topic' })).statusCode, 303)
      for (const url of [page, `/api/v1/challenges/${c.slug}/ideas/${idea}`]) assert.equal((await t.app.inject({ url })).statusCode, 404, url)
      // Search marks the words it matched, so look for the idea's address rather than its title.
      for (const url of [`/challenges/${c.slug}`, `/challenges/${c.slug}/ideas/feed.atom`, `/api/v1/challenges/${c.slug}/ideas`, '/search?q=zqrep']) assert.ok(!(await t.app.inject({ url })).body.includes(`/ideas/${idea}`), url)
      assert.ok(!(await wholeSitemap(async (url) => t.app.inject({ url }))).includes(`/ideas/${idea}`), 'sitemap')
      assert.match((await author.client.get(page)).body, /Hidden by a moderator/)
      assert.equal((await admin.submit(`/moderation/item?type=challenge_idea&id=${idea}`, { type: 'challenge_idea', id: idea, action: 'restore', reason: 'On reflection it is on topic' }, '/moderation/item')).statusCode, 303)
      assert.equal((await t.app.inject({ url: page })).statusCode, 200, 'restored')
      assert.ok((await t.app.inject({ url: '/search?q=zqrep' })).body.includes(`/ideas/${idea}`), 'back in search')

      const commenter = await person(t)
      const commented = await commenter.client.submit(page, { comment: 'A rude comment zqrude' }, `${page}/comments`)
      const commentId = /#comment-(.+)$/.exec(String(commented.headers.location))![1]!
      assert.equal((await admin.submit(`/moderation/item?type=challenge_comment&id=${commentId}`, { type: 'challenge_comment', id: commentId, action: 'hide', reason: 'Rude' }, '/moderation/item')).statusCode, 303)
      assert.doesNotMatch((await t.app.inject({ url: page })).body, /zqrude/)

      assert.equal((await admin.submit(`/moderation/item?type=challenge&id=${c.id}`, { type: 'challenge', id: c.id, action: 'hide', reason: 'Spam' }, '/moderation/item')).statusCode, 303)
      for (const url of [`/challenges/${c.slug}`, page]) assert.equal((await t.app.inject({ url })).statusCode, 404, url)
      assert.ok(!(await t.app.inject({ url: '/search?q=zqrep' })).body.includes(`/ideas/${idea}`), 'its ideas leave search with it')
    })
  })
}
