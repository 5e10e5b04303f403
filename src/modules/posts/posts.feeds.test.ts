import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, type TestUser } from '../../../test/support/factories.ts'
import { assertWellFormedXml, makePost } from './posts.test.support.ts'
import { parseFeed } from '@rowanmanning/feed-parser'
import { assertJsonFeed11 } from '../../core/feeds/json-feed-rules.test.support.ts'

const BASE = 'http://openly.test'

function assertAbsolute(urls: string[], what: string): void {
  assert.ok(urls.length > 0, `${what}: no URLs`)
  for (const u of urls) assert.match(u, /^http:\/\/openly\.test\//, `${what}: ${u}`)
}

for (const dialect of testDialects()) {
  describe(`posts feeds, API and pagination on ${dialect}`, () => {
    let t: TestApp
    let author: TestUser
    let anon: TestClient

    before(async () => {
      t = await buildTestApp(dialect)
      author = await createUser(t.app.db, { name: 'Fen & "Feeds" <Writer>' })
      anon = new TestClient(t.app)
      // 25 published posts a minute apart, plus a draft: enough for two pages.
      await t.app.db.transaction().execute(async (trx) => {
        for (let i = 1; i <= 25; i++) await makePost(trx, author.id, { title: `Feed post ${String(i).padStart(2, '0')} & more`, body: `Body ${i} with <b>markup</b> & an [absolute link](https://example.org/${i})`, tags: ['feedtag', i % 2 ? 'odd' : 'even'] })
        await makePost(trx, author.id, { title: 'Hidden draft in feeds', body: 'x', tags: ['feedtag'], publish: 'draft' })
      })
      // Give them distinct, ordered publication times.
      const rows = await t.db.selectFrom('posts').select(['id', 'title']).where('status', '=', 'published').execute()
      for (const r of rows) {
        const n = Number(/Feed post (\d+)/.exec(r.title)![1])
        await t.db.updateTable('posts').set({ published_at: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString() }).where('id', '=', r.id).execute()
      }
    })
    after(async () => t.close())

    for (const path of ['', '/posts', '/tags/feedtag', '/people/AUTHOR']) {
      test(`feeds at ${path || '/'} are valid RSS, Atom and JSON Feed with absolute URLs`, async () => {
        const base = path.replace('AUTHOR', author.handle)
        const rss = await anon.get(`${base}/feed.rss`)
        assert.equal(rss.statusCode, 200)
        assert.match(rss.headers['content-type'] as string, /application\/rss\+xml/)
        assertWellFormedXml(rss.body)
        assert.match(rss.body, /<rss[^>]*version="2.0"/)
        const channel = /<channel>([\s\S]*?)<item>/.exec(rss.body)![1]!
        assert.match(channel, /<title>[^<]+<\/title>/)
        assert.match(channel, /<link>http:\/\/openly\.test[^<]*<\/link>/)
        assert.match(channel, /<description>[^<]+<\/description>/)
        const items = rss.body.split('<item>').slice(1)
        assert.equal(items.length, 20, 'the 20 latest')
        for (const item of items) {
          assert.match(item, /<guid[^>]*>http:\/\/openly\.test\/posts\/[^<]+<\/guid>/)
          assert.match(item, /<link>http:\/\/openly\.test\/posts\/[^<]+<\/link>/)
          assert.match(item, /<pubDate>[^<]+<\/pubDate>/)
        }
        assert.match(items[0]!, /Feed post 25/)
        assert.doesNotMatch(rss.body, /Hidden draft/)

        const atom = await anon.get(`${base}/feed.atom`)
        assert.equal(atom.statusCode, 200)
        assertWellFormedXml(atom.body)
        const head = atom.body.split('<entry>')[0]!
        assert.match(head, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom" xml:lang="en">/)
        assert.match(head, /<id>http:\/\/openly\.test[^<]*<\/id>/)
        assert.match(head, /<updated>[^<]+<\/updated>/)
        assert.match(head, /<title type="text">[^<]+<\/title>/)
        assert.match(head, new RegExp(`<link rel="self" type="application/atom\\+xml" href="${BASE}${base}/feed.atom"`))
        const entries = atom.body.split('<entry>').slice(1)
        assert.equal(entries.length, 20)
        for (const e of entries) {
          assert.match(e, /<id>http:\/\/openly\.test\/posts\/[^<]+<\/id>/)
          assert.match(e, /<updated>[^<]+<\/updated>/)
          assert.match(e, /<name>Fen &amp; (&quot;|")Feeds(&quot;|") &lt;Writer&gt;<\/name>/)
        }

        const json = await anon.get(`${base}/feed.json`)
        assert.equal(json.statusCode, 200)
        const feed = json.json()
        assertJsonFeed11(feed)
        assert.equal(feed.language, 'en')
        assert.equal(feed.items.length, 20)
        assertAbsolute([feed.home_page_url, feed.feed_url, ...feed.items.map((i: any) => i.id), ...feed.items.map((i: any) => i.url)], 'json')
        assert.ok(feed.items.every((i: any) => i.content_html && !i.content_html.includes('<b>markup')))
        assert.ok(feed.items[0].tags.includes('feedtag'))
      })
    }

    test('feeds answer 304 to a matching ETag (weak comparison, lists, *) and to If-Modified-Since', async () => {
      const first = await anon.get('/posts/feed.atom')
      const etag = first.headers.etag as string
      assert.ok(etag)
      for (const header of [etag, `W/${etag}`, `"other", W/${etag}`, '*']) {
        const again = await anon.get('/posts/feed.atom', { 'if-none-match': header })
        assert.equal(again.statusCode, 304, header)
        assert.equal(again.body, '')
        assert.equal(again.headers.etag, etag)
      }
      assert.equal((await anon.get('/feed.rss', { 'if-none-match': '"stale"' })).statusCode, 200)
      // Last-Modified is the newest item's update, as the feed's own <updated> says.
      const lastModified = first.headers['last-modified'] as string
      const updated = new Date(/<updated>([^<]+)<\/updated>/.exec(first.body)![1]!)
      assert.equal(lastModified, updated.toUTCString())
      assert.equal((await anon.get('/posts/feed.atom', { 'if-modified-since': lastModified })).statusCode, 304)
      assert.equal((await anon.get('/posts/feed.atom', { 'if-modified-since': new Date(updated.getTime() - 2000).toUTCString() })).statusCode, 200)
      // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
      assert.equal((await anon.get('/posts/feed.atom', { 'if-none-match': '"stale"', 'if-modified-since': lastModified })).statusCode, 200)
    })

    test('a real feed parser reads titles once-escaped, every author, and absolute links', async () => {
      for (const format of ['rss', 'atom']) {
        const res = await anon.get(`/posts/feed.${format}`)
        const feed = parseFeed(res.body)
        assert.equal(feed.title, 'Posts and weeknotes – Openly')
        assert.equal(feed.language, 'en', format)
        const item = feed.items[0]!
        // What newsboat and other readers show: the title as written, no “&amp;”.
        assert.equal(item.title, 'Feed post 25 & more', format)
        assert.deepEqual(item.authors.map((a) => a.name), ['Fen & "Feeds" <Writer>'], format)
        assert.equal(item.url, `${BASE}/posts/feed-post-25-more`)
        assert.match(item.content ?? '', /href="https:\/\/example\.org\/25"/)
        assert.deepEqual(item.categories.map((c) => c.term).sort(), ['feedtag', 'odd'])
      }
      const rss = (await anon.get('/posts/feed.rss')).body
      assert.equal(rss.match(/<atom:link[^>]*rel="self"/g)?.length, 1, 'one atom:link rel=self')
      assert.doesNotMatch(rss, /<author>/, 'RSS <author> must be an e-mail address: authors are dc:creator')
      assert.doesNotMatch(rss, /CDATA/)
      assert.match(rss, /<title>Feed post 25 &amp; more<\/title>/, 'escaped once for XML')
    })

    test('API and pages paginate with keyset cursors, without repeats or gaps', async () => {
      const seen: string[] = []
      let url = '/api/v1/posts?limit=10&tag=feedtag'
      for (let i = 0; i < 5 && url; i++) {
        const res = await anon.get(url)
        assert.equal(res.statusCode, 200)
        const body = res.json()
        seen.push(...body.items.map((p: any) => p.title))
        url = body.next ? `/api/v1/posts?limit=10&tag=feedtag&cursor=${encodeURIComponent(body.next)}` : ''
      }
      assert.equal(seen.length, 25)
      assert.equal(new Set(seen).size, 25)
      assert.equal(seen[0], 'Feed post 25 & more')
      assert.equal(seen[24], 'Feed post 01 & more')

      const page1 = await anon.get('/posts')
      assert.equal(page1.statusCode, 200)
      const next = /href="(\/posts\?cursor=[^"]+)"/.exec(page1.body)?.[1]
      assert.ok(next, 'a link to older posts')
      const page2 = await anon.get(next!.replace(/&amp;/g, '&'))
      assert.match(page2.body, /Feed post 05/)
      assert.doesNotMatch(page2.body, /Feed post 25/)
      assert.equal((await anon.get('/posts?cursor=garbage')).statusCode, 400, 'a bad cursor is a clear 400, not silently the first page')
      assert.equal((await anon.get('/api/v1/posts?limit=1000')).statusCode, 400)
    })

    test('the API filters by tag and author, and is described in OpenAPI', async () => {
      const odd = (await anon.get('/api/v1/posts?tag=odd&limit=100')).json()
      assert.equal(odd.items.length, 13)
      assert.ok(odd.items.every((p: any) => p.tags.includes('odd')))
      const byAuthor = (await anon.get(`/api/v1/posts?author=${author.handle}&limit=5`)).json()
      assert.equal(byAuthor.items.length, 5)
      assert.equal(byAuthor.items[0].authors[0].handle, author.handle)
      const spec = (await anon.get('/api/v1/openapi.json')).json()
      assert.ok(spec.paths['/api/v1/posts'])
      assert.ok(spec.paths['/api/v1/posts/{slug}'])
    })
  })
}
