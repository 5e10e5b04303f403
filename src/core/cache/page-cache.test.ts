import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { buildApp } from '../../app.ts'
import { modules as allModules } from '../../modules.ts'
import { openDatabase } from '../db/database.ts'
import { migrate } from '../db/setup.ts'
import type { AppModule } from '../module.ts'
import { buildTestApp, testConfig, type TestApp } from '../../../test/support/app.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { cacheKeyOf } from './cache-key.ts'

const POST = { title: '', summary: '', body: '', learned: '', tags: '', series: '', newSeries: '', coauthors: '', project: '', organisation: '', community: '', publish: 'publish', publishAt: '' }

/** A tiny module with one cacheable route that shows the query its handler received. */
const probePages: FastifyPluginAsync = async (app) => {
  app.get('/probe', { config: { serves: 'page', cache: true, cacheQuery: ['b', 'a'] } }, async (request, reply) => reply.type('text/plain; charset=utf-8').send(JSON.stringify(request.query)))
}
const probe: AppModule = { id: 'probe', dependsOn: [], pages: probePages }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls until `check` holds (another process hears of a change asynchronously); fails with `what` after `ms`. */
async function eventually(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`timed out waiting until ${what}`)
    await sleep(25)
  }
}

const xcache = async (app: FastifyInstance, url: string) => (await app.inject(url)).headers['x-cache']

describe('cache keys', () => {
  test('keep only the declared parameters, sorted, with every value', () => {
    const declared = ['a', 'b']
    assert.deepEqual(cacheKeyOf('/p', {}, declared), { key: '/p', kept: null })
    assert.deepEqual(cacheKeyOf('/p?b=2&a=1', { b: '2', a: '1' }, declared), { key: '/p?a=1&b=2', kept: null })
    assert.deepEqual(cacheKeyOf('/p?utm=x&a=1', { utm: 'x', a: '1' }, declared), { key: '/p?a=1', kept: { a: '1' } })
    assert.deepEqual(cacheKeyOf('/p?utm=x', { utm: 'x' }, declared), { key: '/p', kept: {} })
    assert.deepEqual(cacheKeyOf('/p?a=1&a=2', { a: ['1', '2'] }, declared).key, '/p?a=1&a=2')
    assert.equal(cacheKeyOf('/p?a=x%26b%3D1', { a: 'x&b=1' }, declared).key, '/p?a=x%26b%3D1', 'values are encoded, so a value cannot forge another parameter')
  })
})

