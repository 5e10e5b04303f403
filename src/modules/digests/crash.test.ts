import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { testDialects } from '../../../test/support/databases.ts'
import { createUser } from '../../../test/support/factories.ts'
import { startMailbox } from '../../../test/support/mailbox.ts'
import { testConfig } from '../../../test/support/app.ts'
import { runUntilKilled, sharedDatabase, type SharedDatabase } from '../../../test/support/crash.ts'
import { buildApp } from '../../app.ts'
import { wholeDatabase } from '../../database.ts'
import { sendBatch } from './send.ts'

const child = fileURLToPath(new URL('../../../test/support/digest-send-child.ts', import.meta.url))

for (const dialect of testDialects()) {
  describe(`digests: a crash while sending on ${dialect}`, () => {
    test('the process killed mid-send: after a restart every subscriber has the digest exactly once', async () => {
      const mailbox = await startMailbox()
      let shared: SharedDatabase | null = null
      try {
        shared = await sharedDatabase(dialect)
        const { database, target } = shared
        const db = wholeDatabase(database)
        const editor = await createUser(db, { name: 'Crash Editor' })
        const readers = await Promise.all([1, 2, 3, 4, 5].map((n) => createUser(db, { name: `Reader ${n}` })))
        const t = new Date().toISOString()
        await db.insertInto('reading_items').values({ id: 'r1', slug: 'r1', url: 'https://example.org/r1', title: 'Crash-proof reading', summary: 'Worth it.', added_by: editor.id, space_id: null, hidden_at: null, created_at: t, updated_at: t }).execute()
        await db.insertInto('digests').values({ id: 'd1', slug: 'crash-digest', title: 'Crash digest', intro: 'Hello.', intro_html: '<p>Hello.</p>', editor_id: editor.id, space_id: null, published_at: t, created_at: t, updated_at: t }).execute()
        await db.insertInto('digest_items').values({ digest_id: 'd1', position: 0, kind: 'reading', ref_id: 'r1' }).execute()
        await db.insertInto('digest_deliveries').values(readers.map((r) => ({ digest_id: 'd1', user_id: r.id, state: 'pending' as const, sent_at: null }))).execute()
        const ids = readers.map((r) => r.id).sort()

        const lines = await runUntilKilled(child, [target, mailbox.url, 'd1', ids.join(',')], 'sent', 2)
        assert.equal(lines.filter((l) => l.startsWith('sent')).length, 2)

        // The restart: the same batch job runs again in a new process (here, this one).
        const app = await buildApp(testConfig({ smtpUrl: mailbox.url, jobs: { run: false, pollMs: 100 } }), database, { logger: false })
        await app.ready()
        try {
          await sendBatch(app, 'd1', ids)
          await sendBatch(app, 'd1', ids)
        } finally {
          await app.close()
        }
        await new Promise((r) => setTimeout(r, 300))
        for (const r of readers) assert.equal(mailbox.messages.filter((m) => m.to.includes(r.email.toLowerCase()) && /Crash digest/.test(m.subject)).length, 1, r.email)
        const states = await db.selectFrom('digest_deliveries').select('state').execute()
        assert.ok(states.every((s) => s.state === 'sent'))
      } finally {
        await shared?.close()
        await mailbox.close()
      }
    })
  })
}
