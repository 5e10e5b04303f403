import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { TestClient } from '../../../test/support/client.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { wholeSitemap } from '../../../test/support/sitemap.ts'
import { SitemapRanges, type SitemapSource } from '../../core/sitemap/sitemap.ts'
import { postsModule } from './index.ts'
import { assertWellFormedXml, makePost } from './posts.test.support.ts'

const FORM = { title: '', summary: '', body: 'Shown in the sitemap', learned: '', tags: '', series: '', newSeries: '', coauthors: '', project: '', organisation: '', community: '', publish: 'publish', publishAt: '' }
const locs = (xml: string) => [...xml.matchAll(/<url><loc>([^<]+)<\/loc>/g)].map((m) => m[1]!)

for (const dialect of testDialects()) {
  describe(`sitemap on ${dialect}`, () => {
    let t: TestApp
    let author: TestUser
    before(async () => {
      t = await buildTestApp(dialect)
      author = await createUser(t.app.db)
    })
    after(async () => t.close())

    test('posts are cut into bounded ranges that together list every post an anonymous reader may see, once', async () => {
      const visible: string[] = []
      for (let i = 0; i < 8; i++) visible.push((await makePost(t.app.db, author.id, { title: `Ranged post ${i} ${dialect}` })).slug)
      const draft = await makePost(t.app.db, author.id, { title: `Ranged draft ${dialect}`, publish: 'draft' })
      const scheduled = await makePost(t.app.db, author.id, { title: `Ranged later ${dialect}`, publish: 'schedule', publishAt: new Date(Date.now() + 86400_000).toISOString() })
      const posts = postsModule.sitemap!.find((s) => s.name === 'posts') as SitemapSource
      const ranges = new SitemapRanges(t.app.db, [posts], 3)
      const parts = await ranges.parts()
      assert.ok(parts.length >= 3, `${parts.length} parts of at most 3`)
      const listed: string[] = []
      for (const part of parts) {
        const urls = await posts.urls(t.app.db, { from: part.from, to: part.to, limit: 3 })
        assert.ok(urls.length <= 3, `a part holds ${urls.length}`)
        listed.push(...urls.map((u) => u.path))
      }
      assert.equal(new Set(listed).size, listed.length, 'no post is in two parts')
      for (const slug of visible) assert.ok(listed.includes(`/posts/${slug}`), `${slug} is listed`)
      for (const hidden of [draft.slug, scheduled.slug]) assert.ok(!listed.includes(`/posts/${hidden}`), `${hidden} is not listed`)
      // The ranges are publication times of listed posts, never ids or slugs.
      for (const part of parts) for (const bound of [part.from, part.to]) if (bound !== null) assert.match(bound, /^\d{4}-\d\d-\d\dT[\d:.]+Z$/)
    })

    test('/sitemap.xml is an index of parts; the parts list what anonymous readers may see, are cached, and follow writes', async () => {
      const index = await t.app.inject('/sitemap.xml')
      assert.equal(index.statusCode, 200)
      assert.match(String(index.headers['content-type']), /^application\/xml/)
      assertWellFormedXml(index.body)
      assert.match(index.body, /^<\?xml[^>]*>\n<sitemapindex xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/)
      for (const part of ['home', 'posts', 'tags', 'people', 'projects', 'organisations', 'communities', 'events', 'charters']) assert.match(index.body, new RegExp(`\\?part=${part}[<&]`), part)

      const whole = await wholeSitemap((url) => t.app.inject(url))
      assert.match(whole, new RegExp(`/posts/ranged-post-0-${dialect}<`))
      assert.doesNotMatch(whole, /ranged-draft|ranged-later/)
      const part = '/sitemap.xml?part=posts'
      const first = await t.app.inject(part)
      assertWellFormedXml(first.body)
      assert.ok(locs(first.body).length <= 50_000)
      await t.app.inject(part)
      assert.equal((await t.app.inject(part)).headers['x-cache'], 'hit', 'a part is served from the page cache')
      assert.equal((await t.app.inject('/sitemap.xml?part=nothing')).statusCode, 404)

      const writer = new TestClient(t.app)
      await signInAs(t.app.db, writer, author.id)
      assert.equal((await writer.submit('/posts/new', { ...FORM, title: `Fresh in the sitemap ${dialect}` })).statusCode, 303)
      const after = await t.app.inject(part)
      assert.equal(after.headers['x-cache'], 'miss')
      assert.match(after.body, new RegExp(`/posts/fresh-in-the-sitemap-${dialect}<`))
    })
  })
}
