import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Kysely } from 'kysely'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { createTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { cityById, cityField, citySuggestions, countryCode, setOrganisationHidden } from '../organisations/organisations.ts'
import { migration as organisationCities } from '../organisations/migrations/20261130T320000_organisations_city.ts'
import { migration as projectCities } from '../projects/migrations/20261130T320100_projects_city.ts'

const CARDIFF = '2653822'
const org = (over: Record<string, string>) => ({ name: 'Org', type: 'local government', country: 'GB', region: '', city: '', website: '', identifier: '', description: 'Keeps this text.', themes: '', ...over })
const project = (over: Record<string, string>) => ({ name: 'Project', summary: 'A project.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', country: 'GB', city: '', lead_organisation: '', partner_organisations: '', links: '', team: '', ...over })

test('cities come from the bundled GeoNames gazetteer, by id or by name within a country (accents, case and å/aa ignored)', () => {
  assert.deepEqual(cityById(CARDIFF), { id: 2653822, name: 'Cardiff', country: 'GB', population: 447287, lat: 51.48, lon: -3.18 })
  assert.equal(cityById('0'), null)
  assert.equal(cityById('not a number'), null)
  assert.deepEqual(cityField('GB', 'cardiff', 'United Kingdom'), { id: CARDIFF })
  assert.deepEqual(cityField('GB', CARDIFF, 'United Kingdom'), { id: CARDIFF })
  assert.deepEqual(cityField('DE', CARDIFF, 'Germany'), { error: 'We do not know a city called “2653822” in Germany: check the spelling (English names, for example Munich)' })
  assert.equal('id' in cityField('DK', 'Aarhus', 'Denmark') && cityById((cityField('DK', 'Aarhus', 'Denmark') as { id: string }).id)?.name, 'Århus')
  assert.equal('id' in cityField('PL', 'krakow', 'Poland'), true)
  // Of several cities with one name, the most populous: Newport in Wales, not the village on the Isle of Wight.
  assert.equal(cityById((cityField('GB', 'Newport', 'United Kingdom') as { id: string }).id)?.population! > 100_000, true)
  assert.deepEqual(cityField('GB', '', 'United Kingdom'), { id: '' })
  assert.match((cityField('GB', 'Cardif', 'United Kingdom') as { error: string }).error, /We do not know a city called “Cardif” in United Kingdom\. Did you mean Cardiff/)
  assert.deepEqual(cityField(null, 'Cardiff', ''), { error: 'Choose a country first: cities are chosen from its list' })
  assert.deepEqual(citySuggestions('GB', 'card', 3).map((c) => c.name), ['Cardiff', 'Cardigan', 'Cardenden'])
  assert.deepEqual(citySuggestions('XX', 'card'), [])
  // Names of Object's own members are no country (the fuzz test found `?country=__proto__` answering 500).
  for (const text of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) assert.equal(countryCode(text), null, text)
})

for (const dialect of testDialects()) {
  describe(`cities on ${dialect}`, () => {
    let t: TestApp
    let client: TestClient
    const anon = () => new TestClient(t.app)
    before(async () => {
      t = await buildTestApp(dialect)
      client = new TestClient(t.app)
      await signInAs(t.app.db, client, (await createUser(t.app.db, { name: 'Carys Cities' })).id)
    })
    after(async () => t.close())

    test('an organisation and a project name a city of their country, kept as its GeoNames id and shown on their pages', async () => {
      assert.equal((await client.submit('/organisations/new', org({ name: 'Bay Council', region: 'Cardiff', city: 'cardiff' }))).statusCode, 303)
      assert.equal((await t.db.selectFrom('organisations').select('city_id').where('name', '=', 'Bay Council').executeTakeFirstOrThrow()).city_id, CARDIFF)
      const page = await anon().get('/organisations/bay-council')
      assert.match(page.body, /<a class="govuk-link" href="\/directory\?country=GB&amp;city=2653822">Cardiff<\/a>/)
      assert.equal((await client.submit('/projects/new', project({ name: 'Bay Buses', city: 'Cardiff', lead_organisation: 'Bay Council' }))).statusCode, 303)
      assert.equal((await t.db.selectFrom('projects').select('city_id').where('name', '=', 'Bay Buses').executeTakeFirstOrThrow()).city_id, CARDIFF)
      assert.match((await anon().get('/projects/bay-buses')).body, />Cardiff<\/a>, United Kingdom/)
      // The edit form shows the city by name; saving it unchanged keeps it.
      const edit = await client.get('/organisations/bay-council/edit')
      assert.match(edit.body, /id="city" name="city" type="text"[^>]*value="Cardiff"/)
      assert.match(edit.body, /data-suggest="\/directory\/cities.json"/)
    })

    test('a city the gazetteer does not know in that country is refused with suggestions, the text kept (no JavaScript needed)', async () => {
      const refused = await client.submit('/organisations/new', org({ name: 'Valley Works', city: 'Cardif' }))
      assert.equal(refused.statusCode, 422)
      assert.match(refused.body, /We do not know a city called “Cardif” in United Kingdom\. Did you mean Cardiff/)
      assert.match(refused.body, /Keeps this text\./)
      const project422 = await client.submit('/projects/new', project({ name: 'Nowhere Project', country: '', city: 'Cardiff' }))
      assert.equal(project422.statusCode, 422)
      assert.match(project422.body, /Choose the country first/)
      // A city of another country is not one of this country's.
      assert.equal((await client.submit('/organisations/new', org({ name: 'Rhine Works', country: 'DE', city: 'Cardiff' }))).statusCode, 422)
    })

    test('the search-as-you-type list offers a country’s cities; the directory filters by city and counts per city', async () => {
      assert.deepEqual(JSON.parse((await anon().get('/directory/cities.json?q=cardi&country=GB')).body).slice(0, 2), ['Cardiff', 'Cardigan'])
      assert.deepEqual(JSON.parse((await anon().get('/directory/cities.json?q=cardi')).body), [])
      assert.deepEqual(JSON.parse((await anon().get('/directory/cities.json?q=cardi&country=Narnia')).body), [])
      const list = await anon().get(`/directory?country=GB&city=${CARDIFF}`)
      assert.match(list.body, /Bay Council/)
      assert.match(list.body, /Bay Buses/)
      assert.match(list.body, /<option value="2653822" selected>Cardiff \(2\)<\/option>/)
      const unknown = await anon().get('/directory?country=DE&city=2653822')
      assert.equal(unknown.statusCode, 200)
      assert.match(unknown.body, /“2653822” is not a city we know in Germany, so that filter is ignored/)
      assert.match((await anon().get('/directory?city=nonsense')).body, /is not a city we know/)
    })

    test('the map draws cities as linked points with a table, and a country’s map lists its cities', async () => {
      const map = await anon().get('/directory/map')
      assert.match(map.body, /<a href="\/directory\?country=GB&amp;city=2653822" class="openly-map__link" aria-label="Cardiff, United Kingdom: 2 entries"><circle /)
      assert.match(map.body, /<caption class="govuk-table__caption govuk-table__caption--m" id="cities-table">Entries by city<\/caption>/)
      const gb = await anon().get('/directory/map?country=GB')
      assert.match(gb.body, /<a class="govuk-link" href="\/directory\?country=GB&amp;city=2653822">Cardiff<\/a><\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">1<\/td>\s*<td class="govuk-table__cell govuk-table__cell--numeric">1<\/td>/)
    })

    test('a hidden entry’s city is counted only for those who may see it (the pre-aggregated counts stay baseline)', async () => {
      assert.equal((await client.submit('/organisations/new', org({ name: 'Gower Hidden Works', city: 'Swansea' }))).statusCode, 303)
      const id = (await t.db.selectFrom('organisations').select('id').where('name', '=', 'Gower Hidden Works').executeTakeFirstOrThrow()).id
      assert.match((await anon().get('/directory/map')).body, /aria-label="Swansea, United Kingdom: 1 entry"/)
      await t.app.db.transaction().execute((trx) => setOrganisationHidden(trx, id, true))
      t.app.pageCache.invalidate()
      assert.doesNotMatch((await anon().get('/directory/map')).body, /Swansea/)
      assert.doesNotMatch((await anon().get('/directory?country=GB')).body, /Swansea/)
      const admin = new TestClient(t.app)
      await signInAs(t.app.db, admin, (await createUser(t.app.db, { name: 'Ada Admin', isAdmin: true })).id)
      assert.match((await admin.get('/directory/map')).body, /aria-label="Swansea, United Kingdom: 1 entry"/)
      await t.app.db.transaction().execute((trx) => setOrganisationHidden(trx, id, false))
      t.app.pageCache.invalidate()
    })

    test('the exports carry the city’s GeoNames id, name and coordinates', async () => {
      const csv = (await anon().get(`/directory/export.csv?city=${CARDIFF}`)).body
      const [header, ...lines] = csv.trim().split('\n')
      assert.match(header!, /region,city_geonames_id,city,latitude,longitude,themes/)
      assert.equal(lines.length, 2)
      for (const line of lines) assert.match(line, /,2653822,Cardiff,51\.48,-3\.18,/)
      const json = JSON.parse((await anon().get(`/directory/export.json?city=${CARDIFF}`)).body)
      assert.deepEqual(json.organizations[0].city, { geonames_id: 2653822, name: 'Cardiff', latitude: 51.48, longitude: -3.18 })
      assert.deepEqual(json.projects[0].city, { geonames_id: 2653822, name: 'Cardiff', latitude: 51.48, longitude: -3.18 })
      assert.match(json.licence.attribution, /GeoNames/)
    })
  })

  describe(`the cities migration on ${dialect}`, () => {
    test('free text that names a city of the entry’s country becomes its city; other text stays', async () => {
      const handle = await createTestDatabase(dialect)
      const db = handle.db as Kysely<any>
      try {
        // The columns the migrations read, as they were before them.
        await db.schema.createTable('organisations').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('country_code', 'text').addColumn('region', 'text').addColumn('region_code', 'text').addColumn('space_id', 'text').addColumn('hidden_at', 'text').execute()
        await db.schema.createTable('projects').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('country_code', 'text').addColumn('space_id', 'text').addColumn('hidden_at', 'text').execute()
        await db.schema.createTable('project_tags').addColumn('project_id', 'text').addColumn('kind', 'text').addColumn('value', 'text').execute()
        for (const table of ['organisation_facet_counts', 'project_facet_counts']) await db.schema.createTable(table).addColumn('facet', 'text').addColumn('value', 'text').addColumn('n', 'integer').execute()
        await db.insertInto('organisations').values([
          { id: 'o1', country_code: 'GB', region: 'Cardiff', region_code: '', space_id: null, hidden_at: null },
          { id: 'o2', country_code: 'GB', region: 'Wales', region_code: 'GB-WLS', space_id: null, hidden_at: null },
          { id: 'o3', country_code: 'GB', region: 'Wessex', region_code: '', space_id: null, hidden_at: null },
        ]).execute()
        await db.insertInto('projects').values([{ id: 'p1', country_code: 'GB', space_id: null, hidden_at: null }, { id: 'p2', country_code: '', space_id: null, hidden_at: null }]).execute()
        await db.insertInto('project_tags').values([{ project_id: 'p1', kind: 'place', value: 'Northshire' }, { project_id: 'p1', kind: 'place', value: 'cardiff' }, { project_id: 'p2', kind: 'place', value: 'Cardiff' }]).execute()
        await organisationCities.up(db, dialect)
        await projectCities.up(db, dialect)
        const orgs = await db.selectFrom('organisations').select(['id', 'region', 'city_id']).orderBy('id').execute()
        assert.deepEqual(orgs.map((o) => ({ ...o })), [{ id: 'o1', region: '', city_id: CARDIFF }, { id: 'o2', region: 'Wales', city_id: '' }, { id: 'o3', region: 'Wessex', city_id: '' }])
        const projects = await db.selectFrom('projects').select(['id', 'city_id']).orderBy('id').execute()
        assert.deepEqual(projects.map((p) => ({ ...p })), [{ id: 'p1', city_id: CARDIFF }, { id: 'p2', city_id: '' }])
        const places = await db.selectFrom('project_tags').select(['project_id', 'value']).orderBy('project_id').orderBy('value').execute()
        assert.deepEqual(places.map((p) => ({ ...p })), [{ project_id: 'p1', value: 'Northshire' }, { project_id: 'p2', value: 'Cardiff' }])
        const counts = await db.selectFrom('project_facet_counts').select(['facet', 'value', 'n']).execute()
        assert.deepEqual(counts.map((c) => ({ ...c, n: Number(c.n) })), [{ facet: 'city', value: CARDIFF, n: 1 }])
      } finally {
        await handle.close()
      }
    })
  })
}
