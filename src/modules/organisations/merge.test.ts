import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser, signedInClient } from '../../../test/support/factories.ts'
import { setOrganisationHidden } from './organisations.ts'

const org = (name: string, extra: Record<string, string> = {}) => ({ name, type: 'local government', country: 'GB', region: '', website: '', identifier: '', description: '', themes: '', not_duplicate: 'yes', ...extra })
const project = (name: string, extra: Record<string, string> = {}) => ({ name, summary: `About ${name}.`, phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', country: 'GB', lead_organisation: '', partner_organisations: '', links: '', team: '', not_duplicate: 'yes', ...extra })

for (const dialect of testDialects()) {
  describe(`merging duplicate entries on ${dialect}`, () => {
    let t: TestApp
    let admin: TestClient
    let adminUser: TestUser
    let other: TestClient
    let otherUser: TestUser
    const idOf = async (slug: string) => (await t.db.selectFrom('organisations').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
    const clientFor = (user: TestUser) => signedInClient(t.app, user)

    before(async () => {
      t = await buildTestApp(dialect)
      adminUser = await createUser(t.app.db, { name: 'Ada Admin' })
      admin = await clientFor(adminUser)
      otherUser = await createUser(t.app.db, { name: 'Olu Other' })
      other = await clientFor(otherUser)
    })
    after(async () => t.close())

    test('merging an organisation keeps every relation and redirects the old address (page, API, feed)', async () => {
      assert.equal((await admin.submit('/organisations/new', org('Northshire Council', { description: 'The council of Northshire.' }))).statusCode, 303)
      assert.equal((await admin.submit('/organisations/new', org('Northshire County Council', { website: 'https://northshire.example', themes: 'housing' }))).statusCode, 303)
      const [keep, dup] = [await idOf('northshire-council'), await idOf('northshire-county-council')]
      // Olu is a member of both (admin of the duplicate): after the merge, once, as an admin.
      for (const slug of ['northshire-council', 'northshire-county-council']) assert.equal((await admin.submit(`/organisations/${slug}/members`, { handle: otherUser.handle, role: slug === 'northshire-council' ? 'member' : 'admin' })).statusCode, 303)
      assert.equal((await admin.submit('/projects/new', project('Bin Day Alerts', { lead_organisation: 'northshire-county-council' }))).statusCode, 303)
      assert.equal((await admin.submit('/posts/new', { title: 'Weeknote from the county', summary: '', body: 'What we did.', publish: 'publish', organisation: 'northshire-county-council' })).statusCode, 303)
      await t.db.insertInto('follows').values([{ user_id: otherUser.id, subject_kind: 'organisation', subject_id: dup, created_at: new Date().toISOString() }, { user_id: otherUser.id, subject_kind: 'organisation', subject_id: keep, created_at: new Date().toISOString() }, { user_id: adminUser.id, subject_kind: 'organisation', subject_id: dup, created_at: new Date().toISOString() }]).execute()

      const form = await admin.get('/organisations/northshire-council/merge')
      assert.equal(form.statusCode, 200)
      const unconfirmed = await admin.submit('/organisations/northshire-council/merge', { duplicate: 'Northshire County Council' })
      assert.equal(unconfirmed.statusCode, 422, 'the merge is confirmed first')
      assert.match(unconfirmed.body, /Northshire County Council/, 'the text is kept')
      const merged = await admin.submit('/organisations/northshire-council/merge', { duplicate: 'Northshire County Council', confirm: 'yes' })
      assert.equal(merged.statusCode, 303)
      assert.equal(merged.headers.location, '/organisations/northshire-council/history?done=merged')

      assert.equal(await t.db.selectFrom('organisations').select('id').where('id', '=', dup).executeTakeFirst(), undefined)
      const members = await t.db.selectFrom('organisation_members').select(['user_id', 'role']).where('organisation_id', '=', keep).execute()
      assert.deepEqual(members.map((m) => m.role).sort(), ['admin', 'admin'], 'each person once, with the higher role')
      const links = await t.db.selectFrom('project_organisations').select(['organisation_id', 'role', 'status']).execute()
      assert.deepEqual(links.map((l) => ({ ...l })), [{ organisation_id: keep, role: 'lead', status: 'confirmed' }])
      assert.equal((await t.db.selectFrom('posts').select('organisation_id').executeTakeFirstOrThrow()).organisation_id, keep)
      const follows = await t.db.selectFrom('follows').select(['user_id', 'subject_id']).where('subject_kind', '=', 'organisation').execute()
      assert.equal(follows.length, 2, 'someone who followed both follows it once')
      assert.ok(follows.every((f) => f.subject_id === keep))

      const page = await new TestClient(t.app).get('/organisations/northshire-council')
      assert.match(page.body, /https:\/\/northshire.example/, 'blank fields take the duplicate’s values')
      assert.match(page.body, /Bin Day Alerts|housing/)
      for (const [url, to] of [['/organisations/northshire-county-council', '/organisations/northshire-council'], ['/api/v1/organisations/northshire-county-council', '/api/v1/organisations/northshire-council'], ['/organisations/northshire-county-council/feed.rss', '/organisations/northshire-council/feed.rss']] as const) {
        const res = await new TestClient(t.app).get(url)
        assert.equal(res.statusCode, 301, url)
        assert.equal(res.headers.location, to, url)
      }
      const history = (await new TestClient(t.app).get('/organisations/northshire-council/history')).body
      assert.match(history, /Merged “Northshire County Council”/)
      const audit = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'organisation.merged').execute()
      assert.equal(audit.length, 1)
    })

    test('only an admin of both (or a moderator) merges; a hidden entry is never found by someone who cannot see it', async () => {
      assert.equal((await admin.submit('/organisations/new', org('Eastport Borough'))).statusCode, 303)
      assert.equal((await other.submit('/organisations/new', org('Eastport Borough Council'))).statusCode, 303)
      assert.equal((await other.get('/organisations/eastport-borough/merge')).statusCode, 403, 'not an admin of the survivor')
      const notBoth = await admin.submit('/organisations/eastport-borough/merge', { duplicate: 'eastport-borough-council', confirm: 'yes' })
      assert.equal(notBoth.statusCode, 422)
      assert.match(notBoth.body, /Only an admin of both organisations/)
      // A moderator hides the duplicate: its own creator still sees it, the other admin does not.
      await setOrganisationHidden(t.app.db, await idOf('eastport-borough-council'), true)
      assert.equal((await other.submit('/organisations/new', org('Westport Town'))).statusCode, 303)
      assert.equal((await admin.submit('/organisations/westport-town/members', { handle: adminUser.handle, role: 'admin' })).statusCode, 403)
      const hidden = await admin.submit('/organisations/eastport-borough/merge', { duplicate: 'eastport-borough-council', confirm: 'yes' })
      assert.equal(hidden.statusCode, 422)
      assert.match(hidden.body, /No organisation has that name or address/)
      assert.doesNotMatch(hidden.body, /Eastport Borough Council/, 'a hidden entry is not suggested either')
      assert.equal((await admin.get('/organisations/eastport-borough-council/merge')).statusCode, 404)
      assert.ok(await t.db.selectFrom('organisations').select('id').where('slug', '=', 'eastport-borough-council').executeTakeFirst())
    })

    test('charter signatures move to the survivor; where both signed, the survivor’s stands once', async () => {
      const moderator = await clientFor(await createUser(t.app.db, { name: 'Mina Moderator', isAdmin: true }))
      const charter = async (title: string) => {
        const res = await moderator.submit('/charters/new', { title, introduction: 'Why.', sections: '## Open\nWe work in the open.' })
        assert.equal(res.statusCode, 303)
        const slug = /^\/charters\/([^/?]+)/.exec(String(res.headers.location))![1]!
        assert.equal((await moderator.submit(`/charters/${slug}/manage`, {}, `/charters/${slug}/publish`)).statusCode, 303)
        return slug
      }
      assert.equal((await admin.submit('/organisations/new', org('Southport Council'))).statusCode, 303)
      assert.equal((await admin.submit('/organisations/new', org('Southport Borough Council'))).statusCode, 303)
      const [keep, dup] = [await idOf('southport-council'), await idOf('southport-borough-council')]
      const both = await charter('Open by default')
      const onlyDup = await charter('Share what we make')
      const sign = async (slug: string, organisationId: string) => assert.equal((await admin.submit(`/charters/${slug}/sign`, { signatory: organisationId, show_name: 'yes', commitment: 'We will.', version: '1' })).statusCode, 303)
      await sign(both, keep)
      await sign(both, dup)
      await sign(onlyDup, dup)
      assert.equal((await admin.submit('/organisations/southport-council/merge', { duplicate: 'southport-borough-council', confirm: 'yes' })).statusCode, 303)
      const signatures = await t.db.selectFrom('charter_signatures').innerJoin('charters', 'charters.id', 'charter_signatures.charter_id').select(['charters.slug', 'charter_signatures.organisation_id', 'charter_signatures.signatory_key']).where('charter_signatures.kind', '=', 'organisation').orderBy('charters.slug').execute()
      assert.deepEqual(signatures.map((r) => ({ ...r })), [
        { slug: both, organisation_id: keep, signatory_key: `organisation:${keep}` },
        { slug: onlyDup, organisation_id: keep, signatory_key: `organisation:${keep}` },
      ].sort((a, b) => a.slug.localeCompare(b.slug)))
    })

    test('merging a project keeps its team, organisations and tags, and redirects', async () => {
      assert.equal((await admin.submit('/projects/new', project('Ferry Times', { themes: 'transport', team: otherUser.handle }))).statusCode, 303)
      assert.equal((await admin.submit('/projects/new', project('Ferry Timetables', { themes: 'environment', problem: 'Nobody knows when ferries leave.', lead_organisation: 'northshire-council' }))).statusCode, 303)
      // Sent twice at once (a double click), the merge happens once and both answers lead to the merged project.
      const form = (await admin.get('/projects/ferry-times/merge')).body
      const fields = { duplicate: 'Ferry Timetables', confirm: 'yes', _csrf: csrfTokenIn(form)!, _submission: /name="_submission" value="([^"]+)"/.exec(form)![1]! }
      const both = await Promise.all([admin.post('/projects/ferry-times/merge', fields), admin.post('/projects/ferry-times/merge', fields)])
      assert.deepEqual(both.map((r) => [r.statusCode, r.headers.location]), [[303, '/projects/ferry-times/history?done=merged'], [303, '/projects/ferry-times/history?done=merged']])
      assert.equal((await t.db.selectFrom('audit_log').select('id').where('action', '=', 'project.merged').execute()).length, 1)
      const gone = await new TestClient(t.app).get('/projects/ferry-timetables')
      assert.equal(gone.statusCode, 301)
      assert.equal(gone.headers.location, '/projects/ferry-times')
      assert.equal((await new TestClient(t.app).get('/api/v1/projects/ferry-timetables')).statusCode, 301)
      const page = (await new TestClient(t.app).get('/projects/ferry-times')).body
      assert.match(page, /Nobody knows when ferries leave./)
      assert.match(page, /Northshire Council/)
      assert.match(page, /environment/i)
      assert.match(page, /Olu Other/)
      assert.equal((await other.get('/projects/ferry-times/merge')).statusCode, 200, 'its team may merge into it')
    })
  })
}