for (const dialect of testDialects()) {
  describe(`page cache on ${dialect}`, () => {
    let t: TestApp
    let author: TestUser
    let writer: TestClient
    before(async () => {
      t = await buildTestApp(dialect, { modules: [...allModules, probe] })
      author = await createUser(t.app.db)
      writer = new TestClient(t.app)
      await signInAs(t.app.db, writer, author.id)
    })
    after(async () => t.close())

    test('a route that declares no query parameters gets none, and one cache entry however it is called', async () => {
      const careless: AppModule = {
        id: 'careless',
        dependsOn: [],
        pages: async (app) => {
          app.get('/careless', { config: { serves: 'page', cache: true } }, async (request) => JSON.stringify(request.query))
        },
      }
      const other = await buildApp(t.config, t.database, { modules: [careless], logger: false })
      try {
        // Nothing is stored until the app knows the next scheduled change (read once at start; slow on a busy machine).
        await other.ready()
        await other.pageCache.settled()
        const first = await other.inject('/careless?utm_source=a')
        assert.equal(first.body, '{}', 'the handler sees no parameters')
        await other.inject('/careless?utm_source=a')
        const third = await other.inject('/careless?utm_source=b&x=1')
        assert.equal(third.headers['x-cache'], 'hit', 'every query string shares the one entry')
      } finally {
        await other.close()
      }
    })

    test('unknown query parameters are dropped from the key and from the handler’s query', async () => {
      await t.app.pageCache.invalidate()
      const first = await t.app.inject('/probe?a=1&utm_source=x')
      assert.equal(first.body, '{"a":"1"}', 'the handler sees only the declared parameters')
      // A key with a query string is stored on its second request, then served to every URL with the same known parameters.
      assert.equal((await t.app.inject('/probe?a=1')).headers['x-cache'], 'miss')
      const size = t.app.pageCache.size
      for (let i = 0; i < 20; i++) {
        const res = await t.app.inject(`/probe?utm_source=${i}&a=1&fbclid=${i}`)
        assert.equal(res.headers['x-cache'], 'hit', `request ${i}`)
        assert.equal(res.body, '{"a":"1"}')
      }
      assert.equal(t.app.pageCache.size, size, 'made-up parameters add no entries')
      assert.equal((await t.app.inject('/probe?b=2&a=1')).body, '{"b":"2","a":"1"}', 'declared parameters still count')
    })

    test('one-off query strings are not stored, so they cannot evict the pages people read', async () => {
      await t.app.pageCache.invalidate()
      for (let i = 0; i < 50; i++) assert.equal(await xcache(t.app, `/probe?a=${i}`), 'miss')
      assert.equal(t.app.pageCache.size, 0)
    })

    test('a hit sends the stored headers, security headers included, and no cookie; signed-in readers are never served from it', async () => {
      await t.app.pageCache.invalidate()
      const miss = await t.app.inject('/')
      const hit = await t.app.inject('/')
      assert.equal(miss.headers['x-cache'], 'miss')
      assert.equal(hit.headers['x-cache'], 'hit')
      assert.equal(hit.body, miss.body)
      assert.equal(Number(hit.headers['content-length']), Buffer.byteLength(hit.body))
      for (const name of ['content-type', 'content-security-policy', 'x-frame-options', 'x-content-type-options', 'strict-transport-security', 'referrer-policy']) {
        assert.equal(hit.headers[name], miss.headers[name], name)
      }
      assert.match(String(hit.headers['content-security-policy']), /script-src 'self' 'sha256-/)
      assert.equal(hit.headers['set-cookie'], undefined)
      const signedIn = await writer.get('/')
      assert.equal(signedIn.headers['x-cache'], undefined)
      assert.match(signedIn.body, /Sign out/)
    })

    test('feeds answer a matching If-None-Match with 304 from the cache', async () => {
      await t.app.pageCache.invalidate()
      const first = await t.app.inject('/feed.atom')
      const etag = first.headers.etag as string
      assert.ok(etag)
      await t.app.inject('/feed.atom')
      const again = await t.app.inject({ url: '/feed.atom', headers: { 'if-none-match': etag } })
      assert.equal(again.statusCode, 304)
      assert.equal(again.headers['x-cache'], 'hit')
      assert.equal(again.headers.etag, etag)
      assert.equal(again.body, '')
    })

    test('writes nobody else sees keep the cache; a write that shows drops it', async () => {
      const visitor = new TestClient(t.app)
      const person = await createUser(t.app.db, { password: 'a long enough password' })
      await t.app.pageCache.invalidate()
      await t.app.inject('/')
      const stillCached = async (what: string) => assert.equal(await xcache(t.app, '/'), 'hit', `after ${what}`)
      await stillCached('warming')

      assert.equal((await visitor.submit('/sign-in', { email: person.email, password: 'wrong password' })).statusCode, 422)
      await stillCached('a failed sign-in')
      assert.equal((await visitor.submit('/sign-in', { email: person.email, password: 'a long enough password' })).statusCode, 303)
      await stillCached('a sign-in')
      assert.equal((await visitor.submit('/notifications', {}, '/notifications/read-all')).statusCode, 303)
      await stillCached('reading all notifications')
      assert.equal((await visitor.submit('/notifications', {}, '/sign-out')).statusCode, 303)
      await stillCached('a sign-out')
      assert.equal((await visitor.submit('/forgot-password', { email: person.email })).statusCode, 303)
      await stillCached('asking for a reset link')
      assert.equal((await visitor.submit('/verify-email/resend', { email: person.email })).statusCode, 303)
      await stillCached('asking for a new confirmation link')
      const handle = `newcomer-${Date.now().toString(36)}`
      assert.equal((await visitor.submit('/sign-up', { name: 'New Comer', email: `${handle}@example.org`, handle, password: 'a long enough password' })).statusCode, 303)
      await stillCached('a sign-up (not yet verified)')

      await t.app.inject('/posts')
      const publish = await writer.submit('/posts/new', { ...POST, title: `Cache breaker ${dialect}`, body: 'Shown on the posts page' })
      assert.equal(publish.statusCode, 303)
      assert.equal(await xcache(t.app, '/'), 'miss', 'publishing a post drops the cached pages')
      const posts = await t.app.inject('/posts')
      assert.equal(posts.headers['x-cache'], 'miss')
      assert.match(posts.body, new RegExp(`Cache breaker ${dialect}`))
      assert.equal(await xcache(t.app, '/posts'), 'hit', 'and the fresh page is cached at once')
    })

    test('a change of one topic keeps the pages that declare they do not show it', async () => {
      await t.app.pageCache.invalidate()
      for (const url of ['/about', '/posts']) await t.app.inject(url)
      await t.app.pageCache.changed(['posts'])
      assert.equal(await xcache(t.app, '/about'), 'hit', '/about shows no posts (cacheTopics: [])')
      assert.equal(await xcache(t.app, '/posts'), 'miss', 'a page that may show anything is dropped')
      await t.app.pageCache.invalidate()
      assert.equal(await xcache(t.app, '/about'), 'miss', 'everything changing drops it too')
    })

    test('a scheduled post appears on cached pages at its time, and pages are cached again afterwards', async () => {
      const soonTitle = `Due any second ${dialect}`
      const laterAt = new Date(Date.now() + 3 * 86400_000).toISOString()
      assert.equal((await writer.submit('/posts/new', { ...POST, title: `Due in three days ${dialect}`, body: 'Later', publish: 'schedule', publishAt: laterAt })).statusCode, 303)
      const dueAt = new Date(Date.now() + 1500)
      assert.equal((await writer.submit('/posts/new', { ...POST, title: soonTitle, body: 'Soon', publish: 'schedule', publishAt: dueAt.toISOString() })).statusCode, 303)
      assert.equal(t.app.pageCache.nextScheduled, dueAt.getTime(), 'the write taught the cache when the post is due')

      for (const url of ['/posts', '/feed.atom']) {
        assert.doesNotMatch((await t.app.inject(url)).body, new RegExp(soonTitle))
        const hit = await t.app.inject(url)
        assert.equal(hit.headers['x-cache'], 'hit', `${url} is cached before the post is due`)
        assert.doesNotMatch(hit.body, new RegExp(soonTitle))
      }
      await sleep(Math.max(0, dueAt.getTime() - Date.now()) + 50)

      const reads = t.app.pageCache.scheduleReads
      for (const url of ['/posts', '/feed.atom']) assert.match((await t.app.inject(url)).body, new RegExp(soonTitle), `${url} at the post's time`)
      await t.app.pageCache.settled()
      assert.equal(t.app.pageCache.nextScheduled, Date.parse(laterAt), 'the cache learned the next scheduled time')
      const hits: unknown[] = []
      for (let i = 0; i < 20; i++) hits.push(await xcache(t.app, i % 2 ? '/posts' : '/feed.atom'))
      assert.ok(hits.slice(2).every((h) => h === 'hit'), `pages are cached again after the scheduled time: ${hits.join(',')}`)
      assert.equal(t.app.pageCache.scheduleReads, reads + 1, 'the next scheduled time was read once for the passing, not per request')
    })
  })
}

/** Two processes on one PostgreSQL database: two apps, each with its own pool, cache and LISTEN connection. */
if (testDialects().includes('postgres')) {
  describe('page cache across processes on postgres', () => {
    let a: TestApp
    let url: string
    let b: FastifyInstance
    let closeB: () => Promise<void>
    let writer: TestClient
    before(async () => {
      const database = await createTestDatabase('postgres')
      url = database.url!
      await migrate(database, allModules)
      const config = testConfig()
      const appA = await buildApp(config, database, { logger: false })
      const second = openDatabase({ databaseUrl: url, sqlitePath: '' })
      b = await buildApp(config, second, { logger: false })
      await Promise.all([appA.ready(), b.ready()])
      closeB = async () => {
        await b.close()
        await second.close()
      }
      a = { app: appA, db: undefined as never, database, config, close: async () => (await appA.close(), await database.close()) }
      const author = await createUser(appA.db)
      writer = new TestClient(appA)
      await signInAs(appA.db, writer, author.id)
    })
    after(async () => {
      await closeB?.()
      await a?.close()
    })

    const warm = async (url: string) => {
      await b.inject(url)
      assert.equal(await xcache(b, url), 'hit', `${url} is cached in the second process`)
    }

    test('a write in one process drops the pages of the other, which learns the next scheduled time', async () => {
      await warm('/posts')
      assert.equal((await writer.submit('/posts/new', { ...POST, title: 'Written in process A', body: 'Now' })).statusCode, 303)
      await eventually('process B drops its cached /posts', async () => (await b.inject('/posts')).body.includes('Written in process A'))

      await warm('/posts')
      const dueAt = new Date(Date.now() + 2000)
      assert.equal((await writer.submit('/posts/new', { ...POST, title: 'Scheduled in process A', body: 'Soon', publish: 'schedule', publishAt: dueAt.toISOString() })).statusCode, 303)
      await eventually('process B learns when the post is due', async () => b.pageCache.nextScheduled === dueAt.getTime())
      await warm('/posts')
      assert.doesNotMatch((await b.inject('/posts')).body, /Scheduled in process A/)

      await sleep(Math.max(0, dueAt.getTime() - Date.now()) + 50)
      assert.match((await b.inject('/posts')).body, /Scheduled in process A/, 'process B shows the post at its time, with no write in between')
      await b.pageCache.settled()
      assert.equal(b.pageCache.nextScheduled, Infinity)
      const hits: unknown[] = []
      for (let i = 0; i < 5; i++) hits.push(await xcache(b, '/posts'))
      assert.ok(hits.slice(1).every((h) => h === 'hit'), `process B caches again: ${hits.join(',')}`)
    })

    test('a process that loses its LISTEN connection stops caching until it listens again', async () => {
      await warm('/posts')
      const admin = openDatabase({ databaseUrl: url, sqlitePath: '' })
      try {
        const { rows } = await admin.pool!.query("select pg_terminate_backend(pid) as done from pg_stat_activity where datname = current_database() and query = 'LISTEN openly_cache'")
        assert.equal(rows.length, 2, 'both processes were listening')
      } finally {
        await admin.close()
      }
      await eventually('process B suspends its cache', async () => (await xcache(b, '/posts')) === 'miss' && (await xcache(b, '/posts')) === 'miss')
      await eventually('process B listens and caches again', async () => (await xcache(b, '/posts')) === 'hit')
      assert.equal((await writer.submit('/posts/new', { ...POST, title: 'After the reconnection', body: 'Heard' })).statusCode, 303)
      await eventually('process B hears of writes again', async () => (await b.inject('/posts')).body.includes('After the reconnection'))
    })
  })
}
