import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser, signedInClient } from '../../../test/support/factories.ts'
import { ANONYMOUS } from '../../core/access/policy.ts'
import { createSpace, setMembership } from '../../core/access/spaces.ts'
import { newId } from '../../core/db/ids.ts'
import { searchDocuments } from '../../core/search/search.ts'
import { modules as allModules } from '../../modules.ts'
import { makePost } from '../posts/posts.test.support.ts'
import { notesModule } from './moderation.test.support.ts'
import { wholeSitemap } from '../../../test/support/sitemap.ts'

/**
 * Moderation that covers the platform: every kind of content can be reported from where it is shown,
 * and moderators hide and restore it without a report, through the one use case (audit log, author told).
 */
for (const dialect of testDialects()) {
  describe(`moderating any kind of content on ${dialect}`, () => {
    let t: TestApp
    let admin: TestUser, author: TestUser, reader: TestUser, host: TestUser
    let postSlug: string, postId: string, commentId: string, projectSlug: string, projectId: string, orgSlug: string, orgId: string
    let spaceOpen: string, spaceTrusted: string
    const notes: Record<string, string> = {}

    const clientFor = (user: TestUser | null) => signedInClient(t.app, user)
    const addNote = async (key: string, spaceId: string | null, title: string) => {
      notes[key] = newId()
      await t.db.insertInto('test_notes' as never).values({ id: notes[key], space_id: spaceId, author_id: author.id, title, hidden_at: null } as never).execute()
    }
    const noteHidden = async (key: string) => ((await t.db.selectFrom('test_notes' as never).select('hidden_at' as never).where('id' as never, '=', notes[key] as never).executeTakeFirstOrThrow()) as { hidden_at: string | null }).hidden_at

    before(async () => {
      t = await buildTestApp(dialect, { modules: [...allModules, notesModule] })
      ;[admin, author, reader, host] = await Promise.all([createUser(t.db, { isAdmin: true }), createUser(t.db, { name: 'Ash Author' }), createUser(t.db), createUser(t.db)])
      const a = await clientFor(author)
      const org = await a.submit('/organisations/new', { name: 'Moorland Council', type: 'local government', country: 'Wales', description: 'A council on the moor.' })
      assert.equal(org.statusCode, 303)
      orgSlug = (org.headers.location as string).split('/').pop()!
      orgId = (await t.db.selectFrom('organisations').select('id').where('slug', '=', orgSlug).executeTakeFirstOrThrow()).id
      const project = await a.submit('/projects/new', { name: 'Moor buses', summary: 'Bus times for the moor.', phase: 'alpha' })
      assert.equal(project.statusCode, 303, project.body.slice(0, 500))
      projectSlug = (project.headers.location as string).split('/').pop()!
      projectId = (await t.db.selectFrom('projects').select('id').where('slug', '=', projectSlug).executeTakeFirstOrThrow()).id
      const post = await makePost(t.app.db, author.id, { title: 'Timetables on the moor', body: 'We printed the **timetables**.' })
      postSlug = post.slug
      postId = post.id
      const comment = await (await clientFor(reader)).submit(`/posts/${postSlug}`, { comment: 'Which stops?' }, `/posts/${postSlug}/comments`)
      assert.equal(comment.statusCode, 303)
      commentId = (comment.headers.location as string).split('#comment-')[1]!
      spaceOpen = await createSpace(t.db, { kind: 'community', visibility: 'public', name: 'Open Moor', path: '/communities/open-moor' })
      spaceTrusted = await createSpace(t.db, { kind: 'community', visibility: 'members', name: 'Closed Moor', path: '/communities/closed-moor' })
      for (const s of [spaceOpen, spaceTrusted]) await setMembership(t.db, s, host.id, 'host', 'active')
      await addNote('open', spaceOpen, 'Note in the open community')
      await addNote('trusted', spaceTrusted, 'Note in the trusted community')
      await addNote('site', null, 'Site-wide note')
    })
    after(async () => t.close())

    test('posts, comments, projects, organisations and people each show a Report link where they are shown, to people signed in', async () => {
      const c = await clientFor(reader)
      const post = await c.get(`/posts/${postSlug}`)
      assert.match(post.body, new RegExp(`href="/report\\?type=post&amp;id=${postId}"`))
      assert.match(post.body, new RegExp(`href="/report\\?type=comment&amp;id=${commentId}"`))
      assert.match((await c.get(`/projects/${projectSlug}`)).body, new RegExp(`href="/report\\?type=project&amp;id=${projectId}"`))
      assert.match((await c.get(`/organisations/${orgSlug}`)).body, new RegExp(`href="/report\\?type=organisation&amp;id=${orgId}"`))
      assert.match((await c.get(`/people/${author.handle}`)).body, new RegExp(`href="/report\\?type=person&amp;id=${author.id}"`))
      // Not on one's own profile; not for anonymous readers (who get the cached page).
      assert.doesNotMatch((await (await clientFor(author)).get(`/people/${author.handle}`)).body, /Report this profile/)
      for (const url of [`/posts/${postSlug}`, `/projects/${projectSlug}`, `/organisations/${orgSlug}`, `/people/${author.handle}`]) {
        const anon = await t.app.inject(url)
        assert.equal(anon.statusCode, 200, url)
        assert.doesNotMatch(anon.body, /\/report\?/, url)
      }
      // Moderators also get "Hide"; readers do not.
      assert.doesNotMatch(post.body, /\/moderation\/item/)
      assert.match((await (await clientFor(admin)).get(`/projects/${projectSlug}`)).body, new RegExp(`href="/moderation/item\\?type=project&amp;id=${projectId}">Hide this project`))
    })

    test('each kind can be reported through the one report form, and reaches the admins’ queue', async () => {
      const c = await clientFor(reader)
      const kinds = { post: postId, comment: commentId, project: projectId, organisation: orgId, person: author.id }
      for (const [type, id] of Object.entries(kinds)) {
        const form = await c.get(`/report?type=${type}&id=${id}`)
        assert.equal(form.statusCode, 200, type)
        const res = await c.submit(`/report?type=${type}&id=${id}`, { type, id, reason: `Something wrong with this ${type}` }, '/report')
        assert.equal(res.statusCode, 303, type)
      }
      const rows = await t.db.selectFrom('reports').select(['subject_type', 'subject_title', 'subject_url']).where('reporter_id', '=', reader.id).execute()
      assert.deepEqual(rows.map((r) => r.subject_type).sort(), ['comment', 'organisation', 'person', 'post', 'project'])
      assert.ok(rows.find((r) => r.subject_type === 'person')!.subject_url.endsWith(`/people/${author.handle}`))
      const queue = await (await clientFor(admin)).get('/moderation')
      for (const title of ['Timetables on the moor', 'Moor buses', 'Moorland Council', 'Ash Author']) assert.match(queue.body, new RegExp(title))
      // Reporting oneself is not offered, and the form refuses it.
      assert.equal((await (await clientFor(author)).get(`/report?type=person&id=${author.id}`)).statusCode, 404)
    })

    test('a moderator hides without a report: a reason is required, the item leaves every read path, the author is told, the audit log names it', async () => {
      const a = await clientFor(admin)
      const form = await a.get(`/moderation/item?type=post&id=${postId}`)
      assert.equal(form.statusCode, 200)
      assert.equal(form.body.match(/<h1/g)?.length, 1)
      assert.match(form.body, /value="hide"/)
      assert.doesNotMatch(form.body, /value="restore"|value="approve"/)
      const missing = await a.submit(`/moderation/item?type=post&id=${postId}`, { type: 'post', id: postId, action: 'hide', reason: '' }, '/moderation/item')
      assert.equal(missing.statusCode, 422)
      assert.match(missing.body, /govuk-error-summary/)
      assert.match(missing.body, /href="#reason">Enter reason for your decision/)
      assert.match(missing.body, /value="hide" checked/, 'the choice is kept')
      assert.equal((await t.db.selectFrom('posts').select('hidden_at').where('id', '=', postId).executeTakeFirstOrThrow()).hidden_at, null)

      const res = await a.submit(`/moderation/item?type=post&id=${postId}`, { type: 'post', id: postId, action: 'hide', reason: 'Names a private person' }, '/moderation/item')
      assert.equal(res.statusCode, 303)
      assert.match((await a.get(res.headers.location as string)).body, /It is hidden/)
      assert.equal((await t.app.inject(`/posts/${postSlug}`)).statusCode, 404)
      assert.equal((await (await clientFor(reader)).get(`/posts/${postSlug}`)).statusCode, 404)
      const own = await (await clientFor(author)).get(`/posts/${postSlug}`)
      assert.match(own.body, /A moderator has hidden this post/)
      assert.equal((await searchDocuments(t.app.db, t.database.dialect, ANONYMOUS, 'timetables')).total, 0)
      assert.doesNotMatch((await t.app.inject('/posts/feed.rss')).body, /Timetables on the moor/)
      assert.doesNotMatch(await wholeSitemap((url) => t.app.inject(url)), new RegExp(postSlug))

      const entry = await t.db.selectFrom('audit_log').selectAll().where('subject_id', '=', postId).executeTakeFirstOrThrow()
      assert.deepEqual([entry.action, entry.actor_id, entry.reason, entry.subject_title, entry.subject_url], ['content.hide', admin.id, 'Names a private person', 'Timetables on the moor', `/posts/${postSlug}`])
      const told = await t.db.selectFrom('notifications').select('text').where('user_id', '=', author.id).execute()
      assert.ok(told.some((n) => /Timetables on the moor.*hidden by a moderator: Names a private person/.test(n.text)))
      // Hiding settles the open report about it too.
      const report = await t.db.selectFrom('reports').selectAll().where('subject_id', '=', postId).executeTakeFirstOrThrow()
      assert.deepEqual([report.status, report.resolution], ['resolved', 'hide'])
      const log = await a.get('/admin/audit')
      assert.match(log.body, new RegExp(`<a class="govuk-link" href="/posts/${postSlug}">Timetables on the moor</a>`))
    })

    test('hidden content is listed for its moderators and restored from there', async () => {
      const a = await clientFor(admin)
      const list = await a.get('/moderation/hidden')
      assert.equal(list.statusCode, 200)
      assert.match(list.body, /Timetables on the moor/)
      assert.match(list.body, /Names a private person/)
      assert.match(list.body, new RegExp(`href="/moderation/item\\?type=post&amp;id=${postId}">Restore`))
      // The banner on the item offers the same.
      assert.match((await a.get(`/posts/${postSlug}`)).body, new RegExp(`href="/moderation/item\\?type=post&amp;id=${postId}">Restore`))
      const page = await a.get(`/moderation/item?type=post&id=${postId}`)
      assert.match(page.body, /Hidden by a moderator/)
      assert.match(page.body, /value="restore"/)
      const wrong = await a.submit(`/moderation/item?type=post&id=${postId}`, { type: 'post', id: postId, action: 'hide', reason: 'Again' }, '/moderation/item')
      assert.equal(wrong.statusCode, 422, 'hide is not a choice for hidden content')
      const res = await a.submit(`/moderation/item?type=post&id=${postId}`, { type: 'post', id: postId, action: 'restore', reason: 'The name was public already' }, '/moderation/item')
      assert.equal(res.statusCode, 303)
      assert.equal((await t.app.inject(`/posts/${postSlug}`)).statusCode, 200)
      assert.equal((await searchDocuments(t.app.db, t.database.dialect, ANONYMOUS, 'timetables')).total, 1)
      assert.doesNotMatch((await a.get('/moderation/hidden')).body, /Timetables on the moor/)
      const actions = (await t.db.selectFrom('audit_log').select('action').where('subject_id', '=', postId).orderBy('created_at').execute()).map((e) => e.action)
      assert.deepEqual(actions, ['content.hide', 'content.restore'])
    })

    test('a person’s profile is hidden and restored the same way (platform admins only)', async () => {
      assert.equal((await (await clientFor(host)).get(`/moderation/item?type=person&id=${author.id}`)).statusCode, 404)
      const a = await clientFor(admin)
      const res = await a.submit(`/moderation/item?type=person&id=${author.id}`, { type: 'person', id: author.id, action: 'hide', reason: 'Impersonates a council' }, '/moderation/item')
      assert.equal(res.statusCode, 303)
      assert.equal((await (await clientFor(reader)).get(`/people/${author.handle}`)).statusCode, 404)
      assert.match((await (await clientFor(author)).get(`/people/${author.handle}`)).body, /A moderator has hidden this profile/)
      assert.match((await a.get(`/people/${author.handle}`)).body, /Restore this profile/)
      assert.equal((await a.submit(`/moderation/item?type=person&id=${author.id}`, { type: 'person', id: author.id, action: 'restore', reason: 'Confirmed with the council' }, '/moderation/item')).statusCode, 303)
      assert.equal((await (await clientFor(reader)).get(`/people/${author.handle}`)).statusCode, 200)
    })

    test('only those who moderate an item may act on it; platform admins do not reach trusted spaces this way', async () => {
      const r = await clientFor(reader)
      for (const url of [`/moderation/item?type=post&id=${postId}`, `/moderation/item?type=note&id=${notes.open}`, '/moderation/item?type=nope&id=x', '/moderation/item?type=post', '/moderation/hidden', '/moderation/pending']) {
        assert.equal((await r.get(url)).statusCode, 404, url)
      }
      const page = await r.get(`/posts/${postSlug}`)
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!
      assert.equal((await r.post('/moderation/item', { _csrf: token, type: 'note', id: notes.open!, action: 'hide', reason: 'Mine now' })).statusCode, 404)
      assert.equal(await noteHidden('open'), null)
      assert.equal((await t.app.inject(`/moderation/item?type=note&id=${notes.open}`)).statusCode, 303, 'anonymous: sign in first')

      // A host moderates notes in their spaces, not site content.
      const h = await clientFor(host)
      assert.equal((await h.get(`/moderation/item?type=note&id=${notes.site}`)).statusCode, 404)
      for (const key of ['open', 'trusted']) {
        const res = await h.submit(`/moderation/item?type=note&id=${notes[key]}`, { type: 'note', id: notes[key]!, action: 'hide', reason: 'Off topic' }, '/moderation/item')
        assert.equal(res.statusCode, 303, key)
      }
      const hostList = await h.get('/moderation/hidden')
      assert.match(hostList.body, /Note in the open community/)
      assert.match(hostList.body, /Note in the trusted community/)
      assert.doesNotMatch(hostList.body, /Timetables|Site-wide/)

      // A platform admin moderates the open community's note, but neither lists nor opens the trusted one.
      const a = await clientFor(admin)
      const adminList = await a.get('/moderation/hidden')
      assert.match(adminList.body, /Note in the open community/)
      assert.doesNotMatch(adminList.body, /Note in the trusted community/)
      assert.equal((await a.get(`/moderation/item?type=note&id=${notes.trusted}`)).statusCode, 404)
      assert.equal((await a.get(`/moderation/item?type=note&id=${notes.open}`)).statusCode, 200)
    })

    test('a moderator who finds something through "Report" is offered to act on it directly', async () => {
      const page = await (await clientFor(host)).get(`/report?type=note&id=${notes.open}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, new RegExp(`You moderate this note: you can <a class="govuk-link" href="/moderation/item\\?type=note&amp;id=${notes.open}">restore it yourself`))
      assert.doesNotMatch((await (await clientFor(reader)).get(`/report?type=post&id=${postId}`)).body, /You moderate this/)
    })
  })
}
