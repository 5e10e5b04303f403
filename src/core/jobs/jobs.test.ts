import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { createTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { eventually, sleep } from '../../../test/support/wait.ts'
import { modules } from '../../modules.ts'
import { migrate, silentLog } from '../db/setup.ts'
import { openDatabase, type DatabaseHandle } from '../db/database.ts'
import { openJobs } from './plugin.ts'
import { defineJob, type JobSummary } from './jobs.ts'
import type { CoreDb } from '../core.tables.ts'

/** What the probe jobs did, in order: name, tag and the try it was. */
const runs: Array<{ name: string; tag: string; retryCount: number; at: number }> = []
const record = (name: string, tag: string, retryCount: number) => runs.push({ name, tag, retryCount, at: Date.now() })
const runsOf = (tag: string) => runs.filter((r) => r.tag === tag)

const note = defineJob<{ tag: string }>({ name: 'probe.note', retry: { limit: 0, delaySeconds: 1, backoff: false }, async run(p, job) { record('probe.note', p.tag, job.retryCount) } })
const flaky = defineJob<{ tag: string }>({
  name: 'probe.flaky',
  retry: { limit: 3, delaySeconds: 1, backoff: true },
  async run(p, job) {
    record('probe.flaky', p.tag, job.retryCount)
    if (job.retryCount < 2) throw new Error(`try ${job.retryCount + 1} of ${p.tag} failed`)
  },
})
const broken = defineJob<{ tag: string }>({
  name: 'probe.broken',
  retry: { limit: 1, delaySeconds: 1, backoff: false },
  async run(p, job) {
    record('probe.broken', p.tag, job.retryCount)
    throw new Error(`${p.tag} is broken`)
  },
})
const repeating = defineJob<Record<string, never>>({ name: 'probe.repeating', cron: '*/5 * * * *', async run(_p, job) { record('probe.repeating', 'cron', job.retryCount) } })
const probeModule = { id: 'probe', dependsOn: [], jobs: [note, flaky, broken, repeating] }

for (const dialect of testDialects()) {
  describe(`background jobs on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect, { modules: [...modules, probeModule] })
    })
    after(async () => t.close())

    test('a job enqueued in a transaction runs once it commits; one in a rolled-back transaction never runs', async () => {
      await assert.rejects(
        t.app.db.transaction().execute(async (trx) => {
          await t.app.jobs.enqueue(trx, note, { tag: `${dialect}-rolled-back` })
          throw new Error('the change failed')
        }),
        /the change failed/,
      )
      await t.app.db.transaction().execute(async (trx) => {
        await t.app.jobs.enqueue(trx, note, { tag: `${dialect}-committed` })
      })
      await eventually(() => runsOf(`${dialect}-committed`).length === 1, { what: 'the committed job' })
      await sleep(1200)
      assert.equal(runsOf(`${dialect}-committed`).length, 1, 'ran once')
      assert.equal(runsOf(`${dialect}-rolled-back`).length, 0, 'the rolled-back job never ran')
      const completed = await t.app.jobs.list('completed', { cursor: null, limit: 100 })
      assert.ok(completed.some((j) => (j.payload as { tag: string }).tag === `${dialect}-committed`))
      for (const list of ['queued', 'failed', 'completed'] as const) {
        const rows = await t.app.jobs.list(list, { cursor: null, limit: 100 })
        assert.ok(!rows.some((j) => (j.payload as { tag: string }).tag === `${dialect}-rolled-back`), `no rolled-back job in ${list}`)
      }
    })

    test('a job scheduled for a later time waits for it', async () => {
      const startAfter = new Date(Date.now() + 1500)
      await t.app.jobs.enqueue(t.app.db, note, { tag: `${dialect}-later` }, { startAfter })
      const queued = await t.app.jobs.list('queued', { cursor: null, limit: 100 })
      assert.ok(queued.some((j) => (j.payload as { tag: string }).tag === `${dialect}-later`), 'listed as queued')
      await sleep(900)
      assert.equal(runsOf(`${dialect}-later`).length, 0, 'not before its time')
      await eventually(() => runsOf(`${dialect}-later`).length === 1, { what: 'the scheduled job' })
      assert.ok(runsOf(`${dialect}-later`)[0]!.at >= startAfter.getTime())
    })

    test('a failing job is retried with growing delays until it succeeds', async () => {
      await t.app.jobs.enqueue(t.app.db, flaky, { tag: `${dialect}-flaky-1` })
      await eventually(() => runsOf(`${dialect}-flaky-1`).length === 3, { timeoutMs: 15_000, what: 'three tries' })
      const [first, second, third] = runsOf(`${dialect}-flaky-1`)
      assert.deepEqual(runsOf(`${dialect}-flaky-1`).map((r) => r.retryCount), [0, 1, 2])
      // Back-off from 1 s, doubling (pg-boss adds jitter: 0.5–1 s, then 1–2 s).
      assert.ok(second!.at - first!.at >= 450, `first delay ${second!.at - first!.at} ms`)
      assert.ok(third!.at - second!.at >= 950, `second delay ${third!.at - second!.at} ms`)
      const job = await eventually(async () => (await t.app.jobs.list('retried', { cursor: null, limit: 100 })).find((j) => (j.payload as { tag: string }).tag === `${dialect}-flaky-1` && j.state === 'completed'))
      assert.equal(job.retryCount, 2)
    })

    test('a job that fails every try is kept in the failed list; admins retry or discard it from /admin/jobs, audited', async () => {
      const admin = await createUser(t.app.db, { isAdmin: true })
      const member = await createUser(t.app.db)
      const failedId = await t.app.jobs.enqueue(t.app.db, broken, { tag: `${dialect}-broken-1` })
      const discardId = await t.app.jobs.enqueue(t.app.db, broken, { tag: `${dialect}-broken-2` })
      const failed = (id: string | null) => async () => (await t.app.jobs.find(id!))?.state === 'failed'
      await eventually(failed(failedId), { timeoutMs: 15_000, what: 'the dead letter' })
      await eventually(failed(discardId), { timeoutMs: 15_000, what: 'the second dead letter' })
      assert.deepEqual(runsOf(`${dialect}-broken-1`).map((r) => r.retryCount), [0, 1], 'tried once and retried once')
      const job = (await t.app.jobs.find(failedId!)) as JobSummary
      assert.match(job.error ?? '', new RegExp(`${dialect}-broken-1 is broken`))

      const anonymous = await t.app.inject('/admin/jobs?list=failed')
      assert.equal(anonymous.statusCode, 404)
      const memberClient = new TestClient(t.app)
      await signInAs(t.app.db, memberClient, member.id)
      assert.equal((await memberClient.get('/admin/jobs?list=failed')).statusCode, 404)
      assert.equal((await memberClient.submit('/admin', {}, `/admin/jobs/${failedId}/retry`).catch(() => null))?.statusCode ?? 404, 404)

      const client = new TestClient(t.app)
      await signInAs(t.app.db, client, admin.id)
      const page = await client.get('/admin/jobs?list=failed')
      assert.equal(page.statusCode, 200)
      assert.match(page.headers['cache-control'] as string, /private/)
      assert.match(page.body, /<h1 class="govuk-heading-l">Background jobs<\/h1>/)
      assert.match(page.body, /probe\.broken/)
      assert.match(page.body, /openly-inline-code">tag<\/span>/, 'what the job carries is named')
      assert.doesNotMatch(page.body, /&quot;tag&quot;/, 'but its values are not shown: they may be ids of private things')
      assert.match(page.body, new RegExp(`${dialect}-broken-1 is broken`))
      assert.match(page.body, new RegExp(`/admin/jobs/${failedId}/retry`))
      assert.equal((await client.get('/admin/jobs?list=nonsense')).statusCode, 400)

      // Retry: one more try (as pg-boss does), which fails again.
      const retried = await client.submit('/admin/jobs?list=failed', { list: 'failed' }, `/admin/jobs/${failedId}/retry`)
      assert.equal(retried.statusCode, 303)
      assert.equal(retried.headers.location, '/admin/jobs?list=failed&done=retried')
      await eventually(() => runsOf(`${dialect}-broken-1`).length === 3, { timeoutMs: 10_000, what: 'the retried run' })
      await eventually(failed(failedId), { what: 'failed again' })

      const discarded = await client.submit('/admin/jobs?list=failed', { list: 'failed' }, `/admin/jobs/${discardId}/discard`)
      assert.equal(discarded.statusCode, 303)
      assert.equal(await t.app.jobs.find(discardId!), null, 'discarded')
      const again = await client.submit('/admin/jobs?list=failed', { list: 'failed' }, `/admin/jobs/${discardId}/discard`)
      assert.equal(again.statusCode, 404, 'a discarded job is gone')

      const core: CoreDb = t.app.db
      const entries = await core.selectFrom('audit_log').select(['action', 'subject_id', 'subject_title', 'actor_id']).where('subject_type', '=', 'job').execute()
      assert.deepEqual(entries.map((e) => [e.action, e.subject_id, e.subject_title, e.actor_id]).sort(), [['job_discard', discardId, 'probe.broken', admin.id], ['job_retry', failedId, 'probe.broken', admin.id]].sort())
    })

    test('a key enqueues a job at most once', async () => {
      const first = await t.app.jobs.enqueue(t.app.db, note, { tag: `${dialect}-keyed` }, { key: `${dialect}-once-only` })
      const second = await t.app.jobs.enqueue(t.app.db, note, { tag: `${dialect}-keyed` }, { key: `${dialect}-once-only` })
      assert.ok(first)
      assert.equal(second, null)
      await eventually(() => runsOf(`${dialect}-keyed`).length === 1)
      await sleep(600)
      assert.equal(runsOf(`${dialect}-keyed`).length, 1)
    })

    test('a repeating job is registered with its cron pattern', async () => {
      if (dialect === 'postgres') {
        const { rows } = await sql<{ name: string; cron: string }>`select name, cron from pgboss.schedule where name = 'probe.repeating'`.execute(t.app.db)
        assert.deepEqual(rows.map((r) => [r.name, r.cron]), [['probe.repeating', '*/5 * * * *']])
        return
      }
      // SQLite: pretend the last run was ten minutes ago: the runner enqueues one run (not one per missed time).
      const core: CoreDb = t.app.db
      const row = await core.selectFrom('job_schedules').selectAll().where('name', '=', 'probe.repeating').executeTakeFirstOrThrow()
      assert.equal(row.cron, '*/5 * * * *')
      await core.updateTable('job_schedules').set({ last_at: new Date(Date.now() - 10 * 60_000).toISOString() }).where('name', '=', 'probe.repeating').execute()
      await eventually(() => runsOf('cron').length === 1, { what: 'the repeat' })
      await sleep(600)
      assert.equal(runsOf('cron').length, 1, 'once, however many times were missed')
    })

    test('the failed list pages by cursor; a malformed cursor is a 400', async () => {
      const admin = await createUser(t.app.db, { isAdmin: true })
      const client = new TestClient(t.app)
      await signInAs(t.app.db, client, admin.id)
      const bad = await client.get(`/admin/jobs?list=failed&after=${Buffer.from('["x","y"]').toString('base64url')}`)
      assert.equal(bad.statusCode, dialect === 'postgres' ? 400 : 200)
      const page = await client.get('/admin/jobs?list=completed')
      assert.equal(page.statusCode, 200)
    })
  })

  describe(`background jobs survive a crash on ${dialect}`, () => {
    test('a job running when its process is killed runs again after a restart, and only once to its end', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'openly-jobs-'))
      const database = dialect === 'sqlite' ? null : await createTestDatabase('postgres')
      const target = database?.url ?? join(dir, 'openly.sqlite')
      const migrated = database ?? openDatabase({ databaseUrl: undefined, sqlitePath: target })
      await migrate(migrated, modules)
      const log = join(dir, 'runs.log')
      writeFileSync(log, '')
      const child = (mode: 'hang' | 'finish') => spawn(process.execPath, ['test/support/jobs-child.ts', target, mode], { stdio: ['ignore', 'pipe', 'inherit'] })
      try {
        const first = child('hang')
        await new Promise<void>((resolve) => first.stdout!.once('data', () => resolve()))
        await enqueueSlow(migrated, dialect, log)
        await eventually(() => readFileSync(log, 'utf8').includes('started crash 0'), { what: 'the first run to start' })
        first.kill('SIGKILL')
        await new Promise((r) => first.once('exit', r))
        const second = child('finish')
        try {
          await eventually(() => readFileSync(log, 'utf8').includes('done crash'), { timeoutMs: 20_000, what: 'the run after restart' })
          await sleep(1500)
        } finally {
          second.kill('SIGTERM')
          await new Promise((r) => second.once('exit', r))
        }
        const lines = readFileSync(log, 'utf8').trim().split('\n')
        assert.deepEqual(lines, ['started crash 0', 'started crash 1', 'done crash 1'])
      } finally {
        await migrated.close()
      }
    })
  })
}

/** Enqueues the child's probe job from outside, as another process of the app would. */
async function enqueueSlow(database: DatabaseHandle, dialect: string, file: string): Promise<void> {
  const jobs = await openJobs(database, { jobs: { run: false, pollMs: 100 } }, silentLog)
  const slow = defineJob<{ tag: string; file: string }>({ name: 'probe.slow', retry: { limit: 2, delaySeconds: 1, backoff: false }, expireSeconds: 2, async run() {} })
  await jobs.enqueue(database.db, slow, { tag: 'crash', file })
  if (dialect === 'postgres') await jobs.close()
}
