import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Kysely } from 'kysely'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser, signedInClient } from '../../../test/support/factories.ts'
import { createSpace, setMembership } from '../../core/access/spaces.ts'
import { newId, now } from '../../core/db/ids.ts'
import { modules as allModules } from '../../modules.ts'
import { notesModule } from './moderation.test.support.ts'

for (const dialect of testDialects()) {
  describe(`moderation on ${dialect}`, () => {
    let t: TestApp
    let db: Kysely<any>
    let admin: TestUser, hostA: TestUser, modB: TestUser, author: TestUser, reporter: TestUser, stranger: TestUser
    let spaceA: string, spaceB: string
    const notes: Record<string, string> = {}

    const addNote = async (key: string, spaceId: string | null, title: string, hidden = false) => {
      notes[key] = newId()
      await db.insertInto('test_notes').values({ id: notes[key], space_id: spaceId, author_id: author.id, title, hidden_at: hidden ? now() : null }).execute()
    }
    const clientFor = (user: TestUser | null) => signedInClient(t.app, user)
    const report = async (user: TestUser, key: string, reason: string) => (await clientFor(user)).submit(`/report?type=note&id=${notes[key]}`, { type: 'note', id: notes[key]!, reason }, '/report')

    before(async () => {
      t = await buildTestApp(dialect, { modules: [...allModules, notesModule] })
      db = t.app.db as unknown as Kysely<any>
      const d = t.app.db
      ;[admin, hostA, modB, author, reporter, stranger] = await Promise.all([createUser(d, { isAdmin: true, name: 'Ada Admin' }), createUser(d), createUser(d), createUser(d), createUser(d, { name: 'Rita Reporter' }), createUser(d)])
      spaceA = await createSpace(d, { kind: 'community', visibility: 'public', name: 'Open Roads', path: '/communities/open-roads' })
      spaceB = await createSpace(d, { kind: 'community', visibility: 'members', name: 'Quiet Room', path: '/communities/quiet-room' })
      await setMembership(d, spaceA, hostA.id, 'host', 'active')
      await setMembership(d, spaceB, modB.id, 'moderator', 'active')
      for (const u of [author, reporter]) {
        await setMembership(d, spaceA, u.id, 'member', 'active')
        await setMembership(d, spaceB, u.id, 'member', 'active')
      }
      await addNote('publicA', spaceA, 'Potholes on the ring road')
      await addNote('privateB', spaceB, 'Budget draft for the quiet room')
      await addNote('hiddenA', spaceA, 'Already hidden note', true)
      await addNote('site', null, 'Site-wide note')
    })
    after(async () => t.close())

    test('reporting needs a signed-in person', async () => {
      const res = await t.app.inject(`/report?type=note&id=${notes.publicA}`)
      assert.equal(res.statusCode, 303)
      assert.match(res.headers.location as string, /^\/sign-in\?next=/)
    })

    test('unknown types, unknown ids and content the reporter cannot see are all 404', async () => {
      const c = await clientFor(stranger)
      for (const url of ['/report?type=nope&id=x', '/report?type=note&id=missing', '/report?type=note', `/report?type=note&id=${notes.privateB}`, `/report?type=note&id=${notes.hiddenA}`]) {
        const res = await c.get(url)
        assert.equal(res.statusCode, 404, url)
        assert.doesNotMatch(res.body, /Budget draft|Already hidden/)
      }
      // Posting straight to /report is checked the same way.
      const page = await c.get(`/report?type=note&id=${notes.publicA}`)
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!
      const res = await c.post('/report', { _csrf: token, type: 'note', id: notes.privateB!, reason: 'Sneaky' })
      assert.equal(res.statusCode, 404)
      assert.equal((await db.selectFrom('reports').selectAll().where('subject_id', '=', notes.privateB!).execute()).length, 0)
    })

    test('the report form re-renders with errors for a missing or over-long reason, saving nothing', async () => {
      const page = await (await clientFor(reporter)).get(`/report?type=note&id=${notes.publicA}`)
      assert.equal(page.statusCode, 200)
      assert.equal(page.body.match(/<h1/g)?.length, 1)
      assert.match(page.body, /<title>Report this note – Openly<\/title>/)
      const empty = await report(reporter, 'publicA', '   ')
      assert.equal(empty.statusCode, 422)
      assert.match(empty.body, /govuk-error-summary/)
      assert.match(empty.body, /href="#reason">Enter reason for reporting/)
      const long = await report(reporter, 'publicA', 'x'.repeat(1001))
      assert.equal(long.statusCode, 422)
      assert.match(long.body, /Reason for reporting must be 1000 characters or fewer/)
      assert.match(long.body, /x{1001}<\/textarea>/, 'keeps what was typed')
      assert.equal((await db.selectFrom('reports').selectAll().execute()).length, 0)
    })

    test('a report is filed once, and lands in the right queues only', async () => {
      const res = await report(reporter, 'publicA', 'Shares a home address')
      assert.equal(res.statusCode, 303)
      assert.match(res.headers.location as string, /^\/report\?type=note&id=.+&sent=1$/)
      const sent = await (await clientFor(reporter)).get(res.headers.location as string)
      assert.match(sent.body, /Report sent/)
      await report(reporter, 'publicA', 'Again')
      assert.equal((await db.selectFrom('reports').selectAll().where('subject_id', '=', notes.publicA!).execute()).length, 1)
      assert.equal((await report(reporter, 'privateB', 'Wrong figures')).statusCode, 303)
      assert.equal((await report(stranger, 'site', 'Spam')).statusCode, 303)

      const host = await (await clientFor(hostA)).get('/moderation')
      assert.equal(host.statusCode, 200)
      assert.match(host.body, /Potholes on the ring road/)
      assert.match(host.body, /Shares a home address/)
      assert.doesNotMatch(host.body, /Budget draft|Site-wide/)

      const mod = await (await clientFor(modB)).get('/moderation')
      assert.match(mod.body, /Budget draft for the quiet room/)
      assert.doesNotMatch(mod.body, /Potholes|Site-wide/)

      const all = await (await clientFor(admin)).get('/moderation')
      for (const title of ['Potholes', 'Budget draft', 'Site-wide note']) assert.match(all.body, new RegExp(title))

      assert.equal((await (await clientFor(stranger)).get('/moderation')).statusCode, 404)
      assert.equal((await (await clientFor(author)).get('/moderation')).statusCode, 404)
    })

    test('a moderator cannot open or act on another space’s report', async () => {
      const r = await db.selectFrom('reports').selectAll().where('subject_id', '=', notes.privateB!).executeTakeFirstOrThrow()
      const host = await clientFor(hostA)
      assert.equal((await host.get(`/moderation/reports/${r.id}`)).statusCode, 404)
      const page = await host.get('/moderation')
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!
      const res = await host.post(`/moderation/reports/${r.id}`, { _csrf: token, action: 'hide', reason: 'Not mine to hide' })
      assert.equal(res.statusCode, 404)
      const note = await db.selectFrom('test_notes').selectAll().where('id', '=', notes.privateB!).executeTakeFirstOrThrow()
      assert.equal(note.hidden_at, null)
      // Site content is for platform admins only.
      const site = await db.selectFrom('reports').selectAll().where('subject_id', '=', notes.site!).executeTakeFirstOrThrow()
      assert.equal((await host.get(`/moderation/reports/${site.id}`)).statusCode, 404)
    })

    test('a decision needs an action and a reason', async () => {
      const r = await db.selectFrom('reports').selectAll().where('subject_id', '=', notes.publicA!).executeTakeFirstOrThrow()
      const host = await clientFor(hostA)
      const res = await host.submit(`/moderation/reports/${r.id}`, { reason: '' })
      assert.equal(res.statusCode, 422)
      assert.match(res.body, /href="#action">Select what you want to do/)
      assert.match(res.body, /href="#reason">Enter reason for your decision/)
      const long = await host.submit(`/moderation/reports/${r.id}`, { action: 'hide', reason: 'y'.repeat(1001) })
      assert.equal(long.statusCode, 422)
      assert.equal((await db.selectFrom('test_notes').select('hidden_at').where('id', '=', notes.publicA!).executeTakeFirstOrThrow()).hidden_at, null)
      assert.equal((await db.selectFrom('audit_log').selectAll().execute()).length, 0)
    })

    test('hiding resolves the report, writes the audit log and tells the author and the reporter', async () => {
      const r = await db.selectFrom('reports').selectAll().where('subject_id', '=', notes.publicA!).executeTakeFirstOrThrow()
      const host = await clientFor(hostA)
      const page = await host.get(`/moderation/reports/${r.id}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /value="hide"/)
      assert.doesNotMatch(page.body, /value="restore"/, 'only the choices that apply')
      const res = await host.submit(`/moderation/reports/${r.id}`, { action: 'hide', reason: 'Personal data' })
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/moderation?done=hide')
      const done = await host.get('/moderation?done=hide')
      assert.match(done.body, /The content is hidden/)
      assert.doesNotMatch(done.body, /Potholes/, 'resolved reports leave the queue')

      const note = await db.selectFrom('test_notes').selectAll().where('id', '=', notes.publicA!).executeTakeFirstOrThrow()
      assert.ok(note.hidden_at)
      const after = await db.selectFrom('reports').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow()
      assert.equal(after.status, 'resolved')
      assert.equal(after.resolution, 'hide')
      assert.equal(after.resolved_by, hostA.id)
      const entries = await db.selectFrom('audit_log').selectAll().execute()
      assert.equal(entries.length, 1)
      assert.deepEqual([entries[0].actor_id, entries[0].action, entries[0].subject_type, entries[0].subject_id, entries[0].space_id, entries[0].reason], [hostA.id, 'report.hide', 'note', notes.publicA, spaceA, 'Personal data'])
      const toAuthor = await db.selectFrom('notifications').selectAll().where('user_id', '=', author.id).execute()
      assert.equal(toAuthor.length, 1)
      assert.equal(toAuthor[0].kind, 'moderation')
      assert.match(toAuthor[0].text, /Potholes on the ring road.*hidden.*Personal data/)
      const toReporter = await db.selectFrom('notifications').selectAll().where('user_id', '=', reporter.id).execute()
      assert.equal(toReporter.length, 1)
      assert.doesNotMatch(toReporter[0].text, /Personal data/, 'the moderator’s reason goes to the author, not the reporter')

      // A second decision on a resolved report is refused, and nothing changes.
      const again = await host.submit(`/moderation/reports/${r.id}`, { action: 'dismiss', reason: 'Twice' })
      assert.equal(again.statusCode, 422)
      assert.match(again.body, /This report has already been resolved/)
      assert.equal((await db.selectFrom('audit_log').selectAll().execute()).length, 1)
    })

    test('restoring and dismissing work through new reports', async () => {
      assert.equal((await report(reporter, 'hiddenA', 'x')).statusCode, 404, 'a hidden note cannot be reported by others')
      // The author can still see (and report) their own hidden note; the host restores it.
      assert.equal((await report(author, 'publicA', 'Please look again: it was a public office address')).statusCode, 303)
      const r = await db.selectFrom('reports').selectAll().where('subject_id', '=', notes.publicA!).where('status', '=', 'open').executeTakeFirstOrThrow()
      const host = await clientFor(hostA)
      const wrong = await host.submit(`/moderation/reports/${r.id}`, { action: 'hide', reason: 'Hide again' })
      assert.equal(wrong.statusCode, 422, 'hide is not a valid choice for hidden content')
      const res = await host.submit(`/moderation/reports/${r.id}`, { action: 'restore', reason: 'Office address, public' })
      assert.equal(res.statusCode, 303)
      assert.equal((await db.selectFrom('test_notes').select('hidden_at').where('id', '=', notes.publicA!).executeTakeFirstOrThrow()).hidden_at, null)

      const b = await db.selectFrom('reports').selectAll().where('subject_id', '=', notes.privateB!).executeTakeFirstOrThrow()
      const dismissed = await (await clientFor(modB)).submit(`/moderation/reports/${b.id}`, { action: 'dismiss', reason: 'Figures are right' })
      assert.equal(dismissed.statusCode, 303)
      assert.equal((await db.selectFrom('test_notes').select('hidden_at').where('id', '=', notes.privateB!).executeTakeFirstOrThrow()).hidden_at, null)
      const actions = (await db.selectFrom('audit_log').select('action').orderBy('created_at').execute()).map((e) => e.action)
      assert.deepEqual(actions, ['report.hide', 'report.restore', 'report.dismiss'])
    })

    test('the audit log is for platform admins only', async () => {
      assert.equal((await t.app.inject('/admin/audit')).statusCode, 404)
      assert.equal((await (await clientFor(hostA)).get('/admin/audit')).statusCode, 404)
      const res = await (await clientFor(admin)).get('/admin/audit')
      assert.equal(res.statusCode, 200)
      assert.equal(res.body.match(/<h1/g)?.length, 1)
      assert.match(res.body, /Figures are right/)
      assert.ok(res.body.indexOf('Dismissed a report about it') < res.body.indexOf('Hid it, on a report'), 'newest first')
      // Titles and links, not raw ids: from the snapshot written with the entry.
      assert.match(res.body, new RegExp(`<a class="govuk-link" href="/notes/${notes.publicA}">Potholes on the ring road</a>`))
      assert.doesNotMatch(res.body, new RegExp(`<code>${notes.publicA}`))
      // The trusted space is named, but its content's title is not shown to a platform admin who has not opened it.
      assert.match(res.body, /Quiet Room/)
      assert.doesNotMatch(res.body, /Budget draft for the quiet room/)
      assert.match(res.body, /in a members-only community: its title is not shown to platform admins/)
    })

    test('a host who is removed loses the queue at once', async () => {
      await setMembership(t.app.db, spaceA, hostA.id, 'host', 'removed')
      assert.equal((await (await clientFor(hostA)).get('/moderation')).statusCode, 404)
    })
  })
}

for (const dialect of testDialects()) {
  describe(`admin home on ${dialect}`, () => {
    test('only platform admins see /admin; everyone else gets 404', async () => {
      const t = await buildTestApp(dialect)
      try {
        const admin = await createUser(t.app.db, { isAdmin: true })
        const person = await createUser(t.app.db)
        const a = new TestClient(t.app)
        await signInAs(t.app.db, a, admin.id)
        const page = await a.get('/admin')
        assert.equal(page.statusCode, 200)
        assert.match(page.body, /href="\/admin\/audit"/)
        const p = new TestClient(t.app)
        await signInAs(t.app.db, p, person.id)
        assert.equal((await p.get('/admin')).statusCode, 404)
        assert.equal((await new TestClient(t.app).get('/admin')).statusCode, 404)
      } finally {
        await t.close()
      }
    })
  })
}
