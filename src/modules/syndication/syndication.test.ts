import { test, describe, before, after, beforeEach } from 'node:test'
import { jobRun } from '../../core/jobs/jobs.ts'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { FeedServer } from '../../../test/support/feed-server.ts'
import { fetchFeed, FeedFetchError, isPrivateAddress } from './fetch.ts'
import { pollFeed, POLL_INTERVAL_MS } from './poll.ts'
import { pollDueJob } from './syndication.jobs.ts'

const HOUR = 3_600_000
const settings = { allowPrivate: true, timeoutMs: 500 }

for (const dialect of testDialects()) {
  describe(`feeds in on ${dialect}`, () => {
    let t: TestApp
    let feeds: FeedServer
    let owner: TestUser
    let client: TestClient
    let other: TestClient

    before(async () => {
      // Jobs off: these tests poll by hand (the scheduled poll has its own test below).
      t = await buildTestApp(dialect, { config: { syndicationAllowPrivate: true, jobs: { run: false, pollMs: 100 } } })
      feeds = await new FeedServer().start()
      owner = await createUser(t.db, { name: 'Ada Author' })
      client = new TestClient(t.app)
      await signInAs(t.db, client, owner.id)
      other = new TestClient(t.app)
      await signInAs(t.db, other, (await createUser(t.db)).id)
    })
    after(async () => {
      await feeds?.stop()
      await t?.close()
    })
    beforeEach(() => {
      feeds.entries = []
      feeds.requests = []
    })

    async function register(path: string, fields: Record<string, string> = {}): Promise<string> {
      const res = await client.submit('/syndication', { url: `${feeds.base}${path}`, project: '', auto_import: 'true', ...fields })
      assert.equal(res.statusCode, 303, res.body.slice(0, 300))
      return /^\/syndication\/([^/?]+)/.exec(res.headers.location as string)![1]!
    }
    const feedRow = (id: string) => t.db.selectFrom('syndicated_feeds').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    const postsFrom = (link: string) => t.db.selectFrom('post_sources').select('post_id').where('canonical_url', '=', link).execute()

    test('the back catalogue waits to be picked; a picked entry becomes a post credited to its source, sanitised, once', async () => {
      const first = feeds.publish({ id: 'one', title: 'How we run show and tells', html: '<p>We show <strong>real</strong> work.</p><script>alert(1)</script><img src="x" onerror="alert(2)">', published: '2026-10-01T09:00:00.000Z' })
      feeds.publish({ id: 'two', title: 'Our research consent form', published: '2026-10-08T09:00:00.000Z' })
      const id = await register('/blog.atom')
      assert.equal((await pollFeed(t.app.db, settings, id)).outcome, 'updated')
      const page = await client.get(`/syndication/${id}`)
      assert.match(page.body, /How we run show and tells/)
      assert.match(page.body, /2 posts wait for you to choose/)
      assert.equal((await postsFrom(first.link)).length, 0)
      const item = await t.db.selectFrom('syndicated_items').select('id').where('link', '=', first.link).executeTakeFirstOrThrow()
      const token = csrfTokenIn(page.body)!
      // Two clicks at once: one post.
      await Promise.all([client.post(`/syndication/${id}/entries`, { _csrf: token, action: 'import', entries: [item.id] }), client.post(`/syndication/${id}/entries`, { _csrf: token, action: 'import', entries: [item.id] })])
      const posts = await postsFrom(first.link)
      assert.equal(posts.length, 1)
      const post = await t.db.selectFrom('posts').selectAll().where('id', '=', posts[0]!.post_id).executeTakeFirstOrThrow()
      assert.equal(post.published_at, '2026-10-01T09:00:00.000Z')
      assert.equal(post.author_id, owner.id)
      const shown = await t.app.inject({ url: `/posts/${post.slug}` })
      assert.equal(shown.statusCode, 200)
      assert.match(shown.body, /Originally published by Ada Author at <a class="govuk-link" href="https:\/\/blog.example\/one"/)
      assert.match(shown.body, /<link rel="canonical" href="https:\/\/blog.example\/one">/)
      assert.match(shown.body, /We show <strong>real<\/strong> work/)
      assert.doesNotMatch(shown.body, /alert\(|onerror/)
      // The same feed read again (unchanged: a 304) imports nothing more.
      await t.db.updateTable('syndicated_feeds').set({ next_poll_at: new Date().toISOString() }).where('id', '=', id).execute()
      assert.equal((await pollFeed(t.app.db, settings, id)).outcome, 'not_modified')
      assert.ok(feeds.requests.at(-1)!.headers['if-none-match'], 'a conditional GET')
      assert.equal((await postsFrom(first.link)).length, 1)
    })

    test('entries published after registration are imported on their own when asked; polls are an hour apart, longer if Cache-Control says', async () => {
      const id = await register('/long-max-age.atom')
      feeds.publish({ id: 'old', title: 'Before registering', published: '2020-01-01T00:00:00.000Z' })
      const at = Date.now()
      await pollFeed(t.app.db, settings, id, at)
      assert.equal((await feedRow(id)).next_poll_at, new Date(at + 3 * HOUR).toISOString())
      const fresh = feeds.publish({ id: 'new', title: 'After registering' })
      await pollFeed(t.app.db, settings, id, at + 3 * HOUR)
      assert.equal((await postsFrom(fresh.link)).length, 1)
      assert.equal((await postsFrom('https://blog.example/old')).length, 0)
    })

    test('a feed that changes its GUIDs, or is read twice, imports each post once (JSON Feed too)', async () => {
      feeds.publish({ id: 'g1', title: 'GUID one', published: '2020-01-01T00:00:00.000Z' })
      const rss = await register('/changing-guids.rss')
      const json = await register('/feed.json')
      for (let i = 0; i < 3; i++) for (const id of [rss, json]) await pollFeed(t.app.db, settings, id, Date.now() + i * 2 * HOUR)
      for (const id of [rss, json]) assert.equal((await t.db.selectFrom('syndicated_items').select('id').where('feed_id', '=', id).execute()).length, 1)
    })

    test('errors back off exponentially, Retry-After is respected, and after five failures the feed stops and its owner is told', async () => {
      const id = await register('/broken')
      let at = Date.now()
      const waits: number[] = []
      for (let i = 0; i < 5; i++) {
        const { outcome } = await pollFeed(t.app.db, settings, id, at)
        const row = await feedRow(id)
        assert.equal(outcome, i < 4 ? 'failed' : 'stopped')
        waits.push((Date.parse(row.next_poll_at) - at) / 60_000)
        at = Date.parse(row.next_poll_at)
      }
      assert.deepEqual(waits, [15, 30, 60, 120, 240])
      const row = await feedRow(id)
      assert.equal(row.status, 'stopped')
      assert.match(row.last_error, /HTTP 500/)
      assert.equal((await pollFeed(t.app.db, settings, id, at)).outcome, 'skipped')
      const note = await t.db.selectFrom('notifications').select(['text', 'url']).where('user_id', '=', owner.id).where('kind', '=', 'feed_stopped').executeTakeFirstOrThrow()
      assert.equal(note.url, `/syndication/${id}`)
      const busy = await register('/busy')
      const now = Date.now()
      await pollFeed(t.app.db, settings, busy, now)
      assert.equal((await feedRow(busy)).next_poll_at, new Date(now + 2 * HOUR).toISOString())
      assert.ok(POLL_INTERVAL_MS === HOUR)
    })

    test('malformed XML, a slow server and a missing feed are failures with a reason, never a crash', async () => {
      for (const [path, reason] of [['/malformed', /not an RSS, Atom or JSON feed/], ['/slow', /No answer within/], ['/nowhere', /HTTP 404/]] as const) {
        const id = await register(path)
        assert.equal((await pollFeed(t.app.db, settings, id)).outcome, 'failed')
        assert.match((await feedRow(id)).last_error, reason)
      }
    })

    test('the owner pauses, resumes and removes a feed; nobody else sees or manages it', async () => {
      const id = await register('/redirect-to-blog')
      assert.equal((await other.get(`/syndication/${id}`)).statusCode, 404)
      const page = await client.get(`/syndication/${id}`)
      const token = csrfTokenIn(page.body)!
      assert.equal((await other.post(`/syndication/${id}/pause`, { _csrf: csrfTokenIn((await other.get('/syndication')).body)! })).statusCode, 404)
      assert.equal((await client.post(`/syndication/${id}/pause`, { _csrf: token })).statusCode, 303)
      assert.equal((await pollFeed(t.app.db, settings, id)).outcome, 'skipped')
      await client.post(`/syndication/${id}/resume`, { _csrf: token })
      feeds.publish({ id: 'r', title: 'Through a redirect' })
      assert.equal((await pollFeed(t.app.db, settings, id)).outcome, 'updated')
      assert.equal((await client.post(`/syndication/${id}/delete`, { _csrf: token })).statusCode, 303)
      assert.equal((await client.get(`/syndication/${id}`)).statusCode, 404)
    })

    test('a member registers a feed for a project they are on: its imported posts are the project’s, shown on its page', async () => {
      const made = await client.submit('/projects/new', { name: `Harbour data ${dialect}`, summary: 'Open harbour data.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', lead_organisation: '', partner_organisations: '', links: '', team: '' })
      assert.equal(made.statusCode, 303, made.body.slice(0, 300))
      const slug = /^\/projects\/([^/?]+)/.exec(made.headers.location as string)![1]!
      const project = await t.db.selectFrom('projects').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()
      // Someone not on the project cannot register a feed for it.
      const refused = await other.submit('/syndication', { url: `${feeds.base}/blog.atom?for=project`, project: project.id, auto_import: 'true' })
      assert.equal(refused.statusCode, 422)
      assert.match(refused.body, /Select a project you are on, or none/)
      const entry = feeds.publish({ id: 'harbour', title: `Tide gauge weeknote ${dialect}`, published: '2026-10-02T09:00:00.000Z' })
      const id = await register('/blog.atom?for=project', { project: project.id })
      assert.equal((await pollFeed(t.app.db, settings, id)).outcome, 'updated')
      const item = await t.db.selectFrom('syndicated_items').select('id').where('link', '=', entry.link).executeTakeFirstOrThrow()
      const page = await client.get(`/syndication/${id}`)
      assert.equal((await client.post(`/syndication/${id}/entries`, { _csrf: csrfTokenIn(page.body)!, action: 'import', entries: [item.id] })).statusCode, 303)
      const [source] = await postsFrom(entry.link)
      const post = await t.db.selectFrom('posts').select(['project_id', 'author_id']).where('id', '=', source!.post_id).executeTakeFirstOrThrow()
      assert.deepEqual([post.project_id, post.author_id], [project.id, owner.id])
      assert.match((await t.app.inject({ url: `/projects/${slug}` })).body, new RegExp(`Tide gauge weeknote ${dialect}`))
    })

    test('bad input re-renders the form; a second registration of the same feed is refused', async () => {
      const bad = await client.submit('/syndication', { url: 'ftp://example.org/feed', project: 'not-mine' })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /govuk-error-summary/)
      assert.match(bad.body, /value="ftp:\/\/example.org\/feed"/)
      await register('/feed.json?x=1')
      const again = await client.submit('/syndication', { url: `${feeds.base}/feed.json?x=1`, project: '' })
      assert.equal(again.statusCode, 422)
      assert.match(again.body, /already registered this feed/)
    })
  })
}

