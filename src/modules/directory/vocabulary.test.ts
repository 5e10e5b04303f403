import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'

const org = (over: Record<string, string | string[]>) => ({ name: 'Org', type: 'local government', country: 'GB', region: '', website: '', identifier: '', description: '', themes: '', ...over })
const project = (over: Record<string, string | string[]>) => ({ name: 'Project', summary: 'A project.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', country: 'GB', lead_organisation: '', partner_organisations: '', links: '', team: '', ...over })

for (const dialect of testDialects()) {
  describe(`directory vocabulary on ${dialect}`, () => {
    let t: TestApp
    let admin: TestClient
    let member: TestClient
    const termId = async (kind: 'theme' | 'technology', slug: string) => (await t.db.selectFrom('vocabulary_terms').select('id').where('kind', '=', kind).where('slug', '=', slug).executeTakeFirstOrThrow()).id
    before(async () => {
      t = await buildTestApp(dialect)
      admin = new TestClient(t.app)
      member = new TestClient(t.app)
      await signInAs(t.app.db, admin, (await createUser(t.app.db, { name: 'Ada Admin', isAdmin: true })).id)
      await signInAs(t.app.db, member, (await createUser(t.app.db, { name: 'Mo Member' })).id)
    })
    after(async () => t.close())

    test('forms offer the vocabulary as checkboxes; a value outside it is refused with the choices kept', async () => {
      const form = await member.get('/projects/new')
      assert.match(form.body, /<input class="govuk-checkboxes__input" id="themes" name="themes" type="checkbox" value="democratic participation">|name="themes" type="checkbox" value="health"/)
      assert.match(form.body, /name="technologies" type="checkbox" value="open source"/)
      const refused = await member.submit('/projects/new', project({ name: 'Moon Base Rota', themes: ['transport', 'lunar affairs'], technologies: 'python' }))
      assert.equal(refused.statusCode, 422)
      assert.match(refused.body, /“lunar affairs” is not a theme of the directory/)
      assert.match(refused.body, /value="transport" checked/)
      assert.match(refused.body, /value="Moon Base Rota"/)
      // Labels and any case are understood: "Open Data" is the term "open data".
      assert.equal((await member.submit('/organisations/new', org({ name: 'Tidy Terms Trust', themes: ['Open Data', 'HEALTH'] }))).statusCode, 303)
      const themes = await t.db.selectFrom('organisation_themes').innerJoin('organisations', 'organisations.id', 'organisation_themes.organisation_id').select('theme').where('organisations.name', '=', 'Tidy Terms Trust').orderBy('theme').execute()
      assert.deepEqual(themes.map((r) => r.theme), ['health', 'open data'])
    })

    test('only site admins reach the vocabulary page; a member gets 404, a visitor is asked to sign in', async () => {
      assert.equal((await member.get('/admin/vocabulary')).statusCode, 404)
      assert.equal((await new TestClient(t.app).get('/admin/vocabulary')).statusCode, 303)
      const page = await admin.get('/admin/vocabulary')
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Name of “Open data”/)
      // The member's own CSRF token (from another form): refused as not found, not as a bad token.
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await member.get('/projects/new')).body)![1]!
      assert.equal((await member.post('/admin/vocabulary', { _csrf: csrf, action: 'add', kind: 'theme', label: 'Sneaky' })).statusCode, 404)
    })

    test('admins add, rename (old links keep matching, entries follow) and retire terms, each audit-logged', async () => {
      assert.equal((await admin.submit('/admin/vocabulary', { action: 'add', kind: 'theme', label: 'Water  Quality' })).statusCode, 303)
      // A double submit of one form adds the term once, and both answers lead back to the page.
      const form = (await admin.get('/admin/vocabulary')).body
      const fields = { _csrf: /name="_csrf" value="([^"]+)"/.exec(form)![1]!, _submission: /name="_submission" value="([^"]+)"/.exec(form)![1]!, action: 'add', kind: 'technology', label: 'Rust' }
      const [first, second] = await Promise.all([admin.post('/admin/vocabulary', fields), admin.post('/admin/vocabulary', fields)])
      assert.deepEqual([first.statusCode, second.statusCode], [303, 303])
      assert.equal((await t.db.selectFrom('vocabulary_terms').select('id').where('slug', '=', 'rust').execute()).length, 1)
      const twice = await admin.submit('/admin/vocabulary', { action: 'add', kind: 'theme', label: 'water quality' })
      assert.equal(twice.statusCode, 422)
      assert.match(twice.body, /“Water Quality” is already a theme/)
      assert.equal((await member.submit('/projects/new', project({ name: 'River Samples', themes: 'water quality', technologies: 'sensors' }))).statusCode, 303)
      assert.equal((await member.submit('/organisations/new', org({ name: 'River Watchers', themes: 'water quality' }))).statusCode, 303)

      const id = await termId('theme', 'water quality')
      assert.equal((await admin.submit('/admin/vocabulary', { action: 'rename', kind: 'theme', id, label: 'Clean water' })).statusCode, 303)
      const tags = await t.db.selectFrom('project_tags').select('value').where('kind', '=', 'theme').where('value', 'in', ['water quality', 'clean water']).execute()
      assert.deepEqual(tags.map((r) => r.value), ['clean water'])
      // The unfiltered directory's pre-aggregated counts moved too, and the old filter link still finds both entries.
      assert.match((await member.get('/directory')).body, /<option value="clean water">Clean water \(2\)<\/option>/)
      const old = await member.get('/directory?theme=water%20quality')
      assert.match(old.body, /River Samples/)
      assert.match(old.body, /River Watchers/)
      assert.doesNotMatch(old.body, /is not a theme/)
      const unknown = await member.get('/directory?theme=lunar%20affairs')
      assert.equal(unknown.statusCode, 200)
      assert.match(unknown.body, /“lunar affairs” is not a theme of the directory, so that filter is ignored/)

      assert.equal((await admin.submit('/admin/vocabulary', { action: 'retire', kind: 'theme', id })).statusCode, 303)
      assert.doesNotMatch((await member.get('/projects/new')).body, /value="clean water"/)
      // An entry keeps a retired term, and its edit form still shows it ticked.
      const edit = await member.get('/projects/river-samples/edit')
      assert.match(edit.body, /value="clean water" checked/)
      assert.match((await member.get('/directory?theme=clean%20water')).body, /River Samples/)

      const log = await t.db.selectFrom('audit_log').select('action').where('subject_id', '=', id).orderBy('created_at').execute()
      assert.deepEqual(log.map((r) => r.action), ['vocabulary.add', 'vocabulary.rename', 'vocabulary.retire'])
    })
  })
}
