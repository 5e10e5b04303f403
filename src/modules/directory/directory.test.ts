import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { setOrganisationHidden } from '../organisations/organisations.ts'
import { readFilter } from './directory.ts'

const org = (over: Record<string, string>) => ({ name: 'Org', type: 'local government', country: 'GB', region: '', website: '', identifier: '', description: '', themes: '', ...over })
const project = (over: Record<string, string>) => ({ name: 'Project', summary: 'A project.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', country: '', lead_organisation: '', partner_organisations: '', links: '', team: '', ...over })

test('unknown filter values are ignored with a notice', () => {
  const { filter, notices } = readFilter({ country: 'Atlantis', phase: 'gamma', type: 'spaceship', kind: 'both', theme: ' Health ' })
  assert.deepEqual([filter.country, filter.phase, filter.type, filter.kind, filter.theme], ['', '', '', 'all', 'health'])
  assert.equal(notices.length, 4)
  assert.equal(readFilter({ country: 'UK' }).filter.country, 'GB')
})

for (const dialect of testDialects()) {
  describe(`directory on ${dialect}`, () => {
    let t: TestApp
    let owner: TestUser
    let client: TestClient
    const anon = () => new TestClient(t.app)
    before(async () => {
      t = await buildTestApp(dialect)
      owner = await createUser(t.app.db, { name: 'Dara Directory' })
      client = new TestClient(t.app)
      await signInAs(t.app.db, client, owner.id)
      for (const o of [
        org({ name: 'Harbour Town Council', country: 'United Kingdom', region: 'Cornwall', themes: 'transport, open data' }),
        org({ name: 'Hafen Stadt', country: 'DE', type: 'local government', themes: 'transport' }),
        org({ name: 'Clinic Collective', country: 'UK', type: 'health', themes: 'health' }),
        org({ name: 'Secret Society Zqhid', country: 'FR', type: 'charity', themes: 'transport' }),
      ]) assert.equal((await client.submit('/organisations/new', o)).statusCode, 303, o.name)
      for (const p of [
        project({ name: 'Ferry Times', phase: 'beta', themes: 'transport', technologies: 'open source', places: 'Cornwall', lead_organisation: 'Harbour Town Council' }),
        project({ name: 'Bus Stops Open', phase: 'alpha', themes: 'transport, open data', technologies: 'python', lead_organisation: 'Hafen Stadt' }),
        project({ name: 'Waiting Lists', phase: 'live', themes: 'health', country: 'IE' }),
        project({ name: 'Quiet Partner', phase: 'live', themes: 'housing', country: 'IE', partner_organisations: 'Secret Society Zqhid' }),
      ]) assert.equal((await client.submit('/projects/new', p)).statusCode, 303, p.name)
      const hidden = await t.db.selectFrom('organisations').select('id').where('name', '=', 'Secret Society Zqhid').executeTakeFirstOrThrow()
      await t.app.db.transaction().execute((trx) => setOrganisationHidden(trx, hidden.id, true))
      t.app.pageCache.invalidate()
    })
    after(async () => t.close())

    test('lists organisations and projects together with counts per value, and never hidden entries', async () => {
      const res = await anon().get('/directory')
      assert.equal(res.statusCode, 200)
      for (const name of ['Harbour Town Council', 'Hafen Stadt', 'Clinic Collective', 'Ferry Times', 'Bus Stops Open', 'Waiting Lists']) assert.match(res.body, new RegExp(name))
      assert.doesNotMatch(res.body, /Zqhid|France/)
      // "UK" and "United Kingdom" are one country: two organisations and the project led from there.
      assert.match(res.body, /<option value="GB">United Kingdom \(3\)<\/option>/)
      assert.match(res.body, /<option value="transport">Transport \(4\)<\/option>/)
      assert.match(res.body, /<option value="open source">Open source \(1\)<\/option>/)
      // A project without a country of its own takes its lead organisation's.
      const germany = await anon().get('/directory?country=DE')
      assert.match(germany.body, /Hafen Stadt/)
      assert.match(germany.body, /Bus Stops Open/)
      assert.doesNotMatch(germany.body, /Harbour Town Council|Ferry Times|Waiting Lists/)
    })

    test('filters combine in the URL, and facets count under the other filters', async () => {
      const res = await anon().get('/directory?theme=transport&country=GB')
      assert.match(res.body, /Harbour Town Council/)
      assert.match(res.body, /Ferry Times/)
      assert.doesNotMatch(res.body, /Clinic Collective|Hafen Stadt|Bus Stops Open/)
      assert.match(res.body, /<option value="DE">Germany \(2\)<\/option>/, 'the country facet ignores the country filter')
      assert.match(res.body, /<option value="Cornwall">Cornwall \(2\)<\/option>/, 'regions and places within the chosen country')
      const beta = await anon().get('/directory?phase=beta')
      assert.match(beta.body, /Ferry Times/)
      assert.doesNotMatch(beta.body, /Bus Stops Open|Harbour Town Council/, 'a phase is about projects only')
      const words = await anon().get('/directory?q=stops%20bus&kind=projects')
      assert.match(words.body, /Bus Stops Open/)
      assert.doesNotMatch(words.body, /Ferry Times/)
      const type = await anon().get('/directory?type=health')
      assert.match(type.body, /Clinic Collective/)
      assert.doesNotMatch(type.body, /Ferry Times/)
    })

    test('organisation names for search as you type: only visible ones', async () => {
      assert.deepEqual(JSON.parse((await anon().get('/directory/organisations.json?q=harb')).body), ['Harbour Town Council'])
      assert.deepEqual(JSON.parse((await anon().get('/directory/organisations.json?q=zqhid')).body), [])
      assert.deepEqual(JSON.parse((await anon().get('/directory/organisations.json?q=h')).body), [])
    })

    test('unknown values are a notice, not an error; malformed input is a 400', async () => {
      const res = await anon().get('/directory?country=Atlantis&phase=gamma')
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /We do not know a country called “Atlantis”/)
      assert.match(res.body, /“gamma” is not a phase/)
      assert.match(res.body, /Ferry Times/)
      assert.equal((await anon().get(`/directory?q=${'x'.repeat(500)}`)).statusCode, 400)
      assert.equal((await anon().get('/directory?cursor=!!')).statusCode, 400)
    })

    test('pages through one kind with a cursor', async () => {
      for (let i = 0; i < 22; i++) assert.equal((await client.submit('/organisations/new', org({ name: `Paging ${String(i).padStart(2, '0')}`, country: 'MT' }))).statusCode, 303)
      t.app.pageCache.invalidate()
      const first = await anon().get('/directory?country=MT')
      const names = (body: string) => [...body.matchAll(/>(Paging \d+)</g)].map((m) => m[1])
      assert.equal(names(first.body).length, 20)
      const next = /href="(\/directory\?kind=organisations&amp;country=MT&amp;cursor=[^"]+)"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&')
      assert.ok(next)
      assert.deepEqual(names((await anon().get(next)).body), ['Paging 20', 'Paging 21'])
    })

    test('stale entries: not changed or confirmed for the configured time', async () => {
      await t.db.updateTable('projects').set({ updated_at: '2020-01-01T00:00:00.000Z' }).where('name', '=', 'Waiting Lists').execute()
      t.app.pageCache.invalidate()
      const res = await anon().get('/directory?stale=1')
      assert.match(res.body, /Waiting Lists/)
      assert.match(res.body, /May be out of date/)
      assert.doesNotMatch(res.body, /Ferry Times/)
      // Its team says it is still active: one click, and it is current again.
      const page = await client.get('/projects/waiting-lists')
      assert.match(page.body, /May be out of date/)
      assert.equal((await client.submit('/projects/waiting-lists', {}, '/projects/waiting-lists/still-active')).statusCode, 303)
      assert.doesNotMatch((await client.get('/projects/waiting-lists')).body, /May be out of date/)
      assert.doesNotMatch((await anon().get('/directory?stale=1')).body, /Waiting Lists/)
      const stranger = await createUser(t.app.db, { name: 'Sol Stranger' })
      const strangerClient = new TestClient(t.app)
      await signInAs(t.app.db, strangerClient, stranger.id)
      assert.equal((await strangerClient.submit('/organisations/clinic-collective', {}, '/organisations/clinic-collective/still-active')).statusCode, 403)
      assert.equal((await client.submit('/organisations/clinic-collective', {}, '/organisations/clinic-collective/still-active')).statusCode, 303)
      assert.match((await client.get('/organisations/clinic-collective')).body, /confirmed as current/)
    })

    test('the map draws countries as links with counts and a table', async () => {
      const res = await anon().get('/directory/map?theme=transport')
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /<svg viewBox="0 0 960 470" role="group"/)
      assert.match(res.body, /<a href="\/directory\?theme=transport&amp;country=GB" class="openly-map__link" aria-label="United Kingdom: 2 entries"><path d="M[\d.,LMZ-]+" class="openly-map__country openly-map__shade-\d"><title>United Kingdom: 2<\/title>/)
      assert.match(res.body, /<th scope="row" class="govuk-table__header"><a class="govuk-link" href="\/directory\?country=DE&amp;theme=transport">Germany<\/a> <a [^>]*href="\/directory\/map\?country=DE&amp;theme=transport">by region[^]*?<\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">1<\/td>\s*<td class="govuk-table__cell govuk-table__cell--numeric">1<\/td>/)
      assert.doesNotMatch(res.body, /France/)
    })

    test('exports stream CSV and JSON per filter with stable ids, and leave out hidden entries', async () => {
      const csv = await anon().get('/directory/export.csv?theme=transport')
      assert.equal(csv.statusCode, 200)
      assert.match(String(csv.headers['content-type']), /text\/csv/)
      const lines = csv.body.trim().split('\n')
      assert.equal(lines[0], 'entity,id,name,classification,phase,summary,country_code,country,region,city_geonames_id,city,latitude,longitude,themes,technologies,website,identifier,organization_ids,project_ids,url,created_at,updated_at,confirmed_at')
      assert.equal(lines.length, 1 + 2 + 2)
      assert.doesNotMatch(csv.body, /Zqhid/)
      const json = JSON.parse((await anon().get('/directory/export.json?theme=transport')).body)
      assert.deepEqual(json.organizations.map((o: { name: string }) => o.name), ['Hafen Stadt', 'Harbour Town Council'])
      assert.deepEqual(json.projects.map((p: { name: string }) => p.name), ['Bus Stops Open', 'Ferry Times'])
      assert.equal(json.projects[1].organizations[0].organization_id, json.organizations[1].id)
      assert.match(json.licence.name, /ODC-By/)
      const empty = JSON.parse((await anon().get('/directory/export.json?q=nothingmatcheszz')).body)
      assert.deepEqual([empty.organizations, empty.projects], [[], []])
      // A project's link to a hidden organisation is left out too: its id would be a trace of it.
      const hiddenId = (await t.db.selectFrom('organisations').select('id').where('name', '=', 'Secret Society Zqhid').executeTakeFirstOrThrow()).id
      const all = await anon().get('/directory/export.json')
      assert.match(all.body, /Quiet Partner/)
      assert.ok(!all.body.includes(hiddenId))
      const schema = await anon().get('/directory/schema')
      assert.match(schema.body, /organization_ids/)
    })

    test('similar work on a project page: ranked, explained, not its own organisations’ projects, never hidden ones', async () => {
      assert.equal((await client.submit('/projects/new', project({ name: 'Harbour Buses', themes: 'transport', lead_organisation: 'Harbour Town Council' }))).statusCode, 303)
      assert.equal((await client.submit('/projects/new', project({ name: 'Ferries Hidden Zqsim', summary: 'Ferry timetables for islands.', themes: 'transport', technologies: 'open source' }))).statusCode, 303)
      const hidden = await t.db.selectFrom('projects').select('id').where('name', '=', 'Ferries Hidden Zqsim').executeTakeFirstOrThrow()
      const { setProjectHidden } = await import('../projects/projects.ts')
      await t.app.db.transaction().execute((trx) => setProjectHidden(trx, hidden.id, true))
      t.app.pageCache.invalidate()
      const page = await anon().get('/projects/ferry-times')
      assert.match(page.body, /Projects working on similar challenges/)
      assert.match(page.body, /Bus Stops Open<\/a>[\s\S]*?Why: shares the theme transport\./)
      assert.doesNotMatch(page.body, /Harbour Buses/, 'the same lead organisation')
      assert.doesNotMatch(page.body, /Zqsim/)
      assert.doesNotMatch((await anon().get('/projects/waiting-lists')).body, /similar challenges/, 'nothing shares its tags')
    })

    test('the network links organisations that share projects, lists the strongest links and isolated organisations', async () => {
      assert.equal((await client.submit('/projects/new', project({ name: 'Twin Towns', themes: 'transport', lead_organisation: 'Harbour Town Council', partner_organisations: 'Hafen Stadt' }))).statusCode, 303)
      t.app.pageCache.invalidate()
      const res = await anon().get('/directory/network')
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /<svg viewBox="0 0 960 640" role="group"/)
      assert.match(res.body, /<line x1="[\d.-]+" y1="[\d.-]+" x2="[\d.-]+" y2="[\d.-]+" stroke-width="1.75"\/>/)
      assert.match(res.body, /(Hafen Stadt<\/a> and <a class="govuk-link" href="\/organisations\/harbour-town-council">Harbour Town Council|Harbour Town Council<\/a> and <a class="govuk-link" href="\/organisations\/hafen-stadt">Hafen Stadt)<\/a><\/td><td class="govuk-table__cell govuk-table__cell--numeric">1</)
      const isolated = res.body.slice(res.body.indexOf('Isolated organisations'))
      assert.match(isolated, /Clinic Collective/)
      assert.doesNotMatch(isolated, /Hafen Stadt/)
      assert.doesNotMatch(res.body, /Zqhid/)
      const health = await anon().get('/directory/network?theme=health')
      assert.match(health.body, /No organisations work together on projects matching these filters yet/)
    })

    test('statistics: counts by country, theme, technology, phase and type, and growth, as tables', async () => {
      const res = await anon().get('/directory/stats')
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /<caption class="govuk-table__caption govuk-table__caption--m" id="stats-1">By country<\/caption>/)
      assert.match(res.body, /href="\/directory\?country=GB">United Kingdom<\/a><\/th><td class="govuk-table__cell govuk-table__cell--numeric"><svg[^>]*><rect width="\d+" height="1"\/><\/svg>\d+</)
      assert.match(res.body, /Growth over time/)
      assert.doesNotMatch(res.body, /France|Zqhid/)
    })

    test('likely duplicates are flagged when adding, with links; adding goes ahead once confirmed', async () => {
      const sameSite = await client.submit('/organisations/new', org({ name: 'Port Authority', website: 'https://www.harbour.example.org', country: 'GB' }))
      assert.equal(sameSite.statusCode, 303)
      const before = await t.db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      await t.db.updateTable('organisations').set({ website_domain: 'harbour.example.org' }).where('name', '=', 'Harbour Town Council').execute()
      const dup = await client.submit('/organisations/new', org({ name: 'Port Authority Two', website: 'https://www.harbour.example.org/about', country: 'GB' }))
      assert.equal(dup.statusCode, 422)
      assert.match(dup.body, /<a class="govuk-link" href="\/organisations\/harbour-town-council">Harbour Town Council<\/a> \(the same website \(harbour.example.org\)\)/)
      assert.match(dup.body, /href="#not_duplicate"/)
      assert.match(dup.body, /value="Port Authority Two"/)
      const named = await client.submit('/organisations/new', org({ name: 'Harbour Council', country: 'GB' }))
      assert.match(named.body, /Harbour Town Council<\/a> \(a similar name\)/)
      assert.equal((await client.submit('/organisations/new', org({ name: 'Harbour Council', country: 'GB', not_duplicate: 'yes' }))).statusCode, 303)
      const projectDup = await client.submit('/projects/new', project({ name: 'The Ferry Times' }))
      assert.equal(projectDup.statusCode, 422)
      assert.match(projectDup.body, /href="\/projects\/ferry-times">Ferry Times<\/a> \(a similar name\)/)
      const after = await t.db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      assert.equal(Number(after.n), Number(before.n) + 1)
    })

    test('people working on similar challenges on a person’s page', async () => {
      const peer = await createUser(t.app.db, { name: 'Pia Peer' })
      const peerClient = new TestClient(t.app)
      await signInAs(t.app.db, peerClient, peer.id)
      assert.equal((await peerClient.submit('/projects/new', project({ name: 'Tram Timetables', themes: 'transport', technologies: 'python' }))).statusCode, 303)
      const page = await anon().get(`/people/${peer.handle}`)
      assert.match(page.body, /People working on similar challenges/)
      assert.match(page.body, new RegExp(`href="/people/${owner.handle}">Dara Directory</a> <span class="govuk-body-s openly-meta">on <a class="govuk-link" href="/projects/bus-stops-open">Bus Stops Open</a> \\(shares the theme transport; uses python`))
    })
  })
}