for (const dialect of testDialects()) {
  describe(`feeds in: the scheduled poll on ${dialect}`, () => {
    test('the repeating job enqueues a poll of each due feed, which the job runner works: the feed is read and its entries recorded', async () => {
      const t = await buildTestApp(dialect, { config: { syndicationAllowPrivate: true } })
      const feeds = await new FeedServer().start()
      try {
        const c = new TestClient(t.app)
        await signInAs(t.db, c, (await createUser(t.db)).id)
        feeds.publish({ id: 'j1', title: 'Read by a job', published: '2026-01-01T00:00:00.000Z' })
        const res = await c.submit('/syndication', { url: `${feeds.base}/blog.atom`, project: '', auto_import: 'true' })
        const id = /^\/syndication\/([^/?]+)/.exec(res.headers.location as string)![1]!
        await pollDueJob.run({}, jobRun(pollDueJob, 'manual', 0, t.app))
        const deadline = Date.now() + 20_000
        while (Date.now() < deadline && !(await t.db.selectFrom('syndicated_feeds').select('polled_at').where('id', '=', id).executeTakeFirstOrThrow()).polled_at) await new Promise((r) => setTimeout(r, 100))
        const items = await t.db.selectFrom('syndicated_items').select(['title', 'state']).where('feed_id', '=', id).execute()
        assert.deepEqual(items.map((i) => ({ ...i })), [{ title: 'Read by a job', state: 'new' }])
      } finally {
        await feeds.stop()
        await t.close()
      }
    })
  })
}

