/**
 * Openly as a good citizen of the web, tried with real clients against a listening server: Node's own
 * HTTP client and fetch (undici) for compression and conditional GETs, an independent OpenAPI validator
 * (@readme/openapi-parser) for the API description.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { validate, compileErrors } from '@readme/openapi-parser'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { createUser, signInAs } from '../support/factories.ts'
import { TestClient } from '../support/client.ts'
import { makePost } from '../../src/modules/posts/posts.test.support.ts'

interface Raw {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** One request with Node's HTTP client: the bytes as sent, nothing decompressed. */
function raw(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Waits until the page cache's entry for `key` (if it keeps one) has its compressed bodies: they are made just after the first answer. */
async function compressedInCache(t: TestApp, key: string): Promise<void> {
  for (let i = 0; i < 100 && t.app.pageCache.get(key) && !t.app.pageCache.get(key)!.compressed; i++) await new Promise((r) => setTimeout(r, 10))
}

const decode = (r: Raw) => (r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body).toString('utf8')

for (const dialect of testDialects()) {
  describe(`HTTP conventions through real clients on ${dialect}`, () => {
    let t: TestApp
    let base: string
    let postSlug: string

    before(async () => {
      t = await buildTestApp(dialect)
      const author = await createUser(t.app.db, { name: 'Hana Header' })
      for (let i = 0; i < 12; i++) postSlug = (await makePost(t.app.db, author.id, { title: `Compressed weeknote ${i}`, body: `We wrote paragraph ${i} about bins, benches and buses.\n\n`.repeat(8) })).slug
      await t.app.listen({ port: 0, host: '127.0.0.1' })
      const address = t.app.server.address() as { port: number }
      base = `http://127.0.0.1:${address.port}`
    })
    after(async () => t.close())

    test('pages, feeds, CSS, JavaScript and the API are compressed with brotli or gzip, and decompress to the same bytes', async () => {
      const css = /href="(\/assets\/openly-[0-9a-f]+\.css)"/.exec(decode(await raw(base, '/')))![1]!
      for (const path of ['/', '/posts', `/posts/${postSlug}`, '/feed.atom', '/posts/feed.json', '/api/v1/posts', css]) {
        const identity = await raw(base, path)
        assert.equal(identity.status, 200, path)
        assert.equal(identity.headers['content-encoding'], undefined, `${path} without Accept-Encoding is not compressed`)
        assert.match(String(identity.headers.vary), /Accept-Encoding/i, `${path} varies by Accept-Encoding`)
        for (const encoding of ['br', 'gzip']) {
          // Twice: the first answer is rendered (compressed per request), the second may come from the page cache.
          for (const round of [1, 2]) {
            await compressedInCache(t, path)
            const res = await raw(base, path, { 'accept-encoding': encoding })
            assert.equal(res.headers['content-encoding'], encoding, `${path} ${encoding} #${round}`)
            if (res.headers['content-length'] !== undefined) assert.equal(Number(res.headers['content-length']), res.body.length, `${path} ${encoding} #${round}: Content-Length is the compressed size`)
            assert.ok(res.body.length < identity.body.length / 2, `${path} ${encoding}: ${res.body.length} of ${identity.body.length} bytes`)
            assert.equal(decode(res), identity.body.toString('utf8'), `${path} ${encoding} #${round} decompresses to the page`)
          }
        }
      }
      // fetch (undici) asks for and undoes compression by itself, as a browser does.
      const viaFetch = await fetch(`${base}/posts`)
      assert.equal(viaFetch.status, 200)
      assert.match(await viaFetch.text(), /Compressed weeknote 11/)
    })

    test('a cached anonymous page is compressed once when stored, not per request', async () => {
      const path = `/posts/${postSlug}`
      await raw(base, path, { 'accept-encoding': 'br' })
      const entry = t.app.pageCache.get(path)
      assert.ok(entry, 'the page is cached')
      await compressedInCache(t, path)
      const compressed = t.app.pageCache.get(path)!.compressed
      assert.ok(compressed, 'the entry holds its compressed bodies')
      assert.ok(compressed.br.length < entry.body.length / 3 && compressed.gzip.length < entry.body.length / 3)
      const hit = await raw(base, path, { 'accept-encoding': 'br' })
      assert.equal(hit.headers['x-cache'], 'hit')
      assert.deepEqual(hit.body, compressed.br, 'the hit is the stored brotli bytes')
      const gzipHit = await raw(base, path, { 'accept-encoding': 'gzip;q=1, br;q=0' })
      assert.equal(gzipHit.headers['content-encoding'], 'gzip')
      assert.deepEqual(gzipHit.body, compressed.gzip)
      const none = await raw(base, path, { 'accept-encoding': 'identity' })
      assert.equal(none.headers['content-encoding'], undefined)
      assert.deepEqual(none.body, entry.body)
    })

    test('conditional GET: ETags on pages, feeds and the API; weak comparison, lists and * answer 304, with or without the cache', async () => {
      for (const path of ['/', `/posts/${postSlug}`, '/posts/feed.rss', '/api/v1/posts', `/api/v1/posts/${postSlug}`, '/about']) {
        for (const encoding of ['identity', 'br']) {
          const first = await raw(base, path, { 'accept-encoding': encoding })
          const etag = String(first.headers.etag)
          assert.match(etag, /^W\/"[^"]+"$/, `${path} has a weak ETag`)
          // What a proxy that compresses would send back: the weakened tag, in a list.
          for (const inm of [etag, etag.replace(/^W\//, ''), `"other", ${etag}`, '*']) {
            const again = await raw(base, path, { 'if-none-match': inm, 'accept-encoding': encoding })
            assert.equal(again.status, 304, `${path} If-None-Match: ${inm}`)
            assert.equal(again.body.length, 0)
            assert.equal(again.headers.etag, etag)
          }
          assert.equal((await raw(base, path, { 'if-none-match': '"stale"' })).status, 200)
        }
      }
      const feed = await raw(base, '/posts/feed.atom')
      const lastModified = String(feed.headers['last-modified'])
      assert.ok(lastModified && Date.parse(lastModified) > 0, 'feeds carry Last-Modified')
      assert.equal((await raw(base, '/posts/feed.atom', { 'if-modified-since': lastModified })).status, 304)
    })

    test('a signed-in reader’s responses are private and vary by Cookie; their 304s too (pages carry a fresh CSRF token, so only feeds and the API revalidate)', async () => {
      const reader = await createUser(t.app.db, { name: 'Rita Reader' })
      const client = new TestClient(t.app)
      await signInAs(t.app.db, client, reader.id)
      const cookie = client.cookieHeader()
      for (const path of ['/', '/posts/feed.atom', '/api/v1/posts']) {
        const res = await raw(base, path, { cookie })
        assert.match(String(res.headers['cache-control']), /private/, path)
        assert.match(String(res.headers.vary), /Cookie/, path)
        if (path === '/') {
          // Never the same twice (its token): no ETag to hash (decision 0042), and a conditional GET is answered in full.
          assert.equal(res.headers.etag, undefined, 'a signed-in page carries no ETag')
          assert.equal((await raw(base, path, { cookie, 'if-none-match': '"anything"' })).status, 200)
        } else {
          const again = await raw(base, path, { cookie, 'if-none-match': String(res.headers.etag) })
          assert.equal(again.status, 304, path)
          assert.match(String(again.headers['cache-control']), /private/, `${path} 304`)
        }
        assert.equal(res.headers['access-control-allow-origin'], undefined, `${path}: no CORS with a cookie`)
      }
    })

    test('JavaScript and CSS are fingerprinted and immutable; the unversioned paths are gone', async () => {
      const html = decode(await raw(base, '/about'))
      const paths = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!)
      assert.equal(paths.length, 3, paths.join(', '))
      for (const path of paths) {
        assert.match(path, /-[0-9a-f]{10}(\.min)?\.(js|css)$/, path)
        const res = await raw(base, path)
        assert.equal(res.status, 200, path)
        assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', path)
      }
      const openly = decode(await raw(base, paths.find((p) => p.includes('/openly-') && p.endsWith('.js'))!))
      assert.ok(openly.includes(`from '${paths.find((p) => p.includes('govuk-frontend'))}'`), 'openly.js imports the fingerprinted GOV.UK Frontend')
      for (const old of ['/assets/openly.js', '/assets/govuk-frontend.min.js', '/assets/images/govuk-crest.svg', '/assets/manifest.json', '/assets/images/favicon.ico']) assert.equal((await raw(base, old)).status, 404, old)
    })

    test('a wrong method on an existing path answers 405 with Allow; an unknown path stays 404', async () => {
      const page = await raw(base, '/about', {}, 'POST')
      assert.equal(page.status, 405)
      assert.equal(page.headers.allow, 'GET, HEAD')
      assert.match(decode(page), /Method not allowed/)
      const form = await raw(base, '/posts/new', {}, 'DELETE')
      assert.equal(form.status, 405)
      assert.equal(form.headers.allow, 'GET, HEAD, POST')
      const api = await raw(base, `/api/v1/posts/${postSlug}`, {}, 'DELETE')
      assert.equal(api.status, 405)
      assert.equal(api.headers.allow, 'GET, HEAD')
      assert.match(String(api.headers['content-type']), /^application\/problem\+json/)
      assert.equal(JSON.parse(decode(api)).status, 405)
      assert.equal((await raw(base, '/no-such-page', {}, 'POST')).status, 404)
      assert.equal((await raw(base, '/api/v1/no-such-thing', {}, 'DELETE')).status, 404)
    })

    test('a malformed cursor is a 400 (problem+json on the API), not the first page again', async () => {
      for (const path of ['/posts', '/projects', '/organisations', '/communities', '/tags/bins', '/api/v1/posts', '/api/v1/projects', '/api/v1/organisations', '/api/v1/communities', '/api/v1/people']) {
        for (const bad of ['garbage!', 'bm90LWpzb24', 'WyJvbmx5LW9uZSJd', encodeURIComponent('{"a":1}')]) {
          const res = await raw(base, `${path}?cursor=${bad}`)
          assert.equal(res.status, 400, `${path}?cursor=${bad}`)
          if (path.startsWith('/api/')) assert.match(String(res.headers['content-type']), /^application\/problem\+json/, path)
        }
      }
      assert.equal((await raw(base, '/people?after=garbage')).status, 400)
      // A cursor the list gave out still works, and none is the first page.
      const first = JSON.parse(decode(await raw(base, '/api/v1/posts?limit=5')))
      assert.equal((await raw(base, `/api/v1/posts?limit=5&cursor=${first.next}`)).status, 200)
      assert.equal((await raw(base, '/api/v1/posts?cursor=')).status, 200)
    })

    test('CORS: other websites may read the API anonymously, never with credentials; pages are not shared', async () => {
      const origin = 'https://elsewhere.example'
      const api = await raw(base, '/api/v1/posts', { origin })
      assert.equal(api.headers['access-control-allow-origin'], '*')
      assert.equal(api.headers['access-control-allow-credentials'], undefined)
      assert.match(String(api.headers['access-control-expose-headers']), /ETag/)
      const preflight = await raw(base, '/api/v1/posts', { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' }, 'OPTIONS')
      assert.equal(preflight.status, 204)
      assert.match(String(preflight.headers['access-control-allow-methods']), /GET/)
      assert.doesNotMatch(String(preflight.headers['access-control-allow-methods']), /POST|DELETE/)
      assert.match(String(preflight.headers['access-control-allow-headers']), /If-None-Match/i)
      assert.equal((await raw(base, '/api/v1/no-such-thing', { origin, 'access-control-request-method': 'GET' }, 'OPTIONS')).status, 404)
      assert.equal((await raw(base, '/posts', { origin })).headers['access-control-allow-origin'], undefined)
      // A browser on another site really can read it.
      const res = await fetch(`${base}/api/v1/posts?limit=1`, { headers: { origin } })
      assert.equal(res.headers.get('access-control-allow-origin'), '*')
    })

    test('OpenAPI: valid for an independent validator; problem+json errors, every status, unique operationIds', async () => {
      const spec = JSON.parse(decode(await raw(base, '/api/v1/openapi.json')))
      const result = await validate(structuredClone(spec))
      assert.ok(result.valid, result.valid ? '' : compileErrors(result))
      const ids: string[] = []
      for (const [path, item] of Object.entries<any>(spec.paths)) {
        for (const [method, op] of Object.entries<any>(item)) {
          if (method !== 'get') continue
          const where = `GET ${path}`
          assert.match(op.operationId ?? '', /^get[A-Z]\w+$/, `${where} has an operationId`)
          ids.push(op.operationId)
          assert.ok(op.responses['200'], `${where} 200`)
          assert.ok(op.responses['304'], `${where} 304`)
          if (op.parameters?.length) assert.ok(op.responses['400'], `${where} declares 400`)
          if (path.includes('{')) assert.ok(op.responses['404'], `${where} declares 404`)
          for (const [status, response] of Object.entries<any>(op.responses)) {
            if (Number(status) >= 400) assert.deepEqual(Object.keys(response.content ?? {}), ['application/problem+json'], `${where} ${status} is problem+json`)
          }
        }
      }
      assert.equal(new Set(ids).size, ids.length, 'operationIds are unique')
      assert.ok(ids.includes('getPostsBySlug'))
      // What the description says is what the API sends.
      const problem = await raw(base, '/api/v1/posts/no-such-post')
      assert.equal(problem.status, 404)
      const body = JSON.parse(decode(problem))
      assert.deepEqual(Object.keys(body).sort(), ['detail', 'status', 'title', 'type'])
    })
  })
}
