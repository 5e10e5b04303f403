import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { setMembership } from '../../core/access/spaces.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { communitiesWorld, PNG, pdf, MAX, upload } from '../../../test/support/communities.ts'

for (const dialect of testDialects()) {
  describe(`community library on ${dialect}`, () => {
    const { t, u, c, dataDir, db, spaceIdOf, create } = communitiesWorld(dialect)

    test('library: PDF and PNG accepted by content; lying or oversized files refused with the input kept; downloads follow access', async () => {
      const slug = await create('Library circle', 'open', 'members')
      await setMembership(db(), await spaceIdOf(slug), u.alice.id, 'member', 'active')
      const okPdf = await upload(t, c.alice, slug, { title: 'Minutes of March', description: 'Notes' }, { name: 'minutes.pdf', type: 'application/pdf', data: pdf('minutes') })
      assert.equal(okPdf.statusCode, 303, okPdf.body.slice(0, 500))
      const okPng = await upload(t, c.alice, slug, { title: 'Our logo', description: '' }, { name: 'logo.png', type: 'image/png', data: PNG })
      assert.equal(okPng.statusCode, 303)

      const lying = await upload(t, c.alice, slug, { title: 'Not a picture', description: 'Kept words' }, { name: 'photo.png', type: 'image/png', data: Buffer.from('just some text, not an image') })
      assert.equal(lying.statusCode, 422)
      assert.match(lying.body, /The selected file must be a PDF/)
      assert.match(lying.body, /value="Not a picture"/)
      assert.match(lying.body, /Kept words/)
      const renamed = await upload(t, c.alice, slug, { title: 'Renamed', description: '' }, { name: 'scan.png', type: 'image/png', data: pdf('renamed') })
      assert.equal(renamed.statusCode, 422)
      assert.match(renamed.body, /not a real \.png file/)
      const big = await upload(t, c.alice, slug, { title: 'Huge report', description: 'Kept description' }, { name: 'huge.pdf', type: 'application/pdf', data: pdf('huge', MAX + 10) })
      assert.equal(big.statusCode, 413)
      assert.match(big.body, /must be smaller than/)
      assert.match(big.body, /value="Huge report"/)
      assert.match(big.body, /Kept description/)
      const noFile = await upload(t, c.alice, slug, { title: '', description: '' }, null)
      assert.equal(noFile.statusCode, 422)
      assert.match(noFile.body, /Enter title/)
      assert.match(noFile.body, /Select a file/)
      const noToken = await upload(t, c.alice, slug, { title: 'x', description: '' }, { name: 'a.pdf', type: 'application/pdf', data: pdf('a') }, false)
      assert.equal(noToken.statusCode, 403)
      const docs = await t.db.selectFrom('documents').select(['id', 'title', 'mime_type']).where('space_id', '=', await spaceIdOf(slug)).orderBy('title').execute()
      assert.deepEqual(docs.map((d) => d.title), ['Minutes of March', 'Our logo'])
      assert.equal(readdirSync(join(dataDir, 'uploads')).length >= 2, true)

      const pdfDoc = docs.find((d) => d.title === 'Minutes of March')!
      const url = `/communities/${slug}/documents/${pdfDoc.id}/download`
      const got = await c.alice.get(url)
      assert.equal(got.statusCode, 200)
      assert.equal(got.headers['content-type'], 'application/pdf')
      assert.match(String(got.headers['content-disposition']), /^attachment; filename="minutes.pdf"/)
      assert.equal(got.headers['x-content-type-options'], 'nosniff')
      assert.match(got.body, /% minutes/)
      assert.equal((await c.stranger.get(url)).statusCode, 404)
      assert.equal((await c.anon.get(url)).statusCode, 404)
      // A private community is a trusted space: a platform admin does not read it by default.
      assert.equal((await c.admin.get(url)).statusCode, 404)

      const link = await c.alice.submit(`/communities/${slug}/library/link`, { title: 'Guide', url: 'javascript:alert(1)', description: '' })
      assert.equal(link.statusCode, 422)
      assert.equal((await c.alice.submit(`/communities/${slug}/library/link`, { title: 'Guide', url: 'https://example.org/guide', description: '' })).statusCode, 303)
      assert.match((await c.alice.get(`/communities/${slug}/library`)).body, /https:\/\/example.org\/guide/)
    })
  })
}
