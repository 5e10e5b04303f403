import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { createOrganisation } from '../organisations/organisations.ts'
import { upsertMember } from '../organisations/organisations.queries.ts'
import { canEditProject, createProject, parseLinks, parseTeam, projectsByIds, projectsOfPerson } from './projects.ts'
import { findProjectBySlug } from './projects.queries.ts'
import { ANONYMOUS } from '../../core/access/policy.ts'
import { wholeDatabase } from '../../database.ts'
import { wholeSitemap } from '../../../test/support/sitemap.ts'

const count = async (t: TestApp) => Number((await t.db.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

test('links and team lines parse, and bad lines are named', () => {
  assert.deepEqual(parseLinks('Code | https://git.example.org/x\nhttps://service.example.org\n'), {
    links: [
      { label: 'Code', url: 'https://git.example.org/x' },
      { label: 'service.example.org', url: 'https://service.example.org' },
    ],
  })
  assert.match(parseLinks('Code | ftp://x\n').error!, /Link 1/)
  assert.match(parseLinks('Good | https://a.example\nBad | nope').error!, /Link 2/)
  assert.deepEqual(parseTeam('ana | Designer, part-time\nbo, cy').team, [
    { handle: 'ana', role: 'Designer, part-time' },
    { handle: 'bo', role: '' },
    { handle: 'cy', role: '' },
  ])
})

for (const dialect of testDialects()) {
  describe(`projects on ${dialect}`, () => {
    let t: TestApp
    let lead: TestUser
    let leadClient: TestClient
    let teammate: TestUser
    let orgAdmin: TestUser
    let partnerAdmin: TestUser
    before(async () => {
      t = await buildTestApp(dialect)
      lead = await createUser(t.app.db, { name: 'Lee Lead' })
      teammate = await createUser(t.app.db, { name: 'Tam Mate' })
      orgAdmin = await createUser(t.app.db, { name: 'Ora Admin' })
      partnerAdmin = await createUser(t.app.db, { name: 'Pat Partner' })
      leadClient = new TestClient(t.app)
      await signInAs(t.app.db, leadClient, lead.id)
      await createOrganisation(t.app.db, { userId: orgAdmin.id, isAdmin: false }, { name: 'Lead Council', type: 'local government', country: 'United Kingdom', region: '', website: '', identifier: '', description: '', themes: [] })
      await createOrganisation(t.app.db, { userId: partnerAdmin.id, isAdmin: false }, { name: 'Partner Lab', type: 'charity', country: 'Ireland', region: '', website: '', identifier: '', description: '', themes: [] })
    })
    after(async () => t.close())

    async function clientFor(user: TestUser) {
      const c = new TestClient(t.app)
      await signInAs(t.app.db, c, user.id)
      return c
    }

    const form = (over: Record<string, string> = {}) => ({
      name: 'Ferry Timetables',
      summary: 'Live ferry times for island residents.',
      phase: 'alpha',
      problem: 'Timetables are PDFs.\n\nThey go out of date.',
      audience: 'Island residents',
      looking_for: 'A data engineer',
      themes: 'Transport, open data',
      places: 'Northshire',
      technologies: 'Open source',
      lead_organisation: 'lead-council',
      partner_organisations: 'partner-lab',
      links: 'Source code | https://git.example.org/ferry\nService | https://ferry.example.org',
      team: `${teammate.handle} | Delivery manager`,
      ...over,
    })

    test('adding a project needs a signed-in person', async () => {
      const res = await new TestClient(t.app).get('/projects/new')
      assert.equal(res.statusCode, 303)
      assert.match(res.headers.location as string, /^\/sign-in\?next=/)
    })

    test('a person adds a project with organisations, team, links and tags; it is shown and indexed', async () => {
      const res = await leadClient.submit('/projects/new', form())
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/projects/ferry-timetables')
      const page = await new TestClient(t.app).get('/projects/ferry-timetables')
      assert.equal(page.statusCode, 200)
      assert.equal(page.body.match(/<h1/g)?.length, 1)
      assert.match(page.body, /<title>Ferry Timetables – Openly<\/title>/)
      // Naming an organisation speaks for it: until one of its admins confirms, only the requester sees it, as proposed.
      assert.doesNotMatch(page.body, /Lead Council|Partner Lab/)
      const mine = await leadClient.get('/projects/ferry-timetables')
      assert.match(mine.body, /Proposed, waiting for the organisation to confirm[\s\S]*Lead Council[\s\S]*Partner Lab/)
      assert.doesNotMatch((await new TestClient(t.app).get('/organisations/lead-council')).body, /Ferry Timetables/)
      const told = await t.db.selectFrom('notifications').select(['kind', 'url']).where('user_id', '=', orgAdmin.id).execute()
      assert.deepEqual(told.map((n) => ({ ...n })), [{ kind: 'organisation_request', url: '/organisations/lead-council#requests' }])
      // The lead organisation's admin confirms; the partner's admin declines; nobody else may decide.
      const orgAdminClient = await clientFor(orgAdmin)
      assert.match((await orgAdminClient.get('/organisations/lead-council')).body, /1 project names this organisation/)
      assert.equal((await leadClient.get('/organisations/lead-council/project-requests')).statusCode, 404)
      const requests = await orgAdminClient.get('/organisations/lead-council/project-requests')
      assert.match(requests.body, /Names Lead Council as lead organisation/)
      assert.equal((await leadClient.submit('/projects/ferry-timetables', { decision: 'confirm' }, '/organisations/lead-council/project-requests/ferry-timetables')).statusCode, 404)
      assert.equal((await orgAdminClient.submit('/organisations/lead-council/project-requests', { decision: 'confirm' }, '/organisations/lead-council/project-requests/ferry-timetables')).statusCode, 303)
      const partnerClient = await clientFor(partnerAdmin)
      assert.equal((await partnerClient.submit('/organisations/partner-lab/project-requests', { decision: 'decline' }, '/organisations/partner-lab/project-requests/ferry-timetables')).statusCode, 303)
      t.app.pageCache.invalidate()
      const confirmed = await new TestClient(t.app).get('/projects/ferry-timetables')
      assert.match(confirmed.body, /Lead organisation[\s\S]*href="\/organisations\/lead-council">Lead Council<\/a>/)
      assert.doesNotMatch(confirmed.body, /Partner Lab/)
      assert.ok((await t.db.selectFrom('audit_log').select('action').execute()).some((a) => a.action === 'organisation.link_confirmed'))
      // Re-saving the project keeps the confirmation; naming the partner again asks again.
      assert.equal((await leadClient.submit('/projects/ferry-timetables/edit', form({ team: `${lead.handle}\n${teammate.handle} | Delivery manager` }))).statusCode, 303)
      t.app.pageCache.invalidate()
      assert.match((await new TestClient(t.app).get('/projects/ferry-timetables')).body, /Lead Council/)
      assert.equal((await t.db.selectFrom('notifications').select('id').where('user_id', '=', partnerAdmin.id).execute()).length, 2)
      await partnerClient.submit('/organisations/partner-lab/project-requests', { decision: 'confirm' }, '/organisations/partner-lab/project-requests/ferry-timetables')
      t.app.pageCache.invalidate()
      const page2 = await new TestClient(t.app).get('/projects/ferry-timetables')
      assert.match(page2.body, /Partners[\s\S]*href="\/organisations\/partner-lab">Partner Lab<\/a>/)
      assert.match(page.body, new RegExp(`href="/people/${lead.handle}">Lee Lead</a>`))
      assert.match(page.body, new RegExp(`href="/people/${teammate.handle}">Tam Mate</a><br><span class="govuk-body-s">Delivery manager`))
      assert.match(page.body, /href="https:\/\/git.example.org\/ferry">Source code<\/a>/)
      assert.match(page.body, /govuk-inset-text[\s\S]*A data engineer/)
      assert.match(page.body, /href="\/projects\?theme=open%20data">open data<\/a>/)
      assert.match(page.body, /href="\/projects\/ferry-timetables\/feed.rss"/)
      assert.match(page.body, /They go out of date./)

      const project = await findProjectBySlug(t.app.db, 'ferry-timetables')
      const doc = await t.db.selectFrom('search_documents').selectAll().where('id', '=', `project:${project!.id}`).executeTakeFirstOrThrow()
      assert.equal(doc.title, 'Ferry Timetables')
      assert.equal(doc.visible_from, project!.created_at)
      assert.match(doc.body, /Live ferry times[\s\S]*Timetables are PDFs[\s\S]*transport/)
      assert.deepEqual((await projectsOfPerson(t.app.db, ANONYMOUS, lead.id)).map((p) => p.slug), ['ferry-timetables'])
      assert.equal((await projectsByIds(t.app.db, ANONYMOUS, [project!.id])).get(project!.id)?.name, 'Ferry Timetables')

      // The organisation page lists it through the projects panel.
      const orgPage = await new TestClient(t.app).get('/organisations/lead-council')
      assert.match(orgPage.body, /id="organisation-projects"[\s\S]*href="\/projects\/ferry-timetables">Ferry Timetables<\/a>/)
      const partnerPage = await new TestClient(t.app).get('/organisations/partner-lab')
      assert.match(partnerPage.body, /Ferry Timetables<\/a>[\s\S]*\(partner\)/)
    })

    test('invalid input is a 422 with the error summary and kept input, and nothing is saved', async () => {
      const before = await count(t)
      const res = await leadClient.submit('/projects/new', form({ summary: 's'.repeat(301), phase: 'gamma', name: '' }))
      assert.equal(res.statusCode, 422)
      assert.match(res.body, /govuk-error-summary/)
      assert.match(res.body, /href="#summary"/)
      assert.match(res.body, /href="#phase"/)
      assert.match(res.body, /Summary must be 300 characters or fewer/)
      assert.match(res.body, /Island residents/)
      const lookups = await leadClient.submit('/projects/new', form({ not_duplicate: 'yes', lead_organisation: 'no-such-council', partner_organisations: 'partner-lab, ghost-lab', links: 'Code | not-a-url', team: 'nobody-at-all' }))
      assert.equal(lookups.statusCode, 422)
      assert.match(lookups.body, /There is no organisation called no-such-council/)
      assert.match(lookups.body, /There is no organisation called ghost-lab/)
      // A name that is close gets suggestions (the form works without JavaScript).
      const close = await leadClient.submit('/projects/new', form({ not_duplicate: 'yes', lead_organisation: 'Lead Counc' }))
      assert.match(close.body, /There is no organisation called Lead Counc. Did you mean Lead Council\?/)
      assert.match(lookups.body, /Link 1 must end with a full web address/)
      assert.match(lookups.body, /There is no one with the handle nobody-at-all/)
      assert.match(lookups.body, /value="no-such-council"/)
      const tooLong = await leadClient.submit('/projects/new', form({ problem: 'p'.repeat(5001), themes: Array.from({ length: 11 }, (_, i) => `t${i}`).join(',') }))
      assert.equal(tooLong.statusCode, 422)
      assert.equal(await count(t), before)
    })

    test('team, lead organisation admins and platform admins may edit; others may not', async () => {
      const project = await findProjectBySlug(t.app.db, 'ferry-timetables')
      const stranger = await createUser(t.app.db)
      const admin = await createUser(t.app.db, { isAdmin: true })
      const url = '/projects/ferry-timetables/edit'
      assert.equal((await (await clientFor(stranger)).get(url)).statusCode, 403)
      assert.equal((await (await clientFor(partnerAdmin)).get(url)).statusCode, 403)
      assert.equal((await (await clientFor(teammate)).get(url)).statusCode, 200)
      assert.equal((await (await clientFor(orgAdmin)).get(url)).statusCode, 200)
      assert.equal((await (await clientFor(admin)).get(url)).statusCode, 200)
      assert.equal((await new TestClient(t.app).get(url)).statusCode, 303)
      assert.equal((await (await clientFor(stranger)).get('/projects/no-such-project/edit')).statusCode, 404)
      assert.equal(await canEditProject(t.app.db, { userId: stranger.id, isAdmin: false }, project!), false)
      assert.equal(await canEditProject(t.app.db, { userId: orgAdmin.id, isAdmin: false }, project!), true)
      assert.equal(await canEditProject(t.app.db, { userId: null, isAdmin: false }, project!), false)
      // A stranger's post is refused too, and changes nothing.
      // (The form's token comes from a page the stranger may open.)
      const post = await (await clientFor(stranger)).submit('/projects/new', form({ name: 'Taken Over' }), url)
      assert.equal(post.statusCode, 403)
      assert.equal((await findProjectBySlug(t.app.db, 'ferry-timetables'))!.name, 'Ferry Timetables')
    })

    test('editing shows current values, renames with a 301 from the old slug, and replaces parts', async () => {
      const edit = await leadClient.get('/projects/ferry-timetables/edit')
      assert.match(edit.body, /value="Lead Council"/)
      assert.match(edit.body, /Source code \| https:\/\/git.example.org\/ferry/)
      assert.match(edit.body, new RegExp(`${teammate.handle} \\| Delivery manager`))
      const noTeam = await leadClient.submit('/projects/ferry-timetables/edit', form({ team: '' }))
      assert.equal(noTeam.statusCode, 422)
      assert.match(noTeam.body, /Enter at least one team member/)

      const res = await leadClient.submit('/projects/ferry-timetables/edit', form({ name: 'Island Ferry Times', phase: 'beta', partner_organisations: '', team: `${lead.handle} | Product manager`, links: '' }))
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/projects/island-ferry-times')
      const old = await new TestClient(t.app).get('/projects/ferry-timetables')
      assert.equal(old.statusCode, 301)
      assert.equal(old.headers.location, '/projects/island-ferry-times')
      // Feed subscriptions follow the rename, in every format.
      for (const format of ['rss', 'atom', 'json']) {
        const feed = await new TestClient(t.app).get(`/projects/ferry-timetables/feed.${format}`)
        assert.equal(feed.statusCode, 301, format)
        assert.equal(feed.headers.location, `/projects/island-ferry-times/feed.${format}`)
      }
      const api = await t.app.inject('/api/v1/projects/island-ferry-times')
      const body = api.json()
      assert.equal(body.phase, 'beta')
      assert.deepEqual(body.partnerOrganisations, [])
      assert.deepEqual(body.team.map((m: { handle: string }) => m.handle), [lead.handle])
      assert.deepEqual(body.links, [])
      const project = await findProjectBySlug(t.app.db, 'island-ferry-times')
      const doc = await t.db.selectFrom('search_documents').select('title').where('id', '=', `project:${project!.id}`).executeTakeFirstOrThrow()
      assert.equal(doc.title, 'Island Ferry Times')
      // The teammate left the team, so can no longer edit.
      assert.equal((await (await clientFor(teammate)).get('/projects/island-ferry-times/edit')).statusCode, 403)
    })

    test('the list filters by phase, theme and organisation and pages with a cursor', async () => {
      const actor = { userId: lead.id, isAdmin: false }
      for (let i = 0; i < 22; i++) {
        // The partner lab's own admin names it as lead of three projects: confirmed at once.
        await createProject(t.app.db, i < 3 ? { userId: partnerAdmin.id, isAdmin: false } : actor, {
          name: `Listed ${String(i).padStart(2, '0')}`,
          summary: 'A listed project.',
          phase: i % 2 ? 'live' : 'discovery',
          problem: '',
          audience: '',
          looking_for: '',
          themes: i % 4 === 0 ? ['Housing'] : [],
          places: [],
          technologies: [],
          country: '',
          lead_organisation: i < 3 ? 'partner-lab' : '',
          partner_organisations: [],
          links: '',
          team: '',
        })
      }
      t.app.pageCache.invalidate()
      const anon = new TestClient(t.app)
      const first = await anon.get('/projects')
      const names = (html: string) => [...html.matchAll(/>(Listed \d+|Island Ferry Times)</g)].map((m) => m[1])
      const page1 = names(first.body)
      assert.equal(page1.length, 20)
      const next = /href="(\/projects\?cursor=[^"]+)"/.exec(first.body)?.[1]
      assert.ok(next)
      const page2 = names((await anon.get(next)).body)
      assert.equal(page2.length, 3)
      assert.equal(new Set([...page1, ...page2]).size, 23)

      assert.equal(names((await anon.get('/projects?phase=live')).body).length, 11)
      assert.equal(names((await anon.get('/projects?theme=housing')).body).length, 6)
      assert.deepEqual(names((await anon.get('/projects?organisation=partner-lab')).body).sort(), ['Listed 00', 'Listed 01', 'Listed 02'])
      assert.equal(names((await anon.get('/projects?organisation=nowhere')).body).length, 0)
      const bad = await anon.get('/projects?phase=gamma')
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /govuk-error-summary/)
    })

    test('the API lists with filters and cursor, shows one project, and answers problems', async () => {
      const list = (await t.app.inject('/api/v1/projects?phase=live&limit=4')).json()
      assert.equal(list.items.length, 4)
      assert.ok(list.items.every((p: { phase: string }) => p.phase === 'live'))
      const rest = (await t.app.inject(`/api/v1/projects?phase=live&limit=100&cursor=${list.next}`)).json()
      assert.equal(rest.items.length, 7)
      assert.equal(rest.next, null)
      const byOrg = (await t.app.inject('/api/v1/projects?organisation=lead-council')).json()
      assert.deepEqual(byOrg.items.map((p: { slug: string }) => p.slug), ['island-ferry-times'])
      assert.deepEqual(byOrg.items[0].leadOrganisations, [{ slug: 'lead-council', name: 'Lead Council' }])
      assert.deepEqual(byOrg.items[0].tags.theme, ['open data', 'transport'])

      const missing = await t.app.inject('/api/v1/projects/no-such-project')
      assert.equal(missing.statusCode, 404)
      assert.match(missing.headers['content-type'] as string, /application\/problem\+json/)
      const bad = await t.app.inject('/api/v1/projects?phase=gamma')
      assert.equal(bad.statusCode, 400)
      assert.match(bad.headers['content-type'] as string, /application\/problem\+json/)
      const tooBig = await t.app.inject('/api/v1/projects?limit=1000')
      assert.equal(tooBig.statusCode, 400)
      const paths = Object.keys((await t.app.inject('/api/v1/openapi.json')).json().paths)
      assert.ok(paths.includes('/api/v1/projects'), paths.join(','))
    })

    test('NUL characters and forged cursors are refused with a clear 400, never a server error', async () => {
      for (const url of ['/projects?organisation=a%00', '/projects/a%00b', '/api/v1/projects?theme=a%00', '/api/v1/projects/x%00']) {
        assert.equal((await t.app.inject(url)).statusCode, 400, url)
      }
      const forged = Buffer.from(JSON.stringify(['a\u0000', 'b'])).toString('base64url')
      assert.equal((await t.app.inject(`/projects?cursor=${forged}`)).statusCode, 400)
      assert.equal((await t.app.inject(`/api/v1/projects?cursor=${forged}`)).statusCode, 400)
      assert.equal((await leadClient.submit('/projects/new', form({ summary: 'x\u0000' }))).statusCode, 400)
    })

    test('the sitemap lists projects', async () => {
      const sitemap = await wholeSitemap((url) => t.app.inject(url))
      assert.match(sitemap, /<loc>http:\/\/openly.test\/projects\/island-ferry-times<\/loc>/)
    })

    test('the demo seed creates the organisations and every project slug other seeds use', async () => {
      const seeded = await buildTestApp(dialect)
      try {
        const { organisationsModule } = await import('../organisations/index.ts')
        const { projectsModule } = await import('./index.ts')
        await seeded.app.db.transaction().execute(async (trx) => {
          const ctx = { db: trx, config: seeded.config, accounts: [], modules: [organisationsModule, projectsModule] }
          await organisationsModule.seed!(ctx)
          await projectsModule.seed!(ctx)
        })
        const orgs = await wholeDatabase(seeded.database).selectFrom('organisations').select('slug').execute()
        assert.equal(orgs.length, 8)
        const projects = await wholeDatabase(seeded.database).selectFrom('projects').select(['slug', 'phase']).execute()
        for (const slug of ['bin-collection-alerts', 'school-admissions-in-the-open', 'patient-letters-redesign', 'open-spending-data', 'digital-inclusion-map', 'cross-border-procurement-commons', 'planning-applications-alpha', 'adult-social-care-finder', 'open-source-case-management', 'climate-action-tracker', 'citizens-assembly-toolkit', 'legacy-payments-retirement']) {
          assert.ok(projects.some((p) => p.slug === slug), slug)
        }
        assert.deepEqual([...new Set(projects.map((p) => p.phase))].sort(), ['alpha', 'beta', 'discovery', 'live', 'retired'])
        assert.equal(projects.find((p) => p.slug === 'legacy-payments-retirement')?.phase, 'retired')
        const page = await seeded.app.inject('/projects/cross-border-procurement-commons')
        assert.equal(page.statusCode, 200)
        assert.match(page.body, /Region Västerholm/)
      } finally {
        await seeded.close()
      }
    })
  })
}
