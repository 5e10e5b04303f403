import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser, signedInClient } from '../../../test/support/factories.ts'
import { startMailbox, type Mailbox } from '../../../test/support/mailbox.ts'
import { makePost } from '../posts/posts.test.support.ts'

/** Platform admins suspend and reinstate accounts, with a reason, from the person's page and the list of suspended accounts. */
for (const dialect of testDialects()) {
  describe(`suspending an account on ${dialect}`, () => {
    let t: TestApp
    let mailbox: Mailbox
    let admin: TestUser, person: TestUser, other: TestUser
    let postSlug: string

    const clientFor = (user: TestUser | null) => signedInClient(t.app, user)

    before(async () => {
      mailbox = await startMailbox()
      t = await buildTestApp(dialect, { config: { smtpUrl: mailbox.url } })
      ;[admin, person, other] = await Promise.all([createUser(t.db, { isAdmin: true, name: 'Ada Admin' }), createUser(t.db, { name: 'Sol Spammer' }), createUser(t.db)])
      postSlug = (await makePost(t.app.db, person.id, { title: 'Kept for review' })).slug
    })
    after(async () => {
      await t.close()
      await mailbox.close()
    })

    test('the person’s page offers platform admins "Suspend this account"; nobody else', async () => {
      const a = await clientFor(admin)
      assert.match((await a.get(`/people/${person.handle}`)).body, new RegExp(`href="/admin/suspension\\?person=${person.handle}">Suspend this account`))
      assert.doesNotMatch((await (await clientFor(other)).get(`/people/${person.handle}`)).body, /Suspend this account/)
      assert.doesNotMatch((await a.get(`/people/${admin.handle}`)).body, /Suspend this account/, 'not one’s own')
      const o = await clientFor(other)
      for (const url of [`/admin/suspension?person=${person.handle}`, '/admin/suspended', '/admin/suspension?person=no-such-person']) assert.equal((await o.get(url)).statusCode, 404, url)
      assert.equal((await a.get('/admin/suspension?person=no-such-person')).statusCode, 404)
      const page = await o.get(`/people/${person.handle}`)
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!
      assert.equal((await o.post('/admin/suspension', { _csrf: token, person: person.handle, suspend: 'yes', reason: 'I do not like them' })).statusCode, 404)
      assert.equal((await t.db.selectFrom('users').select('suspended_at').where('id', '=', person.id).executeTakeFirstOrThrow()).suspended_at, null)
    })

    test('a reason is required; the form comes back with the error summary and nothing changes', async () => {
      const res = await (await clientFor(admin)).submit(`/admin/suspension?person=${person.handle}`, { person: person.handle, suspend: 'yes', reason: '' }, '/admin/suspension')
      assert.equal(res.statusCode, 422)
      assert.match(res.body, /govuk-error-summary/)
      assert.match(res.body, /href="#reason">Enter reason/)
      const long = await (await clientFor(admin)).submit(`/admin/suspension?person=${person.handle}`, { person: person.handle, suspend: 'yes', reason: 'z'.repeat(1001) }, '/admin/suspension')
      assert.equal(long.statusCode, 422)
      assert.match(long.body, /z{1001}<\/textarea>/, 'keeps what was typed')
      assert.equal((await t.db.selectFrom('users').select('suspended_at').where('id', '=', person.id).executeTakeFirstOrThrow()).suspended_at, null)
    })

    test('suspending signs the person out everywhere, hides the profile, keeps their content, logs the reason and tells them', async () => {
      const theirs = await clientFor(person)
      const another = await clientFor(person)
      assert.match((await theirs.get('/account/profile')).body, /Edit your profile/)
      const a = await clientFor(admin)
      const res = await a.submit(`/admin/suspension?person=${person.handle}`, { person: person.handle, suspend: 'yes', reason: 'Sends the same advert to everyone' }, '/admin/suspension')
      assert.equal(res.statusCode, 303)
      assert.match((await a.get(res.headers.location as string)).body, /The account is suspended/)

      for (const c of [theirs, another]) {
        const profile = await c.get('/account/profile')
        assert.equal(profile.statusCode, 303, 'signed out')
        assert.match(profile.headers.location as string, /^\/sign-in/)
      }
      assert.equal((await t.db.selectFrom('sessions').select('id').where('user_id', '=', person.id).execute()).length, 0)
      assert.equal((await t.app.inject(`/people/${person.handle}`)).statusCode, 404)
      assert.equal((await (await clientFor(other)).get(`/people/${person.handle}`)).statusCode, 404)
      const seen = await a.get(`/people/${person.handle}`)
      assert.match(seen.body, /This account is suspended/)
      assert.match(seen.body, /Reinstate this account/)
      const signIn = await new TestClient(t.app).submit('/sign-in', { email: person.email, password: person.password })
      assert.match(signIn.body, /This account is suspended/)
      // Content is kept for moderators to review.
      assert.ok(await t.db.selectFrom('posts').select('id').where('slug', '=', postSlug).executeTakeFirst())

      const entry = await t.db.selectFrom('audit_log').selectAll().where('subject_id', '=', person.id).executeTakeFirstOrThrow()
      assert.deepEqual([entry.action, entry.actor_id, entry.reason, entry.subject_url], ['account.suspend', admin.id, 'Sends the same advert to everyone', `/people/${person.handle}`])
      assert.match((await a.get('/admin/audit')).body, new RegExp(`Suspended the account[^]*<a class="govuk-link" href="/people/${person.handle}">Sol Spammer \\(@${person.handle}\\)</a>`))
      const mail = await mailbox.waitFor(person.email, /suspended/)
      assert.match(mail.text, /Sends the same advert to everyone/)

      // A second click on a stale form does nothing more.
      const again = await a.post('/admin/suspension', { _csrf: /name="_csrf" value="([^"]+)"/.exec((await a.get('/admin')).body)?.[1] ?? '', person: person.handle, suspend: 'yes', reason: 'Twice' })
      assert.equal(again.statusCode, 303)
      assert.equal((await t.db.selectFrom('audit_log').select('id').where('subject_id', '=', person.id).execute()).length, 1)
    })

    test('suspended accounts are listed for admins with a way to reinstate them', async () => {
      const a = await clientFor(admin)
      const list = await a.get('/admin/suspended')
      assert.equal(list.statusCode, 200)
      assert.equal(list.body.match(/<h1/g)?.length, 1)
      assert.match(list.body, /Sol Spammer/)
      assert.match(list.body, new RegExp(`href="/admin/suspension\\?person=${person.handle}"[^>]*>\\s*Reinstate`))
      const form = await a.get(`/admin/suspension?person=${person.handle}`)
      assert.match(form.body, /Reinstate Sol Spammer/)
      const res = await a.submit(`/admin/suspension?person=${person.handle}`, { person: person.handle, suspend: 'no', reason: 'Agreed to stop' }, '/admin/suspension')
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/admin/suspended?done=reinstate')
      assert.doesNotMatch((await a.get('/admin/suspended')).body, /Sol Spammer/)
      assert.equal((await t.app.inject(`/people/${person.handle}`)).statusCode, 200)
      const signIn = await new TestClient(t.app).submit('/sign-in', { email: person.email, password: person.password })
      assert.equal(signIn.statusCode, 303)
      const mail = await mailbox.waitFor(person.email, /reinstated/)
      assert.match(mail.text, /Agreed to stop/)
      const actions = (await t.db.selectFrom('audit_log').select('action').where('subject_id', '=', person.id).orderBy('created_at').execute()).map((e) => e.action)
      assert.deepEqual(actions, ['account.suspend', 'account.reinstate'])
    })

    test('an admin cannot suspend their own account', async () => {
      const a = await clientFor(admin)
      const form = await a.get(`/admin/suspension?person=${admin.handle}`)
      assert.match(form.body, /you cannot suspend it/)
      const token = /name="_csrf" value="([^"]+)"/.exec((await a.get('/admin')).body)![1]!
      const res = await a.post('/admin/suspension', { _csrf: token, person: admin.handle, suspend: 'yes', reason: 'Oops' })
      assert.equal(res.statusCode, 403)
      assert.match(res.body, /You cannot suspend your own account/)
      assert.equal((await t.db.selectFrom('users').select('suspended_at').where('id', '=', admin.id).executeTakeFirstOrThrow()).suspended_at, null)
    })
  })
}
