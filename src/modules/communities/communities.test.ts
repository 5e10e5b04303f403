import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../test/support/databases.ts'
import { communitiesWorld } from '../../../test/support/communities.ts'
import { wholeSitemap } from '../../../test/support/sitemap.ts'

for (const dialect of testDialects()) {
  describe(`communities on ${dialect}`, () => {
    const { t, u, c, db, membership, create, startThread } = communitiesWorld(dialect)

    test('create a community: the creator is its host; bad input comes back with 422 and nothing saved', async () => {
      const slug = await create('Weeknote writers club', 'open', 'public')
      assert.equal(slug, 'weeknote-writers-club')
      assert.deepEqual(await membership(slug, u.host.id), { role: 'host', status: 'active' })
      const page = await c.anon.get(`/communities/${slug}`)
      assert.equal(page.statusCode, 200)
      assert.equal(page.body.match(/<h1/g)?.length, 1)
      assert.match(page.body, /<title>Weeknote writers club – Openly<\/title>/)
      assert.match(page.body, /Sign in to join/)
      assert.match(page.body, new RegExp(`/communities/${slug}/feed.atom`))
      const list = await c.anon.get('/communities')
      assert.match(list.body, /Weeknote writers club/)

      const before = await t.db.selectFrom('communities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      const bad = await c.host.submit('/communities/new', { name: 'x'.repeat(101), description: 'Kept description', themes: '', join_policy: 'open', visibility: 'nonsense' })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /govuk-error-summary/)
      assert.match(bad.body, /Name must be 100 characters or fewer/)
      assert.match(bad.body, /Kept description/)
      const after = await t.db.selectFrom('communities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      assert.equal(Number(after.n), Number(before.n))
      assert.equal((await c.anon.get('/communities/new')).statusCode, 303)
    })

    test('making a public community private takes effect at once, cached pages included', async () => {
      const slug = await create('Soon private', 'open', 'public')
      const threadId = await startThread(slug, c.host, 'Visible for now', 'Public words')
      for (const url of [`/communities/${slug}`, `/communities/${slug}/threads/${threadId}`]) {
        await c.anon.get(url)
        const hit = await c.anon.get(url)
        assert.equal(hit.headers['x-cache'], 'hit', url)
      }
      assert.match(await wholeSitemap((url) => c.anon.get(url)), new RegExp(`/communities/${slug}/threads/${threadId}`))
      const edit = await c.host.submit(`/communities/${slug}/edit`, { name: 'Soon private', description: 'Now private', themes: '', join_policy: 'invite', visibility: 'members' })
      assert.equal(edit.statusCode, 303)
      assert.equal((await c.anon.get(`/communities/${slug}`)).statusCode, 404)
      assert.equal((await c.anon.get(`/communities/${slug}/threads/${threadId}`)).statusCode, 404)
      assert.equal((await c.stranger.get(`/communities/${slug}`)).statusCode, 404)
      assert.doesNotMatch((await c.anon.get('/communities')).body, /Soon private/)
      assert.equal((await c.host.get(`/communities/${slug}`)).statusCode, 200)
    })

    test('person panel lists only communities the viewer may see', async () => {
      const pub = await create('Panel public', 'open', 'public')
      const priv = await create('Panel private', 'invite', 'members')
      const { communitiesOfPerson } = await import('./communities.queries.ts')
      const seenByStranger = await communitiesOfPerson(db(), { userId: u.stranger.id, isAdmin: false }, u.host.id)
      assert.ok(seenByStranger.some((x) => x.slug === pub))
      assert.ok(!seenByStranger.some((x) => x.slug === priv))
      const seenByHost = await communitiesOfPerson(db(), { userId: u.host.id, isAdmin: false }, u.host.id)
      assert.ok(seenByHost.some((x) => x.slug === priv))
    })

    test('API: lists and shows communities under the same rules', async () => {
      const res = await t.app.inject('/api/v1/communities?limit=100')
      assert.equal(res.statusCode, 200)
      const items = res.json().items as Array<{ visibility: string }>
      assert.ok(items.length > 0)
      assert.ok(items.every((i) => i.visibility === 'public'))
      const missing = await t.app.inject('/api/v1/communities/no-such-thing')
      assert.equal(missing.statusCode, 404)
      assert.match(String(missing.headers['content-type']), /problem\+json/)
    })
  })
}
