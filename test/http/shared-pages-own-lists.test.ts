/**
 * A reader's own lists kept by their answers (decision 0045): /following by what the reader follows and how they
 * chose to hear of it, /posts/drafts by the posts they are credited on, /notifications by the reader's mark (moved by
 * every notice written to them or read) and for them alone. Each is served again to its reader until a
 * change, wherever it was made (the form, the API, straight into the database), and never to a reader who follows or
 * wrote anything else; readers with nothing share one page. The leak matrix (test/access) compares every shared
 * answer with the page rendered for that reader alone.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { TestClient } from '../support/client.ts'
import { createUser, signInAs, type TestUser } from '../support/factories.ts'
import { sleep } from '../support/wait.ts'
import { createProject } from '../../src/modules/projects/projects.ts'
import { createOrganisation } from '../../src/modules/organisations/organisations.ts'
import { setMembership } from '../../src/core/access/spaces.ts'
import { makePost } from '../../src/modules/posts/posts.test.support.ts'
import { notify } from '../../src/modules/notifications/notifications.ts'

const project = (name: string) => ({ name, team: '', summary: 'Own lists.', phase: 'alpha' as const, problem: '', audience: '', looking_for: '', themes: [], places: [], technologies: [], country: '', lead_organisation: '', partner_organisations: [], links: '' })
const follow = (kind: string, id: string, action: 'follow' | 'unfollow' = 'follow') => ({ kind, id, action, next: '/following' })
const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location)

for (const dialect of testDialects()) {
  describe(`a reader's own lists, kept by their answers, on ${dialect}`, () => {
    let t: TestApp
    const names = ['follower', 'other', 'plain1', 'plain2', 'writer', 'coauthor', 'host'] as const
    const people: Record<(typeof names)[number], TestUser> = {} as never
    const c: Record<(typeof names)[number], TestClient> = {} as never
    const ids = { project: '', organisation: '', community: '' }
    before(async () => {
      t = await buildTestApp(dialect)
      for (const name of names) {
        people[name] = await createUser(t.app.db, { name: `Zql ${name}` })
        c[name] = new TestClient(t.app)
        await signInAs(t.app.db, c[name], people[name].id)
      }
      ids.project = (await createProject(t.app.db, { userId: people.host.id, isAdmin: false }, project('Zqlist ferry'))).id
      ids.organisation = (await createOrganisation(t.app.db, { userId: people.host.id, isAdmin: false }, { name: 'Zqlist council', type: 'local government', country: 'Ireland', region: '', website: '', identifier: '', description: '', themes: [] })).id
      await makePost(t.app.db, people.host.id, { title: 'Zqlist tagged note', tags: ['zqlisttag'] })
      const room = await c.host.submit('/communities/new', { name: 'Zqlist room', description: 'Members only.', themes: '', join_policy: 'invite', visibility: 'members' })
      assert.equal(room.statusCode, 303, room.body.slice(0, 400))
      const slug = /^\/communities\/([^/?]+)/.exec(location(room))![1]!
      ids.community = (await t.db.selectFrom('communities').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
      await setMembership(t.app.db, ids.community, people.follower.id, 'member', 'active')
      await t.app.pageCache.invalidate()
    })
    after(async () => t.close())

    test('/following: kept for its reader with every kind they follow, never served to a reader who follows anything else; readers who follow nothing share one page', async () => {
      for (const [kind, id] of [['project', ids.project], ['organisation', ids.organisation], ['person', people.host.id], ['tag', 'zqlisttag'], ['community', ids.community]] as const) {
        assert.equal((await c.follower.submit('/following', follow(kind, id), '/following')).statusCode, 303, kind)
      }
      // An event and a challenge that no longer exist: counted as things they can no longer see (their loaders ran).
      await t.db.insertInto('follows').values([{ user_id: people.follower.id, subject_kind: 'event', subject_id: 'zqgone-event', created_at: new Date().toISOString() }, { user_id: people.follower.id, subject_kind: 'challenge', subject_id: 'zqgone-challenge', created_at: new Date().toISOString() }]).execute()
      assert.equal((await c.other.submit('/following', follow('project', ids.project), '/following')).statusCode, 303)
      const first = await c.follower.get('/following')
      const again = await c.follower.get('/following')
      assert.equal(again.headers['x-cache'], 'shared', 'kept for its reader')
      assert.match(String(again.headers['cache-control']), /\bprivate\b/)
      for (const res of [first, again]) {
        for (const title of ['Zqlist ferry', 'Zqlist council', 'Zql host', 'zqlisttag', 'Zqlist room']) assert.match(res.body, new RegExp(title), title)
        assert.match(res.body, /You also follow 2 things you can no longer see/)
        assert.match(res.body, new RegExp(`/people/${people.follower.handle}"`), 'with their own header')
      }
      const other = await c.other.get('/following')
      assert.notEqual(other.headers['x-cache'], 'shared', 'another reader’s follows are not theirs')
      assert.match(other.body, /Zqlist ferry/)
      for (const title of ['Zqlist council', 'Zqlist room', 'zqlisttag', 'no longer see']) assert.doesNotMatch(other.body, new RegExp(title), title)
      assert.doesNotMatch(other.body, new RegExp(people.follower.handle))
      await c.plain1.get('/following')
      const plain2 = await c.plain2.get('/following')
      assert.equal(plain2.headers['x-cache'], 'shared', 'readers who follow nothing share the page')
      assert.match(plain2.body, /You do not follow anything yet/)
      assert.match(plain2.body, new RegExp(`/people/${people.plain2.handle}"`))
      assert.doesNotMatch(plain2.body, new RegExp(`${people.plain1.handle}|Zqlist`))
    })

    test('/following shows every change at once: a follow or unfollow from the page or the API, a choice saved, rows changed behind the app’s back, a community left', async () => {
      await c.plain1.get('/following')
      assert.equal((await c.plain1.submit('/following', follow('organisation', ids.organisation), '/following')).statusCode, 303)
      assert.match((await c.plain1.get('/following')).body, /Zqlist council/)
      assert.equal((await c.plain1.json('POST', '/api/v1/following', { kind: 'project', id: ids.project })).statusCode, 201)
      assert.match((await c.plain1.get('/following')).body, /Zqlist ferry/)
      assert.equal((await c.plain1.json('DELETE', `/api/v1/following/project/${ids.project}`)).statusCode, 204)
      assert.doesNotMatch((await c.plain1.get('/following')).body, /Zqlist ferry/)
      const off = await c.plain1.submit('/following', follow('organisation', ids.organisation, 'unfollow'), '/following')
      assert.equal(location(off), '/following?done=unfollowed')
      const flashed = await c.plain1.get(location(off))
      assert.match(flashed.body, /You no longer follow it/)
      assert.doesNotMatch(flashed.body, /Zqlist council/)
      // Choices: saved through the form, then changed straight in the table.
      const checked = (body: string, value: string) => new RegExp(`name="post" type="radio" value="${value}" checked`).test(body)
      assert.ok(checked((await c.plain1.get('/following')).body, 'daily'), 'the default')
      assert.equal((await c.plain1.submit('/following', { post: 'weekly' }, '/following/settings')).statusCode, 303)
      assert.ok(checked((await c.plain1.get('/following')).body, 'weekly'))
      assert.ok(checked((await c.plain1.get('/following')).body, 'weekly'))
      await t.db.updateTable('follow_settings').set({ delivery: 'off' }).where('user_id', '=', people.plain1.id).where('activity_type', '=', 'post').execute()
      assert.ok(checked((await c.plain1.get('/following')).body, 'off'))
      assert.ok(!checked((await c.plain2.get('/following')).body, 'off'), 'another reader keeps their own choice')
      // A follow written behind the app's back, then deleted.
      await t.db.insertInto('follows').values({ user_id: people.plain1.id, subject_kind: 'tag', subject_id: 'zqlisttag', created_at: new Date().toISOString() }).execute()
      assert.match((await c.plain1.get('/following')).body, /zqlisttag/)
      await t.db.deleteFrom('follows').where('user_id', '=', people.plain1.id).execute()
      assert.doesNotMatch((await c.plain1.get('/following')).body, /zqlisttag/)
      // The follower is removed from the members-only community (their standing changes): it is no longer named.
      await c.follower.get('/following')
      await setMembership(t.app.db, ids.community, people.follower.id, 'member', 'removed')
      const left = await c.follower.get('/following')
      assert.doesNotMatch(left.body, /Zqlist room/)
      assert.match(left.body, /You also follow 3 things you can no longer see/)
    })

    test('/posts/drafts: kept for its reader, shown to co-authors, never to anyone else; readers with none share one page', async () => {
      await makePost(t.app.db, people.writer.id, { title: 'Zqdraft plans', publish: 'draft', coauthors: [people.coauthor.handle] })
      await t.app.pageCache.invalidate()
      const first = await c.writer.get('/posts/drafts')
      const again = await c.writer.get('/posts/drafts')
      assert.equal(again.headers['x-cache'], 'shared', 'kept for its reader')
      assert.match(String(again.headers['cache-control']), /\bprivate\b/)
      for (const res of [first, again]) assert.match(res.body, /Zqdraft plans/)
      assert.match(again.body, new RegExp(`/people/${people.writer.handle}"`))
      const co = await c.coauthor.get('/posts/drafts')
      assert.match(co.body, /Zqdraft plans/, 'a co-author sees the draft')
      assert.match(co.body, new RegExp(`/people/${people.coauthor.handle}"`))
      assert.doesNotMatch(co.body, new RegExp(people.writer.handle))
      await c.plain1.get('/posts/drafts')
      const plain2 = await c.plain2.get('/posts/drafts')
      assert.equal(plain2.headers['x-cache'], 'shared', 'readers with no drafts share the page')
      assert.match(plain2.body, /You have no drafts or scheduled posts/)
      assert.doesNotMatch(plain2.body, /Zqdraft/)
      assert.doesNotMatch(plain2.body, new RegExp(people.plain1.handle))
    })

    test('/posts/drafts shows every change at once: a draft written, renamed or published in the app, credits changed behind its back, a scheduled post whose time comes', async () => {
      await c.writer.get('/posts/drafts')
      const made = await c.writer.submit('/posts/new', { title: 'Zqsecond draft', body: 'Words.', publish: 'draft' })
      assert.equal(made.statusCode, 303, made.body.slice(0, 400))
      const edit = `${location(made).split('?')[0]}/edit`
      assert.match((await c.writer.get('/posts/drafts')).body, /Zqsecond draft/)
      assert.equal((await c.writer.submit(edit, { title: 'Zqrenamed draft', body: 'Words.', publish: 'draft' })).statusCode, 303)
      const renamed = await c.writer.get('/posts/drafts')
      assert.match(renamed.body, /Zqrenamed draft/)
      assert.doesNotMatch(renamed.body, /Zqsecond draft/)
      assert.equal((await c.writer.get('/posts/drafts')).headers['x-cache'], 'shared')
      assert.equal((await c.writer.submit(edit, { title: 'Zqrenamed draft', body: 'Words.', publish: 'publish' })).statusCode, 303)
      assert.doesNotMatch((await c.writer.get('/posts/drafts')).body, /Zqrenamed draft/, 'published: no longer a draft')
      // Credits changed behind the app's back: the co-author is taken off the draft, then put back.
      const plans = await t.db.selectFrom('posts').select('id').where('title', '=', 'Zqdraft plans').executeTakeFirstOrThrow()
      await c.coauthor.get('/posts/drafts')
      await t.db.deleteFrom('post_authors').where('post_id', '=', plans.id).where('user_id', '=', people.coauthor.id).execute()
      assert.doesNotMatch((await c.coauthor.get('/posts/drafts')).body, /Zqdraft plans/)
      await t.db.insertInto('post_authors').values({ post_id: plans.id, user_id: people.coauthor.id, position: 1 }).execute()
      assert.match((await c.coauthor.get('/posts/drafts')).body, /Zqdraft plans/)
      // Scheduled a moment from now: listed, then gone when its time comes (the cache's schedule), with no write.
      await makePost(t.app.db, people.coauthor.id, { title: 'Zqsoon post', publish: 'schedule', publishAt: new Date(Date.now() + 1500).toISOString() })
      await t.app.pageCache.invalidate()
      await c.coauthor.get('/posts/drafts')
      const soon = await c.coauthor.get('/posts/drafts')
      assert.equal(soon.headers['x-cache'], 'shared')
      assert.match(soon.body, /Zqsoon post/)
      await sleep(2000)
      const later = await c.coauthor.get('/posts/drafts')
      assert.doesNotMatch(later.body, /Zqsoon post/)
      assert.match(later.body, /Zqdraft plans/)
    })

    test('/posts/drafts with a hidden post scheduled for later (held for approval) is rendered for each request: its time is in no schedule', async () => {
      const held = await makePost(t.app.db, people.plain2.id, { title: 'Zqheld post', publish: 'schedule', publishAt: new Date(Date.now() + 3_600_000).toISOString() })
      await t.db.updateTable('posts').set({ hidden_at: new Date().toISOString() }).where('id', '=', held.id).execute()
      await t.app.pageCache.invalidate()
      for (let i = 0; i < 2; i++) {
        const res = await c.plain2.get('/posts/drafts')
        assert.match(res.body, /Zqheld post/)
        assert.notEqual(res.headers['x-cache'], 'shared')
      }
      await t.db.updateTable('posts').set({ published_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', held.id).execute()
      assert.doesNotMatch((await c.plain2.get('/posts/drafts')).body, /Zqheld post/)
    })

    test('/notifications: kept for its reader alone, even for readers with none; a notice written (by a request or a job) or read shows at once', async () => {
      await c.plain1.get('/notifications')
      const none = await c.plain2.get('/notifications')
      assert.notEqual(none.headers['x-cache'], 'shared', 'never another reader’s, even empty')
      const again = await c.plain2.get('/notifications')
      assert.equal(again.headers['x-cache'], 'shared', 'kept for its reader')
      assert.match(String(again.headers['cache-control']), /\bprivate\b/)
      assert.match(again.body, new RegExp(`/people/${people.plain2.handle}"`))
      assert.doesNotMatch(again.body, new RegExp(people.plain1.handle))
      // A comment on the host's post notifies the host, in the request's transaction.
      const post = await makePost(t.app.db, people.host.id, { title: 'Zqnoticed post' })
      await c.host.get('/notifications')
      assert.equal((await c.host.get('/notifications')).headers['x-cache'], 'shared')
      assert.equal((await c.plain2.submit(`/posts/${post.slug}`, { comment: 'Zqcomment words' }, `/posts/${post.slug}/comments`)).statusCode, 303)
      const told = await c.host.get('/notifications')
      assert.match(told.body, /Zqnoticed post/)
      assert.match(told.body, /Unread/)
      // Written by a job (the fan-out's notify, in its own transaction, no request): shown at the next request.
      await c.host.get('/notifications')
      await t.app.db.transaction().execute((trx) => notify(trx, [{ userId: people.host.id, kind: 'followed', text: 'Zqjob notice', url: '/posts', spaceId: null }]))
      assert.match((await c.host.get('/notifications')).body, /Zqjob notice/)
      assert.doesNotMatch((await c.plain2.get('/notifications')).body, /Zqjob notice|Zqnoticed/)
      const read = await c.host.submit('/notifications', {}, '/notifications/read-all')
      assert.equal(read.statusCode, 303)
      const after = await c.host.get('/notifications')
      assert.match(after.body, /Zqjob notice/)
      assert.doesNotMatch(after.body, /Unread/)
    })
  })
}
