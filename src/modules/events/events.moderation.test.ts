import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { createEvent, formValuesIn, person, rsvp } from '../../../test/support/events.ts'

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
      for (const url of ['/events', '/events.ics', '/api/v1/events', '/search?q=cheap', '/sitemap.xml?part=events']) assert.doesNotMatch((await t.app.inject({ url })).body, /Cheap tickets|cheap-tickets/, url)
      assert.match((await newcomer.client.get(`/events/${slug}`)).body, /Hidden by a moderator/)
    })

    test("a new account's edit that moves its event and adds a link waits, and so does the notice to those going", async () => {
      const organiser = await person(t, 'Otto Organiser')
      const slug = await createEvent(organiser, { title: 'Moving meetup' })
      const guest = await person(t)
      await rsvp(guest, slug, 'going')
      const values = formValuesIn((await organiser.client.get(`/events/${slug}/edit`)).body)
      const moved = { ...values, starts_at: values.starts_at!.replace('T10:00', 'T11:00'), description: 'Tickets at https://spam.example/buy' }
      assert.equal((await organiser.client.submit(`/events/${slug}/edit`, moved)).statusCode, 303)
      const told = async () => (await t.db.selectFrom('notifications').select('text').where('user_id', '=', guest.user.id).where('kind', '=', 'event_change').execute()).map((n) => n.text)
      assert.deepEqual(await told(), [], 'nobody is sent to an event they cannot open')
      const admin = await createUser(t.db, { isAdmin: true })
      const adminClient = new TestClient(t.app)
      await signInAs(t.db, adminClient, admin.id)
      const id = (await t.db.selectFrom('events').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
      assert.equal((await adminClient.submit('/moderation/pending', { type: 'event', id }, '/moderation/approve')).statusCode, 303)
      const after = await told()
      assert.equal(after.length, 1)
      assert.match(after[0]!, /“Moving meetup” has changed: .* 11:00 to 12:00 UTC/)
    })

    test("a new attendee's session notes with links are held for a moderator; the session stays", async () => {
      const host = await person(t, 'Hal Host')
      const slug = await createEvent(host, { title: 'Held notes camp', unconference: 'true' })
      const pitch = await host.client.submit(`/events/${slug}/sessions/new`, { title: 'Notes with links', summary: 'A session.', format: 'discussion' })
      const id = /\/sessions\/([^/?#]+)/.exec(String(pitch.headers.location))![1]!
      const attendee = await person(t, 'Ana Attendee')
      await attendee.client.submit(`/events/${slug}`, { answer: 'going' }, `/events/${slug}/rsvp`)
      const saved = await attendee.client.submit(`/events/${slug}/sessions/${id}/notes`, { notes: 'See [the slides](https://slides.example/deck)', revision: '0' })
      assert.equal(saved.statusCode, 303)
      const row = await t.db.selectFrom('event_sessions').select(['notes_hidden_at', 'hidden_at']).where('id', '=', id).executeTakeFirstOrThrow()
      assert.ok(row.notes_hidden_at, 'the notes wait for approval')
      assert.equal(row.hidden_at, null, 'the session itself stays')
      // Another attendee does not see them; the host, who moderates the event's sessions, sees them marked.
      const other = await person(t, 'Olga Other')
      await other.client.submit(`/events/${slug}`, { answer: 'going' }, `/events/${slug}/rsvp`)
      const page = await other.client.get(`/events/${slug}/sessions/${id}`)
      assert.equal(page.statusCode, 200)
      assert.doesNotMatch(page.body, /slides.example/)
      assert.match(page.body, /These notes wait for a moderator’s approval/)
      const hosts = await host.client.get(`/events/${slug}/sessions/${id}`)
      assert.match(hosts.body, /Waiting for approval/)
      assert.match(hosts.body, /slides.example/)
      assert.equal((await t.db.selectFrom('held_content').select('state').where('subject_type', '=', 'session_notes').where('subject_id', '=', id).executeTakeFirstOrThrow()).state, 'pending')
    })
  })
}
