import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'

/** The create forms and what one submission of each makes. */
const FORMS = [
  { page: '/posts/new', fields: { title: 'Sent twice by accident', body: 'One post, please.', publish: 'publish' }, table: 'posts', name: 'title' },
  { page: '/projects/new', fields: { name: 'Twice clicked project', summary: 'Only one of me.', phase: 'alpha' }, table: 'projects', name: 'name' },
  { page: '/organisations/new', fields: { name: 'Twice clicked council', type: 'local government', country: 'United Kingdom' }, table: 'organisations', name: 'name' },
  { page: '/communities/new', fields: { name: 'Twice clicked circle', description: 'Once.', visibility: 'public', join_policy: 'open' }, table: 'communities', name: 'name' },
  // The library of the community the person started in before().
  { page: '/communities/token-test-circle/library/link', fields: { title: 'Twice clicked link', url: 'https://example.org/guide' }, table: 'documents', name: 'title' },
] as const

for (const dialect of testDialects()) {
  describe(`one-time form tokens on ${dialect}`, () => {
    let t: TestApp
    let client: TestClient
    before(async () => {
      t = await buildTestApp(dialect)
      const person = await createUser(t.app.db)
      client = new TestClient(t.app)
      await signInAs(t.app.db, client, person.id)
      assert.equal((await client.submit('/communities/new', { name: 'Token test circle', description: 'Testing one-time tokens.', visibility: 'public', join_policy: 'open' })).statusCode, 303)
    })
    after(async () => t.close())

    const count = async (table: (typeof FORMS)[number]['table'], column: string, value: string) =>
      (await t.db.selectFrom(table).select('id').where(column as never, '=', value as never).execute()).length

    for (const form of FORMS) {
      test(`${form.page}: five concurrent submissions of one form make one row in ${form.table}, and all go to it`, async () => {
        const page = await client.get(form.page)
        const token = /name="_submission" value="([^"]+)"/.exec(page.body)?.[1]
        assert.ok(token, 'the form carries a one-time token')
        const fields = { ...form.fields, _csrf: csrfTokenIn(page.body)!, _submission: token }
        const responses = await Promise.all(Array.from({ length: 5 }, () => client.post(form.page, fields)))
        assert.deepEqual(responses.map((r) => r.statusCode), [303, 303, 303, 303, 303])
        assert.equal(new Set(responses.map((r) => r.headers.location)).size, 1, 'every response leads to the one thing made')
        assert.equal(await count(form.table, form.name, form.fields[form.name as keyof typeof form.fields]), 1)
        // A fresh form makes a second one: the token guards a submission, not a title (organisations and projects
        // first flag the name as a likely duplicate, so the person confirms it is a different one).
        const again = await client.submit(form.page, { ...form.fields, not_duplicate: 'yes' })
        assert.equal(again.statusCode, 303)
        assert.equal(await count(form.table, form.name, form.fields[form.name as keyof typeof form.fields]), 2)
      })
    }

    test('a token copied to another person is refused with a clear 409, and makes nothing', async () => {
      const page = await client.get('/posts/new')
      const token = /name="_submission" value="([^"]+)"/.exec(page.body)![1]!
      const first = await client.post('/posts/new', { title: 'Mine alone', body: 'x', publish: 'publish', _csrf: csrfTokenIn(page.body)!, _submission: token })
      assert.equal(first.statusCode, 303)
      const other = new TestClient(t.app)
      await signInAs(t.app.db, other, (await createUser(t.app.db)).id)
      const form = await other.get('/posts/new')
      const res = await other.post('/posts/new', { title: 'Copied', body: 'y', publish: 'publish', _csrf: csrfTokenIn(form.body)!, _submission: token })
      assert.equal(res.statusCode, 409)
      assert.match(res.body, /already been sent/)
      assert.equal(await count('posts', 'title', 'Copied'), 0)
    })

    test('a submission that fails validation leaves its token free: fixing the form and sending it twice makes one', async () => {
      const page = await client.get('/projects/new')
      const token = /name="_submission" value="([^"]+)"/.exec(page.body)![1]!
      const bad = await client.post('/projects/new', { name: 'Fixed later', summary: '', phase: 'alpha', _csrf: csrfTokenIn(page.body)!, _submission: token })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, new RegExp(`name="_submission" value="${token}"`), 'the re-rendered form keeps the token')
      const fixed = { name: 'Fixed later', summary: 'Now with a summary', phase: 'alpha', _csrf: csrfTokenIn(bad.body)!, _submission: token }
      const [a, b] = await Promise.all([client.post('/projects/new', fixed), client.post('/projects/new', fixed)])
      assert.deepEqual([a.statusCode, b.statusCode], [303, 303])
      assert.equal(await count('projects', 'name', 'Fixed later'), 1)
    })
  })
}
