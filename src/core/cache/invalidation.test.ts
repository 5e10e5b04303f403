import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../test/support/databases.ts'
import { communitiesWorld } from '../../../test/support/communities.ts'
import { makePost } from '../../modules/posts/posts.test.support.ts'

/**
 * Only writes that change what an anonymous reader sees drop cached pages (decision 0020): writes inside
 * communities anonymous readers cannot see, personal settings and reports keep them; the same write in a
 * public community drops them. Sign-in, sign-out and the like: page-cache.test.ts.
 */
for (const dialect of testDialects()) {
  describe(`page cache invalidation on ${dialect}`, () => {
    const { t, u, c, create, startThread } = communitiesWorld(dialect)
    const pages = ['/', '/posts', '/communities', '/about']

    /** Fills the cache with the pages anonymous readers read, and checks they are hits. */
    async function warm(): Promise<void> {
      for (const url of pages) await c.anon.get(url)
      for (const url of pages) assert.equal((await c.anon.get(url)).headers['x-cache'], 'hit', `${url} is cached`)
    }
    async function stillCached(what: string): Promise<void> {
      for (const url of pages) assert.equal((await c.anon.get(url)).headers['x-cache'], 'hit', `${url} is still cached after ${what}`)
    }

    test('writes inside members-only and signed-in communities keep every cached page', async () => {
      const members = await create('Cache members room', 'open', 'members')
      const signedIn = await create('Cache signed-in room', 'open', 'signed_in')
      await warm()
      for (const slug of [members, signedIn]) {
        const threadId = await startThread(slug, c.host, `Private words in ${slug}`, 'Nobody outside sees this')
        await stillCached(`a thread in ${slug}`)
        assert.equal((await c.host.submit(`/communities/${slug}/threads/${threadId}`, { body: 'A reply nobody outside sees' })).statusCode, 303)
        await stillCached(`a reply in ${slug}`)
      }
      assert.equal((await c.stranger.submit(`/communities/${signedIn}`, {}, `/communities/${signedIn}/join`)).statusCode, 303)
      await stillCached('joining a signed-in community')
      for (const slug of [members]) {
        assert.equal((await c.host.submit(`/communities/${slug}/members`, { invitee: 'cm-bob-' + dialect }, `/communities/${slug}/members/invite`)).statusCode, 303)
        await stillCached('inviting someone to a members-only community')
      }
    })

    test('a comment on a post in a members-only community keeps every cached page', async () => {
      const slug = await create('Cache members posts', 'open', 'members')
      const spaceId = (await t.db.selectFrom('communities').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
      const post = await makePost(t.app.db, u.host.id, { title: `Members only musing ${dialect}`, community: spaceId })
      assert.equal(post.space_id, spaceId)
      await warm()
      const comment = await c.host.submit(`/posts/${post.slug}`, { comment: 'Nobody outside reads this' }, `/posts/${post.slug}/comments`)
      assert.equal(comment.statusCode, 303, comment.body.slice(0, 300))
      await stillCached('a comment in a members-only community')
    })

    test('personal settings and reports keep every cached page', async () => {
      await warm()
      assert.equal((await c.alice.submit('/account/feeds', {})).statusCode, 200)
      await stillCached('making a private feed key')
      assert.equal((await c.alice.submit('/account/feeds', { action: 'revoke' })).statusCode, 303)
      await stillCached('revoking a private feed key')
      const slug = await create('Cache reported room', 'open', 'public')
      const threadId = await startThread(slug, c.host, 'Reported thread', 'Words someone reports')
      await warm()
      const report = await c.alice.submit(`/report?type=thread&id=${encodeURIComponent(threadId)}`, { type: 'thread', id: threadId, reason: 'It looks like spam to me' }, '/report')
      assert.equal(report.statusCode, 303, report.body.slice(0, 300))
      await stillCached('a report')
    })

    test('the same write in a public community drops the pages that may show it, and they are fresh at once', async () => {
      const slug = await create('Cache public square', 'open', 'public')
      await warm()
      await startThread(slug, c.host, 'Public thread appears', 'Everyone sees this')
      assert.equal((await c.anon.get('/posts')).headers['x-cache'], 'miss', 'a page that may show anything is dropped')
      assert.equal((await c.anon.get('/about')).headers['x-cache'], 'hit', 'a page that declares it shows no content is kept')
      const thread = await c.anon.get(`/communities/${slug}/threads`)
      assert.match(thread.body, /Public thread appears/)
      assert.ok(t.app.pageCache.size > 0)
    })
  })
}
