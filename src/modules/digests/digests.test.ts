import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { startMailbox, type Mailbox } from '../../../test/support/mailbox.ts'
import { eventually } from '../../../test/support/wait.ts'

for (const dialect of testDialects()) {
  describe(`editors' digests on ${dialect}`, () => {
    let t: TestApp
    let mailbox: Mailbox
    const people: Record<string, TestUser> = {}
    const client: Record<string, TestClient> = {}

    before(async () => {
      mailbox = await startMailbox()
      t = await buildTestApp(dialect, { config: { smtpUrl: mailbox.url } })
      for (const name of ['admin', 'editor', 'ana', 'ben', 'cat']) {
        people[name] = await createUser(t.db, { name: `Digest ${name}`, isAdmin: name === 'admin' })
        client[name] = new TestClient(t.app)
        await signInAs(t.db, client[name], people[name]!.id)
      }
    })
    after(async () => {
      await t?.close()
      await mailbox?.close()
    })

    const addLink = async (who: string, title: string) => {
      const res = await client[who]!.submit('/reading/new', { url: `https://example.org/${title.toLowerCase().replace(/\W+/g, '-')}`, title, summary: `Why ${title} matters.`, tags: '' })
      return /^\/reading\/([^/?]+)/.exec(res.headers.location as string)![1]!
    }
    const idOf = async (slug: string) => (await t.db.selectFrom('reading_items').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id

    test('only editors compose; admins grant the role; a draft is its editor’s alone', async () => {
      assert.equal((await client.editor!.get('/digests/new')).statusCode, 404)
      assert.equal((await client.ana!.get('/admin/digest-editors')).statusCode, 404)
      const grant = await client.admin!.submit('/admin/digest-editors', { handle: people.editor!.handle, editor: 'yes' })
      assert.equal(grant.statusCode, 303)
      assert.equal((await client.editor!.get('/digests/new')).statusCode, 200)
      const open = await addLink('editor', 'Open standards explained')
      const res = await client.editor!.submit('/digests/new', { title: 'Digest zero', intro: 'A *draft*.', reading: [await idOf(open)] })
      assert.equal(res.statusCode, 303)
      assert.equal((await client.editor!.get('/digests/digest-zero')).statusCode, 200)
      for (const c of [client.ana!, client.admin!, new TestClient(t.app)]) assert.equal((await c.get('/digests/digest-zero')).statusCode, 404)
      assert.doesNotMatch((await t.app.inject({ url: '/digests' })).body, /Digest zero/)
      const bad = await client.editor!.submit('/digests/new', { title: '', intro: 'x'.repeat(5001) })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /govuk-error-summary/)
      assert.match(bad.body, /Enter title/)
      assert.match(bad.body, /Introduction must be 5000 characters or fewer/)
      const empty = await client.editor!.submit('/digests/new', { title: 'Nothing picked', intro: 'Kept text.' })
      assert.equal(empty.statusCode, 422)
      assert.match(empty.body, /Pick at least one reading list item or post/)
      assert.match(empty.body, /Kept text\./)
    })

    test('published and e-mailed once to each subscriber, each seeing only what they may see now, with a one-click unsubscribe', async () => {
      for (const who of ['ana', 'ben']) {
        const page = await client[who]!.get('/digests')
        assert.equal((await client[who]!.post('/digests/subscription', { _csrf: csrfTokenIn(page.body)!, subscribe: 'yes' })).statusCode, 303)
      }
      const shared = await addLink('editor', 'Working in the open guide')
      const anas = await addLink('ana', 'Zqanaslinkx notes')
      const res = await client.editor!.submit('/digests/new', { title: 'Digest one', intro: 'The best of the month.', reading: [await idOf(shared), await idOf(anas)] })
      assert.equal(res.statusCode, 303, res.body.slice(0, 400))
      // After it was picked, a moderator hides Ana's link: Ana (its author) still sees it, Ben does not.
      await t.db.updateTable('reading_items').set({ hidden_at: new Date().toISOString() }).where('slug', '=', anas).execute()
      const preview = await client.editor!.get('/digests/digest-one')
      // The editor may not see Ana's hidden link: the preview leaves it out.
      assert.doesNotMatch(preview.body, /Zqanaslinkx/)
      const token = csrfTokenIn(preview.body)!
      // Two clicks at once publish and send once.
      await Promise.all([client.editor!.post('/digests/digest-one/publish', { _csrf: token }), client.editor!.post('/digests/digest-one/publish', { _csrf: token })])

      const toAna = await mailbox.waitFor(people.ana!.email, /Digest one/, 15_000)
      const toBen = await mailbox.waitFor(people.ben!.email, /Digest one/, 15_000)
      assert.match(toAna.text, /Working in the open guide/)
      assert.match(toAna.text, /Zqanaslinkx/)
      assert.match(toBen.text, /Working in the open guide/)
      assert.doesNotMatch(toBen.text, /Zqanaslinkx/i)
      assert.match(toBen.raw, /List-Unsubscribe-Post: List-Unsubscribe=One-Click/)
      await eventually(async () => (await t.db.selectFrom('digest_deliveries').select('state').where('state', '=', 'pending').execute()).length === 0, { what: 'all deliveries done' })
      await new Promise((r) => setTimeout(r, 500))
      assert.equal(mailbox.messages.filter((m) => /Digest one/.test(m.subject)).length, 2, 'one mail each, not more')
      assert.equal(mailbox.messages.filter((m) => m.to.includes(people.cat!.email)).length, 0, 'nobody who did not subscribe')
      // The archive, its feed, the page for everyone.
      assert.match((await t.app.inject({ url: '/digests' })).body, /Digest one/)
      assert.match((await t.app.inject({ url: '/digests/feed.atom' })).body, /Working in the open guide/)
      const page = await t.app.inject({ url: '/digests/digest-one' })
      assert.match(page.body, /Working in the open guide/)
      assert.doesNotMatch(page.body, /Zqanaslinkx/)
      // One click in Ben's mail client: no session, no form.
      const url = /List-Unsubscribe: <([^>]+)>/.exec(toBen.raw.replace(/\r?\n\s+/g, ' '))![1]!
      const unsubscribe = await t.app.inject({ method: 'POST', url: new URL(url).pathname, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      assert.ok(unsubscribe.statusCode < 400, `unsubscribe answered ${unsubscribe.statusCode}`)
      assert.equal(await t.db.selectFrom('digest_subscribers').select('user_id').where('user_id', '=', people.ben!.id).executeTakeFirst(), undefined)
    })
  })
}
