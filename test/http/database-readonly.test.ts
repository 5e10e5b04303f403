/**
 * A read-only or full database (issue 12): a write answers 503 with a clear message and saves nothing, the log has
 * the database's real error (not "cannot rollback - no transaction is active"), /healthz checks that the database
 * takes writes; and a start that cannot migrate names the migration, its file and the database.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Writable } from 'node:stream'
import { sql } from 'kysely'
import pg from 'pg'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { openDatabase, type DatabaseHandle, type Dialect } from '../../src/core/db/database.ts'
import { migrate } from '../../src/core/db/setup.ts'
import { modules } from '../../src/modules.ts'
import { testConfig } from '../support/app.ts'
import { createTestDatabase, testDialects } from '../support/databases.ts'
import { createUser, signInAs } from '../support/factories.ts'
import { TestClient, csrfTokenIn } from '../support/client.ts'

/**
 * As root, the server runs here as an unprivileged user (root writes to any file), who must be able to reach the
 * checkout and Node itself: a checkout inside a private folder (mktemp -d makes 0700 ones) would stop it at the
 * door. Folders on the way that others cannot pass through get o+x for this file's tests, then get their mode back.
 */
const restoreModes: Array<[string, number]> = []
function letNobodyReach(...paths: string[]): void {
  for (const start of paths) {
    for (let dir = dirname(start); dir !== dirname(dir); dir = dirname(dir)) {
      const mode = statSync(dir).mode & 0o7777
      if ((mode & 0o001) === 0 && !restoreModes.some(([d]) => d === dir)) {
        restoreModes.push([dir, mode])
        chmodSync(dir, mode | 0o001)
      }
    }
  }
}
after(() => {
  for (const [dir, mode] of restoreModes.reverse()) chmodSync(dir, mode)
})
if (process.getuid?.() === 0) letNobodyReach(process.execPath, join(import.meta.dirname, '..', '..', 'src', 'main.ts'), join(import.meta.dirname, '..', '..', 'node_modules', 'kysely', 'package.json'))

const POST = { title: 'Written to a full disk', summary: '', body: 'Body', learned: '', tags: '', series: '', newSeries: '', coauthors: '', project: '', organisation: '', community: '', publish: 'publish', publishAt: '' }

/** The app with its log collected, over a database of the dialect (an SQLite file, so it has a real size). */
async function start(dialect: Dialect, dir: string) {
  const lines: string[] = []
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) })
  const database: DatabaseHandle & { url?: string } = dialect === 'sqlite' ? openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') }) : await createTestDatabase('postgres')
  await migrate(database, modules)
  const app = await buildApp(testConfig({ dataDir: dir }), database, { logger: { level: 'warn', stream } })
  await app.ready()
  const writer = new TestClient(app)
  await signInAs(app.db, writer, (await createUser(app.db)).id)
  return { app, database, lines, writer }
}

/** Submits the new-post form without TestClient's own check (which fails any 5xx): here a 503 is the answer wanted. */
async function submitPost(app: FastifyInstance, writer: TestClient, fields: Record<string, string>) {
  const page = await writer.get('/posts/new')
  const cookie = writer.cookieHeader()
  const payload = new URLSearchParams({ ...fields, _csrf: csrfTokenIn(page.body)! }).toString()
  return app.inject({ method: 'POST', url: '/posts/new', payload, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } })
}

const postCount = async (app: FastifyInstance) => Number((await sql<{ n: number }>`select count(*) as n from posts`.execute(app.db)).rows[0]!.n)

for (const dialect of testDialects()) {
  describe(`a database that takes no writes on ${dialect}`, () => {
    let world: Awaited<ReturnType<typeof start>>
    const dir = mkdtempSync(join(tmpdir(), 'openly-readonly-'))
    before(async () => {
      world = await start(dialect, dir)
    })
    after(async () => {
      await world.app.close()
      await world.database.close()
      rmSync(dir, { recursive: true, force: true })
    })

    /** Makes the database read-only as an operator or a failure would: SQLite's query_only, PostgreSQL's default_transaction_read_only (new sessions). */
    async function setReadOnly(on: boolean): Promise<void> {
      if (dialect === 'sqlite') {
        await sql.raw(`pragma query_only = ${on ? 1 : 0}`).execute(world.app.db)
        return
      }
      const name = new URL(world.database.url!).pathname.slice(1)
      const admin = new pg.Client({ connectionString: process.env.OPENLY_TEST_PG_URL || process.env.TEST_DATABASE_URL })
      await admin.connect()
      await admin.query(`alter database ${name} set default_transaction_read_only = ${on ? 'on' : 'off'}`)
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [name])
      await admin.end()
    }

    test('read-only: writes answer 503 saying nothing was saved, /healthz says it, and both recover', async () => {
      const before = await postCount(world.app)
      await setReadOnly(true)
      try {
        // Requests that meet one of the terminated connections before the pool has dropped it are 503s too.
        let health = await world.app.inject('/healthz')
        for (let i = 0; i < 50 && !health.json().database.reachable; i++) {
          await new Promise((r) => setTimeout(r, 20))
          health = await world.app.inject('/healthz')
        }
        assert.equal(health.statusCode, 503)
        assert.deepEqual(health.json().database, { dialect, reachable: true, writable: false, problem: 'read-only' })
        const res = await submitPost(world.app, world.writer, POST)
        assert.equal(res.statusCode, 503)
        assert.match(res.body, /cannot save changes just now \(its database is read-only\)/)
        assert.equal(await postCount(world.app), before)
        assert.ok(world.lines.some((l) => /database unavailable/.test(l) && /read-only|readonly/i.test(l)), world.lines.join('\n').slice(0, 2000))
      } finally {
        await setReadOnly(false)
      }
      let health = await world.app.inject('/healthz')
      for (let i = 0; i < 50 && health.statusCode !== 200; i++) {
        await new Promise((r) => setTimeout(r, 20))
        health = await world.app.inject('/healthz')
      }
      assert.equal(health.statusCode, 200)
      assert.equal((await world.writer.submit('/posts/new', POST)).statusCode, 303)
    })

    if (dialect === 'sqlite') {
      test('full: a write answers 503 and the log has "database or disk is full", not a failed rollback', async () => {
        const before = await postCount(world.app)
        const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(world.app.db)
        // SQLite's own size cap stands in for a full disk: the next page the write needs is refused with SQLITE_FULL.
        await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(world.app.db)
        try {
          world.lines.length = 0
          const big = { ...POST, body: 'A paragraph that needs new pages.\n\n'.repeat(1000) }
          const res = await submitPost(world.app, world.writer, big)
          assert.equal(res.statusCode, 503)
          assert.match(res.body, /its storage is full/)
          const log = world.lines.join('\n')
          assert.match(log, /database or disk is full/)
          assert.doesNotMatch(log, /cannot rollback/)
          assert.equal(await postCount(world.app), before)
        } finally {
          await sql.raw('pragma max_page_count = 1073741823').execute(world.app.db)
        }
      })
    }
  })
}

