import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { startMailbox, type Mailbox } from '../../../test/support/mailbox.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { planNudgesAt } from './nudges.ts'
import { stillActiveToken } from './still-active.ts'

const org = { name: 'Quiet Council', type: 'local government', country: 'GB', region: '', website: '', identifier: '', description: '', themes: '' }
const project = { name: 'Slow Ferry Map', summary: 'Where the ferries are.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', country: 'GB', lead_organisation: '', partner_organisations: '', links: '', team: '' }
const longAgo = new Date(Date.now() - 400 * 86_400_000).toISOString()

for (const dialect of testDialects()) {
  describe(`"is this still live?" nudges on ${dialect}`, () => {
    let t: TestApp
    let mailbox: Mailbox
    let admin: TestUser
    let client: TestClient

    before(async () => {
      mailbox = await startMailbox()
      t = await buildTestApp(dialect, { config: { smtpUrl: mailbox.url, directoryStaleDays: 365 } })
      admin = await createUser(t.app.db, { name: 'Quinn Quiet' })
      client = new TestClient(t.app)
      await signInAs(t.app.db, client, admin.id)
      assert.equal((await client.submit('/organisations/new', org)).statusCode, 303)
      assert.equal((await client.submit('/projects/new', project)).statusCode, 303)
      // Nothing happened to either for more than DIRECTORY_STALE_DAYS (set as if long ago).
      await t.db.updateTable('organisations').set({ updated_at: longAgo, created_at: longAgo }).execute()
      await t.db.updateTable('projects').set({ updated_at: longAgo, created_at: longAgo, phase_changed_at: longAgo }).execute()
    })
    after(async () => {
      await t.close()
      await mailbox.close()
    })

    test('managers of stale entries get one nudge each per period, with a one-click link and list headers', async () => {
      assert.equal(await planNudgesAt(t.app, new Date()), 2)
      const orgMail = await mailbox.waitFor(admin.email, /Is Quiet Council still current\?/, 15_000)
      const projectMail = await mailbox.waitFor(admin.email, /Is Slow Ferry Map still active\?/, 15_000)
      assert.match(orgMail.raw, /List-Unsubscribe:\s+<http:\/\/openly.test\/unsubscribe\//)
      assert.match(orgMail.raw, /List-Unsubscribe-Post: List-Unsubscribe=One-Click/)
      assert.match(projectMail.text, /in its alpha phase since/, 'a project whose phase never moved gets the phase prompt')
      assert.match((await client.get('/projects/slow-ferry-map')).body, /id="phase-prompt"/, 'and its team sees it on its page')
      assert.doesNotMatch((await new TestClient(t.app).get('/projects/slow-ferry-map')).body, /phase-prompt/)
      // At most once per period: a second run the same day, or the next, asks nothing.
      assert.equal(await planNudgesAt(t.app, new Date()), 0)
      assert.equal(await planNudgesAt(t.app, new Date(Date.now() + 86_400_000)), 0)

      const link = /http:\/\/openly.test(\/directory\/still-active\/[A-Za-z0-9_.-]+)/.exec(orgMail.text)![1]!
      const anonymous = new TestClient(t.app)
      const page = await anonymous.get(link)
      assert.equal(page.statusCode, 200, 'works without signing in')
      assert.match(page.body, /Is Quiet Council still current\?/)
      assert.equal((await t.db.selectFrom('organisations').select('confirmed_at').executeTakeFirstOrThrow()).confirmed_at, null, 'opening the link changes nothing (mail scanners follow links)')
      const confirmed = await anonymous.post(link, {})
      assert.equal(confirmed.statusCode, 303)
      assert.ok((await t.db.selectFrom('organisations').select('confirmed_at').executeTakeFirstOrThrow()).confirmed_at)
      assert.doesNotMatch((await anonymous.get('/organisations/quiet-council')).body, /May be out of date/)
    })

    test('a forged or expired link, or one for someone who no longer manages the entry, is a 404', async () => {
      const orgId = (await t.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id
      const forged = stillActiveToken('not the secret', { kind: 'organisation', id: orgId, userId: admin.id, expires: Date.now() + 86_400_000 })
      const expired = stillActiveToken(t.config.sessionSecret, { kind: 'organisation', id: orgId, userId: admin.id, expires: Date.now() - 1000 })
      const stranger = await createUser(t.app.db)
      const notManager = stillActiveToken(t.config.sessionSecret, { kind: 'organisation', id: orgId, userId: stranger.id, expires: Date.now() + 86_400_000 })
      for (const token of [forged, expired, notManager, 'garbage']) {
        assert.equal((await new TestClient(t.app).get(`/directory/still-active/${token}`)).statusCode, 404)
        assert.equal((await new TestClient(t.app).post(`/directory/still-active/${token}`, {})).statusCode, 404)
      }
    })

    test('a post about a project counts as a sign of life; someone who unsubscribed is not asked again', async () => {
      await t.db.updateTable('projects').set({ nudged_at: longAgo, confirmed_at: null }).execute()
      assert.equal((await client.submit('/posts/new', { title: 'Ferry weeknote', summary: '', body: 'Still going.', publish: 'publish', project: 'slow-ferry-map' })).statusCode, 303)
      assert.ok((await t.db.selectFrom('projects').select('confirmed_at').executeTakeFirstOrThrow()).confirmed_at)
      const unsubscribe = /http:\/\/openly.test(\/unsubscribe\/[A-Za-z0-9_.-]+)/.exec(mailbox.messages.find((m) => /Quiet Council/.test(m.subject))!.text)![1]!
      assert.equal((await new TestClient(t.app).post(unsubscribe, { 'List-Unsubscribe': 'One-Click' })).statusCode, 200)
      await t.db.updateTable('organisations').set({ nudged_at: longAgo, confirmed_at: null }).execute()
      await t.db.updateTable('projects').set({ nudged_at: longAgo, confirmed_at: null, updated_at: longAgo }).execute()
      assert.equal(await planNudgesAt(t.app, new Date()), 0, 'stale again, but its only manager stopped these e-mails')
    })
  })
}
