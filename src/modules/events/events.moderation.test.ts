import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { createEvent, person } from '../../../test/support/events.ts'

for (const dialect of testDialects()) {
  describe(`events under moderation and trust levels on ${dialect}`, () => {
    let t: TestApp
    // Trust levels on, as in production: accounts younger than three days are new.
    before(async () => {
      t = await buildTestApp(dialect, { config: { trust: { newAccountDays: 3, approvals: 2 } } })
    })
    after(async () => t?.close())

    test("a new account's event with links waits for a moderator; reported events are hidden everywhere, sessions with them", async () => {
      const newcomer = await person(t, 'Nina Newcomer')
      const slug = await createEvent(newcomer, { title: 'Cheap tickets', description: 'Buy at [our shop](https://spam.example/buy)' })
      const own = await newcomer.client.get(`/events/${slug}`)
      assert.equal(own.statusCode, 200)
      assert.match(own.body, /Waiting for approval/)
      assert.equal((await t.app.inject({ url: `/events/${slug}` })).statusCode, 404)
      assert.doesNotMatch((await t.app.inject({ url: '/events' })).body, /Cheap tickets/)
      const admin = await createUser(t.db, { isAdmin: true })
      const adminClient = new TestClient(t.app)
      await signInAs(t.db, adminClient, admin.id)
      const id = (await t.db.selectFrom('events').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
      assert.equal((await adminClient.submit('/moderation/pending', { type: 'event', id }, '/moderation/approve')).statusCode, 303)
      assert.equal((await t.app.inject({ url: `/events/${slug}` })).statusCode, 200)

      // Reported and hidden: gone from its page, lists, search, feeds and the API for everyone but its creator and moderators.
      const reporter = await person(t)
      assert.equal((await reporter.client.submit(`/report?type=event&id=${id}`, { type: 'event', id, reason: 'Spam' }, '/report')).statusCode, 303)
      const report = await t.db.selectFrom('reports').select('id').where('subject_id', '=', id).executeTakeFirstOrThrow()
      assert.equal((await adminClient.submit(`/moderation/reports/${report.id}`, { action: 'hide', reason: 'Advertising' })).statusCode, 303)
      for (const url of [`/events/${slug}`, `/events/${slug}.ics`, `/api/v1/events/${slug}`]) assert.equal((await t.app.inject({ url })).statusCode, 404, url)
      for (const url of ['/events', '/events.ics', '/api/v1/events', '/search?q=cheap', '/sitemap.xml']) assert.doesNotMatch((await t.app.inject({ url })).body, /Cheap tickets|cheap-tickets/, url)
      assert.match((await newcomer.client.get(`/events/${slug}`)).body, /Hidden by a moderator/)
    })

  })
}
