import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { createSpace, setMembership } from '../../core/access/spaces.ts'
import { notify, unreadCount } from './notifications.ts'

for (const dialect of testDialects()) {
  describe(`notifications on ${dialect}`, () => {
    let t: TestApp
    let person: TestUser
    let other: TestUser
    let privateSpace: string
    before(async () => {
      t = await buildTestApp(dialect)
      const db = t.app.db
      person = await createUser(db)
      other = await createUser(db)
      privateSpace = await createSpace(db, { kind: 'community', visibility: 'members', name: 'Closed circle', path: '/communities/closed-circle' })
      await setMembership(db, privateSpace, person.id, 'member', 'active')
    })
    after(async () => t.close())

    test('anonymous readers are sent to sign in', async () => {
      const res = await t.app.inject('/notifications')
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/sign-in?next=%2Fnotifications')
    })

    test('the page lists the person’s own notifications, newest first, with the unread count in the header', async () => {
      const db = t.app.db
      await notify(db, [{ userId: person.id, kind: 'reply', text: 'Older reply about bus timetables', url: '/communities/x/threads/1', spaceId: null }])
      await new Promise((r) => setTimeout(r, 5))
      await notify(db, [{ userId: person.id, kind: 'mention', text: 'Newer mention in the closed circle', url: '/communities/closed-circle/threads/2', spaceId: privateSpace }])
      await notify(db, [{ userId: other.id, kind: 'reply', text: 'Someone else’s notification', url: '/x', spaceId: null }])
      // Nobody is notified about their own action.
      await notify(db, [{ userId: person.id, kind: 'reply', text: 'My own action', url: '/x', spaceId: null }], person.id)

      const client = new TestClient(t.app)
      await signInAs(db, client, person.id)
      const res = await client.get('/notifications')
      assert.equal(res.statusCode, 200)
      assert.equal(res.body.match(/<h1/g)?.length, 1)
      assert.match(res.body, /<title>Notifications – Openly<\/title>/)
      const older = res.body.indexOf('Older reply about bus timetables')
      const newer = res.body.indexOf('Newer mention in the closed circle')
      assert.ok(newer > 0 && older > newer, 'newest first')
      assert.doesNotMatch(res.body, /Someone else’s notification/)
      assert.doesNotMatch(res.body, /My own action/)
      assert.match(res.body, /href="\/communities\/closed-circle\/threads\/2"/)
      assert.match(res.body, /openly-count">2</)
      assert.equal(res.body.match(/govuk-tag--blue/g)?.length, 2)
    })

    test('notifications from a space the person has left are hidden and not counted', async () => {
      const db = t.app.db
      const client = new TestClient(t.app)
      await signInAs(db, client, person.id)
      await setMembership(db, privateSpace, person.id, 'member', 'removed')
      try {
        const res = await client.get('/notifications')
        assert.doesNotMatch(res.body, /closed circle/)
        assert.match(res.body, /openly-count">1</)
        assert.equal(await unreadCount(db, { userId: person.id, isAdmin: false }), 1)
      } finally {
        await setMembership(db, privateSpace, person.id, 'member', 'active')
      }
    })

    test('"Mark all as read" needs a CSRF token and clears the count', async () => {
      const db = t.app.db
      const client = new TestClient(t.app)
      await signInAs(db, client, person.id)
      const forged = await client.post('/notifications/read-all', {})
      assert.equal(forged.statusCode, 403)
      assert.equal(await unreadCount(db, { userId: person.id, isAdmin: false }), 2)

      const res = await client.submit('/notifications', {}, '/notifications/read-all')
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/notifications?done=read')
      const page = await client.get('/notifications?done=read')
      assert.match(page.body, /All notifications marked as read/)
      assert.doesNotMatch(page.body, /openly-count/)
      assert.doesNotMatch(page.body, /govuk-tag--blue/)
      assert.doesNotMatch(page.body, /Mark all as read/)
      assert.equal(await unreadCount(db, { userId: other.id, isAdmin: false }), 1, 'other people are untouched')
    })

    test('the list pages with keyset cursors; a malformed cursor is a clear 400, not page 1', async () => {
      const db = t.app.db
      const reader = await createUser(db)
      const items = Array.from({ length: 30 }, (_, i) => ({ userId: reader.id, kind: 'reply' as const, text: `Numbered note ${String(i).padStart(2, '0')}`, url: `/n/${i}`, spaceId: null }))
      // Same timestamp for all (one insert): the id breaks ties, so no row repeats or goes missing.
      await notify(db, items)
      const client = new TestClient(t.app)
      await signInAs(db, client, reader.id)
      const first = await client.get('/notifications')
      const next = /href="(\/notifications\?after=[^"]+)"/.exec(first.body)?.[1]
      assert.ok(next, 'has a next link')
      const second = await client.get(next!.replace(/&amp;/g, '&'))
      const seen = [...`${first.body}${second.body}`.matchAll(/Numbered note (\d\d)/g)].map((m) => m[1])
      assert.equal(seen.length, 30)
      assert.equal(new Set(seen).size, 30)
      const bad = await client.get('/notifications?after=%%%not-a-cursor')
      assert.equal(bad.statusCode, 400)
      const forgedCursor = await client.get(`/notifications?after=${Buffer.from('["x"]').toString('base64url')}`)
      assert.equal(forgedCursor.statusCode, 400)
      assert.match(forgedCursor.body, /This page link is not valid/)
    })

    test('stored URLs that leave the site are not linked', async () => {
      const db = t.app.db
      const reader = await createUser(db)
      await notify(db, [{ userId: reader.id, kind: 'comment', text: 'Odd link', url: '//evil.example/x', spaceId: null }])
      const client = new TestClient(t.app)
      await signInAs(db, client, reader.id)
      const res = await client.get('/notifications')
      assert.doesNotMatch(res.body, /evil\.example/)
    })
  })
}
