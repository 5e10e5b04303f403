import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { demoDatabase } from '../../../test/support/demo.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { testConfig } from '../../../test/support/app.ts'
import { TestClient } from '../../../test/support/client.ts'
import { signInAs } from '../../../test/support/factories.ts'
import { buildApp } from '../../app.ts'
import type { DatabaseHandle } from '../../core/db/database.ts'
import { wholeDatabase } from '../../database.ts'
import { eventually } from '../../../test/support/wait.ts'

for (const dialect of testDialects()) {
  describe(`demo follows on ${dialect}`, () => {
    let database: DatabaseHandle
    before(async () => {
      database = await demoDatabase(dialect)
    })
    after(async () => database.close())

    /** The app over the demo database, jobs running or not, with the demo member Priya signed in; closed after. */
    async function asPriya(runJobs: boolean, check: (app: Awaited<ReturnType<typeof buildApp>>, priya: { id: string; client: TestClient }) => Promise<void>): Promise<void> {
      const app = await buildApp(testConfig({ jobs: { run: runJobs, pollMs: 100 } }), database, { logger: false })
      try {
        await app.ready()
        const { id } = await wholeDatabase(database).selectFrom('users').select('id').where('handle', '=', 'priya-natarajan').executeTakeFirstOrThrow()
        const client = new TestClient(app)
        await signInAs(app.db, client, id)
        await check(app, { id, client })
      } finally {
        await app.close()
      }
    }

    test('demo people follow things, their timelines are full on first start, and a job waits in /admin/jobs', async () => {
      const db = wholeDatabase(database)
      const follows = await db.selectFrom('follows').select(['user_id', 'subject_kind']).execute()
      assert.ok(new Set(follows.map((f) => f.user_id)).size >= 6, 'several demo people follow things')
      assert.ok(new Set(follows.map((f) => f.subject_kind)).size >= 3, 'of several kinds')
      await asPriya(false, async (app, priya) => {
        const timeline = await priya.client.get('/timeline')
        assert.ok((timeline.body.match(/<h2 class="govuk-heading-s/g) ?? []).length >= 10, 'a full first page')
        const admin = await db.selectFrom('users').select('id').where('is_admin', '=', 1).executeTakeFirstOrThrow()
        const adminClient = new TestClient(app)
        await signInAs(app.db, adminClient, admin.id)
        assert.match((await adminClient.get('/admin/jobs?list=queued')).body, /follows\.plan-digests/)
      })
    })

    test('the demo member sees followed people’s practical actions in the timeline, and the fan-out’s in-app notifications arrive', async () => {
      const db = wholeDatabase(database)
      await asPriya(true, async (_app, priya) => {
        const timeline = await priya.client.get('/timeline')
        assert.match(timeline.body, /Published the spending data dictionary as a CSV with a licence/)
        assert.match(timeline.body, /Practical actions/)
        const notices = await eventually(async () => {
          const rows = await db.selectFrom('notifications').select('text').where('user_id', '=', priya.id).where('kind', '=', 'followed').execute()
          return rows.filter((r) => /^Practical actions: /.test(r.text)).length >= 2 ? rows : null
        }, { timeoutMs: 45_000, everyMs: 250, what: 'the demo member’s notifications' })
        assert.ok(notices.length >= 2)
        assert.match((await priya.client.get('/notifications')).body, /Practical actions: /)
      })
    })
  })
}
