/**
 * Charter pages shared between signed-in readers for whom their personal facts are false (decision 0028): an
 * amendment page reads the reader's vote and whether they wrote it; a charter page what they signed and whether they
 * administer an organisation. Each create form's one-time token is fresh for every serving of a shared page.
 */
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../support/databases.ts'
import { chartersWorld } from '../support/charters.ts'

const submissionIn = (html: string) => /name="_submission" value="([^"]+)"/.exec(html)?.[1]

for (const dialect of testDialects()) {
  describe(`charter pages shared between readers with nothing of their own there on ${dialect}`, () => {
    const w = chartersWorld(dialect)

    test('an amendment page: plain readers share it with fresh one-time tokens; its author and a voter get their own', async () => {
      const slug = await w.startCharter('Shared pledge')
      const [first] = await w.sectionIds(slug)
      const n = await w.propose(slug, 'alice', { kind: 'change', section: first!, body: 'We publish every fortnight.', reason: 'Zqreason less often.' })
      const url = `/charters/${slug}/amendments/${n}`
      await w.t.app.pageCache.invalidate()
      const bob = await w.c.bob.get(url)
      const stranger = await w.c.stranger.get(url)
      assert.equal(stranger.headers['x-cache'], 'shared')
      const again = await w.c.stranger.get(url)
      assert.equal(again.headers['x-cache'], 'shared')
      // The comment form's one-time token: never the same twice, or a second comment would be taken for a resend.
      const tokens = [bob, stranger, again].map((r) => submissionIn(r.body))
      assert.ok(tokens.every(Boolean), 'the comment form has a one-time token')
      assert.equal(new Set(tokens).size, 3)
      // Its author may revise it: rendered for her alone.
      const alice = await w.c.alice.get(url)
      assert.notEqual(alice.headers['x-cache'], 'shared')
      assert.match(alice.body, new RegExp(`${url}/edit"`))
      assert.doesNotMatch(stranger.body, new RegExp(`${url}/edit"`))
      // Carol votes (a write: shared pages are rendered again), then a plain reader renders first: Carol is not served it.
      await w.c.carol.submit(url, { vote: 'against' }, `${url}/vote`)
      assert.doesNotMatch((await w.c.stranger.get(url)).body, /You voted/)
      assert.equal((await w.c.bob.get(url)).headers['x-cache'], 'shared')
      const carol = await w.c.carol.get(url)
      assert.notEqual(carol.headers['x-cache'], 'shared')
      assert.match(carol.body, /You voted against/)
      // A comment posted with a token from a shared page is taken.
      const comment = await w.c.bob.submit(url, { comment: 'Zqcomment from a shared page.' }, `${url}/comments`)
      assert.equal(comment.statusCode, 303)
      assert.match((await w.c.anonymous.get(url)).body, /Zqcomment from a shared page\./)
    })

    test('a charter page: readers who signed nothing share it; a signer and an organisation admin get their own', async () => {
      const slug = await w.startCharter('Signed pledge')
      await w.publish(slug)
      const signed = await w.c.alice.submit(`/charters/${slug}/sign`, { signatory: 'person', show_name: 'no', commitment: '', version: '1' })
      assert.equal(signed.statusCode, 303)
      const url = `/charters/${slug}`
      await w.c.bob.get(url)
      const stranger = await w.c.stranger.get(url)
      assert.equal(stranger.headers['x-cache'], 'shared')
      assert.doesNotMatch(stranger.body, /You signed/)
      const alice = await w.c.alice.get(url)
      assert.notEqual(alice.headers['x-cache'], 'shared')
      assert.match(alice.body, /You signed/)
      assert.notEqual((await w.c.orgadmin.get(url)).headers['x-cache'], 'shared')
      assert.doesNotMatch((await w.c.stranger.get(url)).body, /You signed/)
    })
  })
}
