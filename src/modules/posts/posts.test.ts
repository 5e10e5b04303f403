import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, textOf } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { ANONYMOUS } from '../../core/access/policy.ts'
import { createSpace, setMembership } from '../../core/access/spaces.ts'
import { searchDocuments } from '../../core/search/search.ts'
import type { FastifyRequest } from 'fastify'
import { postsModule } from './index.ts'
import { findPostBySlug } from './posts.queries.ts'
import { makePost } from './posts.test.support.ts'
import { wholeSitemap } from '../../../test/support/sitemap.ts'

const FORM = {
  title: '',
  summary: '',
  body: '',
  learned: '',
  tags: '',
  series: '',
  newSeries: '',
  coauthors: '',
  project: '',
  organisation: '',
  community: '',
  publish: 'publish',
  publishAt: '',
}

for (const dialect of testDialects()) {
  describe(`posts on ${dialect}`, () => {
    let t: TestApp
    let author: TestUser
    let coauthor: TestUser
    let other: TestUser
    let client: TestClient
    let anon: TestClient
    let otherClient: TestClient

    before(async () => {
      t = await buildTestApp(dialect)
      author = await createUser(t.app.db, { name: 'Ada Author' })
      coauthor = await createUser(t.app.db, { name: 'Cole Coauthor' })
      other = await createUser(t.app.db, { name: 'Olu Other' })
      client = new TestClient(t.app)
      await signInAs(t.app.db, client, author.id)
      otherClient = new TestClient(t.app)
      await signInAs(t.app.db, otherClient, other.id)
      anon = new TestClient(t.app)
    })
    after(async () => t.close())

    const panel = (actor: { userId: string | null; isAdmin: boolean }, type: string, subject: { id: string; slug: string }) =>
      postsModule.panels![type]!({ server: t.app, actor } as unknown as FastifyRequest, subject)

    test('the new post form needs a signed-in person and has one h1', async () => {
      const res = await anon.get('/posts/new')
      assert.equal(res.statusCode, 303)
      assert.match(res.headers.location as string, /^\/sign-in\?next=%2Fposts%2Fnew/)
      const page = await client.get('/posts/new')
      assert.equal(page.statusCode, 200)
      assert.equal(page.body.match(/<h1/g)?.length, 1)
      assert.match(page.body, /<title>Write a post – Openly<\/title>/)
      assert.match(page.body, /data-live-preview="preview-pane"/)
      assert.match(page.body, /data-preview-source/)
    })

    test('publishing through the form shows the post to everyone, in lists, API, feeds and search', async () => {
      const res = await client.submit('/posts/new', { ...FORM, title: 'Mapping the bin rounds', body: 'We walked **every** round with the crews. Zanzibarish detail.', learned: 'Crews know best.', tags: 'User Research, open data', publish: 'publish' })
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/posts/mapping-the-bin-rounds')
      const page = await anon.get('/posts/mapping-the-bin-rounds')
      assert.equal(page.statusCode, 200)
      assert.equal(page.body.match(/<h1/g)?.length, 1)
      assert.match(page.body, /<strong>every<\/strong>/)
      assert.match(page.body, /What we learned/)
      assert.match(page.body, /href="\/tags\/user-research"/)
      assert.match(page.body, new RegExp(`href="/people/${author.handle}">Ada Author`))
      assert.match(page.body, /Sign in to comment/)
      assert.match((await anon.get('/posts')).body, /Mapping the bin rounds/)
      assert.match((await anon.get('/tags/user-research')).body, /Mapping the bin rounds/)
      assert.equal((await anon.get('/tags/User-Research')).statusCode, 301)
      const api = (await anon.get('/api/v1/posts/mapping-the-bin-rounds')).json()
      assert.equal(api.url, 'http://openly.test/posts/mapping-the-bin-rounds')
      assert.deepEqual(api.tags, ['open-data', 'user-research'])
      const search = await searchDocuments(t.app.db, dialect, ANONYMOUS, 'zanzibarish')
      assert.equal(search.hits[0]?.url, '/posts/mapping-the-bin-rounds')
      assert.match(await wholeSitemap((url) => anon.get(url)), /\/posts\/mapping-the-bin-rounds/)
      assert.match((await anon.get(`/people/${author.handle}/feed.rss`)).body, /Mapping the bin rounds/)
    })

    test('validation errors re-render with 422, the error summary and the input kept; nothing is saved', async () => {
      const before = await t.db.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{ title: '', body: 'Kept body text' }, /Enter title/],
        [{ title: 'x'.repeat(151), body: 'Kept body text' }, /Title must be 150 characters or fewer/],
        [{ title: 'Fine', body: 'y'.repeat(50_001) }, /Post must be 50000 characters or fewer/],
        [{ title: 'Fine', body: 'Kept body text', tags: Array.from({ length: 11 }, (_, i) => `t${i}`).join(',') }, /Tags: enter 10 or fewer/],
        [{ title: 'Fine', body: 'Kept body text', tags: 'z'.repeat(31) }, /Tags: each must be 30 characters or fewer/],
        [{ title: 'Fine', body: 'Kept body text', coauthors: 'nobody-by-this-name' }, /There is no one with the handle nobody-by-this-name/],
        [{ title: 'Fine', body: 'Kept body text', publish: 'schedule', publishAt: '2001-01-01T10:00' }, /must be in the future/],
        [{ title: 'Fine', body: 'Kept body text', publish: 'schedule', publishAt: 'not a date' }, /must be a real date and time/],
        [{ title: 'Fine', body: 'Kept body text', series: 'not-my-series' }, /Select a series from the list/],
        [{ title: 'Fine', body: 'Kept body text', community: 'not-a-space' }, /Select a community you are a member of/],
      ]
      for (const [fields, message] of cases) {
        const res = await client.submit('/posts/new', { ...FORM, ...fields })
        assert.equal(res.statusCode, 422, JSON.stringify(fields).slice(0, 80))
        assert.match(res.body, /govuk-error-summary/)
        assert.match(res.body, message)
        assert.match(res.body, /<title>Error: Write a post/)
        if (fields.body === 'Kept body text') assert.match(res.body, /Kept body text<\/textarea>/)
      }
      const afterCount = await t.db.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      assert.equal(Number(afterCount.n), Number(before.n))
    })

    test('preview without JavaScript renders the body and keeps every field; nothing is saved', async () => {
      const res = await client.submit('/posts/new', { ...FORM, title: 'Preview me', body: 'Some *emphasis* here <script>alert(1)</script>', tags: 'ai', learned: 'Keep this', publish: 'draft', action: 'preview' })
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /<em>emphasis<\/em>/)
      assert.doesNotMatch(res.body, /<script>alert/)
      assert.match(res.body, /value="Preview me"/)
      assert.match(res.body, /Keep this<\/textarea>/)
      assert.match(res.body, /value="ai"/)
      assert.equal(await findPostBySlug(t.app.db, 'preview-me'), null)
    })

    test('POST /preview returns the sanitised fragment for signed-in people only', async () => {
      const page = await client.get('/posts/new')
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!
      const res = await client.post('/preview', { body: '**hi** <img src=x onerror=alert(1)> [x](javascript:alert(1))', _csrf: token })
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /<strong>hi<\/strong>/)
      assert.doesNotMatch(res.body, /<img|href="javascript/i)
      const noToken = await client.post('/preview', { body: 'x' })
      assert.equal(noToken.statusCode, 403)
      // With a valid CSRF token (from any form), so the refusal is the sign-in check, not the token check.
      const anonToken = /name="_csrf" value="([^"]+)"/.exec((await anon.get('/sign-in')).body)![1]!
      const anonRes = await anon.post('/preview', { body: 'x', _csrf: anonToken })
      assert.equal(anonRes.statusCode, 401)
    })

    test('a draft is visible only to its authors: page, API, lists, feeds, tags, panels, search, sitemap', async () => {
      const res = await client.submit('/posts/new', { ...FORM, title: 'Secret draft plans', body: 'Quixotical draft text', tags: 'drafty-tag', coauthors: coauthor.handle, publish: 'draft' })
      assert.equal(res.statusCode, 303)
      const url = res.headers.location as string
      assert.equal(url, '/posts/secret-draft-plans')
      const own = await client.get(url)
      assert.equal(own.statusCode, 200)
      assert.match(own.body, /Draft — only you can see this/)
      const coClient = new TestClient(t.app)
      await signInAs(t.app.db, coClient, coauthor.id)
      assert.equal((await coClient.get(url)).statusCode, 200)
      assert.equal((await coClient.get(`${url}/edit`)).statusCode, 200)
      assert.match((await coClient.get('/posts/drafts')).body, /Secret draft plans/)
      assert.match((await client.get('/posts/drafts')).body, /Secret draft plans/)

      for (const c of [anon, otherClient]) {
        assert.equal((await c.get(url)).statusCode, 404)
        assert.equal((await c.get(`${url}/edit`)).statusCode, c === anon ? 303 : 404)
        const api = await c.get('/api/v1/posts/secret-draft-plans')
        assert.equal(api.statusCode, 404)
        assert.match(api.headers['content-type'] as string, /application\/problem\+json/)
        assert.doesNotMatch((await c.get('/api/v1/posts')).body, /Secret draft/)
        assert.doesNotMatch((await c.get('/posts')).body, /Secret draft/)
        assert.equal((await c.get('/tags/drafty-tag')).statusCode, 404)
        assert.equal((await c.get('/tags/drafty-tag/feed.rss')).statusCode, 404)
        for (const feed of ['/feed.rss', '/feed.atom', '/feed.json', '/posts/feed.rss', `/people/${author.handle}/feed.atom`, `/people/${coauthor.handle}/feed.json`]) {
          assert.doesNotMatch((await c.get(feed)).body, /Secret draft|Quixotical/, feed)
        }
      }
      assert.equal((await otherClient.get(`${url}/edit`)).statusCode, 404)
      assert.doesNotMatch(await panel(ANONYMOUS, 'person', { id: author.id, slug: author.handle }), /Secret draft/)
      assert.doesNotMatch(await panel({ userId: other.id, isAdmin: false }, 'person', { id: author.id, slug: author.handle }), /Secret draft/)
      assert.equal((await searchDocuments(t.app.db, dialect, ANONYMOUS, 'quixotical')).total, 0)
      assert.equal((await searchDocuments(t.app.db, dialect, { userId: other.id, isAdmin: false }, 'quixotical')).total, 0)
      // Drafts are their authors' alone: search (which lists no drafts) does not show one even to a platform admin.
      assert.equal((await searchDocuments(t.app.db, dialect, { userId: other.id, isAdmin: true }, 'quixotical')).total, 0)
      assert.doesNotMatch(await wholeSitemap((url) => anon.get(url)), /secret-draft-plans|drafty-tag/)

      // The co-author edits and publishes: now everyone sees it, with both authors credited.
      const edit = await coClient.submit(`${url}/edit`, { ...FORM, title: 'Secret draft plans', body: 'Quixotical draft text, now public', tags: 'drafty-tag', coauthors: coauthor.handle, publish: 'publish' })
      assert.equal(edit.statusCode, 303)
      const pub = await anon.get(url)
      assert.equal(pub.statusCode, 200)
      assert.match(textOf(pub.body), /By Ada Author and Cole Coauthor/)
      assert.equal((await anon.get('/tags/drafty-tag')).statusCode, 200)
      assert.equal((await searchDocuments(t.app.db, dialect, ANONYMOUS, 'quixotical')).total, 1)
      const row = await findPostBySlug(t.app.db, 'secret-draft-plans')
      assert.equal(row!.author_id, author.id, 'the primary author stays the primary author')
    })

    test('a scheduled post stays hidden until its time, then appears everywhere without a job', async () => {
      const future = await makePost(t.app.db, author.id, { title: 'Far future post', body: 'Xylophonic future', tags: ['futures'], publish: 'schedule', publishAt: new Date(Date.now() + 7 * 86400_000).toISOString() })
      // Through the form (a full ISO time is accepted), so the page cache learns when it is due.
      const res = await client.submit('/posts/new', { ...FORM, title: 'Very soon post', body: 'Marmalading soon', tags: 'soonish', publish: 'schedule', publishAt: new Date(Date.now() + 1500).toISOString() })
      assert.equal(res.statusCode, 303)
      const soon = (await findPostBySlug(t.app.db, 'very-soon-post'))!
      for (const p of [future, soon]) {
        assert.equal((await anon.get(`/posts/${p.slug}`)).statusCode, 404)
        assert.equal((await otherClient.get(`/posts/${p.slug}`)).statusCode, 404)
        assert.equal((await anon.get(`/api/v1/posts/${p.slug}`)).statusCode, 404)
      }
      const own = await client.get(`/posts/${future.slug}`)
      assert.equal(own.statusCode, 200)
      assert.match(own.body, /Scheduled for/)
      assert.match((await client.get('/posts/drafts')).body, /Far future post/)
      assert.doesNotMatch((await anon.get('/feed.atom')).body, /Very soon post/)
      assert.equal((await anon.get('/tags/soonish')).statusCode, 404)
      assert.equal((await searchDocuments(t.app.db, dialect, ANONYMOUS, 'marmalading')).total, 0)
      await new Promise((r) => setTimeout(r, 1700))
      assert.equal((await anon.get(`/posts/${soon.slug}`)).statusCode, 200)
      assert.match((await anon.get('/feed.atom')).body, /Very soon post/)
      assert.equal((await anon.get('/tags/soonish')).statusCode, 200)
      assert.match((await anon.get('/posts')).body, /Very soon post/)
      assert.equal((await searchDocuments(t.app.db, dialect, ANONYMOUS, 'marmalading')).total, 1)
      assert.equal((await anon.get(`/posts/${future.slug}`)).statusCode, 404)
      assert.doesNotMatch(await wholeSitemap((url) => anon.get(url)), /far-future-post/)
    })

    test('scheduling through the form', async () => {
      const at = new Date(Date.now() + 3 * 86400_000).toISOString().slice(0, 16)
      const res = await client.submit('/posts/new', { ...FORM, title: 'Scheduled by form', body: 'Later', publish: 'schedule', publishAt: at })
      assert.equal(res.statusCode, 303)
      const row = await findPostBySlug(t.app.db, 'scheduled-by-form')
      assert.equal(row!.published_at, `${at}:00.000Z`)
      assert.equal((await anon.get('/posts/scheduled-by-form')).statusCode, 404)
      const edit = await client.get('/posts/scheduled-by-form/edit')
      assert.match(edit.body, new RegExp(`value="${at}"`))
    })

    test('XSS in title, body and comments is escaped or removed on the page and in feeds', async () => {
      const p = await makePost(t.app.db, author.id, { title: '<script>alert("t")</script> Evil title', body: 'Hi <img src=x onerror=alert(1)> [click](javascript:alert(2)) <script>alert(3)</script>', tags: ['xss-check'] })
      const commentRes = await otherClient.submit(`/posts/${p.slug}`, { comment: '<script>alert(4)</script> **nice** <a href="javascript:alert(5)">x</a>' }, `/posts/${p.slug}/comments`)
      assert.equal(commentRes.statusCode, 303)
      const page = await anon.get(`/posts/${p.slug}`)
      assert.equal(page.statusCode, 200)
      assert.doesNotMatch(page.body, /<script>alert|<img[^>]*onerror|<a[^>]*href="javascript:/i)
      assert.match(page.body, /&lt;script&gt;alert\(&quot;t&quot;\)&lt;\/script&gt; Evil title/)
      assert.match(page.body, /<strong>nice<\/strong>/)
      for (const f of ['rss', 'atom', 'json']) {
        const feed = await anon.get(`/tags/xss-check/feed.${f}`)
        assert.equal(feed.statusCode, 200)
        if (f === 'json') {
          const item = feed.json().items[0]
          assert.equal(item.title, '<script>alert("t")</script> Evil title', 'JSON Feed titles are plain text')
          assert.doesNotMatch(item.content_html, /<script|<img|<a[^>]*href="javascript:/i)
        } else {
          // Whatever a reader does with CDATA and type="html", no live markup comes out of it.
          const unwrapped = feed.body.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
          assert.doesNotMatch(unwrapped, /<script|<img|<a[^>]*href="javascript:/i, f)
          assert.match(unwrapped, /&lt;script&gt;alert\(&quot;t&quot;\)&lt;\/script&gt; Evil title/, f)
        }
      }
    })

    test('comments: empty is an error, a comment notifies every author, anonymous readers are asked to sign in', async () => {
      const p = await makePost(t.app.db, author.id, { title: 'Talk to us', body: 'Comments welcome', coauthors: [coauthor.handle] })
      const empty = await otherClient.submit(`/posts/${p.slug}`, { comment: '   ' }, `/posts/${p.slug}/comments`)
      assert.equal(empty.statusCode, 422)
      assert.match(empty.body, /govuk-error-summary/)
      assert.match(empty.body, /Enter comment/)
      const long = await otherClient.submit(`/posts/${p.slug}`, { comment: 'w'.repeat(5001) }, `/posts/${p.slug}/comments`)
      assert.equal(long.statusCode, 422)
      assert.match(long.body, /Comment must be 5000 characters or fewer/)
      const ok = await otherClient.submit(`/posts/${p.slug}`, { comment: 'Great work, thank you' }, `/posts/${p.slug}/comments`)
      assert.equal(ok.statusCode, 303)
      assert.match(ok.headers.location as string, new RegExp(`^/posts/${p.slug}#comment-`))
      const notes = await t.db.selectFrom('notifications').select(['user_id', 'kind', 'url', 'text']).where('url', 'like', `/posts/${p.slug}%`).execute()
      assert.deepEqual(notes.map((n) => n.user_id).sort(), [author.id, coauthor.id].sort())
      assert.ok(notes.every((n) => n.kind === 'comment' && n.text.includes('Olu Other')))
      const page = await anon.get(`/posts/${p.slug}`)
      assert.match(page.body, /Great work, thank you/)
      // Commenting on your own post notifies the co-author only.
      await client.submit(`/posts/${p.slug}`, { comment: 'Thanks!' }, `/posts/${p.slug}/comments`)
      const after = await t.db.selectFrom('notifications').select('user_id').where('url', 'like', `/posts/${p.slug}%`).execute()
      assert.equal(after.filter((n) => n.user_id === author.id).length, 1)
      assert.equal(after.filter((n) => n.user_id === coauthor.id).length, 2)
    })

    test('series number posts automatically and link previous and next', async () => {
      const first = await client.submit('/posts/new', { ...FORM, title: 'Weeknotes one', body: 'One', newSeries: 'Weeknotes' })
      assert.equal(first.statusCode, 303)
      const seriesId = (await findPostBySlug(t.app.db, 'weeknotes-one'))!.series_id!
      const second = await client.submit('/posts/new', { ...FORM, title: 'Weeknotes two', body: 'Two', series: seriesId })
      assert.equal(second.statusCode, 303)
      const row = await findPostBySlug(t.app.db, 'weeknotes-two')
      assert.equal(Number(row!.series_number), 2)
      const page = await anon.get('/posts/weeknotes-two')
      assert.match(page.body, /Weeknotes 2/)
      assert.match(page.body, /href="\/posts\/weeknotes-one"/)
      // Someone else cannot add to a series that is not theirs.
      const stolen = await otherClient.submit('/posts/new', { ...FORM, title: 'Not yours', body: 'x', series: seriesId })
      assert.equal(stolen.statusCode, 422)
    })

    test('posts in a private community are invisible outside it, feeds included', async () => {
      const spaceId = await createSpace(t.app.db, { kind: 'community', visibility: 'members', name: 'Quiet Room', path: '/communities/quiet-room' })
      await setMembership(t.app.db, spaceId, author.id, 'member', 'active')
      const form = await client.get('/posts/new')
      assert.match(form.body, /Quiet Room/)
      const res = await client.submit('/posts/new', { ...FORM, title: 'Members only musing', body: 'Obsidianous members text', community: spaceId, tags: 'quiet-tag' })
      assert.equal(res.statusCode, 303)
      assert.equal((await client.get('/posts/members-only-musing')).statusCode, 200)
      assert.match((await client.get('/communities/quiet-room/feed.rss')).body, /Members only musing/)
      for (const c of [anon, otherClient]) {
        assert.equal((await c.get('/posts/members-only-musing')).statusCode, 404)
        assert.equal((await c.get('/communities/quiet-room/feed.rss')).statusCode, 404)
        assert.equal((await c.get('/tags/quiet-tag')).statusCode, 404)
        assert.doesNotMatch((await c.get('/feed.json')).body, /Members only/)
      }
      assert.equal((await searchDocuments(t.app.db, dialect, ANONYMOUS, 'obsidianous')).total, 0)
      assert.equal((await searchDocuments(t.app.db, dialect, { userId: author.id, isAdmin: false }, 'obsidianous')).total, 1)
      assert.doesNotMatch(await wholeSitemap((url) => anon.get(url)), /members-only-musing/)
    })

    test('moderation hides a post from readers and search, and restores it', async () => {
      const p = await makePost(t.app.db, author.id, { title: 'Hide me please', body: 'Pterodactylic content' })
      await t.app.db.transaction().execute((trx) => postsModule.moderation!.post!.setHidden(trx, p.id, true))
      t.app.pageCache.invalidate()
      assert.equal((await anon.get(`/posts/${p.slug}`)).statusCode, 404)
      assert.equal((await client.get(`/posts/${p.slug}`)).statusCode, 200, 'the author still sees it')
      assert.equal((await searchDocuments(t.app.db, dialect, ANONYMOUS, 'pterodactylic')).total, 0)
      const loaded = await postsModule.moderation!.post!.load(t.app.db, p.id)
      assert.ok(loaded?.hiddenAt)
      await t.app.db.transaction().execute((trx) => postsModule.moderation!.post!.setHidden(trx, p.id, false))
      t.app.pageCache.invalidate()
      assert.equal((await anon.get(`/posts/${p.slug}`)).statusCode, 200)
      assert.equal((await searchDocuments(t.app.db, dialect, ANONYMOUS, 'pterodactylic')).total, 1)
    })

    test('posts attach to a project and organisation: choices, links, timelines and feeds', async () => {
      const t0 = new Date().toISOString()
      await t.db.insertInto('projects').values({ id: 'proj-1', slug: 'river-data', name: 'River data', summary: 'Open river levels', problem: '', audience: '', phase: 'alpha', looking_for: '', country_code: '', confirmed_at: null, revision: 0, space_id: null, hidden_at: null, created_by: author.id, created_at: t0, updated_at: t0 }).execute()
      await t.db.insertInto('project_members').values({ project_id: 'proj-1', user_id: author.id, role: 'Developer', created_at: t0 }).execute()
      await t.db.insertInto('organisations').values({ id: 'org-1', slug: 'river-council', name: 'River Council', type: 'local government', country: 'United Kingdom', country_code: 'GB', region: '', region_code: '', website: '', website_domain: '', identifier: '', website_check_due: null, website_checked_at: null, website_failures: 0, website_result: '', description: '', confirmed_at: null, space_id: null, hidden_at: null, created_by: author.id, created_at: t0, updated_at: t0 }).execute()
      // A post shows on the project's and organisation's pages: only their team and members may attach one.
      const outsider = await client.submit('/posts/new', { ...FORM, title: 'Speaking for the council', body: 'Not mine to say', organisation: 'river-council' })
      assert.equal(outsider.statusCode, 422)
      assert.match(outsider.body, /Select an organisation you are a member of/)
      assert.match(outsider.body, /Not mine to say/)
      await t.db.insertInto('organisation_members').values({ organisation_id: 'org-1', user_id: author.id, role: 'member', created_at: t0 }).execute()
      const form = await client.get('/posts/new')
      assert.match(form.body, /<option value="river-data">River data<\/option>/)
      const res = await client.submit('/posts/new', { ...FORM, title: 'River levels go live', body: 'Levels every 15 minutes', project: 'river-data', organisation: 'river-council' })
      assert.equal(res.statusCode, 303)
      const draft = await client.submit('/posts/new', { ...FORM, title: 'River draft', body: 'Not yet', project: 'river-data', organisation: 'river-council', publish: 'draft' })
      assert.equal(draft.statusCode, 303)
      const page = await anon.get('/posts/river-levels-go-live')
      assert.match(page.body, /href="\/projects\/river-data">River data/)
      assert.match(page.body, /href="\/organisations\/river-council">River Council/)
      for (const [type, id, slug] of [['project', 'proj-1', 'river-data'], ['organisation', 'org-1', 'river-council']] as const) {
        const html = await panel(ANONYMOUS, type, { id, slug })
        assert.match(html, /River levels go live/)
        assert.doesNotMatch(html, /River draft/)
        const feed = await anon.get(`/${type === 'project' ? 'projects' : 'organisations'}/${slug}/feed.json`)
        assert.equal(feed.statusCode, 200)
        assert.deepEqual(feed.json().items.map((i: any) => i.title), ['River levels go live'])
      }
      const own = await panel({ userId: author.id, isAdmin: false }, 'project', { id: 'proj-1', slug: 'river-data' })
      assert.doesNotMatch(own, /River draft/, 'timelines list published posts only')
      assert.match((await anon.get('/posts?project=river-data')).body, /River levels go live/)
      assert.equal((await anon.get('/posts?project=no-such-project')).statusCode, 404)
      const api = (await anon.get('/api/v1/posts?project=river-data')).json()
      assert.deepEqual(api.items.map((i: any) => i.project.slug), ['river-data'])
      const bad = await client.submit('/posts/new', { ...FORM, title: 'Bad project', body: 'x', project: 'not-a-project' })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /Select a project whose team you are on/)
      // A hidden project's feed is gone for readers.
      await t.db.updateTable('projects').set({ hidden_at: t0 }).where('id', '=', 'proj-1').execute()
      t.app.pageCache.invalidate()
      assert.equal((await anon.get('/projects/river-data/feed.rss')).statusCode, 404)
    })

    test('unknown slugs and tags are 404', async () => {
      assert.equal((await anon.get('/posts/no-such-post')).statusCode, 404)
      assert.equal((await anon.get('/api/v1/posts/no-such-post')).statusCode, 404)
      assert.equal((await anon.get('/tags/never-used')).statusCode, 404)
      assert.equal((await anon.get('/people/nobody-here/feed.rss')).statusCode, 404)
      assert.equal((await anon.get('/api/v1/posts?author=nobody-here')).statusCode, 404)
      assert.equal((await anon.get('/communities/nowhere/feed.rss')).statusCode, 404)
    })
  })
}
