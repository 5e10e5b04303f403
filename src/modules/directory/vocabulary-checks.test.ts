import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'

const org = (over: Record<string, string | string[]>) => ({ name: 'Org', type: 'local government', country: 'GB', region: '', website: '', identifier: '', description: '', themes: '', ...over })
const project = (over: Record<string, string | string[]>) => ({ name: 'Project', summary: 'A project.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', country: 'GB', lead_organisation: '', partner_organisations: '', links: '', team: '', ...over })

for (const dialect of testDialects()) {
  describe(`proposals and the API against the vocabulary on ${dialect}`, () => {
    let t: TestApp
    let admin: TestClient
    let team: TestClient
    let outsider: TestClient
    const anon = () => new TestClient(t.app)
    const termId = async (kind: 'theme' | 'technology', slug: string) => (await t.db.selectFrom('vocabulary_terms').select('id').where('kind', '=', kind).where('slug', '=', slug).executeTakeFirstOrThrow()).id
    const proposals = async () => (await t.db.selectFrom('project_revisions').select('fields').where('status', '=', 'proposed').execute()).map((r) => JSON.parse(r.fields) as { after: { themes: string[]; technologies: string[] } })
    before(async () => {
      t = await buildTestApp(dialect)
      admin = new TestClient(t.app)
      team = new TestClient(t.app)
      outsider = new TestClient(t.app)
      await signInAs(t.app.db, admin, (await createUser(t.app.db, { name: 'Ada Admin', isAdmin: true })).id)
      await signInAs(t.app.db, team, (await createUser(t.app.db, { name: 'Tam Team' })).id)
      await signInAs(t.app.db, outsider, (await createUser(t.app.db, { name: 'Otto Outsider' })).id)
      assert.equal((await admin.submit('/admin/vocabulary', { action: 'add', kind: 'theme', label: 'Water quality' })).statusCode, 303)
      assert.equal((await admin.submit('/admin/vocabulary', { action: 'add', kind: 'technology', label: 'Telemetry' })).statusCode, 303)
      assert.equal((await team.submit('/projects/new', project({ name: 'Clear Streams', themes: ['water quality'], technologies: ['telemetry'] }))).statusCode, 303)
      assert.equal((await team.submit('/organisations/new', org({ name: 'Stream Keepers', themes: ['water quality'] }))).statusCode, 303)
    })
    after(async () => t.close())

    test('a proposed edit to a project is checked against the vocabulary as an edit is: refused with the text kept, nothing recorded', async () => {
      const form = await outsider.get('/projects/clear-streams/propose')
      assert.match(form.body, /name="themes" type="checkbox" value="water quality" checked/)
      assert.match(form.body, /name="technologies" type="checkbox" value="telemetry" checked/)
      const refused = await outsider.submit('/projects/clear-streams/propose', { ...project({ name: 'Clear Streams', summary: 'My better summary.', themes: ['water quality', 'lunar affairs'], technologies: ['quantum dowsing'] }), note: 'Broader' })
      assert.equal(refused.statusCode, 422)
      assert.match(refused.body, /“lunar affairs” is not a theme of the directory/)
      assert.match(refused.body, /“quantum dowsing” is not a technology of the directory/)
      assert.match(refused.body, /My better summary\./)
      assert.match(refused.body, /value="water quality" checked/)
      assert.equal((await proposals()).length, 0)
      // Labels in any case become the vocabulary's slugs, as an edit's would.
      assert.equal((await outsider.submit('/projects/clear-streams/propose', { ...project({ name: 'Clear Streams', summary: 'My better summary.', themes: ['Water Quality', 'HEALTH'], technologies: ['telemetry'] }), note: 'Health too' })).statusCode, 303)
      assert.deepEqual((await proposals())[0]!.after.themes, ['water quality', 'health'])
    })

    test('after a rename, the API’s ?theme= and ?technology= (and the list pages’) find the term by its former slug', async () => {
      assert.equal((await admin.submit('/admin/vocabulary', { action: 'rename', kind: 'theme', id: await termId('theme', 'water quality'), label: 'Clean water' })).statusCode, 303)
      assert.equal((await admin.submit('/admin/vocabulary', { action: 'rename', kind: 'technology', id: await termId('technology', 'telemetry'), label: 'Remote sensing' })).statusCode, 303)
      const names = async (url: string) => (JSON.parse((await anon().get(url)).body) as { items: Array<{ name: string }> }).items.map((i) => i.name)
      assert.deepEqual(await names('/api/v1/projects?theme=water%20quality'), ['Clear Streams'])
      assert.deepEqual(await names('/api/v1/projects?theme=clean%20water'), ['Clear Streams'])
      assert.deepEqual(await names('/api/v1/projects?theme=Clean%20Water'), ['Clear Streams'])
      assert.deepEqual(await names('/api/v1/projects?technology=telemetry'), ['Clear Streams'])
      assert.deepEqual(await names('/api/v1/organisations?theme=water%20quality'), ['Stream Keepers'])
      assert.deepEqual(await names('/api/v1/projects?theme=lunar%20affairs'), [])
      assert.match((await anon().get('/projects?theme=water%20quality')).body, /Clear Streams/)
      assert.match((await anon().get('/organisations?theme=water%20quality')).body, /Stream Keepers/)
      // The OpenAPI description says so.
      const openapi = JSON.parse((await anon().get('/api/v1/openapi.json')).body)
      assert.match(JSON.stringify(openapi.paths['/api/v1/projects'].get.parameters), /former slug of a renamed theme/)
    })
  })
}
