import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser, signedInClient } from '../../../test/support/factories.ts'

const org = { name: 'Harbour Council', type: 'local government', country: 'GB', region: 'Kent', website: 'https://harbour.example', identifier: '', description: 'Runs the harbour.', themes: 'transport' }

for (const dialect of testDialects()) {
  describe(`organisation revisions and proposals on ${dialect}`, () => {
    let t: TestApp
    let admin: TestClient
    let adminUser: TestUser
    let stranger: TestClient
    let strangerUser: TestUser
    let moderator: TestClient
    const page = '/organisations/harbour-council'
    const count = async (status: 'applied' | 'proposed' | 'rejected') => Number((await t.db.selectFrom('organisation_revisions').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', status).executeTakeFirstOrThrow()).n)
    const clientFor = (user: TestUser) => signedInClient(t.app, user)

    before(async () => {
      t = await buildTestApp(dialect)
      adminUser = await createUser(t.app.db, { name: 'Ada Admin' })
      admin = await clientFor(adminUser)
      strangerUser = await createUser(t.app.db, { name: 'Sam Outsider' })
      stranger = await clientFor(strangerUser)
      moderator = await clientFor(await createUser(t.app.db, { name: 'Mo Moderator', isAdmin: true }))
      assert.equal((await admin.submit('/organisations/new', org)).statusCode, 303)
    })
    after(async () => t.close())

    test('adding an organisation records its first revision; editing records the next, as a word diff', async () => {
      assert.match((await new TestClient(t.app).get(`${page}/history`)).body, /Revision 1/)
      const edit = await admin.get(`${page}/edit`)
      assert.match(edit.body, /name="revision" value="1"/)
      assert.equal((await admin.submit(`${page}/edit`, { ...org, description: 'Runs the harbour and its ferries.', revision: '1' })).statusCode, 303)
      const history = (await new TestClient(t.app).get(`${page}/history`)).body
      assert.match(history, /Revision 2/)
      assert.match(history, /<ins class="openly-diff__added"><span class="govuk-visually-hidden">added: <\/span>and its ferries/)
    })

    test('someone who does not manage it proposes an edit; its admins are told and accept it', async () => {
      const form = await stranger.get(`${page}/propose`)
      assert.equal(form.statusCode, 200)
      assert.match(form.body, /name="revision" value="2"/)
      assert.equal((await admin.get(`${page}/propose`)).statusCode, 303, 'its admins edit directly')
      assert.equal((await stranger.submit(`${page}/propose`, { ...org, website: 'https://harbour-council.example', revision: '2', note: 'They moved zqnotex' })).statusCode, 303)
      assert.equal(await count('proposed'), 1)
      assert.doesNotMatch((await new TestClient(t.app).get(`${page}/history`)).body, /zqnotex/, 'proposals are for its admins and their author')
      assert.match((await stranger.get(`${page}/history`)).body, /zqnotex/)
      const notes = await t.db.selectFrom('notifications').select('text').where('user_id', '=', adminUser.id).execute()
      assert.ok(notes.some((n) => /was proposed/.test(n.text)))
      const history = (await admin.get(`${page}/history`)).body
      assert.match(history, /Waiting for its admins/)
      const id = /\/revisions\/([^/]+)\/decide/.exec(history)![1]!
      assert.equal((await admin.submit(`${page}/history`, { decision: 'accept' }, `${page}/revisions/${id}/decide`)).statusCode, 303)
      assert.match((await new TestClient(t.app).get(page)).body, /https:\/\/harbour-council.example/)
      assert.ok((await t.db.selectFrom('notifications').select('text').where('user_id', '=', strangerUser.id).execute()).some((n) => /was accepted/.test(n.text)))
    })

    test('an edit or proposal based on an old revision is refused, with the text kept', async () => {
      const propose = await stranger.submit(`${page}/propose`, { ...org, description: 'My stale description.', revision: '2' })
      assert.equal(propose.statusCode, 422)
      assert.match(propose.body, /Someone changed this organisation since you opened the form/)
      assert.match(propose.body, /My stale description./)
      assert.match(propose.body, /name="revision" value="3"/)
      const edit = await admin.submit(`${page}/edit`, { ...org, description: 'The admin’s stale edit.', revision: '1' })
      assert.equal(edit.statusCode, 422)
      assert.match(edit.body, /The admin’s stale edit./)
      assert.doesNotMatch((await new TestClient(t.app).get(page)).body, /stale/)
    })

    test('two accepts at once apply once; a proposal older than the last change cannot be accepted', async () => {
      assert.equal((await stranger.submit(`${page}/propose`, { ...org, region: 'Essex', revision: '3' })).statusCode, 303)
      assert.equal((await stranger.submit(`${page}/propose`, { ...org, region: 'Surrey', revision: '3' })).statusCode, 303)
      const history = (await admin.get(`${page}/history`)).body
      const [b, a] = [...history.matchAll(/\/revisions\/([^/]+)\/decide/g)].map((m) => m[1]!)
      const token = csrfTokenIn(history)!
      const both = await Promise.all([admin.post(`${page}/revisions/${a}/decide`, { decision: 'accept', _csrf: token }), admin.post(`${page}/revisions/${a}/decide`, { decision: 'accept', _csrf: token })])
      const codes = both.map((r) => r.statusCode).sort()
      assert.equal(codes.filter((c) => c === 303).length, 1, `one accept applies it: ${codes}`)
      assert.ok(codes.some((c) => [404, 409, 422].includes(c)), `the other is refused, never a 500: ${codes}`)
      assert.equal(Number((await t.db.selectFrom('organisations').select('revision').where('slug', '=', 'harbour-council').executeTakeFirstOrThrow()).revision), 4)
      const late = await admin.post(`${page}/revisions/${b}/decide`, { decision: 'accept', _csrf: token })
      assert.equal(late.statusCode, 409)
      assert.equal((await admin.post(`${page}/revisions/${b}/decide`, { decision: 'reject', _csrf: token })).statusCode, 303)
      assert.equal(await count('rejected'), 1)
    })

    test('a proposal is checked as an edit is: an unknown region or theme is refused when proposed, with the text kept', async () => {
      const before = await count('proposed')
      const res = await stranger.submit(`${page}/propose`, { ...org, region: 'Atlantis Bay', themes: 'transport, moon landings', note: 'Kept note zqp' })
      assert.equal(res.statusCode, 422)
      assert.match(res.body, /We do not know a region called/)
      assert.match(res.body, /Kept note zqp/)
      assert.equal(await count('proposed'), before)
    })

    test('a proposal sent twice at once is recorded once', async () => {
      const form = (await stranger.get(`${page}/propose`)).body
      const fields = { ...org, region: 'Norfolk', revision: /name="revision" value="(\d+)"/.exec(form)![1]!, _submission: /name="_submission" value="([^"]+)"/.exec(form)![1]!, _csrf: csrfTokenIn(form)! }
      const before = await count('proposed')
      const both = await Promise.all([stranger.post(`${page}/propose`, fields), stranger.post(`${page}/propose`, fields)])
      assert.deepEqual(both.map((r) => r.statusCode), [303, 303])
      assert.equal(await count('proposed'), before + 1)
      const history = (await admin.get(`${page}/history`)).body
      const id = /\/revisions\/([^/]+)\/decide/.exec(history)![1]!
      assert.equal((await admin.submit(`${page}/history`, { decision: 'reject' }, `${page}/revisions/${id}/decide`)).statusCode, 303)
    })

    test('moderators revert to an earlier revision; its admins may not', async () => {
      const history = (await moderator.get(`${page}/history`)).body
      const revision2 = /<h2 class="govuk-heading-m" id="revision-([^"]+)">\s*Revision 2/.exec(history)![1]!
      assert.equal((await admin.submit(`${page}/history`, {}, `${page}/revisions/${revision2}/revert`)).statusCode, 403)
      assert.equal((await moderator.submit(`${page}/history`, {}, `${page}/revisions/${revision2}/revert`)).statusCode, 303)
      const now = (await new TestClient(t.app).get(page)).body
      assert.match(now, /https:\/\/harbour.example/)
      assert.doesNotMatch(now, /Essex/)
      assert.match((await new TestClient(t.app).get(`${page}/history`)).body, /Reverted to revision 2/)
    })
  })
}
