import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { ANONYMOUS, type Actor } from '../../core/access/policy.ts'
import { createSpace, setMembership } from '../../core/access/spaces.ts'
import { organisationDirectoryFacets, setOrganisationHidden } from '../organisations/organisations.ts'
import { organisationLinks, projectDirectoryFacets, setProjectHidden } from '../projects/projects.ts'
import { updateProjectRow } from '../projects/projects.queries.ts'
import { rebuildProjectCounts } from '../projects/directory-counts.queries.ts'
import { rebuildOrganisationCounts } from '../organisations/directory-counts.queries.ts'

const org = (over: Record<string, string>) => ({ name: 'Org', type: 'local government', country: 'GB', region: '', website: '', identifier: '', description: '', themes: '', ...over })
const project = (over: Record<string, string>) => ({ name: 'Project', summary: 'A project.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', country: '', lead_organisation: '', partner_organisations: '', links: '', team: '', ...over })

/** Everything the unfiltered directory and network show a reader, in a comparable form. */
async function seen(t: TestApp, actor: Actor) {
  const [orgs, projects, links] = await Promise.all([organisationDirectoryFacets(t.app.db, actor, {}), projectDirectoryFacets(t.app.db, actor, {}), organisationLinks(t.app.db, actor, {}, 150)])
  return { orgs, projects, links: links.map((l) => `${l.a.name}+${l.b.name}=${l.projects}`).sort() }
}

/** Pre-aggregated tables as they are, for comparing with a recount from scratch. */
async function tables(t: TestApp) {
  const facets = await t.db.selectFrom('project_facet_counts').select(['facet', 'value', 'n']).where('n', '<>', 0).orderBy('facet').orderBy('value').execute()
  const orgFacets = await t.db.selectFrom('organisation_facet_counts').select(['facet', 'value', 'n']).where('n', '<>', 0).orderBy('facet').orderBy('value').execute()
  const pairs = await t.db.selectFrom('project_organisation_pairs').select(['a', 'b', 'projects']).where('projects', '<>', 0).orderBy('a').orderBy('b').execute()
  return JSON.parse(JSON.stringify({ facets, orgFacets, pairs }, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)))
}

