/**
 * It must never crash (issue 12): while requests flow through a listening server, PostgreSQL's idle backends are
 * terminated, then the server is stopped and started again. No request gets a 500 and the process lives; while the
 * database is away signed-in pages answer a clean 503 page, the API problem+json, and /healthz says so; when it is
 * back everything recovers by itself, the cache's LISTEN connection included. Runs on its own throwaway cluster,
 * because it stops it.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { openDatabase, type DatabaseHandle } from '../../src/core/db/database.ts'
import { migrate } from '../../src/core/db/setup.ts'
import { createSession, SESSION_COOKIE } from '../../src/core/auth/sessions.ts'
import { modules } from '../../src/modules.ts'
import { testConfig } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { createUser } from '../support/factories.ts'
import { startCluster, type Cluster } from '../support/postgres-cluster.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function eventually(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (await check().catch(() => false)) return
    await sleep(100)
  }
  assert.fail(`timed out waiting until ${what}`)
}

describe('PostgreSQL going away and coming back while requests flow', { skip: !testDialects().includes('postgres') && 'PostgreSQL not available' }, () => {
  let cluster: Cluster
  let database: DatabaseHandle
  let app: FastifyInstance
  let base: string
  let cookie: string
  let admin: () => pg.Client
  // In production an uncaught exception ends the process; the test runner only reports it, so count them here.
  const crashes: Error[] = []
  const onCrash = (err: Error) => crashes.push(err)

  before(async () => {
    process.on('uncaughtException', onCrash)
    const started = await startCluster()
    if (!started.cluster) throw new Error(started.reason)
    cluster = started.cluster
    const c = new pg.Client({ connectionString: cluster.url })
    await c.connect()
    await c.query('create database outage')
    await c.end()
    const url = new URL(cluster.url)
    url.pathname = '/outage'
    admin = () => new pg.Client({ connectionString: url.toString() })
    database = openDatabase({ databaseUrl: url.toString(), sqlitePath: '' })
    await migrate(database, modules)
    app = await buildApp(testConfig(), database, { logger: false })
    await app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const user = await createUser(app.db)
    cookie = `${SESSION_COOKIE}=${(await createSession(app.db, user.id)).token}`
  })
  after(async () => {
    process.off('uncaughtException', onCrash)
    await app?.close()
    await database?.close()
    cluster?.stop()
  })

  const get = (path: string, signedIn = true) => fetch(`${base}${path}`, { headers: signedIn ? { cookie } : {} })

  /** Requests from several clients, as fast as they are answered, until stopped: every status seen, and any failure to connect. */
  function traffic() {
    const statuses = new Map<number, number>()
    const failures: string[] = []
    let running = true
    const paths: Array<[string, boolean]> = [['/', false], ['/posts', false], ['/account/profile', true], ['/api/v1/posts', true], ['/healthz', false], ['/posts', true]]
    const loops = paths.map(async ([path, signedIn]) => {
      while (running) {
        try {
          const res = await get(path, signedIn)
          await res.arrayBuffer()
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
          if (res.status >= 500 && res.status !== 503) failures.push(`${path}: ${res.status}`)
        } catch (err) {
          failures.push(`${path}: ${(err as Error).message}`)
        }
        await sleep(5)
      }
    })
    return {
      statuses,
      failures,
      async stop() {
        running = false
        await Promise.all(loops)
      },
    }
  }

  test('terminated backends, a stopped server and a restarted one: 503s while away, no 500, no crash, recovery by itself', async () => {
    const flow = traffic()
    await sleep(300)
    assert.equal((await get('/account/profile')).status, 200)

    // Idle connections terminated (a PgBouncer restart, an idle timeout): the pool and LISTEN reconnect.
    const c = admin()
    await c.connect()
    const { rowCount } = await c.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = 'outage' and pid <> pg_backend_pid()")
    await c.end()
    assert.ok((rowCount ?? 0) >= 1, 'the app had connections to terminate')
    await eventually('pages answer again after terminated backends', async () => (await get('/account/profile')).status === 200)
    await eventually('the page cache listens again', async () => (await (await get('/healthz', false)).json()).pageCache === 'on')

    // The server stops: signed-in pages, the API and /healthz say the database is away.
    cluster.pause()
    // /healthz shares one check per second between callers: wait for one made after the stop.
    await eventually('/healthz says the database is away', async () => (await get('/healthz', false)).status === 503, 5000)
    const page = await get('/account/profile')
    assert.equal(page.status, 503)
    assert.match(String(page.headers.get('content-type')), /text\/html/)
    const html = await page.text()
    assert.match(html, /cannot reach its database/)
    assert.equal(html.match(/<h1/g)?.length, 1)
    assert.ok(page.headers.get('retry-after'))
    const api = await get('/api/v1/posts')
    assert.equal(api.status, 503)
    assert.match(String(api.headers.get('content-type')), /application\/problem\+json/)
    assert.equal((await api.json()).status, 503)
    const health = await get('/healthz', false)
    assert.equal(health.status, 503)
    assert.deepEqual((await health.json()).database, { dialect: 'postgres', reachable: false, writable: false, problem: 'unreachable' })
    await sleep(1500)

    // Back again: everything recovers without a restart of the app, the LISTEN connection included.
    cluster.resume()
    await eventually('/healthz is ok again', async () => (await get('/healthz', false)).status === 200)
    await eventually('signed-in pages answer again', async () => (await get('/account/profile')).status === 200)
    await eventually('the page cache listens again after the restart', async () => (await (await get('/healthz', false)).json()).pageCache === 'on')
    await flow.stop()

    // And it hears other processes again: a change broadcast from elsewhere drops the cached page.
    await eventually('/posts is cached', async () => (await get('/posts', false)).headers.get('x-cache') === 'hit')
    const other = admin()
    await other.connect()
    await other.query(`select pg_notify('openly_cache', '{"from":"another process","topics":"*"}')`)
    await other.end()
    await eventually('the broadcast dropped /posts', async () => (await get('/posts', false)).headers.get('x-cache') === 'miss', 5000)

    assert.deepEqual(crashes.map((e) => e.message), [], 'nothing would have ended the process')
    assert.deepEqual(flow.failures, [], 'no 500 and no refused connection')
    assert.ok((flow.statuses.get(503) ?? 0) > 0, `503s while the database was away: ${JSON.stringify([...flow.statuses])}`)
    assert.ok((flow.statuses.get(200) ?? 0) > 0)
  })
})
