import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { setProjectHidden } from './projects.ts'

const form = { name: 'Ferry timetables', summary: 'Open ferry timetables.', phase: 'alpha', problem: 'Timetables are PDFs.', audience: '', looking_for: '', themes: 'transport', places: '', technologies: 'open data', lead_organisation: '', partner_organisations: '', links: '', team: '' }
const proposal = { revision: 1, summary: 'Open ferry and bus timetables.', themes: ['transport', 'open data'], note: 'Buses too' }

for (const dialect of testDialects()) {
  describe(`project revisions and proposals through the API on ${dialect}`, () => {
    let t: TestApp
    let team: TestClient
    let outsider: TestClient
    let other: TestClient
    const base = '/api/v1/projects/ferry-timetables'
    const api = (client: TestClient | null, method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) => (client ?? new TestClient(t.app)).json(method, url, body, headers)
    const proposed = async () => (await t.db.selectFrom('project_revisions').select('note').where('status', '=', 'proposed').execute()).map((r) => r.note)
    const statuses = async (client: TestClient | null) => (JSON.parse((await api(client, 'GET', `${base}/revisions`)).body).items as Array<{ status: string }>).map((r) => r.status)

    before(async () => {
      t = await buildTestApp(dialect)
      team = new TestClient(t.app)
      outsider = new TestClient(t.app)
      other = new TestClient(t.app)
      await signInAs(t.app.db, team, (await createUser(t.app.db, { name: 'Tia Team' })).id)
      await signInAs(t.app.db, outsider, (await createUser(t.app.db, { name: 'Otto Outsider' })).id)
      await signInAs(t.app.db, other, (await createUser(t.app.db, { name: 'Ola Other' })).id)
      assert.equal((await team.submit('/projects/new', form)).statusCode, 303)
    })
    after(async () => t.close())

    test('the project carries its revision; its revisions are public, newest first', async () => {
      assert.equal(JSON.parse((await api(null, 'GET', base)).body).revision, 1)
      const res = await api(null, 'GET', `${base}/revisions`)
      assert.equal(res.statusCode, 200)
      const { items } = JSON.parse(res.body)
      assert.deepEqual(items.map((r: { status: string; number: number }) => [r.status, r.number]), [['applied', 1]])
      assert.equal((await api(null, 'GET', '/api/v1/projects/no-such-project/revisions')).statusCode, 404)
    })

    test('proposing needs a session, JSON and someone who may not edit it; bad input is a 422 problem naming the fields', async () => {
      const anonymous = await api(null, 'POST', `${base}/proposals`, proposal)
      assert.equal(anonymous.statusCode, 401)
      assert.match(anonymous.headers['content-type'] as string, /application\/problem\+json/)
      assert.equal((await outsider.post(`${base}/proposals`, { summary: 'x' })).statusCode, 415)
      assert.equal((await api(team, 'POST', `${base}/proposals`, proposal)).statusCode, 403)
      const bad = await api(outsider, 'POST', `${base}/proposals`, { ...proposal, themes: ['lunar affairs'], technologies: ['telepathy'] })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.headers['content-type'] as string, /application\/problem\+json/)
      assert.deepEqual((JSON.parse(bad.body).errors as Array<{ field: string }>).map((e) => e.field).sort(), ['technologies', 'themes'])
      assert.equal((await api(outsider, 'POST', `${base}/proposals`, { ...proposal, revision: 0 })).statusCode, 422)
      assert.equal((await api(outsider, 'POST', `${base}/proposals`, { ...proposal, phase: 'finished' })).statusCode, 400)
      assert.deepEqual(await proposed(), [])
    })

    test('sent twice with one Idempotency-Key, a proposal is made once; the team and its author see it; the team decides', async () => {
      const key = { 'idempotency-key': 'ferry-proposal-00001' }
      const [first, second] = await Promise.all([api(outsider, 'POST', `${base}/proposals`, proposal, key), api(outsider, 'POST', `${base}/proposals`, proposal, key)])
      assert.deepEqual([first.statusCode, second.statusCode], [201, 201])
      assert.deepEqual(await proposed(), ['Buses too'])
      const made = JSON.parse(first.body)
      assert.equal(JSON.parse(second.body).id, made.id)
      assert.match(made.url, new RegExp(`/projects/ferry-timetables/history#revision-${made.id}$`))
      assert.deepEqual(await statuses(null), ['applied'])
      assert.deepEqual(await statuses(other), ['applied'])
      assert.deepEqual(await statuses(outsider), ['proposed', 'applied'])
      assert.deepEqual(await statuses(team), ['proposed', 'applied'])
      const mine = (JSON.parse((await api(outsider, 'GET', `${base}/revisions`)).body).items as Array<{ changes: Array<{ field: string }> }>)[0]!
      assert.deepEqual(mine.changes.map((c) => c.field), ['Summary', 'Themes'])
      assert.equal((await api(outsider, 'POST', `${base}/proposals/${made.id}/decision`, { decision: 'accept' })).statusCode, 403)
      assert.equal((await api(team, 'POST', `${base}/proposals/${made.id}/decision`, { decision: 'maybe' })).statusCode, 400)
      const accepted = await api(team, 'POST', `${base}/proposals/${made.id}/decision`, { decision: 'accept' })
      assert.equal(accepted.statusCode, 200)
      assert.deepEqual(JSON.parse(accepted.body), { status: 'applied', project: 'ferry-timetables' })
      const project = JSON.parse((await api(null, 'GET', base)).body)
      assert.equal(project.summary, 'Open ferry and bus timetables.')
      assert.deepEqual(project.tags.theme.sort(), ['open data', 'transport'])
      assert.equal(project.revision, 2)
      assert.equal((await api(team, 'POST', `${base}/proposals/${made.id}/decision`, { decision: 'reject' })).statusCode, 404)
      // Of two proposals from one revision, the second can only be rejected once the first is accepted.
      const early = await api(outsider, 'POST', `${base}/proposals`, { revision: 2, phase: 'beta' })
      const late = await api(other, 'POST', `${base}/proposals`, { revision: 2, audience: 'Ferry passengers.' })
      assert.deepEqual([early.statusCode, late.statusCode], [201, 201])
      assert.equal((await api(team, 'POST', `${base}/proposals/${JSON.parse(early.body).id}/decision`, { decision: 'accept' })).statusCode, 200)
      const lateId = JSON.parse(late.body).id
      assert.equal((await api(team, 'POST', `${base}/proposals/${lateId}/decision`, { decision: 'accept' })).statusCode, 409)
      assert.deepEqual(JSON.parse((await api(team, 'POST', `${base}/proposals/${lateId}/decision`, { decision: 'reject' })).body), { status: 'rejected', project: 'ferry-timetables' })
    })

    test('a hidden project’s revisions are not found by those who may not see it; the OpenAPI description lists the routes', async () => {
      const { id } = await t.db.selectFrom('projects').select('id').where('slug', '=', 'ferry-timetables').executeTakeFirstOrThrow()
      await setProjectHidden(t.app.db, id, true)
      assert.equal((await api(null, 'GET', `${base}/revisions`)).statusCode, 404)
      assert.equal((await api(outsider, 'POST', `${base}/proposals`, { ...proposal, revision: 3 })).statusCode, 404)
      await setProjectHidden(t.app.db, id, false)
      const openapi = JSON.parse((await api(null, 'GET', '/api/v1/openapi.json')).body)
      for (const path of ['/api/v1/projects/{slug}/revisions', '/api/v1/projects/{slug}/proposals', '/api/v1/projects/{slug}/proposals/{id}/decision']) assert.ok(openapi.paths[path], path)
    })
  })
}
