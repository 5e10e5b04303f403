import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { setOrganisationHidden } from './organisations.ts'

const form = { name: 'Harbour Board', type: 'local government', country: 'GB', region: '', city: 'Cardiff', website: '', identifier: '', description: 'Runs the harbour.', themes: 'transport' }
const proposal = { revision: 1, name: 'Harbour Board', type: 'local government', country: 'GB', city: 'Cardiff', description: 'Runs the harbour and the ferries.', themes: ['transport'], note: 'Ferries too' }

for (const dialect of testDialects()) {
  describe(`organisation revisions and proposals through the API on ${dialect}`, () => {
    let t: TestApp
    let admin: TestClient
    let outsider: TestClient
    let other: TestClient
    const base = '/api/v1/organisations/harbour-board'
    /** A JSON request as the client (its session cookie), or anonymous. */
    const api = (client: TestClient | null, method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) => (client ?? new TestClient(t.app)).json(method, url, body, headers)
    const proposed = async () => (await t.db.selectFrom('organisation_revisions').select(['id', 'note']).where('status', '=', 'proposed').execute()).map((r) => r.note)

    before(async () => {
      t = await buildTestApp(dialect)
      admin = new TestClient(t.app)
      outsider = new TestClient(t.app)
      other = new TestClient(t.app)
      await signInAs(t.app.db, admin, (await createUser(t.app.db, { name: 'Ada Harbour' })).id)
      await signInAs(t.app.db, outsider, (await createUser(t.app.db, { name: 'Otto Outsider' })).id)
      await signInAs(t.app.db, other, (await createUser(t.app.db, { name: 'Ola Other' })).id)
      assert.equal((await admin.submit('/organisations/new', form)).statusCode, 303)
    })
    after(async () => t.close())

    test('the organisation carries its revision, codes and city; its revisions are public, newest first', async () => {
      const org = JSON.parse((await api(null, 'GET', base)).body)
      assert.equal(org.revision, 1)
      assert.equal(org.countryCode, 'GB')
      assert.deepEqual(org.city, { geonamesId: 2653822, name: 'Cardiff', latitude: 51.48, longitude: -3.18 })
      const res = await api(null, 'GET', `${base}/revisions`)
      assert.equal(res.statusCode, 200)
      const { items } = JSON.parse(res.body)
      assert.equal(items.length, 1)
      assert.equal(items[0].status, 'applied')
      assert.equal(items[0].number, 1)
      assert.ok(items[0].changes.some((c: { field: string }) => c.field === 'City'))
      assert.equal((await api(null, 'GET', '/api/v1/organisations/no-such-org/revisions')).statusCode, 404)
    })

    test('proposing needs a session, JSON and someone who does not manage it; bad input is a 422 problem listing the fields', async () => {
      const anonymous = await api(null, 'POST', `${base}/proposals`, proposal)
      assert.equal(anonymous.statusCode, 401)
      assert.match(anonymous.headers['content-type'] as string, /application\/problem\+json/)
      const form = await t.app.inject({ method: 'POST', url: `${base}/proposals`, headers: { cookie: outsider.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' })
      assert.equal(form.statusCode, 415)
      const manager = await api(admin, 'POST', `${base}/proposals`, proposal)
      assert.equal(manager.statusCode, 403)
      const bad = await api(outsider, 'POST', `${base}/proposals`, { ...proposal, themes: ['lunar affairs'], city: 'Atlantis' })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.headers['content-type'] as string, /application\/problem\+json/)
      const fields = (JSON.parse(bad.body).errors as Array<{ field: string }>).map((e) => e.field).sort()
      assert.deepEqual(fields, ['city', 'themes'])
      const stale = await api(outsider, 'POST', `${base}/proposals`, { ...proposal, revision: 0 })
      assert.equal(stale.statusCode, 422)
      assert.equal((await api(outsider, 'POST', `${base}/proposals`, { ...proposal, revision: 'one' })).statusCode, 400)
      assert.deepEqual(await proposed(), [])
    })

    test('a proposal sent twice with one Idempotency-Key is made once; only admins and its author see it; admins decide', async () => {
      const key = { 'idempotency-key': 'harbour-proposal-0001' }
      const [first, second] = await Promise.all([api(outsider, 'POST', `${base}/proposals`, proposal, key), api(outsider, 'POST', `${base}/proposals`, proposal, key)])
      assert.deepEqual([first.statusCode, second.statusCode], [201, 201])
      assert.deepEqual(await proposed(), ['Ferries too'])
      const made = JSON.parse(first.body)
      assert.equal(made.status, 'proposed')
      assert.equal(JSON.parse(second.body).id, made.id)
      const statuses = async (client: TestClient | null) => (JSON.parse((await api(client, 'GET', `${base}/revisions`)).body).items as Array<{ status: string }>).map((r) => r.status)
      assert.deepEqual(await statuses(null), ['applied'])
      assert.deepEqual(await statuses(other), ['applied'])
      assert.deepEqual(await statuses(outsider), ['proposed', 'applied'])
      assert.deepEqual(await statuses(admin), ['proposed', 'applied'])
      assert.equal((await api(outsider, 'POST', `${base}/proposals/${made.id}/decision`, { decision: 'accept' })).statusCode, 403)
      assert.equal((await api(admin, 'POST', `${base}/proposals/${made.id}/decision`, { decision: 'maybe' })).statusCode, 400)
      const accepted = await api(admin, 'POST', `${base}/proposals/${made.id}/decision`, { decision: 'accept' })
      assert.equal(accepted.statusCode, 200)
      assert.deepEqual(JSON.parse(accepted.body), { status: 'applied', organisation: 'harbour-board' })
      const org = JSON.parse((await api(null, 'GET', base)).body)
      assert.equal(org.description, 'Runs the harbour and the ferries.')
      assert.equal(org.revision, 2)
      assert.equal((await api(admin, 'POST', `${base}/proposals/${made.id}/decision`, { decision: 'reject' })).statusCode, 404)
      // Fields left out keep their current value: only the description changes, the city stays.
      const partial = await api(outsider, 'POST', `${base}/proposals`, { revision: 2, description: 'Only this changes.' })
      assert.equal(partial.statusCode, 201)
      const mine = (JSON.parse((await api(outsider, 'GET', `${base}/revisions`)).body).items as Array<{ status: string; changes: Array<{ field: string }> }>).find((r) => r.status === 'proposed')!
      assert.deepEqual(mine.changes.map((c) => c.field), ['Description'])
    })

    test('a hidden organisation’s revisions are not found by those who may not see it; the OpenAPI description lists the routes', async () => {
      const id = (await t.db.selectFrom('organisations').select('id').where('slug', '=', 'harbour-board').executeTakeFirstOrThrow()).id
      await setOrganisationHidden(t.app.db, id, true)
      assert.equal((await api(null, 'GET', `${base}/revisions`)).statusCode, 404)
      assert.equal((await api(outsider, 'POST', `${base}/proposals`, { ...proposal, revision: 2 })).statusCode, 404)
      await setOrganisationHidden(t.app.db, id, false)
      const openapi = JSON.parse((await api(null, 'GET', '/api/v1/openapi.json')).body)
      for (const path of ['/api/v1/organisations/{slug}/revisions', '/api/v1/organisations/{slug}/proposals', '/api/v1/organisations/{slug}/proposals/{id}/decision']) assert.ok(openapi.paths[path], path)
    })
  })
}
