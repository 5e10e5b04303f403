import { createHash } from 'node:crypto'
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { testDialects } from '../../test/support/databases.ts'
import { csrfTokenIn, TestClient } from '../../test/support/client.ts'
import { createUser, signInAs } from '../../test/support/factories.ts'

for (const dialect of testDialects()) {
  describe(`core on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect)
    })
    after(async () => t.close())

    test('/healthz reports the database as reachable and writable', async () => {
      const res = await t.app.inject('/healthz')
      assert.equal(res.statusCode, 200)
      assert.deepEqual(res.json(), { status: 'ok', database: { dialect, reachable: true, writable: true }, pageCache: 'on' })
    })

    test('/healthz checks the database once per second however often it is asked (no flood of writes)', async () => {
      const { sharedHealthCheck } = await import('./db/health.ts')
      const check = sharedHealthCheck(t.app.db, 60_000)
      const first = check()
      assert.equal(check(), first)
      assert.deepEqual(await first, { reachable: true, writable: true })
    })

    test('unknown pages are a GOV.UK 404 page with one h1', async () => {
      const res = await t.app.inject('/no/such/page')
      assert.equal(res.statusCode, 404)
      assert.match(res.body, /<h1 class="govuk-heading-l">Page not found<\/h1>/)
      assert.equal(res.body.match(/<h1/g)?.length, 1)
      assert.match(res.body, /<title>Page not found – Openly<\/title>/)
    })

    test('unknown API paths answer problem+json', async () => {
      const res = await t.app.inject('/api/v1/nothing-here')
      assert.equal(res.statusCode, 404)
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/)
      assert.equal(res.json().status, 404)
    })

    test('pages carry a strict CSP without unsafe-inline', async () => {
      const res = await t.app.inject('/no/such/page')
      const csp = res.headers['content-security-policy'] as string
      assert.match(csp, /script-src 'self' 'sha256-/)
      assert.doesNotMatch(csp, /unsafe-inline/)
      // Every inline script the page carries is the one the CSP allows by its hash (layouts/document.njk).
      const inline = [...res.body.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1]!)
      assert.equal(inline.length, 1)
      for (const script of inline) assert.ok(csp.includes(`'sha256-${createHash('sha256').update(script).digest('base64')}'`))
    })

    test('the stylesheet is fingerprinted and immutable', async () => {
      const res = await t.app.inject(t.app.assets.cssPath)
      assert.equal(res.statusCode, 200)
      assert.match(res.headers['cache-control'] as string, /immutable/)
      assert.doesNotMatch(res.body, /GDS Transport/)
    })

    test('a form post without a valid CSRF token is refused and changes nothing', async () => {
      const user = await createUser(t.app.db)
      const client = new TestClient(t.app)
      await signInAs(t.app.db, client, user.id)
      const form = await client.get('/account/profile')
      assert.equal(form.statusCode, 200)
      const fields = { name: 'Renamed By Another Site', handle: user.handle, role: '', bio: '', skills: '', interests: '' }
      const nameNow = async () => (await t.db.selectFrom('users').select('name').where('id', '=', user.id).executeTakeFirstOrThrow()).name
      for (const token of [undefined, 'forged-token', csrfTokenIn(form.body)!.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))]) {
        const res = await client.post('/account/profile', token === undefined ? fields : { ...fields, _csrf: token })
        assert.equal(res.statusCode, 403, `token ${token}`)
        assert.match(res.body, /Your form had expired/)
      }
      assert.equal(await nameNow(), user.name, 'the profile is unchanged')
      assert.equal((await client.post('/sign-out', {})).statusCode, 403)
      assert.match((await client.get('/account/profile')).body, /Sign out/, 'still signed in')
      // The same form with the page's own token goes through: the refusals above were about the token.
      assert.equal((await client.submit('/account/profile', fields)).statusCode, 303)
      assert.equal(await nameNow(), 'Renamed By Another Site')
    })

    test('the OpenAPI description lists every /api/v1 route with its method, and nothing else', async () => {
      const res = await t.app.inject('/api/v1/openapi.json')
      assert.equal(res.statusCode, 200)
      const paths: Record<string, Record<string, unknown>> = res.json().paths ?? {}
      for (const [path, method] of [['/api/v1/projects', 'get'], ['/api/v1/projects/{slug}', 'get'], ['/api/v1/posts', 'get'], ['/api/v1/people', 'get'], ['/api/v1/organisations', 'get']]) {
        assert.ok(paths[path]?.[method], `${method.toUpperCase()} ${path} is described; described: ${Object.keys(paths).join(', ')}`)
      }
      const routes = t.app.routeList.filter((r) => r.url.startsWith('/api/v1/') && r.url !== '/api/v1/openapi.json' && r.method !== 'HEAD')
      assert.ok(routes.length >= 5)
      for (const r of routes) {
        const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
        assert.ok(paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.url} is missing from the OpenAPI description`)
      }
      assert.deepEqual(Object.keys(paths).filter((p) => !p.startsWith('/api/v1/')), [])
    })
  })
}

for (const dialect of testDialects()) {
  describe(`bad characters on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect)
    })
    after(async () => t.close())

    test('NUL characters in a query or form get a clear 400, never a 500', async () => {
      const q = await t.app.inject('/search?q=a%00b')
      assert.equal(q.statusCode, 400)
      const api = await t.app.inject('/api/v1/projects?phase=%00')
      assert.equal(api.statusCode, 400)
      assert.match(api.headers['content-type'] as string, /problem\+json/)
      const form = await t.app.inject({ method: 'POST', url: '/sign-in', payload: 'email=a%00b&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      assert.equal(form.statusCode, 400)
    })
  })
}

test('password hashing: two at once, 32 waiting, and a 503 at once beyond that (no pile-up of memory)', async () => {
  const { hashPassword } = await import('./auth/passwords.ts')
  const results = await Promise.allSettled(Array.from({ length: 40 }, () => hashPassword('a password', 10)))
  const refused = results.filter((r) => r.status === 'rejected')
  assert.equal(refused.length, 6)
  for (const r of refused) assert.equal(((r as PromiseRejectedResult).reason as { status: number }).status, 503)
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 34)
})

test('JSON deeper than 32 levels is found before parsing, strings and escapes skipped', async () => {
  const { nestedDeeperThan, JSON_DEPTH } = await import('./http/bodies.ts')
  assert.equal(nestedDeeperThan('['.repeat(50_000) + ']'.repeat(50_000), JSON_DEPTH), true)
  assert.equal(nestedDeeperThan('['.repeat(JSON_DEPTH) + ']'.repeat(JSON_DEPTH), JSON_DEPTH), false)
  assert.equal(nestedDeeperThan(JSON.stringify({ a: '['.repeat(100), b: '\\"[[[[' + '{'.repeat(100) }), JSON_DEPTH), false)
  assert.equal(nestedDeeperThan(JSON.stringify({ a: [{ b: [{ c: 1 }] }] }), 3), true)
})
