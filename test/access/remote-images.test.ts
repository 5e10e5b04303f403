/**
 * A remote image in a private space would tell its host who read what and when (issue 12, decision 0019): it is
 * shown as a link, and the CSP lets pages load images only from the site itself.
 */
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../support/databases.ts'
import { communitiesWorld } from '../support/communities.ts'

for (const dialect of testDialects()) {
  describe(`remote images in a private space on ${dialect}`, () => {
    const { c, create, startThread } = communitiesWorld(dialect)

    test('a tracking pixel in a members-only thread is a link that no browser fetches, and the CSP refuses remote images', async () => {
      const slug = await create('Pixel-free circle', 'invite', 'members')
      const id = await startThread(slug, c.host, 'Hello', 'Look at this ![chart](https://tracker.example/pixel.gif?reader=1)')
      const page = await c.host.get(`/communities/${slug}/threads/${id}`)
      assert.equal(page.statusCode, 200)
      assert.doesNotMatch(page.body, /<img[^>]+tracker\.example/)
      assert.match(page.body, /<a href="https:\/\/tracker\.example\/pixel\.gif\?reader=1"[^>]*>Image: chart \(tracker\.example\)<\/a>/)
      const imgSrc = /img-src ([^;]+)/.exec(String(page.headers['content-security-policy']))?.[1] ?? ''
      assert.equal(imgSrc.trim(), "'self' data:")
    })
  })
}
