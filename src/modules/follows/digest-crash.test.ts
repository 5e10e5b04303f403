import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { buildApp } from '../../app.ts'
import { openDatabase, type DatabaseHandle } from '../../core/db/database.ts'
import { migrate } from '../../core/db/setup.ts'
import { modules } from '../../modules.ts'
import { wholeDatabase } from '../../database.ts'
import { testConfig } from '../../../test/support/app.ts'
import { createTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { startMailbox } from '../../../test/support/mailbox.ts'
import { eventually, sleep } from '../../../test/support/wait.ts'
import { sendDigests } from './follows.mail.ts'

const PEOPLE = 10

const child = (target: string, smtpUrl: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['test/support/app-child.ts', target, smtpUrl], { stdio: ['ignore', 'pipe', 'inherit'] })
    p.stdout!.once('data', () => resolve(p))
    p.once('exit', (code) => reject(new Error(`the app process ended with ${code} before it was ready`)))
  })
const kill = async (p: ChildProcess, signal: NodeJS.Signals) => {
  if (p.exitCode !== null) return
  const ended = new Promise((r) => p.once('exit', r))
  p.kill(signal)
  await ended
}

for (const dialect of testDialects()) {
  describe(`digests survive a crash on ${dialect}`, () => {
    test('killed while a batch of digests is being sent: after a restart everyone has exactly one digest', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'openly-digest-crash-'))
      // A slow mail server: each recipient takes 250 ms to accept, so the kill lands between two messages.
      const mailbox = await startMailbox({ delayMs: 250 })
      const database: DatabaseHandle = dialect === 'postgres' ? await createTestDatabase('postgres') : openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
      const target = dialect === 'postgres' ? (database.url as string) : join(dir, 'openly.sqlite')
      let running: ChildProcess | null = null
      try {
        await migrate(database, modules)
        // Content and followers, made through an app that works no jobs.
        const setup = await buildApp(testConfig({ smtpUrl: mailbox.url, jobs: { run: false, pollMs: 100 } }), database, { modules, logger: false })
        await setup.ready()
        const writer = await createUser(setup.db, { name: 'Crash writer' })
        const client = new TestClient(setup)
        await signInAs(setup.db, client, writer.id)
        const published = await client.submit('/posts/new', { title: 'Weeknote zqcrashx', summary: '', body: 'What we did.', publish: 'publish' })
        assert.equal(published.statusCode, 303)
        const people = []
        for (let i = 0; i < PEOPLE; i++) {
          const reader = await createUser(setup.db, { email: `reader-${i}-${dialect}@crash.example` })
          const c = new TestClient(setup)
          await signInAs(setup.db, c, reader.id)
          assert.equal((await c.submit('/following', { kind: 'person', id: writer.id, action: 'follow', next: '/following' }, '/following')).statusCode, 303)
          people.push(reader)
        }
        const day = new Date().toISOString().slice(0, 10)
        await setup.jobs.enqueue(setup.db, sendDigests, { period: 'daily', people: people.map((p) => ({ id: p.id, day })) })
        // pg-boss retries a job whose process died once its time limit passes (ten minutes for digests) and its
        // back-off (a minute, doubling): three seconds and one here, on the job's own row.
        if (dialect === 'postgres') await sql`update pgboss.job set expire_seconds = 3, retry_delay = 1 where name = 'follows.send-digests'`.execute(setup.db)
        await setup.close()

        running = await child(target, mailbox.url)
        await eventually(() => mailbox.messages.length >= 3, { timeoutMs: 20_000, what: 'the first digests' })
        await sleep(120)
        await kill(running, 'SIGKILL')
        const sentBeforeCrash = mailbox.messages.length
        assert.ok(sentBeforeCrash < PEOPLE, `killed while sending (${sentBeforeCrash} of ${PEOPLE} sent)`)

        running = await child(target, mailbox.url)
        await eventually(() => mailbox.messages.length >= PEOPLE, { timeoutMs: 40_000, what: 'every digest after the restart' })
        await sleep(1500)
        // Each person has the digest; every copy carries that person's one Message-ID; and at most the one person
        // whose mail the kill caught between the server's 250 and its mark (the doubtful window, decision 0032)
        // has it twice, as the same message.
        const copies = people.map((p) => mailbox.messages.filter((m) => m.to.includes(p.email)).map((m) => /^message-id:\s*(\S+)/im.exec(m.raw)?.[1]))
        for (const [i, ids] of copies.entries()) {
          assert.ok(ids.length >= 1, 'nobody loses their digest')
          for (const id of ids) assert.equal(id, `<digest.daily.${day}.${people[i]!.id}@openly.test>`)
        }
        assert.ok(copies.filter((ids) => ids.length > 1).length <= 1 && copies.every((ids) => ids.length <= 2), `at most one doubtful resend: ${copies.map((c) => c.length)}`)
        for (const m of mailbox.messages) assert.match(m.text, /Weeknote zqcrashx/)
        const db = wholeDatabase(database)
        const statuses = await db.selectFrom('follow_mailings').select('status').where('period', '=', 'daily').execute()
        assert.deepEqual(statuses.map((s) => s.status), people.map(() => 'sent'))
      } finally {
        if (running) await kill(running, 'SIGTERM')
        await database.close()
        await mailbox.close()
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
}
