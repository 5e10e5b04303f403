import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../test/support/app.ts'
import { testDialects } from '../../test/support/databases.ts'

for (const dialect of testDialects()) {
  describe(`core on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect)
    })
    after(async () => t.close())

    test('/healthz reports the database as reachable', async () => {
      const res = await t.app.inject('/healthz')
      assert.equal(res.statusCode, 200)
      assert.deepEqual(res.json(), { status: 'ok', database: { dialect, reachable: true } })
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
    })

    test('the stylesheet is fingerprinted and immutable', async () => {
      const res = await t.app.inject(t.app.assets.cssPath)
      assert.equal(res.statusCode, 200)
      assert.match(res.headers['cache-control'] as string, /immutable/)
      assert.doesNotMatch(res.body, /GDS Transport/)
    })

    test('a form post without a CSRF token is refused', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/anything', payload: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      assert.ok(res.statusCode === 403 || res.statusCode === 404, `status ${res.statusCode}`)
    })

    test('the OpenAPI description lists only /api/v1 paths', async () => {
      const res = await t.app.inject('/api/v1/openapi.json')
      assert.equal(res.statusCode, 200)
      const paths = Object.keys(res.json().paths ?? {})
      assert.ok(paths.every((p) => p.startsWith('/api/v1')), paths.join(','))
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
