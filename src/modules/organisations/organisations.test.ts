import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { createOrganisation, setOrganisationHidden } from './organisations.ts'
import { findOrganisationBySlug, organisationsOfPerson } from './organisations.queries.ts'
import { ANONYMOUS } from '../../core/access/policy.ts'
import { wholeSitemap } from '../../../test/support/sitemap.ts'

const valid = {
  name: 'Eastmarsh Borough Council',
  type: 'local government',
  country: 'United Kingdom',
  region: 'England',
  website: 'https://eastmarsh.example.gov.uk',
  description: 'A borough council.\n\nWe publish weeknotes.',
  themes: 'Housing, Open Data, housing',
}

for (const dialect of testDialects()) {
  describe(`organisations on ${dialect}`, () => {
    let t: TestApp
    let owner: TestUser
    let ownerClient: TestClient
    before(async () => {
      t = await buildTestApp(dialect)
      owner = await createUser(t.app.db, { name: 'Olu Owner' })
      ownerClient = new TestClient(t.app)
      await signInAs(t.app.db, ownerClient, owner.id)
    })
    after(async () => t.close())

    async function signedIn(overrides: { isAdmin?: boolean; name?: string } = {}) {
      const user = await createUser(t.app.db, overrides)
      const client = new TestClient(t.app)
      await signInAs(t.app.db, client, user.id)
      return { user, client }
    }

    const actorOf = (u: TestUser, isAdmin = false) => ({ userId: u.id, isAdmin })
    const input = (over: Partial<Record<string, unknown>> = {}) =>
      ({ name: 'Org', type: 'charity', country: 'Ireland', region: '', website: '', identifier: '', description: '', themes: [], ...over }) as Parameters<typeof createOrganisation>[2]

    test('adding an organisation needs a signed-in person', async () => {
      const res = await new TestClient(t.app).get('/organisations/new')
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/sign-in?next=%2Forganisations%2Fnew')
    })

    test('a person adds an organisation, becomes its admin, and it is indexed for search', async () => {
      const res = await ownerClient.submit('/organisations/new', valid)
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/organisations/eastmarsh-borough-council')
      const page = await ownerClient.get('/organisations/eastmarsh-borough-council')
      assert.equal(page.statusCode, 200)
      assert.equal(page.body.match(/<h1/g)?.length, 1)
      assert.match(page.body, /<title>Eastmarsh Borough Council – Openly<\/title>/)
      assert.match(page.body, new RegExp(`href="/people/${owner.handle}">Olu Owner</a> <span class="govuk-body-s">\\(admin\\)`))
      assert.match(page.body, /href="\/organisations\/eastmarsh-borough-council\/feed.atom"/)
      assert.match(page.body, /<p class="govuk-body">We publish weeknotes.<\/p>/)
      assert.match(page.body, /href="\/organisations\/eastmarsh-borough-council\/edit"/)
      const org = await findOrganisationBySlug(t.app.db, 'eastmarsh-borough-council')
      const themes = await t.db.selectFrom('organisation_themes').select('theme').where('organisation_id', '=', org!.id).orderBy('theme').execute()
      assert.deepEqual(themes.map((r) => r.theme), ['housing', 'open data'])
      const doc = await t.db.selectFrom('search_documents').selectAll().where('id', '=', `organisation:${org!.id}`).executeTakeFirst()
      assert.equal(doc?.title, 'Eastmarsh Borough Council')
      assert.equal(doc?.url, '/organisations/eastmarsh-borough-council')
      assert.equal(doc?.visible_from, org!.created_at)
      assert.match(doc!.body, /open data/)
      // The same name again is flagged as a likely duplicate; confirmed, it gets a numbered slug.
      const flagged = await ownerClient.submit('/organisations/new', valid)
      assert.equal(flagged.statusCode, 422)
      assert.match(flagged.body, /It may already be listed/)
      const again = await ownerClient.submit('/organisations/new', { ...valid, not_duplicate: 'yes' })
      assert.equal(again.headers.location, '/organisations/eastmarsh-borough-council-2')
      // Anonymous readers see the page without edit links.
      const anon = await new TestClient(t.app).get('/organisations/eastmarsh-borough-council')
      assert.equal(anon.statusCode, 200)
      assert.doesNotMatch(anon.body, /\/edit"/)
    })

    test('invalid input re-renders the form with the error summary, keeps the input and saves nothing', async () => {
      const before = await t.db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      const res = await ownerClient.submit('/organisations/new', {
        name: '',
        type: 'spaceship',
        country: 'Atlantis',
        website: 'not a url',
        description: 'x'.repeat(5001),
        themes: Array.from({ length: 11 }, (_, i) => `theme${i}`).join(', '),
      })
      assert.equal(res.statusCode, 422)
      assert.match(res.body, /<title>Error: Add an organisation – Openly<\/title>/)
      assert.match(res.body, /govuk-error-summary/)
      for (const field of ['name', 'type', 'website', 'description', 'themes']) assert.match(res.body, new RegExp(`href="#${field}"`), field)
      assert.match(res.body, /Enter name/)
      assert.match(res.body, /Description must be 5000 characters or fewer/)
      assert.match(res.body, /value="not a url"/)
      const nowhere = await ownerClient.submit('/organisations/new', { ...valid, country: 'Atlantis', not_duplicate: 'yes' })
      assert.equal(nowhere.statusCode, 422)
      assert.match(nowhere.body, /Choose a country from the list/)
      const badId = await ownerClient.submit('/organisations/new', { ...valid, identifier: 'not an id', not_duplicate: 'yes' })
      assert.match(badId.body, /Enter the identifier as on org-id.guide/)
      const longTheme = await ownerClient.submit('/organisations/new', { ...valid, themes: 'a'.repeat(41) })
      assert.equal(longTheme.statusCode, 422)
      assert.match(longTheme.body, /each must be 40 characters or fewer/)
      const after = await t.db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      assert.equal(Number(after.n), Number(before.n))
      // "UK", a name or a code: one country, stored as ISO 3166 and shown by its name.
      const uk = await createOrganisation(t.app.db, actorOf(owner), input({ name: 'Alias Council', country: 'UK', website: 'https://www.alias.example.org/about' }))
      assert.deepEqual([uk.country, uk.country_code, uk.website_domain], ['United Kingdom', 'GB', 'alias.example.org'])
    })

    test('only admins of the organisation (or platform admins) may edit it', async () => {
      const org = await createOrganisation(t.app.db, actorOf(owner), input({ name: 'Guarded Trust' }))
      const { client: stranger } = await signedIn()
      assert.equal((await stranger.get(`/organisations/${org.slug}/edit`)).statusCode, 403)
      assert.equal((await stranger.get(`/organisations/${org.slug}/members`)).statusCode, 403)
      const { client: admin } = await signedIn({ isAdmin: true })
      assert.equal((await admin.get(`/organisations/${org.slug}/edit`)).statusCode, 200)
      assert.equal((await stranger.get('/organisations/no-such-org/edit')).statusCode, 404)
      assert.equal((await new TestClient(t.app).get(`/organisations/${org.slug}/edit`)).statusCode, 303)
    })

    test('renaming changes the slug, keeps a 301 from the old one and re-indexes', async () => {
      const org = await createOrganisation(t.app.db, actorOf(owner), input({ name: 'Westfold Council' }))
      const edit = await ownerClient.get(`/organisations/${org.slug}/edit`)
      assert.equal(edit.statusCode, 200)
      assert.match(edit.body, /value="Westfold Council"/)
      const res = await ownerClient.submit(`/organisations/${org.slug}/edit`, { ...valid, name: 'Westfold District Council', themes: 'transport' })
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/organisations/westfold-district-council')
      const old = await new TestClient(t.app).get('/organisations/westfold-council')
      assert.equal(old.statusCode, 301)
      assert.equal(old.headers.location, '/organisations/westfold-district-council')
      const feed = await new TestClient(t.app).get('/organisations/westfold-council/feed.atom')
      assert.equal(feed.statusCode, 301)
      assert.equal(feed.headers.location, '/organisations/westfold-district-council/feed.atom')
      assert.equal((await new TestClient(t.app).get('/organisations/no-such-council/feed.atom')).statusCode, 404)
      const api = await t.app.inject('/api/v1/organisations/westfold-council')
      assert.equal(api.statusCode, 301)
      const doc = await t.db.selectFrom('search_documents').select(['title', 'url']).where('id', '=', `organisation:${org.id}`).executeTakeFirstOrThrow()
      assert.deepEqual({ ...doc }, { title: 'Westfold District Council', url: '/organisations/westfold-district-council' })
      // A new organisation cannot take the old slug (old links must keep working).
      const other = await createOrganisation(t.app.db, actorOf(owner), input({ name: 'Westfold Council' }))
      assert.equal(other.slug, 'westfold-council-2')
      // Over-long edits are form errors.
      const bad = await ownerClient.submit('/organisations/westfold-district-council/edit', { ...valid, name: 'n'.repeat(121) })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /Name must be 120 characters or fewer/)
    })

    test('admins manage members; the last admin is protected', async () => {
      const org = await createOrganisation(t.app.db, actorOf(owner), input({ name: 'Member Test Org' }))
      const { user: ada, client: adaClient } = await signedIn({ name: 'Ada Member' })
      const page = `/organisations/${org.slug}/members`

      const unknown = await ownerClient.submit(page, { handle: 'nobody-here', role: 'member' })
      assert.equal(unknown.statusCode, 422)
      assert.match(unknown.body, /There is no one with the handle nobody-here/)
      assert.match(unknown.body, /value="nobody-here"/)

      const added = await ownerClient.submit(page, { handle: ada.handle, role: 'member' })
      assert.equal(added.statusCode, 303)
      assert.equal((await organisationsOfPerson(t.app.db, ANONYMOUS, ada.id)).find((o) => o.id === org.id)?.role, 'member')
      const dup = await ownerClient.submit(page, { handle: ada.handle, role: 'member' })
      assert.equal(dup.statusCode, 422)
      // A plain member cannot manage members.
      assert.equal((await adaClient.get(page)).statusCode, 403)

      const demote = await ownerClient.submit(page, { role: 'member' }, `${page}/${owner.handle}/role`)
      assert.equal(demote.statusCode, 422)
      assert.match(demote.body, /at least one admin/)
      const remove = await ownerClient.submit(page, {}, `${page}/${owner.handle}/remove`)
      assert.equal(remove.statusCode, 422)
      assert.match(remove.body, /cannot remove the last admin/)
      assert.equal((await organisationsOfPerson(t.app.db, ANONYMOUS, owner.id)).find((o) => o.id === org.id)?.role, 'admin')

      assert.equal((await ownerClient.submit(page, { role: 'admin' }, `${page}/${ada.handle}/role`)).statusCode, 303)
      assert.equal((await adaClient.get(page)).statusCode, 200)
      assert.equal((await adaClient.submit(page, {}, `${page}/${owner.handle}/remove`)).statusCode, 303)
      assert.equal((await organisationsOfPerson(t.app.db, ANONYMOUS, owner.id)).some((o) => o.id === org.id), false)
      const audit = await t.db.selectFrom('audit_log').select('action').where('subject_id', '=', org.id).execute()
      assert.ok(audit.some((a) => a.action === 'organisation.member_removed'))
      assert.equal((await ownerClient.get(page)).statusCode, 403)
    })

    test('a person asks to be listed as a member; only the organisation’s admins confirm or decline', async () => {
      const org = await createOrganisation(t.app.db, actorOf(owner), input({ name: 'Askable Agency' }))
      const page = `/organisations/${org.slug}`
      const asker = await signedIn({ name: 'Asa Asker' })
      const other = await signedIn({ name: 'Dee Decliner' })
      const form = await asker.client.get(page)
      assert.match(form.body, /Ask to be listed as a member/)
      assert.equal((await asker.client.submit(page, { message: 'I run the data team' }, `${page}/membership-requests`)).statusCode, 303)
      assert.equal((await asker.client.submit(page, { message: 'Asking twice' }, `${page}/membership-requests`)).statusCode, 303)
      assert.match((await asker.client.get(page)).body, /You asked to be listed as a member/)
      assert.doesNotMatch((await new TestClient(t.app).get(page)).body, /Asa Asker/, 'not listed before an admin confirms')
      const told = await t.db.selectFrom('notifications').select('text').where('user_id', '=', owner.id).where('kind', '=', 'organisation_request').execute()
      assert.ok(told.some((n) => n.text === 'Asa Asker asks to be listed as a member of Askable Agency'))
      // Only the organisation's admins decide.
      assert.equal((await other.client.submit(page, { decision: 'confirm' }, `${page}/membership-requests/${asker.user.handle}`)).statusCode, 403)
      const members = await ownerClient.get(`${page}/members`)
      assert.match(members.body, /Asking to be listed[\s\S]*Asa Asker[\s\S]*Asking twice/)
      assert.equal((await ownerClient.submit(`${page}/members`, { decision: 'confirm' }, `${page}/membership-requests/${asker.user.handle}`)).statusCode, 303)
      t.app.pageCache.invalidate()
      assert.match((await new TestClient(t.app).get(page)).body, new RegExp(`href="/people/${asker.user.handle}">Asa Asker</a>`))
      assert.match((await new TestClient(t.app).get(`/people/${asker.user.handle}`)).body, /Askable Agency/)
      // Declining removes the request and tells the person; a member cannot ask again.
      await other.client.submit(page, { message: '' }, `${page}/membership-requests`)
      assert.equal((await ownerClient.submit(`${page}/members`, { decision: 'decline' }, `${page}/membership-requests/${other.user.handle}`)).statusCode, 303)
      assert.doesNotMatch((await ownerClient.get(`${page}/members`)).body, /Dee Decliner/)
      assert.ok((await t.db.selectFrom('notifications').select('text').where('user_id', '=', other.user.id).execute()).some((n) => /was declined/.test(n.text)))
      assert.doesNotMatch((await asker.client.get(page)).body, /Ask to be listed as a member/)
    })

    test('the directory filters by country, type and theme and pages with a cursor', async () => {
      for (let i = 0; i < 23; i++) {
        await createOrganisation(t.app.db, actorOf(owner), input({ name: `Paging Org ${String(i).padStart(2, '0')}`, country: 'Liechtenstein', type: i % 2 ? 'university' : 'charity', themes: i % 3 === 0 ? ['Transport'] : [] }))
      }
      t.app.pageCache.invalidate()
      const anon = new TestClient(t.app)
      const first = await anon.get('/organisations?country=Liechtenstein')
      assert.equal(first.statusCode, 200)
      const names1 = [...first.body.matchAll(/>(Paging Org \d+)</g)].map((m) => m[1])
      assert.equal(names1.length, 20)
      assert.equal(names1[0], 'Paging Org 00')
      const next = /href="(\/organisations\?country=Liechtenstein&amp;cursor=[^"]+)"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&')
      assert.ok(next, 'next page link')
      const second = await anon.get(next)
      const names2 = [...second.body.matchAll(/>(Paging Org \d+)</g)].map((m) => m[1])
      assert.deepEqual(names2, ['Paging Org 20', 'Paging Org 21', 'Paging Org 22'])

      const unis = await anon.get('/organisations?country=Liechtenstein&type=university')
      assert.equal([...unis.body.matchAll(/>(Paging Org \d+)</g)].length, 11)
      const themed = await anon.get('/organisations?country=Liechtenstein&theme=transport')
      assert.equal([...themed.body.matchAll(/>(Paging Org \d+)</g)].length, 8)
      const bad = await anon.get('/organisations?type=spaceship')
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /govuk-error-summary/)
      const long = await anon.get(`/organisations?theme=${'x'.repeat(500)}`)
      assert.equal(long.statusCode, 400)
    })

    test('the API lists, filters, pages and answers problems', async () => {
      const list = await t.app.inject('/api/v1/organisations?country=Liechtenstein&limit=5')
      assert.equal(list.statusCode, 200)
      const body = list.json()
      assert.equal(body.items.length, 5)
      assert.equal(body.items[0].name, 'Paging Org 00')
      assert.ok(body.next)
      const page2 = (await t.app.inject(`/api/v1/organisations?country=Liechtenstein&limit=5&cursor=${body.next}`)).json()
      assert.equal(page2.items[0].name, 'Paging Org 05')
      const themed = (await t.app.inject('/api/v1/organisations?theme=Transport&country=Liechtenstein&limit=100')).json()
      assert.equal(themed.items.length, 8)
      assert.deepEqual(themed.items[0].themes, ['transport'])

      const one = await t.app.inject('/api/v1/organisations/eastmarsh-borough-council')
      assert.equal(one.statusCode, 200)
      assert.equal(one.json().type, 'local government')
      assert.equal(one.json().members[0].handle, owner.handle)
      assert.equal(one.json().url, 'http://openly.test/organisations/eastmarsh-borough-council')

      const missing = await t.app.inject('/api/v1/organisations/no-such-org')
      assert.equal(missing.statusCode, 404)
      assert.match(missing.headers['content-type'] as string, /application\/problem\+json/)
      const bad = await t.app.inject('/api/v1/organisations?type=spaceship')
      assert.equal(bad.statusCode, 400)
      assert.match(bad.headers['content-type'] as string, /application\/problem\+json/)
      const paths = Object.keys((await t.app.inject('/api/v1/openapi.json')).json().paths)
      assert.ok(paths.includes('/api/v1/organisations/{slug}'), paths.join(','))
    })

    test('NUL characters and forged cursors are refused with a clear 400, never a server error', async () => {
      for (const url of ['/organisations?country=a%00b', '/organisations/a%00b', '/api/v1/organisations?theme=a%00', '/api/v1/organisations/x%00']) {
        assert.equal((await t.app.inject(url)).statusCode, 400, url)
      }
      const forged = Buffer.from(JSON.stringify(['a\u0000', 'b'])).toString('base64url')
      assert.equal((await t.app.inject(`/organisations?cursor=${forged}`)).statusCode, 400)
      assert.equal((await t.app.inject(`/api/v1/organisations?cursor=${forged}`)).statusCode, 400)
      const res = await ownerClient.submit('/organisations/new', { ...valid, name: 'a\u0000b' })
      assert.equal(res.statusCode, 400)
    })

    test('a hidden organisation is gone for readers (404, lists, search, sitemap) but not for admins', async () => {
      const org = await createOrganisation(t.app.db, actorOf(owner), input({ name: 'Hidden Away Society', country: 'Andorra' }))
      const sitemapBefore = await wholeSitemap((url) => t.app.inject(url))
      assert.match(sitemapBefore, /\/organisations\/hidden-away-society</)
      await t.app.db.transaction().execute((trx) => setOrganisationHidden(trx, org.id, true))
      t.app.pageCache.invalidate()
      const { client: stranger } = await signedIn()
      assert.equal((await stranger.get('/organisations/hidden-away-society')).statusCode, 404)
      assert.equal((await t.app.inject('/api/v1/organisations/hidden-away-society')).statusCode, 404)
      assert.doesNotMatch((await stranger.get('/organisations?country=Andorra')).body, /Hidden Away Society/)
      assert.equal((await t.app.inject('/api/v1/organisations?country=Andorra')).json().items.length, 0)
      assert.doesNotMatch(await wholeSitemap((url) => t.app.inject(url)), /hidden-away-society/)
      const doc = await t.db.selectFrom('search_documents').select('id').where('id', '=', `organisation:${org.id}`).executeTakeFirst()
      assert.equal(doc, undefined)
      const { client: admin } = await signedIn({ isAdmin: true })
      assert.equal((await admin.get('/organisations/hidden-away-society')).statusCode, 200)
    })
  })
}
