import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import sharp from 'sharp'
import { testDialects } from '../../../test/support/databases.ts'
import type { TestClient } from '../../../test/support/client.ts'
import { submitMultipart } from '../../../test/support/multipart.ts'
import { communitiesWorld } from '../../../test/support/communities.ts'
import type { TestApp } from '../../../test/support/app.ts'

/** The post form sent as a browser sends it with a file. */
const sendPostForm = (_t: TestApp, client: TestClient, fields: Record<string, string>, file: { name: string; type: string; data: Buffer } | null, path = '/posts/new') =>
  submitMultipart(client, path, fields, file ? { field: 'image', ...file } : null)

/** A photo wider than Openly keeps, with EXIF metadata, as a phone would send (small in bytes: the test world's upload limit is 20 kB). */
const photo = () =>
  sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#3366aa' } })
    .withExif({ IFD0: { Copyright: 'Secret Camera Owner', Make: 'PhoneCo' } })
    .jpeg({ quality: 10 })
    .toBuffer()

for (const dialect of testDialects()) {
  describe(`images in posts on ${dialect}`, () => {
    const { t, c, create, spaceIdOf } = communitiesWorld(dialect)

    test('an image is checked by its content, needs a description, is made smaller, and joins the post being written', async () => {
      const fields = { title: 'Bench survey', body: 'What we found.', publish: 'draft', action: 'image' }
      const noAlt = await sendPostForm(t, c.host, { ...fields, imageAlt: '' }, { name: 'bench.jpg', type: 'image/jpeg', data: await photo() })
      assert.equal(noAlt.statusCode, 422)
      assert.match(noAlt.body, /Describe the image for people who cannot see it/)
      assert.match(noAlt.body, /value="Bench survey"/, 'what was typed is kept')
      const fake = await sendPostForm(t, c.host, { ...fields, imageAlt: 'A bench' }, { name: 'bench.png', type: 'image/png', data: Buffer.from('<svg onload="alert(1)"></svg>') })
      assert.equal(fake.statusCode, 422)
      assert.match(fake.body, /must be a JPEG, PNG, WebP or GIF image/)
      const none = await sendPostForm(t, c.host, { ...fields, imageAlt: 'A bench' }, null)
      assert.equal(none.statusCode, 422)
      assert.match(none.body, /Select an image/)

      const ok = await sendPostForm(t, c.host, { ...fields, imageAlt: 'A [green] bench by the harbour' }, { name: 'bench.jpg', type: 'image/jpeg', data: await photo() })
      assert.equal(ok.statusCode, 200, ok.body.slice(0, 300))
      const id = /!\[A  green  bench by the harbour\]\(\/images\/([A-Za-z0-9_-]+)\)/.exec(ok.body)?.[1] ?? /\/images\/([A-Za-z0-9_-]{16,})/.exec(ok.body)?.[1]
      assert.ok(id, 'the image Markdown is added to the body')
      assert.match(ok.body, /<img src="\/images\/[^"]+" alt="A green bench by the harbour"/, 'the preview shows it')

      const mine = await c.host.get(`/images/${id}`)
      assert.equal(mine.statusCode, 200)
      assert.equal(mine.headers['content-type'], 'image/jpeg')
      assert.match(String(mine.headers['cache-control']), /private/)
      const meta = await sharp(mine.rawPayload).metadata()
      assert.equal(meta.width, 1600, 'scaled down to 1600 pixels wide')
      assert.equal(meta.height, 1200)
      assert.ok((await sharp(await photo()).metadata()).exif, 'the upload had camera metadata')
      assert.equal(meta.exif, undefined, 'camera metadata is dropped')
      // Before a post using it is saved, it is its uploader's alone.
      assert.equal((await c.anon.get(`/images/${id}`)).statusCode, 404)
      assert.equal((await c.alice.get(`/images/${id}`)).statusCode, 404)
    })

    test('an image is as visible as its post: a members-only community’s stays with its members; a draft with its authors', async () => {
      const slug = await create('Bench Circle', 'invite', 'members')
      const upload = await sendPostForm(t, c.host, { title: 'Circle benches', body: 'Private notes.', publish: 'publish', action: 'image', imageAlt: 'A private bench' }, { name: 'b.png', type: 'image/png', data: await sharp({ create: { width: 40, height: 30, channels: 4, background: '#ff0000' } }).png().toBuffer() })
      const body = /<textarea[^>]*name="body"[^>]*>([^<]*)<\/textarea>/.exec(upload.body)![1]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\r\n/g, '\n').replace(/^\n/, '')
      const id = /\/images\/([A-Za-z0-9_-]+)/.exec(body)![1]!
      const saved = await sendPostForm(t, c.host, { title: 'Circle benches', body, publish: 'publish', community: await spaceIdOf(slug), action: 'save' }, null)
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 400))
      const page = await c.host.get(String(saved.headers.location))
      const img = new RegExp(`<img src="/images/${id}"[^>]*>`).exec(page.body)?.[0] ?? ''
      for (const attr of ['alt="A private bench"', 'width="40"', 'height="30"', 'loading="lazy"']) assert.ok(img.includes(attr), `${img} has ${attr}`)
      assert.equal((await c.host.get(`/images/${id}`)).statusCode, 200)
      for (const reader of [c.anon, c.stranger, c.admin]) assert.equal((await reader.get(`/images/${id}`)).statusCode, 404)

      const draftUpload = await sendPostForm(t, c.alice, { title: 'Draft with image', body: '', publish: 'draft', action: 'image', imageAlt: 'Draft bench' }, { name: 'd.webp', type: 'image/webp', data: await sharp({ create: { width: 10, height: 10, channels: 3, background: '#00ff00' } }).webp().toBuffer() })
      const draftId = /\/images\/([A-Za-z0-9_-]{16,})/.exec(draftUpload.body)![1]!
      const draft = await sendPostForm(t, c.alice, { title: 'Draft with image', body: `![Draft bench](/images/${draftId})`, publish: 'draft', action: 'save' }, null)
      assert.equal(draft.statusCode, 303)
      assert.equal((await c.alice.get(`/images/${draftId}`)).statusCode, 200)
      assert.equal((await c.anon.get(`/images/${draftId}`)).statusCode, 404)
      // Someone else's image cannot be taken into one's own post to publish it.
      const thief = await sendPostForm(t, c.bob, { title: 'Borrowed', body: `![x](/images/${draftId})`, publish: 'publish', action: 'save' }, null)
      assert.equal(thief.statusCode, 303)
      assert.equal((await c.anon.get(`/images/${draftId}`)).statusCode, 404)
    })
  })
}