describe('feeds in: addresses on private networks are refused (SSRF)', () => {
  let feeds: FeedServer
  before(async () => {
    feeds = await new FeedServer().start()
  })
  after(async () => feeds.stop())

  test('private, loopback, link-local and mapped addresses are private; public ones are not', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fe80::1', 'fc00::1', '::ffff:127.0.0.1', '0.0.0.0', '100.64.0.1']) assert.ok(isPrivateAddress(a), a)
    for (const a of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']) assert.ok(!isPrivateAddress(a), a)
  })

  test('a name that resolves to loopback is refused where the connection is made; an IP literal too; allowed by the setting', async () => {
    const port = new URL(feeds.base).port
    for (const url of [`http://localhost:${port}/blog.atom`, `${feeds.base}/blog.atom`, `http://[::ffff:127.0.0.1]:${port}/blog.atom`]) {
      await assert.rejects(fetchFeed(url, { allowPrivate: false }), (err: unknown) => err instanceof FeedFetchError && err.refused, url)
    }
    assert.equal(feeds.requests.length, 0, 'no request reached the server')
    assert.equal((await fetchFeed(`http://localhost:${port}/blog.atom`, { allowPrivate: true })).status, 200)
  })

  for (const dialect of testDialects()) {
    test(`registering a private address is refused by the form on ${dialect}`, async () => {
      const t = await buildTestApp(dialect)
      try {
        const c = new TestClient(t.app)
        await signInAs(t.db, c, (await createUser(t.db)).id)
        const res = await c.submit('/syndication', { url: `${feeds.base}/blog.atom`, project: '' })
        assert.equal(res.statusCode, 422)
        assert.match(res.body, /Enter the address of a feed on the public web/)
      } finally {
        await t.close()
      }
    })
  }
})
