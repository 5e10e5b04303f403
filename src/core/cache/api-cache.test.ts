import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { TestClient } from '../../../test/support/client.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'

const POST = { title: '', summary: '', body: 'In the API', learned: '', tags: '', series: '', newSeries: '', coauthors: '', project: '', organisation: '', community: '', publish: 'publish', publishAt: '' }

/** The read API is cached for anonymous callers like pages (decision 0020): same invalidation, same headers. */
for (const dialect of testDialects()) {
  describe(`API page cache on ${dialect}`, () => {
    let t: TestApp
    let writer: TestClient
    before(async () => {
      t = await buildTestApp(dialect)
      const author = await createUser(t.app.db)
      writer = new TestClient(t.app)
      await signInAs(t.app.db, writer, author.id)
    })
    after(async () => t.close())

    test('anonymous reads are served from the cache with the headers of the response they store, CORS included', async () => {
      const first = await t.app.inject('/api/v1/posts')
      assert.equal(first.statusCode, 200)
      assert.equal(first.headers['x-cache'], 'miss')
      const hit = await t.app.inject({ url: '/api/v1/posts', headers: { origin: 'https://elsewhere.example', cookie: 'unrelated=1' } })
      assert.equal(hit.headers['x-cache'], 'hit')
      assert.equal(hit.body, first.body)
      for (const name of ['content-type', 'access-control-allow-origin', 'vary', 'etag', 'content-security-policy', 'x-content-type-options']) assert.equal(hit.headers[name], first.headers[name], name)
      assert.equal(hit.headers['access-control-allow-origin'], '*')
      const revalidated = await t.app.inject({ url: '/api/v1/posts', headers: { 'if-none-match': String(first.headers.etag) } })
      assert.equal(revalidated.statusCode, 304)
    })

    test('signed-in readers never get or fill it; a write anonymous readers see drops it', async () => {
      const mine = await writer.get('/api/v1/posts')
      assert.equal(mine.headers['x-cache'], undefined)
      assert.match(String(mine.headers['cache-control']), /private/)
      assert.equal(mine.headers['access-control-allow-origin'], undefined)
      await t.app.inject('/api/v1/posts')
      assert.equal((await t.app.inject('/api/v1/posts')).headers['x-cache'], 'hit')
      assert.equal((await writer.submit('/posts/new', { ...POST, title: `Fresh in the API ${dialect}` })).statusCode, 303)
      const after = await t.app.inject('/api/v1/posts')
      assert.equal(after.headers['x-cache'], 'miss')
      assert.match(after.body, new RegExp(`Fresh in the API ${dialect}`))
    })
  })
}
