import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'

const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location)

/** The API of one's follows, notification choices, the digests archive and one's feeds in: same rules as the pages. */
for (const dialect of testDialects()) {
  describe(`follows, digests and feeds-in API on ${dialect}`, () => {
    let t: TestApp
    const u = {} as Record<'reader' | 'other' | 'host', TestUser>
    const c = {} as Record<keyof typeof u, TestClient>
    let project: { slug: string; id: string }
    let community: { slug: string; id: string }
    /** A JSON request as the client (its session cookie), or anonymous. */
    const api = (client: TestClient | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, type = 'application/json') =>
      t.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { ...(client ? { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}), ...(body !== undefined || method === 'POST' ? { 'content-type': type } : {}) },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      })

    before(async () => {
      t = await buildTestApp(dialect, { config: { syndicationAllowPrivate: true } })
      for (const name of ['reader', 'other', 'host'] as const) {
        u[name] = await createUser(t.app.db, { name: `Api ${name}`, email: `${name}-${dialect}@api-follows.example` })
        c[name] = new TestClient(t.app)
        await signInAs(t.app.db, c[name], u[name].id)
      }
      const made = await c.host.submit('/projects/new', { name: `Harbour data ${dialect}`, summary: 'Open harbour data.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', lead_organisation: '', partner_organisations: '', links: '', team: '' })
      assert.equal(made.statusCode, 303, made.body.slice(0, 300))
      const slug = /^\/projects\/([^/?]+)/.exec(location(made))![1]!
      project = { slug, id: (await t.db.selectFrom('projects').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id }
      const room = await c.host.submit('/communities/new', { name: `Closed api room ${dialect}`, description: 'Members only.', themes: '', join_policy: 'invite', visibility: 'members' })
      const cslug = /^\/communities\/([^/?]+)/.exec(location(room))![1]!
      community = { slug: cslug, id: (await t.db.selectFrom('communities').select('id').where('slug', '=', cslug).executeTakeFirstOrThrow()).id }
    })
    after(async () => t.close())

    test('follows: anonymous callers get 401 problems; one follows what one may see, once; a members-only community is a 404; unfollowing is a 204', async () => {
      for (const [method, url] of [['GET', '/following'], ['GET', '/following/settings'], ['GET', '/feeds-in']] as const) {
        const res = await api(null, method, url)
        assert.equal(res.statusCode, 401, url)
        assert.match(String(res.headers['content-type']), /application\/problem\+json/)
      }
      assert.equal((await api(null, 'POST', '/following', { kind: 'project', id: project.id })).statusCode, 401)
      for (let i = 0; i < 2; i++) {
        const res = await api(c.reader, 'POST', '/following', { kind: 'project', id: project.id })
        assert.equal(res.statusCode, 201, res.body)
        assert.equal(res.json().url, `http://openly.test/projects/${project.slug}`)
      }
      assert.equal((await api(c.reader, 'POST', '/following', { kind: 'community', id: community.id })).statusCode, 404, 'not a member: as if it did not exist')
      const odd = await api(c.reader, 'POST', '/following', { kind: 'spaceship', id: 'x' })
      assert.equal(odd.statusCode, 422)
      assert.equal(odd.json().errors[0].field, 'kind')
      assert.equal((await api(c.reader, 'POST', '/following', { kind: 'project' })).statusCode, 400)
      const list = await api(c.reader, 'GET', '/following')
      assert.equal(list.statusCode, 200)
      assert.deepEqual(list.json().items.map((i: { kind: string; id: string }) => `${i.kind}:${i.id}`), [`project:${project.id}`])
      assert.match(String(list.headers['cache-control']), /private/)
      assert.equal((await api(c.other, 'GET', '/following')).json().items.length, 0, 'one’s own follows only')
      assert.equal((await api(c.reader, 'DELETE', `/following/project/${project.id}`)).statusCode, 204)
      assert.equal((await api(c.reader, 'GET', '/following')).json().items.length, 0)
    })

    test('writes take JSON only: a form post or a body-less POST (what another site could send) changes nothing', async () => {
      const form = await api(c.reader, 'POST', '/following', `kind=project&id=${project.id}`, 'application/x-www-form-urlencoded')
      assert.equal(form.statusCode, 415)
      const bare = await t.app.inject({ method: 'POST', url: '/api/v1/following', headers: { cookie: [...c.reader.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })
      assert.equal(bare.statusCode, 415)
      assert.equal((await api(c.reader, 'GET', '/following')).json().items.length, 0)
    })

    test('settings: the kinds given change, the rest keep their choice; a bad value is a 422 naming the field', async () => {
      const before = (await api(c.reader, 'GET', '/following/settings')).json().items as Array<{ type: string; delivery: string }>
      assert.ok(before.some((s) => s.type === 'action'), 'practical actions are a kind of activity')
      const saved = await api(c.reader, 'PUT', '/following/settings', { post: 'immediate', action: 'app' })
      assert.equal(saved.statusCode, 200, saved.body)
      const after = saved.json().items as Array<{ type: string; delivery: string }>
      assert.equal(after.find((s) => s.type === 'post')!.delivery, 'immediate')
      assert.equal(after.find((s) => s.type === 'action')!.delivery, 'app')
      assert.equal(after.find((s) => s.type === 'thread')!.delivery, before.find((s) => s.type === 'thread')!.delivery)
      const bad = await api(c.reader, 'PUT', '/following/settings', { post: 'hourly', nonsense: 'app' })
      assert.equal(bad.statusCode, 422)
      assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['nonsense', 'post'])
    })

    test('feeds in: register, list, pause, resume and remove one’s own; someone else’s feed is a 404', async () => {
      const made = await api(c.reader, 'POST', '/feeds-in', { url: 'http://127.0.0.1:7699/blog.xml', project: '', autoImport: false })
      assert.equal(made.statusCode, 201, made.body)
      const feed = made.json()
      assert.equal(feed.status, 'active')
      assert.equal(feed.autoImport, false)
      assert.equal((await api(c.reader, 'POST', '/feeds-in', { url: 'http://127.0.0.1:7699/blog.xml' })).statusCode, 422, 'registered already')
      assert.equal((await api(c.reader, 'POST', '/feeds-in', { url: 'not a url' })).statusCode, 422)
      assert.equal((await api(c.reader, 'POST', '/feeds-in', { url: 'https://example.org/feed', project: 'not-mine' })).statusCode, 422)
      assert.deepEqual((await api(c.reader, 'GET', '/feeds-in')).json().items.map((f: { id: string }) => f.id), [feed.id])
      assert.equal((await api(c.other, 'GET', '/feeds-in')).json().items.length, 0)
      assert.equal((await api(c.other, 'PATCH', `/feeds-in/${feed.id}`, { paused: true })).statusCode, 404)
      assert.equal((await api(c.other, 'DELETE', `/feeds-in/${feed.id}`)).statusCode, 404)
      const paused = await api(c.reader, 'PATCH', `/feeds-in/${feed.id}`, { paused: true })
      assert.equal(paused.statusCode, 200)
      assert.equal(paused.json().status, 'paused')
      assert.equal((await api(c.reader, 'PATCH', `/feeds-in/${feed.id}`, { paused: false })).json().status, 'active')
      assert.equal((await api(c.reader, 'DELETE', `/feeds-in/${feed.id}`)).statusCode, 204)
      assert.equal((await api(c.reader, 'GET', '/feeds-in')).json().items.length, 0)
    })

    test('digests: the archive lists published digests; an unknown one is a 404 problem; the OpenAPI description has every new operation', async () => {
      const list = await api(null, 'GET', '/digests')
      assert.equal(list.statusCode, 200)
      assert.deepEqual(list.json(), { items: [], next: null })
      assert.equal((await api(null, 'GET', '/digests/no-such-digest')).statusCode, 404)
      assert.equal((await api(null, 'GET', '/digests?cursor=%21%21')).statusCode, 400)
      const spec = (await api(null, 'GET', '/openapi.json')).json()
      for (const [path, method] of [['/api/v1/following', 'get'], ['/api/v1/following', 'post'], ['/api/v1/following/{kind}/{id}', 'delete'], ['/api/v1/following/settings', 'put'], ['/api/v1/digests', 'get'], ['/api/v1/digests/{slug}', 'get'], ['/api/v1/feeds-in', 'post'], ['/api/v1/feeds-in/{id}', 'patch'], ['/api/v1/feeds-in/{id}', 'delete']]) {
        assert.ok(spec.paths[path]?.[method], `${method} ${path} is described`)
      }
    })
  })
}
