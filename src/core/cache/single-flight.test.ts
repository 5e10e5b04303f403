import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { brotliDecompressSync } from 'node:zlib'
import type { FastifyPluginAsync } from 'fastify'
import { modules as allModules } from '../../modules.ts'
import type { AppModule } from '../module.ts'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { TestClient } from '../../../test/support/client.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { SingleFlight } from './single-flight.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A slow cacheable page that counts its renderings, and a large one with nothing personal in it (like a sitemap part). */
let renders = 0
const BIG = `<?xml version="1.0"?>\n<urlset>${'<url><loc>https://openly.test/posts/a-long-enough-address</loc></url>'.repeat(2000)}</urlset>`
const probePages: FastifyPluginAsync = async (app) => {
  app.get('/slow-probe', { config: { serves: 'page', cache: true, cacheQuery: [] } }, async (_request, reply) => {
    renders++
    await sleep(100)
    return reply.type('text/plain; charset=utf-8').send(`rendered once ${'x'.repeat(2000)}`)
  })
  app.get('/big-probe', { config: { serves: 'page', cache: true, cacheQuery: [] } }, async (_request, reply) => reply.type('application/xml; charset=utf-8').send(BIG))
}
const probe: AppModule = { id: 'probe', dependsOn: [], pages: probePages }

describe('single flight', () => {
  test('the first caller leads, the others wait until it lands; a waiter gives up after its longest wait', async () => {
    const flights = new SingleFlight(50)
    const owner = {}
    assert.equal(flights.board('k', owner), null)
    const waiting = flights.board('k', {})
    assert.ok(waiting)
    flights.land('k', {}) // not the owner: nothing happens
    assert.equal(flights.size, 1)
    flights.land('k', owner)
    await waiting
    assert.equal(flights.size, 0)
    assert.equal(flights.board('slow', {}), null)
    const started = Date.now()
    await flights.board('slow', {})
    assert.ok(Date.now() - started >= 40, 'a waiter waits at most maxWaitMs for a flight that never lands')
  })
})

for (const dialect of testDialects()) {
  describe(`concurrent misses of one page render once on ${dialect}`, () => {
    let t: TestApp
    const readers: TestClient[] = []
    before(async () => {
      t = await buildTestApp(dialect, { modules: [...allModules, probe] })
      for (let i = 0; i < 8; i++) {
        readers.push(new TestClient(t.app))
        await signInAs(t.app.db, readers[i]!, (await createUser(t.app.db)).id)
      }
    })
    after(async () => t.close())

    test('anonymous readers: 20 at once, one rendering; the others are served it from the cache', async () => {
      await t.app.pageCache.invalidate()
      renders = 0
      const answers = await Promise.all(Array.from({ length: 20 }, () => t.app.inject('/slow-probe')))
      assert.equal(renders, 1)
      assert.ok(answers.every((a) => a.statusCode === 200 && a.body.startsWith('rendered once')))
      assert.equal(answers.filter((a) => a.headers['x-cache'] === 'hit').length, 19)
    })

    test('signed-in readers of one standing: 8 at once, one rendering, shared with the others', async () => {
      await t.app.pageCache.invalidate()
      renders = 0
      const answers = await Promise.all(readers.map((r) => r.get('/slow-probe')))
      assert.equal(renders, 1)
      assert.equal(answers.filter((a) => a.headers['x-cache'] === 'shared').length, 7)
    })

    test('a shared page with nothing personal in it is stored once with its ETag and compressed bodies', async () => {
      await t.app.pageCache.invalidate()
      await readers[0]!.get('/big-probe')
      await sleep(200) // compressed off the request path
      const plain = await readers[1]!.get('/big-probe')
      assert.equal(plain.headers['x-cache'], 'shared')
      assert.equal(plain.body, BIG)
      const br = await readers[2]!.get('/big-probe', { 'accept-encoding': 'br' })
      assert.equal(br.headers['x-cache'], 'shared')
      assert.equal(br.headers['content-encoding'], 'br')
      assert.equal(brotliDecompressSync(br.rawPayload).toString(), BIG)
      assert.equal(br.headers.etag, plain.headers.etag)
      const again = await readers[3]!.get('/big-probe', { 'if-none-match': String(plain.headers.etag) })
      assert.equal(again.statusCode, 304)
    })
  })
}
