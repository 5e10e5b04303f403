import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { regionChoices, regionCode } from '../organisations/organisations.ts'

const org = (over: Record<string, string>) => ({ name: 'Org', type: 'local government', country: 'GB', region: '', website: '', identifier: '', description: 'Keeps this text.', themes: '', ...over })
const project = (over: Record<string, string>) => ({ name: 'Project', summary: 'A project.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', country: 'GB', lead_organisation: '', partner_organisations: '', links: '', team: '', ...over })

test('a region is one of the country’s ISO 3166-2 subdivisions, by name, English name, code or without accents', () => {
  assert.equal(regionCode('DE', 'Bayern'), 'DE-BY')
  assert.equal(regionCode('DE', 'Bavaria'), 'DE-BY')
  assert.equal(regionCode('DE', 'by'), 'DE-BY')
  assert.equal(regionCode('DE', 'DE-BY'), 'DE-BY')
  assert.equal(regionCode('DE', 'baden-wurttemberg'), 'DE-BW')
  assert.equal(regionCode('SE', 'Skåne'), 'SE-M')
  assert.equal(regionCode('GB', 'cornwall'), 'GB-CON')
  assert.equal(regionCode('FR', 'Bavaria'), null)
  assert.equal(regionCode('GB', 'Wessex'), null)
  const choices = regionChoices('IE', 'munster')
  assert.deepEqual(choices.map((c) => c.text), ['Not given', 'Connaught', 'Leinster', 'Munster', 'Ulster'])
  assert.equal(choices.find((c) => c.selected)?.value, 'IE-M')
  assert.deepEqual(regionChoices(null, ''), [])
})

for (const dialect of testDialects()) {
  describe(`regions on ${dialect}`, () => {
    let t: TestApp
    let client: TestClient
    before(async () => {
      t = await buildTestApp(dialect)
      client = new TestClient(t.app)
      await signInAs(t.app.db, client, (await createUser(t.app.db, { name: 'Rhian Regions' })).id)
    })
    after(async () => t.close())

    test('a typed name that matches is stored with its code; one that does not is refused and the country’s list offered', async () => {
      assert.equal((await client.submit('/organisations/new', org({ name: 'Kernow Council', region: 'cornwall' }))).statusCode, 303)
      const row = await t.db.selectFrom('organisations').select(['region', 'region_code']).where('name', '=', 'Kernow Council').executeTakeFirstOrThrow()
      assert.deepEqual({ ...row }, { region: 'Cornwall', region_code: 'GB-CON' })
      const refused = await client.submit('/organisations/new', org({ name: 'Wessex Works', region: 'Wessex' }))
      assert.equal(refused.statusCode, 422)
      assert.match(refused.body, /We do not know a region called “Wessex” in United Kingdom/)
      assert.match(refused.body, /<select class="govuk-select[^"]*" id="region" name="region"/)
      assert.match(refused.body, /<option value="GB-DOR">Dorset<\/option>/)
      assert.match(refused.body, /Keeps this text\./)
      // Choosing from the list (the select sends the code) is the second step.
      assert.equal((await client.submit('/organisations/new', org({ name: 'Wessex Works', region: 'GB-DOR' }))).statusCode, 303)
      const edit = await client.get('/organisations/wessex-works/edit')
      assert.match(edit.body, /<option value="GB-DOR" selected>Dorset<\/option>/)
    })

    test('a country’s map counts entries per region, organisations by region and projects by the regions they name, with a table', async () => {
      assert.equal((await client.submit('/projects/new', project({ name: 'Tin Mine Trails', places: 'Cornwall, St Ives', lead_organisation: 'Kernow Council' }))).statusCode, 303)
      const map = await client.get('/directory/map?country=GB')
      assert.equal(map.statusCode, 200)
      assert.match(map.body, /aria-label="Cornwall: 2 entries"/)
      assert.match(map.body, /<a class="govuk-link" href="\/directory\?country=GB&amp;region=Cornwall">Cornwall<\/a><\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">1<\/td>\s*<td class="govuk-table__cell govuk-table__cell--numeric">1<\/td>/)
      assert.match(map.body, /Dorset/)
      // "St Ives" is a town, not a region: it is not placed on the regional map.
      assert.doesNotMatch(map.body, /aria-label="St Ives|>St Ives<\/a><\/th>/)
      const list = await client.get('/directory?country=GB&region=Cornwall')
      assert.match(list.body, /Kernow Council/)
      assert.match(list.body, /Tin Mine Trails/)
    })
  })
}
