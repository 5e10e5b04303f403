import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { communitiesWorld } from '../../../test/support/communities.ts'
import { makePost } from '../posts/posts.test.support.ts'
import { createOrganisation } from '../organisations/organisations.ts'

/** The content of a <meta> or <link> in a page's head, by attribute and value. */
function meta(html: string, attr: 'name' | 'property', value: string): string | undefined {
  return new RegExp(`<meta ${attr}="${value.replace(/[:.]/g, '\\$&')}" content="([^"]*)"`).exec(html)?.[1]
}
const canonical = (html: string) => /<link rel="canonical" href="([^"]+)"/.exec(html)?.[1]
const noindex = (html: string) => /<meta name="robots" content="noindex">/.test(html)

for (const dialect of testDialects()) {
  describe(`found by search engines and shared well on ${dialect}`, () => {
    const { t, u, c, create, spaceIdOf } = communitiesWorld(dialect)

    test('robots.txt points to the sitemap; Openly’s own icons answer; no GOV.UK crown or manifest', async () => {
      const robots = await c.anon.get('/robots.txt')
      assert.equal(robots.statusCode, 200)
      assert.match(robots.body, new RegExp(`^Sitemap: ${t.config.baseUrl}/sitemap.xml$`, 'm'))
      assert.match(robots.body, /^Disallow: \/\*\/member-feed\.$/m)
      const ico = await c.anon.get('/favicon.ico')
      assert.equal(ico.statusCode, 200)
      assert.equal(ico.headers['content-type'], 'image/x-icon')
      // An ICO header (reserved 0, type 1, one image) holding a PNG.
      assert.deepEqual([...ico.rawPayload.subarray(0, 6)], [0, 0, 1, 0, 1, 0])
      assert.equal(ico.rawPayload.subarray(22, 26).toString('latin1'), '\x89PNG')
      assert.match((await c.anon.get('/icon.svg')).body, /^<svg[^>]*>.*#0b5d57/s)
      const manifest = (await c.anon.get('/manifest.webmanifest')).json()
      assert.equal(manifest.name, 'Openly')
      const home = (await c.anon.get('/')).body
      assert.match(home, /<link rel="icon" sizes="any" href="\/icon.svg" type="image\/svg\+xml">/)
      assert.doesNotMatch(home, /govuk-icon|govuk-opengraph|\/assets\/images\/|\/assets\/manifest\.json/)
    })

    test('posts, organisations, people and communities carry a description, Open Graph and Twitter tags and a canonical URL', async () => {
      const base = t.config.baseUrl
      const post = await makePost(t.app.db, u.host.id, { title: 'Bins & benches', summary: 'What we learned mapping benches.', body: 'Body text.' })
      const org = await createOrganisation(t.app.db, { userId: u.host.id, isAdmin: false }, { name: 'Sharing Council', type: 'local government', country: 'Ireland', region: '', website: '', identifier: '', description: 'A council that shares everything.', themes: [] })
      const slug = await create('Open Benches', 'open', 'public')
      const pages = [
        { url: `/posts/${post.slug}`, type: 'article', title: 'Bins &amp; benches', description: 'What we learned mapping benches.' },
        { url: `/organisations/${org.slug}`, type: 'profile', title: 'Sharing Council', description: 'A council that shares everything.' },
        { url: `/communities/${slug}`, type: 'website', title: 'Open Benches', description: 'About Open Benches.' },
        { url: `/people/${u.host.handle}`, type: 'profile', title: u.host.name, description: `${u.host.name} on Openly` },
      ]
      for (const p of pages) {
        const html = (await c.anon.get(p.url)).body
        assert.equal(canonical(html), `${base}${p.url}`, p.url)
        assert.equal(meta(html, 'name', 'description'), p.description, p.url)
        assert.equal(meta(html, 'property', 'og:description'), p.description, p.url)
        assert.equal(meta(html, 'property', 'og:title'), p.title, p.url)
        assert.equal(meta(html, 'property', 'og:type'), p.type, p.url)
        assert.equal(meta(html, 'property', 'og:url'), `${base}${p.url}`, p.url)
        assert.match(meta(html, 'property', 'og:image') ?? '', /^http:\/\/.+\/icon-512\.png$/, p.url)
        assert.equal(meta(html, 'name', 'twitter:card'), 'summary', p.url)
      }
    })

    test('listings and tags have canonical links; filtered and paged variants say noindex', async () => {
      const base = t.config.baseUrl
      for (const url of ['/posts', '/projects', '/organisations', '/people', '/communities', '/about']) {
        const html = (await c.anon.get(url)).body
        assert.equal(canonical(html), `${base}${url}`, url)
        assert.equal(noindex(html), false, url)
      }
      await makePost(t.app.db, u.host.id, { title: 'Tagged for sharing', tags: ['sharing'] })
      const tag = (await c.anon.get('/tags/sharing')).body
      assert.equal(canonical(tag), `${base}/tags/sharing`)
      assert.equal(noindex(tag), false)
      for (const url of ['/posts?tag=sharing', '/projects?phase=alpha', '/organisations?country=Ireland', '/posts?cursor=WyIyMDI2IiwiYSJd', '/people?after=WyJhIiwiYiJd']) {
        const html = (await c.anon.get(url)).body
        assert.ok(noindex(html), `${url} says noindex`)
        assert.equal(canonical(html), `${base}${url.split('?')[0]}`, url)
      }
    })

    test('a members-only community page’s sharing tags reach its members only', async () => {
      const slug = await create('Closed Benches', 'invite', 'members')
      await makePost(t.app.db, u.host.id, { title: 'Closed bench notes', summary: 'Secret bench plans.', community: await spaceIdOf(slug) })
      const member = await c.host.get(`/communities/${slug}`)
      assert.equal(meta(member.body, 'property', 'og:title'), 'Closed Benches')
      for (const reader of [c.anon, c.stranger, new TestClient(t.app)]) {
        const res = await reader.get(`/communities/${slug}`)
        assert.equal(res.statusCode, 404)
        assert.doesNotMatch(res.body, /Closed Benches|og:description/)
      }
    })
  })
}
