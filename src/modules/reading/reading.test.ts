import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'

const fields = (overrides: Record<string, string> = {}) => ({ url: 'https://example.org/open-by-default', title: 'Open by default', summary: 'Why publishing early beats publishing perfectly, from a council that tried it.', tags: 'Working in the open, local government', ...overrides })

for (const dialect of testDialects()) {
  describe(`the reading list on ${dialect}`, () => {
    let t: TestApp
    let rae: TestUser
    let sol: TestUser
    const client: Record<string, TestClient> = {}

    before(async () => {
      t = await buildTestApp(dialect)
      rae = await createUser(t.db, { name: 'Rae Reader' })
      sol = await createUser(t.db, { name: 'Sol Second' })
      for (const [k, u] of [['rae', rae], ['sol', sol]] as const) {
        client[k] = new TestClient(t.app)
        await signInAs(t.db, client[k], u.id)
      }
    })
    after(async () => t?.close())

    test('a member adds a link with a summary and tags; it is listed, filtered by tag, in the feeds, the API, search and on the front page', async () => {
      const res = await client.rae!.submit('/reading/new', fields())
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/reading/open-by-default?done=added')
      const page = await t.app.inject({ url: '/reading/open-by-default' })
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Why publishing early beats publishing perfectly/)
      assert.match(page.body, /href="\/reading\?tag=working-in-the-open"/)
      await client.rae!.submit('/reading/new', fields({ url: 'https://example.org/buying-software', title: 'Buying software in small pieces', summary: 'Modular contracts, explained.', tags: 'procurement' }))
      const tagged = await t.app.inject({ url: '/reading?tag=procurement' })
      assert.match(tagged.body, /Buying software in small pieces/)
      assert.doesNotMatch(tagged.body, /Open by default<\/a>/)
      const all = await t.app.inject({ url: '/reading' })
      assert.match(all.body, /Open by default/)
      assert.match(all.body, /Buying software in small pieces/)
      const atom = await t.app.inject({ url: '/reading/feed.atom' })
      assert.equal(atom.statusCode, 200)
      assert.match(atom.body, /<title[^>]*>Open by default<\/title>/)
      assert.match(atom.body, /href="https:\/\/example.org\/open-by-default"/)
      const json = (await t.app.inject({ url: '/reading/feed.json' })).json()
      assert.equal(json.items.length, 2)
      const api = (await t.app.inject({ url: '/api/v1/reading?tag=local-government' })).json()
      assert.deepEqual(api.items.map((i: { title: string }) => i.title), ['Open by default'])
      assert.equal((await t.app.inject({ url: '/api/v1/reading/open-by-default' })).json().summary, fields().summary)
      const search = await t.app.inject({ url: '/search?q=publishing+perfectly' })
      assert.match(search.body, /Open by default/)
      assert.match((await t.app.inject({ url: '/' })).body, /Buying software in small pieces/)
    })

    test('bad input is a 422 with the error summary and the text kept; a link already listed is named; nothing saved', async () => {
      const count = async () => (await t.db.selectFrom('reading_items').select('id').execute()).length
      const before = await count()
      const bad = await client.sol!.submit('/reading/new', fields({ url: 'javascript:alert(1)', title: '', summary: 's'.repeat(1001), tags: 'x'.repeat(41) }))
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /govuk-error-summary/)
      for (const message of ['Enter link as a full web address', 'Enter title', 'Summary must be 1000 characters or fewer', 'each must be 40 characters or fewer']) assert.match(bad.body, new RegExp(message))
      const again = await client.sol!.submit('/reading/new', fields({ title: 'Same link again', summary: 'My own words about it.' }))
      assert.equal(again.statusCode, 422)
      assert.match(again.body, /already on the reading list as “Open by default”/)
      assert.match(again.body, /My own words about it\./)
      assert.equal(await count(), before)
    })

    test('a double submit, and two members adding the same new link at once, make one item', async () => {
      const page = await client.sol!.get('/reading/new')
      const token = /name="_submission" value="([^"]+)"/.exec(page.body)![1]!
      const body = { _csrf: csrfTokenIn(page.body)!, _submission: token, ...fields({ url: 'https://example.org/twice', title: 'Twice' }) }
      const answers = await Promise.all([client.sol!.post('/reading/new', body), client.sol!.post('/reading/new', body)])
      for (const a of answers) assert.equal(a.statusCode, 303)
      const other = await client.rae!.get('/reading/new')
      const race = await Promise.all([
        client.sol!.post('/reading/new', { ...body, _submission: 'race-a-' + token, url: 'https://example.org/race', title: 'Race' }),
        client.rae!.post('/reading/new', { _csrf: csrfTokenIn(other.body)!, ...fields({ url: 'https://example.org/race', title: 'Race' }) }),
      ])
      assert.deepEqual(race.map((r) => r.statusCode).sort(), [303, 422])
      for (const url of ['https://example.org/twice', 'https://example.org/race']) assert.equal((await t.db.selectFrom('reading_items').select('id').where('url', '=', url).execute()).length, 1)
    })

    test('only the member who added it edits or removes it; others get 404', async () => {
      assert.equal((await client.sol!.get('/reading/open-by-default/edit')).statusCode, 404)
      const edit = await client.rae!.submit('/reading/open-by-default/edit', fields({ summary: 'Rewritten in my own words.', tags: 'openness' }))
      assert.equal(edit.statusCode, 303)
      assert.match((await t.app.inject({ url: '/reading?tag=openness' })).body, /Open by default/)
      assert.doesNotMatch((await t.app.inject({ url: '/reading?tag=local-government' })).body, /Open by default<\/a>/)
      const page = await client.sol!.get('/reading/open-by-default')
      assert.equal((await client.sol!.post('/reading/open-by-default/delete', { _csrf: csrfTokenIn(page.body)! })).statusCode, 404)
      const own = await client.rae!.get('/reading/open-by-default')
      assert.equal((await client.rae!.post('/reading/open-by-default/delete', { _csrf: csrfTokenIn(own.body)! })).statusCode, 303)
      assert.equal((await t.app.inject({ url: '/reading/open-by-default' })).statusCode, 404)
      assert.doesNotMatch((await t.app.inject({ url: '/search?q=rewritten' })).body, /Open by default/)
    })
  })

  describe(`the reading list with trust levels on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect, { config: { trust: { newAccountDays: 7, approvals: 2 } } })
    })
    after(async () => t?.close())

    test('a new account’s link waits for approval: out of every list, feed and search until a moderator approves it', async () => {
      const fresh = await createUser(t.db, { name: 'New Newcomer' })
      const c = new TestClient(t.app)
      await signInAs(t.db, c, fresh.id)
      const other = new TestClient(t.app)
      await signInAs(t.db, other, (await createUser(t.db)).id)
      const res = await c.submit('/reading/new', fields({ url: 'https://spam.example/cheap', title: 'Zqheldlinkx offer' }))
      assert.equal(res.statusCode, 303)
      assert.match((await c.get('/reading/zqheldlinkx-offer')).body, /waiting for a moderator’s approval/)
      for (const url of ['/reading', '/reading/feed.atom', '/api/v1/reading', '/search?q=offer', '/', '/reading/zqheldlinkx-offer']) {
        assert.doesNotMatch((await other.get(url)).body, /zqheldlinkx/i, url)
      }
    })
  })
}
