import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'

for (const dialect of testDialects()) {
  describe(`time zones on ${dialect}`, () => {
    let t: TestApp
    let writer: TestUser
    let client: TestClient

    before(async () => {
      t = await buildTestApp(dialect)
      writer = await createUser(t.app.db, { name: 'Zelda Zone', handle: `zelda-${dialect}` })
      client = new TestClient(t.app)
      await signInAs(t.app.db, client, writer.id)
    })
    after(async () => t.close())

    test('a person chooses their zone; they schedule in it, and read times in it with the zone named', async () => {
      const profile = await client.get('/account/profile')
      assert.match(profile.body, /<option value="Europe\/London" selected>/)
      const saved = await client.submit('/account/profile', { name: writer.name, handle: writer.handle, role: '', bio: '', skills: '', interests: '', timeZone: 'Europe/Berlin' })
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 300))
      assert.match((await client.get('/account/profile')).body, /<option value="Europe\/Berlin" selected>/)
      const bad = await client.submit('/account/profile', { name: writer.name, handle: writer.handle, timeZone: 'Europe/Atlantis' })
      assert.equal(bad.statusCode, 422)

      const form = await client.get('/posts/new')
      assert.match(form.body, /Scheduled date and time, Europe\/Berlin/)
      // 10:00 in Berlin in summer (CEST, UTC+2) is 08:00 UTC.
      const res = await client.submit('/posts/new', { title: 'Zoned weeknote', body: 'Later.', publish: 'schedule', publishAt: '2030-07-01T10:00' })
      assert.equal(res.statusCode, 303, res.body.slice(0, 500))
      const slug = String(res.headers.location).replace('/posts/', '')
      const row = await t.db.selectFrom('posts').select('published_at').where('slug', '=', slug).executeTakeFirstOrThrow()
      assert.equal(row.published_at, '2030-07-01T08:00:00.000Z')
      const page = await client.get(`/posts/${slug}`)
      assert.match(page.body, /Scheduled for 1 July 2030 at 10:00 CEST/)
      const edit = await client.get(`/posts/${slug}/edit`)
      assert.match(edit.body, /name="publishAt" type="datetime-local" value="2030-07-01T10:00"/)

      // A time the clocks skip in the writer's zone is a form error, not a guess.
      const skipped = await client.submit('/posts/new', { title: 'Skipped', body: 'x', publish: 'schedule', publishAt: '2030-03-31T02:30' })
      assert.equal(skipped.statusCode, 422)
      assert.match(skipped.body, /does not exist in Europe\/Berlin/)
    })

    test('anonymous readers see times in Europe/London, named', async () => {
      const other = await createUser(t.app.db, { name: 'Lon Don' })
      const c = new TestClient(t.app)
      await signInAs(t.app.db, c, other.id)
      const res = await c.submit('/posts/new', { title: 'London weeknote', body: 'Later.', publish: 'schedule', publishAt: '2030-07-01T10:00' })
      const slug = String(res.headers.location).replace('/posts/', '')
      const row = await t.db.selectFrom('posts').select('published_at').where('slug', '=', slug).executeTakeFirstOrThrow()
      assert.equal(row.published_at, '2030-07-01T09:00:00.000Z', 'BST is UTC+1')
      assert.match((await c.get(`/posts/${slug}`)).body, /Scheduled for 1 July 2030 at 10:00 BST/)
    })
  })
}
