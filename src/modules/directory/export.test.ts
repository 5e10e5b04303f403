import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, location } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { setOrganisationHidden } from '../organisations/organisations.ts'

/** People in the directory's open data: only those who chose to be listed, with only memberships the reader may see. */
for (const dialect of testDialects()) {
  describe(`directory open data: people on ${dialect}`, () => {
    let t: TestApp
    let listed: TestUser
    let unlisted: TestUser
    let hiddenPerson: TestUser
    const ids = { open: '', secret: '', project: '' }
    const anon = () => new TestClient(t.app)

    before(async () => {
      t = await buildTestApp(dialect)
      listed = await createUser(t.db, { name: 'Liv Listed', listed: true })
      unlisted = await createUser(t.db, { name: 'Una Unlisted', listed: false })
      hiddenPerson = await createUser(t.db, { name: 'Hal Hiddenprofile', listed: true, hidden: true })
      const client = new TestClient(t.app)
      await signInAs(t.db, client, listed.id)
      for (const name of ['Open Borough', 'Secret Borough Zqx']) {
        const res = await client.submit('/organisations/new', { name, type: 'local government', country: 'GB', region: '', website: '', identifier: '', description: '', themes: '' })
        assert.equal(res.statusCode, 303)
      }
      const made = await client.submit('/projects/new', { name: 'Open Ledger', summary: 'Spending as data.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', country: 'GB', lead_organisation: 'Open Borough', partner_organisations: '', links: '', team: '' })
      assert.equal(made.statusCode, 303)
      const org = async (name: string) => (await t.db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id
      ids.open = await org('Open Borough')
      ids.secret = await org('Secret Borough Zqx')
      ids.project = (await t.db.selectFrom('projects').select('id').where('slug', '=', location(made).split('/').pop()!).executeTakeFirstOrThrow()).id
      // Everyone else belongs to the open organisation too; the secret one is then hidden by a moderator.
      for (const p of [unlisted, hiddenPerson]) await t.db.insertInto('organisation_members').values({ organisation_id: ids.open, user_id: p.id, role: 'member', created_at: new Date().toISOString() }).execute()
      await t.app.db.transaction().execute((trx) => setOrganisationHidden(trx, ids.secret, true))
      t.app.pageCache.invalidate()
    })
    after(async () => t.close())

    test('the whole directory lists people who chose to be listed, with their visible memberships, and never e-mail addresses', async () => {
      const csv = await anon().get('/directory/export.csv')
      assert.equal(csv.statusCode, 200)
      // The person's row, by the CSV's columns (none of this row's values has a comma or a quote).
      const [header, ...lines] = csv.body.trim().split('\n')
      const columns = header!.split(',')
      const people = lines.filter((l) => l.startsWith('person,')).map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i]!, v])))
      assert.deepEqual(people.map((p) => p.name), ['Liv Listed'])
      const liv = people[0]!
      assert.equal(liv.id, listed.id)
      assert.equal(liv.organization_ids, `${ids.open}:admin`)
      assert.match(liv.project_ids!, new RegExp(`^${ids.project}:`))
      assert.match(liv.url!, /\/people\/person-/)
      for (const secret of [unlisted.email, listed.email, hiddenPerson.email, 'Una Unlisted', 'Hal Hiddenprofile', ids.secret]) assert.ok(!csv.body.includes(secret), secret)

      const json = JSON.parse((await anon().get('/directory/export.json')).body)
      assert.deepEqual(json.persons.map((p: { name: string }) => p.name), ['Liv Listed'])
      assert.deepEqual(json.persons[0].memberships[0], { organization_id: ids.open, role: 'admin' })
      assert.equal(json.persons[0].memberships[1].project_id, ids.project)
      assert.deepEqual(json.organizations.map((o: { name: string }) => o.name), ['Open Borough'])
    })

    test('a filtered export is about organisations and projects only; leaving the directory leaves the export', async () => {
      const filtered = JSON.parse((await anon().get('/directory/export.json?country=GB')).body)
      assert.equal(filtered.persons, undefined)
      assert.equal(filtered.organizations.length, 1)
      const csv = (await anon().get('/directory/export.csv?kind=projects')).body
      assert.doesNotMatch(csv, /^person,/m)

      await t.db.updateTable('profiles').set({ listed: 0 }).where('user_id', '=', listed.id).execute()
      t.app.pageCache.invalidate()
      const after = JSON.parse((await anon().get('/directory/export.json')).body)
      assert.deepEqual(after.persons, [])
    })
  })
}
