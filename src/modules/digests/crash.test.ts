import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { testDialects } from '../../../test/support/databases.ts'
import type { Dialect } from '../../core/db/database.ts'
import { createUser } from '../../../test/support/factories.ts'
import { startMailbox } from '../../../test/support/mailbox.ts'
import { testConfig } from '../../../test/support/app.ts'
import { runUntilKilled, sharedDatabase, type SharedDatabase } from '../../../test/support/crash.ts'
import { buildApp } from '../../app.ts'
import { wholeDatabase } from '../../database.ts'
import { digestMessageId, sendBatch } from './send.ts'

const child = fileURLToPath(new URL('../../../test/support/digest-send-child.ts', import.meta.url))
const messageIdOf = (raw: string) => /^message-id:\s*(\S+)/im.exec(raw)?.[1] ?? ''

/**
 * Kills a real app process with SIGKILL at `point` of its `nth` recipient, restarts the batch (twice, as a retried
 * job and a second worker would), and gives what each recipient received: the Message-IDs of their copies.
 */
async function crashAt(dialect: Dialect, point: 'claimed' | 'smtp' | 'accepted' | 'marked', nth: number) {
  // For 'smtp' the server is slow to take each recipient, so the kill lands inside the SMTP conversation.
  const mailbox = await startMailbox(point === 'smtp' ? { delayMs: 1500 } : {})
  let shared: SharedDatabase | null = null
  try {
    shared = await sharedDatabase(dialect)
    const { database, target } = shared
    const db = wholeDatabase(database)
    const editor = await createUser(db, { name: 'Crash Editor' })
    const readers = await Promise.all([1, 2, 3, 4, 5].map((n) => createUser(db, { name: `Reader ${n}` })))
    const t = new Date().toISOString()
    await db.insertInto('reading_items').values({ id: 'r1', slug: 'r1', url: 'https://example.org/r1', title: 'Crash-proof reading', summary: 'Worth it.', added_by: editor.id, space_id: null, hidden_at: null, shown_at: t, created_at: t, updated_at: t }).execute()
    await db.insertInto('digests').values({ id: 'd1', slug: 'crash-digest', title: 'Crash digest', intro: 'Hello.', intro_html: '<p>Hello.</p>', editor_id: editor.id, space_id: null, published_at: t, created_at: t, updated_at: t }).execute()
    await db.insertInto('digest_items').values({ digest_id: 'd1', position: 0, kind: 'reading', ref_id: 'r1' }).execute()
    await db.insertInto('digest_deliveries').values(readers.map((r) => ({ digest_id: 'd1', user_id: r.id, state: 'pending' as const, sent_at: null }))).execute()
    const ids = readers.map((r) => r.id).sort()

    const lines = await runUntilKilled(child, [target, mailbox.url, 'd1', ids.join(','), point, String(nth)], 'stopped', 1)
    const stoppedAt = lines.find((l) => l.startsWith('stopped'))!.split(' ')[2]!
    const beforeRestart = await db.selectFrom('digest_deliveries').select(['user_id', 'state', 'attempts']).execute()
    const received = mailbox.messages.length

    // The restart: the same batch job runs again in a new process (here, this one), and once more (a second worker).
    const app = await buildApp(testConfig({ smtpUrl: mailbox.url, jobs: { run: false, pollMs: 100 } }), database, { logger: false })
    await app.ready()
    try {
      await sendBatch(app, 'd1', ids)
      await sendBatch(app, 'd1', ids)
    } finally {
      await app.close()
    }
    await new Promise((r) => setTimeout(r, 300))
    const copies = new Map(readers.map((r) => [r.id, mailbox.messages.filter((m) => m.to.includes(r.email.toLowerCase()) && /Crash digest/.test(m.subject)).map((m) => messageIdOf(m.raw))]))
    const rows = await db.selectFrom('digest_deliveries').select(['user_id', 'state', 'attempts']).execute()
    return { stoppedAt, beforeRestart, received, copies, rows, baseUrl: app.config.baseUrl }
  } finally {
    await shared?.close()
    await mailbox.close()
  }
}

/** Every recipient has the digest, every copy of it carries that recipient's one Message-ID, and every row is sent. */
function assertNothingLost(r: Awaited<ReturnType<typeof crashAt>>) {
  for (const [userId, ids] of r.copies) {
    assert.ok(ids.length >= 1, `${userId} lost the digest`)
    for (const id of ids) assert.equal(id, digestMessageId(r.baseUrl, 'd1', userId))
  }
  assert.ok(r.rows.every((row) => row.state === 'sent'), JSON.stringify(r.rows))
}

for (const dialect of testDialects()) {
  describe(`digests: a crash while sending on ${dialect}`, () => {
    test('killed after a claim committed, before the mail went: resent once, nobody gets it twice', async () => {
      const r = await crashAt(dialect, 'claimed', 3)
      assertNothingLost(r)
      assert.equal(r.received, 2)
      const claimed = r.beforeRestart.find((row) => row.user_id === r.stoppedAt)!
      assert.deepEqual([claimed.state, Number(claimed.attempts)], ['sending', 1])
      for (const [userId, ids] of r.copies) assert.equal(ids.length, 1, userId)
      assert.equal(Number(r.rows.find((row) => row.user_id === r.stoppedAt)!.attempts), 2)
    })

    test('killed inside the SMTP conversation, before the server accepted: nobody gets it twice', async () => {
      const r = await crashAt(dialect, 'smtp', 2)
      assertNothingLost(r)
      for (const [userId, ids] of r.copies) assert.equal(ids.length, 1, userId)
    })

    test('killed right after the server accepted, before the mark: the one doubtful recipient gets the same message again', async () => {
      const r = await crashAt(dialect, 'accepted', 3)
      assertNothingLost(r)
      assert.equal(r.received, 3)
      // The doubtful window, and only it: one recipient, two copies with one Message-ID (collapsed by mail systems).
      for (const [userId, ids] of r.copies) assert.equal(ids.length, userId === r.stoppedAt ? 2 : 1, userId)
      assert.equal(new Set(r.copies.get(r.stoppedAt)).size, 1)
      assert.deepEqual(r.beforeRestart.filter((row) => row.state === 'sending').map((row) => row.user_id), [r.stoppedAt])
    })

    test('killed between two recipients, half the batch marked: every subscriber has the digest exactly once', async () => {
      const r = await crashAt(dialect, 'marked', 2)
      assertNothingLost(r)
      assert.equal(r.received, 2)
      for (const [userId, ids] of r.copies) assert.equal(ids.length, 1, userId)
      assert.ok(r.rows.every((row) => Number(row.attempts) === 1))
    })
  })
}
