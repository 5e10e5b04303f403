import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyPluginAsync } from 'fastify'
import { loadConfig } from '../../src/config.ts'
import { modules as allModules } from '../../src/modules.ts'
import type { AppModule } from '../../src/core/module.ts'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'

/** Pages of 10 kB each, one per path, cached for anonymous readers. */
const pages: FastifyPluginAsync = async (app) => {
  app.get('/bound/:n', { config: { serves: 'page', cache: true } }, async (request, reply) =>
    reply.type('text/plain; charset=utf-8').send(`${(request.params as { n: string }).n} `.padEnd(10_000, 'x')),
  )
  // The same under a query string, as searches and filtered lists are.
  app.get('/bound-q', { config: { serves: 'page', cache: true, cacheQuery: ['n'] } }, async (request, reply) =>
    reply.type('text/plain; charset=utf-8').send(`${(request.query as { n: string }).n} `.padEnd(10_000, 'x')),
  )
}
const bound: AppModule = { id: 'bound', dependsOn: [], pages }

test('PAGE_CACHE_MB: 64 by default, a whole number of MB from 1', () => {
  assert.equal(loadConfig({}).pageCacheBytes, 64 * 1024 * 1024)
  assert.equal(loadConfig({ PAGE_CACHE_MB: '16' }).pageCacheBytes, 16 * 1024 * 1024)
  assert.throws(() => loadConfig({ PAGE_CACHE_MB: '0' }), /PAGE_CACHE_MB must be a whole number from 1 to 4096/)
  assert.throws(() => loadConfig({ PAGE_CACHE_MB: 'lots' }), /PAGE_CACHE_MB/)
})

for (const dialect of testDialects()) {
  describe(`the page cache's bound from the settings on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect, { modules: [...allModules, bound], config: { pageCacheBytes: 64 * 1024 } })
    })
    after(() => t.close())

    test('it keeps no more bytes than the setting allows, dropping the least recently read pages', async () => {
      for (let n = 0; n < 20; n++) assert.equal((await t.app.inject(`/bound/${n}`)).headers['x-cache'], 'miss')
      assert.ok(t.app.pageCache.bytes <= 64 * 1024, `${t.app.pageCache.bytes} bytes kept`)
      assert.ok(t.app.pageCache.size >= 4, `${t.app.pageCache.size} pages kept`)
      assert.equal((await t.app.inject('/bound/19')).headers['x-cache'], 'hit', 'the newest page is kept')
      assert.equal((await t.app.inject('/bound/0')).headers['x-cache'], 'miss', 'the oldest page was dropped')
    })

    test('pages under made-up query strings, each asked twice, evict one another but never a page without one', async () => {
      await t.app.pageCache.invalidate()
      for (let n = 0; n < 3; n++) await t.app.inject(`/bound/${n}`)
      for (let n = 0; n < 3; n++) assert.equal((await t.app.inject(`/bound/${n}`)).headers['x-cache'], 'hit')
      for (let n = 0; n < 40; n++) {
        assert.equal((await t.app.inject(`/bound-q?n=${n}`)).headers['x-cache'], 'miss')
        assert.equal((await t.app.inject(`/bound-q?n=${n}`)).headers['x-cache'], 'miss', 'kept on its second rendering')
      }
      assert.equal((await t.app.inject('/bound-q?n=39')).headers['x-cache'], 'hit', 'the newest is kept')
      assert.equal((await t.app.inject('/bound-q?n=0')).headers['x-cache'], 'miss', 'the oldest was dropped by the others')
      for (let n = 0; n < 3; n++) assert.equal((await t.app.inject(`/bound/${n}`)).headers['x-cache'], 'hit', `/bound/${n} is still kept`)
      assert.ok(t.app.pageCache.bytes <= 64 * 1024, `${t.app.pageCache.bytes} bytes kept`)
    })
  })
}
