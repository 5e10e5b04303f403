import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser, signedInClient } from '../../../test/support/factories.ts'

const project = { name: 'Harbour Ferries', summary: 'Live ferry times for islanders.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: 'transport', places: '', technologies: '', country: 'GB', lead_organisation: '', partner_organisations: '', links: '', team: '' }

for (const dialect of testDialects()) {
  describe(`project revisions and proposals on ${dialect}`, () => {
    let t: TestApp
    let team: TestClient
    let teamUser: TestUser
    let stranger: TestClient
    let strangerUser: TestUser
    let moderator: TestClient
    const page = '/projects/harbour-ferries'
    const count = async (status: 'applied' | 'proposed' | 'rejected') => Number((await t.db.selectFrom('project_revisions').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', status).executeTakeFirstOrThrow()).n)
    const clientFor = (user: TestUser) => signedInClient(t.app, user)

    before(async () => {
      t = await buildTestApp(dialect)
      teamUser = await createUser(t.app.db, { name: 'Tara Team' })
      team = await clientFor(teamUser)
      strangerUser = await createUser(t.app.db, { name: 'Sam Outsider' })
      stranger = await clientFor(strangerUser)
      moderator = await clientFor(await createUser(t.app.db, { name: 'Mo Moderator', isAdmin: true }))
      assert.equal((await team.submit('/projects/new', project)).statusCode, 303)
    })
    after(async () => t.close())

    test('adding a project records its first revision; the history is public', async () => {
      const history = await new TestClient(t.app).get(`${page}/history`)
      assert.equal(history.statusCode, 200)
      assert.match(history.body, /Revision 1/)
      assert.match(history.body, /<ins class="openly-diff__added"><span class="govuk-visually-hidden">added: <\/span>Live ferry times for islanders.<span class="govuk-visually-hidden"> \(end of added text\)<\/span><\/ins>/)
    })

    test('someone outside the team proposes an edit; the team is told and accepts it; the history shows the diff', async () => {
      const form = await stranger.get(`${page}/propose`)
      assert.equal(form.statusCode, 200)
      assert.match(form.body, /name="revision" value="1"/)
      const res = await stranger.submit(`${page}/propose`, { ...project, summary: 'Live ferry times and delays for islanders.', revision: '1', note: 'Delays are shown too now' })
      assert.equal(res.statusCode, 303)
      assert.equal(await count('proposed'), 1)
      assert.doesNotMatch((await new TestClient(t.app).get(`${page}/history`)).body, /Delays are shown too now/, 'proposals are for the team and their author')
      const notes = await t.db.selectFrom('notifications').select('text').where('kind', '=', 'project_proposal').execute()
      assert.equal(notes.length, 1)
      const history = await team.get(`${page}/history`)
      assert.match(history.body, /Waiting for the team/)
      const id = /\/revisions\/([^/]+)\/decide/.exec(history.body)![1]!
      assert.equal((await team.submit(`${page}/history`, { decision: 'accept' }, `${page}/revisions/${id}/decide`)).statusCode, 303)
      assert.match((await new TestClient(t.app).get(page)).body, /Live ferry times and delays for islanders./)
      const after = await new TestClient(t.app).get(`${page}/history`)
      assert.match(after.body, /Revision 2/)
      assert.match(after.body, /<ins class="openly-diff__added"><span class="govuk-visually-hidden">added: <\/span>and delays<span class="govuk-visually-hidden"> \(end of added text\)<\/span><\/ins>/)
      assert.ok((await t.db.selectFrom('notifications').select('text').where('user_id', '=', strangerUser.id).execute()).some((n) => /was accepted/.test(n.text)))
    })

    test('an edit based on an old revision is refused, with the text kept', async () => {
      const propose = await stranger.submit(`${page}/propose`, { ...project, summary: 'My stale summary text.', revision: '1' })
      assert.equal(propose.statusCode, 422)
      assert.match(propose.body, /Someone changed this project since you opened the form/)
      assert.match(propose.body, /My stale summary text./)
      assert.match(propose.body, /name="revision" value="2"/)
      const edit = await team.submit(`${page}/edit`, { ...project, summary: 'The team’s stale edit.', revision: '1', team: teamUser.handle }, `${page}/edit`)
      assert.equal(edit.statusCode, 422)
      assert.match(edit.body, /Someone changed this project since you opened the form/)
      assert.match(edit.body, /The team’s stale edit./)
      assert.doesNotMatch((await new TestClient(t.app).get(page)).body, /stale/)
    })

    test('a proposal made before the project changed cannot be accepted; two accepts at once apply it once', async () => {
      assert.equal((await stranger.submit(`${page}/propose`, { ...project, summary: 'Proposal A.', revision: '2' })).statusCode, 303)
      assert.equal((await stranger.submit(`${page}/propose`, { ...project, summary: 'Proposal B.', revision: '2' })).statusCode, 303)
      const history = (await team.get(`${page}/history`)).body
      const [b, a] = [...history.matchAll(/\/revisions\/([^/]+)\/decide/g)].map((m) => m[1]!)
      const token = csrfTokenIn(history)!
      // Two members of the team press "Accept" at the same moment: one applies it, the other is refused.
      const both = await Promise.all([team.post(`${page}/revisions/${a}/decide`, { decision: 'accept', _csrf: token }), team.post(`${page}/revisions/${a}/decide`, { decision: 'accept', _csrf: token })])
      const codes = both.map((r) => r.statusCode).sort()
      assert.equal(codes.filter((c) => c === 303).length, 1, `one accept applies it: ${codes}`)
      assert.ok(codes.some((c) => [404, 409, 422].includes(c)), `the other is refused, never a 500: ${codes}`)
      assert.equal(await count('applied'), 3)
      assert.equal(Number((await t.db.selectFrom('projects').select('revision').where('slug', '=', 'harbour-ferries').executeTakeFirstOrThrow()).revision), 3)
      const late = await team.post(`${page}/revisions/${b}/decide`, { decision: 'accept', _csrf: token })
      assert.equal(late.statusCode, 409)
      assert.match(late.body, /changed since this edit was proposed/)
      assert.match((await new TestClient(t.app).get(page)).body, /Proposal A./)
    })

    test('moderators revert to an earlier revision; others may not', async () => {
      const history = (await moderator.get(`${page}/history`)).body
      const revision2 = /<h2 class="govuk-heading-m" id="revision-([^"]+)">\s*Revision 2/.exec(history)![1]!
      assert.equal((await team.submit(`${page}/history`, {}, `${page}/revisions/${revision2}/revert`)).statusCode, 403)
      assert.equal((await moderator.submit(`${page}/history`, {}, `${page}/revisions/${revision2}/revert`)).statusCode, 303)
      assert.match((await new TestClient(t.app).get(page)).body, /Live ferry times and delays for islanders./)
      assert.match((await new TestClient(t.app).get(`${page}/history`)).body, /Reverted to revision 2/)
    })
  })
}