describe('a read-only SQLite file, served by src/main.ts', () => {
  test('the app starts and reads; /healthz is 503 "read-only"; a write is a 503 page and the log has the real error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openly-rofile-'))
    const file = join(dir, 'openly.sqlite')
    const database = openDatabase({ databaseUrl: undefined, sqlitePath: file })
    await migrate(database, modules)
    await database.close()
    chmodSync(file, 0o444)
    // Root writes to any file, so as root the server runs as an unprivileged user, who may make the WAL files beside it.
    const asRoot = process.getuid?.() === 0
    if (asRoot) chownSync(dir, 65534, 65534)
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'src', 'main.ts')], {
      env: { PATH: process.env.PATH, DATA_DIR: dir, SESSION_SECRET: 'a-session-secret-for-the-read-only-test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', DEMO_CONTENT: 'false' },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    })
    let out = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (out += c))
    try {
      const base = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), 60_000)
        child.stdout.on('data', () => {
          const m = /listening on (http:\/\/[^\s]+)/.exec(out)
          if (m) (clearTimeout(timer), resolve(m[1]!))
        })
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
      })
      assert.equal((await fetch(`${base}/posts`)).status, 200, 'reads work')
      const health = await fetch(`${base}/healthz`)
      assert.equal(health.status, 503)
      assert.deepEqual((await health.json()).database, { dialect: 'sqlite', reachable: true, writable: false, problem: 'read-only' })
      // A write: signing up stores an account (the form's CSRF token from its page, as a browser would).
      const form = await fetch(`${base}/sign-up`)
      const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!
      const body = new URLSearchParams({ name: 'Reed Only', email: 'reed@example.org', handle: 'reed-only', password: 'a long enough password', _csrf: csrf })
      const res = await fetch(`${base}/sign-up`, { method: 'POST', body, headers: { cookie }, redirect: 'manual' })
      assert.equal(res.status, 503)
      assert.match(await res.text(), /its database is read-only/)
      await new Promise((r) => setTimeout(r, 200))
      assert.match(out, /database unavailable/)
      assert.match(out, /readonly database/)
      assert.doesNotMatch(out, /cannot rollback/)
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a start that cannot migrate says which migration, which file and which database', () => {
  const main = join(import.meta.dirname, '..', '..', 'src', 'main.ts')
  const run = (dataDir: string, asNobody = false) =>
    spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, SESSION_SECRET: 'a-session-secret-for-the-start-test-only', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DEMO_CONTENT: 'false' },
      encoding: 'utf8',
      timeout: 60_000,
      // initdb's rule applies here too: root writes anywhere, so a read-only folder is tried as an unprivileged user.
      ...(asNobody && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}),
    })

  test('a migration that fails names itself, its file and the SQLite file, and the process exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openly-start-'))
    try {
      const file = join(dir, 'openly.sqlite')
      const db = new DatabaseSync(file)
      db.exec('create table users (id text)') // in the way of the first migration
      db.close()
      const result = run(dir)
      assert.equal(result.status, 1, result.stderr)
      assert.match(result.stderr, /Openly could not start: Migration 20261123T100000_core_create_users \(src\/core\/migrations\/20261123T100000_core_create_users\.ts\) failed on SQLite file .*openly\.sqlite: .*users.*already exists/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a read-only data folder is named, with the database’s own error', { skip: process.getuid?.() !== 0 && process.getuid !== undefined ? false : undefined }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'openly-start-'))
    try {
      writeFileSync(join(dir, 'openly.sqlite'), '')
      chmodSync(join(dir, 'openly.sqlite'), 0o444)
      chmodSync(dir, 0o555)
      const result = run(dir, true)
      assert.equal(result.status, 1, result.stderr)
      assert.match(result.stderr, new RegExp(`Openly could not start: .*SQLite file ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/openly\\.sqlite: .*(readonly|read-only|unable to open)`, 'i'))
    } finally {
      chmodSync(dir, 0o755)
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
