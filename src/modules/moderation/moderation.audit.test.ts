import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildApp } from '../../app.ts'
import { buildTestApp, testConfig, type TestApp } from '../../../test/support/app.ts'
import { createTestDatabase, testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser, signedInClient } from '../../../test/support/factories.ts'
import { wholeDatabase } from '../../database.ts'
import { createSpace } from '../../core/access/spaces.ts'
import { audit } from '../../core/audit.ts'
import { newId } from '../../core/db/ids.ts'
import { migrate, seedIfEmpty } from '../../core/db/setup.ts'
import { modules } from '../../modules.ts'
import { migration as backfillHeld } from './migrations/20261130T120300_moderation_backfill_held.ts'

for (const dialect of testDialects()) {
  describe(`the audit log names what it is about, on ${dialect}`, () => {
    let t: TestApp
    let admin: TestUser, host: TestUser
    const clientFor = (user: TestUser) => signedInClient(t.app, user)
    before(async () => {
      t = await buildTestApp(dialect)
      ;[admin, host] = await Promise.all([createUser(t.db, { isAdmin: true }), createUser(t.db)])
    })
    after(async () => t.close())

    test('entries written before titles were kept still show, by kind and id; spaces and people are named from their records', async () => {
      const space = await createSpace(t.db, { kind: 'community', visibility: 'public', name: 'Harbour Guild', path: '/communities/harbour-guild' })
      // A row as the code before subject_title/subject_url wrote it: the columns take their default ''.
      const old = { id: newId(), actor_id: admin.id, action: 'report.hide', subject_type: 'thread', subject_id: 'old-thread-id', space_id: null, reason: 'Before titles', created_at: '2026-11-01T00:00:00.000Z' }
      await t.db.insertInto('audit_log').values(old as never).execute()
      await audit(t.db, { actorId: admin.id, action: 'member.ban', subjectType: 'user', subjectId: host.id, spaceId: space })
      await audit(t.db, { actorId: admin.id, action: 'space.admin_access', subjectType: 'space', subjectId: space, spaceId: space, reason: 'Checking a report' })
      const res = await (await clientFor(admin)).get('/admin/audit')
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /Hid it, on a report/)
      assert.match(res.body, /no title recorded \(old-thread-id\)/)
      assert.match(res.body, /Opened it as an admin/)
      assert.match(res.body, /<a class="govuk-link" href="\/communities\/harbour-guild">Harbour Guild<\/a>/)
      assert.match(res.body, new RegExp(`<a class="govuk-link" href="/people/${host.handle}">${host.name}</a>`), 'a person is named from their record')
    })

    test('pinning and locking a thread is logged with its title and link', async () => {
      const h = await clientFor(host)
      assert.equal((await h.submit('/communities/new', { name: 'Dock Talk', description: 'Docks.', themes: '', join_policy: 'open', visibility: 'public' })).statusCode, 303)
      const thread = await h.submit('/communities/dock-talk/threads/new', { title: 'Tide tables', body: 'When is high tide?' })
      const url = (thread.headers.location as string).split('?')[0]!
      assert.equal((await h.submit(url, { action: 'pin' }, `${url}/moderate`)).statusCode, 303)
      const res = await (await clientFor(admin)).get('/admin/audit')
      assert.match(res.body, new RegExp(`Pinned it</td>[^]*<a class="govuk-link" href="${url}">Tide tables</a>`))
    })
  })

  describe(`held content recorded for what reports hid before, on ${dialect}`, () => {
    test('the backfill records each reported item whose latest decision was "hide", not those restored since', async () => {
      const t = await buildTestApp(dialect)
      try {
        const [moderator, reporter, author] = await Promise.all([createUser(t.db), createUser(t.db), createUser(t.db)])
        const report = (subject: string, resolution: string, at: string, authorId: string | null = author.id) => ({
          id: newId(), subject_type: 'post', subject_id: subject, space_id: null, subject_title: `Post ${subject}`, subject_url: `/posts/${subject}`, subject_author_id: authorId,
          reporter_id: reporter.id, reason: 'r', status: 'resolved' as const, resolution, resolution_reason: `${resolution} ${subject}`, created_at: at, resolved_by: moderator.id, resolved_at: at,
        })
        await t.db.insertInto('reports').values([
          report('a', 'hide', '2026-11-01T00:00:00.000Z'),
          report('b', 'hide', '2026-11-01T00:00:00.000Z'),
          report('b', 'restore', '2026-11-02T00:00:00.000Z'),
          report('c', 'dismiss', '2026-11-01T00:00:00.000Z'),
          report('d', 'hide', '2026-11-03T00:00:00.000Z', 'a-deleted-account'),
        ]).execute()
        await backfillHeld.up(t.db as never, t.database.dialect)
        const rows = await t.db.selectFrom('held_content').selectAll().orderBy('subject_id').execute()
        assert.deepEqual(rows.map((r) => [r.subject_id, r.state, r.reason, r.author_id]), [['a', 'hidden', 'hide a', author.id], ['d', 'hidden', 'hide d', null]])
      } finally {
        await t.close()
      }
    })
  })

  describe(`demo moderation on ${dialect}`, () => {
    test('on first start the queue has an open report and a new account’s post and comment waiting for approval', async () => {
      const database = await createTestDatabase(dialect)
      try {
        await migrate(database, modules)
        const config = testConfig({ demoContent: true, trust: { newAccountDays: 3, approvals: 2 } })
        await seedIfEmpty(database, config, modules)
        const db = wholeDatabase(database)
        const open = await db.selectFrom('reports').select(['subject_type', 'subject_title']).where('status', '=', 'open').execute()
        assert.deepEqual(open.map((r) => r.subject_type), ['person'])
        const pending = await db.selectFrom('held_content').select(['subject_type', 'title', 'state']).where('state', '=', 'pending').execute()
        const letters = 'Comment on “Five things we changed in our appointment letters”: Our tool sends these as texts too: https://notify-tools.example/letters'
        assert.deepEqual(pending.map((p) => [p.subject_type, p.title]).sort(), [['comment', letters], ['post', 'A notification tool your council can reuse']])
        const app = await buildApp(config, database, { logger: false })
        try {
          const sam = await db.selectFrom('users').select('id').where('handle', '=', 'sam-admin').executeTakeFirstOrThrow()
          const c = new TestClient(app)
          await signInAs(db, c, sam.id)
          assert.match((await c.get('/moderation')).body, /Jordan Reyes/)
          assert.match((await c.get('/moderation/pending')).body, /A notification tool your council can reuse/)
          // Approving the waiting comment tells the post's author now, as it would have at once (decision 0044).
          const aoife = await db.selectFrom('users').select('id').where('handle', '=', 'aoife-brennan').executeTakeFirstOrThrow()
          const toldAoife = () => db.selectFrom('notifications').select('text').where('user_id', '=', aoife.id).where('text', 'like', 'Jordan Reyes%').execute()
          assert.deepEqual(await toldAoife(), [])
          const comment = await db.selectFrom('held_content').select('subject_id').where('subject_type', '=', 'comment').executeTakeFirstOrThrow()
          assert.equal((await c.submit('/moderation/pending', { type: 'comment', id: comment.subject_id }, '/moderation/approve')).statusCode, 303)
          assert.deepEqual((await toldAoife()).map((n) => n.text), ['Jordan Reyes commented on “Five things we changed in our appointment letters”'])
          // The demo newcomer really is new: their next post with a link waits too.
          const jordan = await db.selectFrom('users').select('id').where('handle', '=', 'jordan-reyes').executeTakeFirstOrThrow()
          const j = new TestClient(app)
          await signInAs(db, j, jordan.id)
          const res = await j.submit('/posts/new', { title: 'Another offer', summary: '', body: 'https://notify-tools.example/again', learned: '', tags: '', publish: 'publish' }, '/posts/new')
          assert.equal(res.statusCode, 303)
          assert.equal((await app.inject(res.headers.location as string)).statusCode, 404)
        } finally {
          await app.close()
        }
      } finally {
        await database.close()
      }
    })
  })
}