for (const dialect of testDialects()) {
  describe(`pre-aggregated directory counts on ${dialect}`, () => {
    let t: TestApp
    let owner: TestUser
    let outsider: TestUser
    let client: TestClient
    before(async () => {
      t = await buildTestApp(dialect)
      owner = await createUser(t.app.db, { name: 'Cora Counts' })
      outsider = await createUser(t.app.db, { name: 'Otto Outsider' })
      client = new TestClient(t.app)
      await signInAs(t.app.db, client, owner.id)
      for (const o of [
        org({ name: 'Tide Council', country: 'GB', themes: 'transport, open data' }),
        org({ name: 'Flut Stadt', country: 'DE', themes: 'transport' }),
        org({ name: 'Marée Ville', country: 'FR', type: 'charity', themes: 'health' }),
      ]) assert.equal((await client.submit('/organisations/new', o)).statusCode, 303, o.name)
      for (const p of [
        project({ name: 'Tide Tables', phase: 'beta', themes: 'transport', technologies: 'python', lead_organisation: 'Tide Council', partner_organisations: 'Flut Stadt' }),
        project({ name: 'Flood Alerts', phase: 'alpha', themes: 'transport, health', technologies: 'sensors', lead_organisation: 'Flut Stadt', partner_organisations: 'Tide Council, Marée Ville' }),
      ]) assert.equal((await client.submit('/projects/new', p)).statusCode, 303, p.name)
    })
    after(async () => t.close())

    test('the tables kept in each change equal a recount from scratch, after edits, hiding and a space', async () => {
      const edited = await client.submit('/projects/tide-tables/edit', project({ name: 'Tide Tables', phase: 'live', themes: 'housing', technologies: 'python, maps', country: 'IE', lead_organisation: 'Tide Council', team: `${owner.handle} | Lead` }))
      assert.equal(edited.statusCode, 303, edited.body.match(/govuk-error-summary__list[\s\S]{0,400}/)?.[0])
      const flood = await t.db.selectFrom('projects').select('id').where('name', '=', 'Flood Alerts').executeTakeFirstOrThrow()
      const marée = await t.db.selectFrom('organisations').select('id').where('name', '=', 'Marée Ville').executeTakeFirstOrThrow()
      await t.app.db.transaction().execute((trx) => setOrganisationHidden(trx, marée.id, true))
      await t.app.db.transaction().execute((trx) => setProjectHidden(trx, flood.id, true))
      await t.app.db.transaction().execute((trx) => setProjectHidden(trx, flood.id, false))
      const kept = await tables(t)
      await rebuildProjectCounts(t.db)
      await rebuildOrganisationCounts(t.db)
      assert.deepEqual(kept, await tables(t))
      assert.ok(kept.pairs.length > 0 && kept.facets.some((f: { facet: string; value: string }) => f.facet === 'technology' && f.value === 'maps'))
    })

    test('a hidden entry, or one in a members-only space, never changes what a reader without access sees', async () => {
      const anonymousBefore = await seen(t, ANONYMOUS)
      const outsiderActor = { userId: outsider.id, isAdmin: false }
      const outsiderBefore = await seen(t, outsiderActor)
      const ownerBefore = await seen(t, { userId: owner.id, isAdmin: false })
      // The owner adds a project linking two organisations, then a moderator hides it; another goes into a private space.
      for (const p of [
        project({ name: 'Hidden Harbour', phase: 'discovery', themes: 'migration', technologies: 'ruby', country: 'NO', lead_organisation: 'Tide Council', partner_organisations: 'Flut Stadt' }),
        project({ name: 'Members Only Moorings', phase: 'discovery', themes: 'employment', country: 'SE', lead_organisation: 'Flut Stadt', partner_organisations: 'Tide Council' }),
      ]) assert.equal((await client.submit('/projects/new', p)).statusCode, 303, p.name)
      const hidden = await t.db.selectFrom('projects').select('id').where('name', '=', 'Hidden Harbour').executeTakeFirstOrThrow()
      await t.app.db.transaction().execute((trx) => setProjectHidden(trx, hidden.id, true))
      const space = await createSpace(t.app.db, { kind: 'community', visibility: 'members', name: 'Harbour circle', path: '/communities/harbour-circle' })
      const member = await createUser(t.app.db, { name: 'Mina Member' })
      await setMembership(t.app.db, space, member.id, 'member', 'active')
      const moorings = await t.db.selectFrom('projects').select('id').where('name', '=', 'Members Only Moorings').executeTakeFirstOrThrow()
      await t.app.db.transaction().execute((trx) => updateProjectRow(trx, moorings.id, { space_id: space }))

      assert.deepEqual(await seen(t, ANONYMOUS), anonymousBefore)
      assert.deepEqual(await seen(t, outsiderActor), outsiderBefore)
      // Those who may see them get them on top of the pre-aggregated counts: the author sees their hidden project
      // (not the private space's), a member of the space sees its project, an admin the hidden one.
      const ownerAfter = await seen(t, { userId: owner.id, isAdmin: false })
      assert.equal(ownerAfter.projects.total, ownerBefore.projects.total + 1)
      assert.ok(ownerAfter.projects.technology.some((f) => f.value === 'ruby'))
      assert.ok(!ownerAfter.projects.theme.some((f) => f.value === 'employment'))
      const memberSees = await seen(t, { userId: member.id, isAdmin: false })
      assert.equal(memberSees.projects.total, anonymousBefore.projects.total + 1)
      assert.ok(memberSees.projects.country.some((f) => f.value === 'SE' && f.count === 1))
      const strongest = (s: { links: string[] }) => s.links.find((l) => l.startsWith('Flut Stadt+Tide Council') || l.startsWith('Tide Council+Flut Stadt'))
      assert.notEqual(strongest(memberSees), strongest(await seen(t, ANONYMOUS)))
      const admin = await seen(t, { userId: (await createUser(t.app.db, { isAdmin: true })).id, isAdmin: true })
      assert.ok(admin.projects.theme.some((f) => f.value === 'migration'))
    })

    // Last: it merges entries the tests above count on.
    test('merging duplicates keeps the tables equal to a recount: counts of both entries, and every pair of the projects they touch', async () => {
      for (const o of [org({ name: 'Tide Council Duplicate', country: 'NL', type: 'charity', themes: 'housing' })]) assert.equal((await client.submit('/organisations/new', { ...o, not_duplicate: 'yes' })).statusCode, 303)
      for (const p of [
        project({ name: 'Tide Twin', phase: 'discovery', themes: 'housing', technologies: 'python', lead_organisation: 'Tide Council Duplicate', partner_organisations: 'Flut Stadt' }),
        project({ name: 'Tide Twin Again', phase: 'beta', themes: 'health', technologies: 'python', lead_organisation: 'Tide Council', partner_organisations: 'Tide Council Duplicate' }),
      ]) assert.equal((await client.submit('/projects/new', { ...p, not_duplicate: 'yes' })).statusCode, 303, p.name)
      const orgMerge = await client.submit('/organisations/tide-council/merge', { duplicate: 'Tide Council Duplicate', confirm: 'yes' })
      assert.equal(orgMerge.statusCode, 303, orgMerge.body.match(/govuk-error-summary__list[\s\S]{0,400}/)?.[0])
      const projectMerge = await client.submit('/projects/tide-twin/merge', { duplicate: 'Tide Twin Again', confirm: 'yes' })
      assert.equal(projectMerge.statusCode, 303, projectMerge.body.match(/govuk-error-summary__list[\s\S]{0,400}/)?.[0])
      const kept = await tables(t)
      await rebuildProjectCounts(t.db)
      await rebuildOrganisationCounts(t.db)
      assert.deepEqual(kept, await tables(t))
    })
  })
}
