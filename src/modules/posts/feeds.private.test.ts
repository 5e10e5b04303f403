import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { parseFeed } from '@rowanmanning/feed-parser'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { communitiesWorld } from '../../../test/support/communities.ts'
import { makePost } from './posts.test.support.ts'

/** The personal address a member's feed reader uses for a private community, read from the page that makes it. */
function addressIn(html: string, format: string): string {
  const m = new RegExp(`value="(http://[^"]+/member-feed\\.${format}\\?key=[^"]+)"`).exec(html)
  assert.ok(m, `a ${format} address on the page`)
  return m[1]!.replace(/^http:\/\/[^/]+/, '').replace(/&amp;/g, '&')
}

for (const dialect of testDialects()) {
  describe(`private community feeds through a personal key on ${dialect}`, () => {
    const { t, u, c, create, spaceIdOf } = communitiesWorld(dialect)

    test('a member subscribes with a secret, resettable address; nobody else reads it; never public', async () => {
      const slug = await create('Quiet Circle', 'invite', 'members')
      await makePost(t.app.db, u.host.id, { title: 'Circle minutes & notes', body: 'Only for [the circle](/communities/x).', community: await spaceIdOf(slug) })
      // Neither feed shows it to a reader without a key or a session.
      assert.equal((await c.anon.get(`/communities/${slug}/feed.atom`)).statusCode, 404)
      assert.equal((await c.anon.get(`/communities/${slug}/member-feed.atom`)).statusCode, 404)
      const page = await c.host.get(`/communities/${slug}`)
      assert.match(page.body, new RegExp(`href="/account/feeds\\?for=/communities/${slug}"`))

      const made = await c.host.submit(`/account/feeds?for=/communities/${slug}`, { action: 'reset', for: `/communities/${slug}` }, '/account/feeds')
      assert.equal(made.statusCode, 200)
      assert.equal(made.headers['cache-control'], 'no-store')
      const atom = addressIn(made.body, 'atom')
      // Only the hash is stored.
      const key = new URL(atom, 'http://x').searchParams.get('key')!
      const stored = await t.db.selectFrom('feed_keys').select('id').where('user_id', '=', u.host.id).executeTakeFirstOrThrow()
      assert.notEqual(stored.id, key)

      // A feed reader (no cookie) reads it as the member: private, never public, and parseable.
      const reader = new TestClient(t.app)
      const res = await reader.get(atom)
      assert.equal(res.statusCode, 200)
      assert.match(String(res.headers['cache-control']), /^private/)
      assert.equal(res.headers['x-cache'], undefined, 'never from or into the page cache')
      const feed = parseFeed(res.body)
      assert.equal(feed.items[0]!.title, 'Circle minutes & notes')
      assert.match(res.body, /href="http:\/\/[^/]+\/member-feed|rel="self"[^>]*member-feed\.atom\?key=/)
      for (const format of ['rss', 'json']) assert.equal((await reader.get(addressIn(made.body, format))).statusCode, 200, format)

      // Someone else's key does not open it: a stranger's key reads as the stranger.
      const other = await c.stranger.submit('/account/feeds', { action: 'reset' })
      const otherKey = /member-feed\.atom\?key=([A-Za-z0-9_-]+)/.exec(other.body)![1]
      assert.equal((await reader.get(`/communities/${slug}/member-feed.atom?key=${otherKey}`)).statusCode, 404)
      assert.equal((await reader.get(`/communities/${slug}/member-feed.atom?key=not-a-real-key-at-all-xxxx`)).statusCode, 404)

      // Resetting ends the old address at once; turning off ends the new one.
      const again = await c.host.submit('/account/feeds', { action: 'reset' })
      assert.equal((await reader.get(atom)).statusCode, 404)
      const fresh = /member-feed\.atom\?key=([A-Za-z0-9_-]+)/.exec(again.body)![1]
      assert.equal((await reader.get(`/communities/${slug}/member-feed.atom?key=${fresh}`)).statusCode, 200)
      assert.equal((await c.host.submit('/account/feeds', { action: 'revoke' })).statusCode, 303)
      assert.equal((await reader.get(`/communities/${slug}/member-feed.atom?key=${fresh}`)).statusCode, 404)
    })
  })
}
