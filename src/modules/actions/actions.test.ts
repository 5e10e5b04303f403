import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { calendarStarts } from './actions.ts'

test('"this month" and "this week" are the reader’s calendar: from the 1st and from Monday, local midnight', () => {
  const at = Date.parse('2026-11-30T12:00:00Z') // a Monday in London; already Tuesday 1 December in Auckland
  assert.deepEqual(calendarStarts(at, 'Europe/London'), { week: '2026-11-30T00:00:00.000Z', month: '2026-11-01T00:00:00.000Z' })
  assert.deepEqual(calendarStarts(at, 'Pacific/Auckland'), { week: '2026-11-29T11:00:00.000Z', month: '2026-11-30T11:00:00.000Z' })
  assert.deepEqual(calendarStarts(Date.parse('2026-11-29T23:30:00Z'), 'Europe/London'), { week: '2026-11-23T00:00:00.000Z', month: '2026-11-01T00:00:00.000Z' })
})

for (const dialect of testDialects()) {
  describe(`practical actions on ${dialect}`, () => {
    let t: TestApp
    let ana: TestUser
    let ben: TestUser
    const client: Record<string, TestClient> = {}
    let projectSlug: string
    let projectId: string

    before(async () => {
      t = await buildTestApp(dialect)
      ana = await createUser(t.db, { name: 'Ana Actions' })
      ben = await createUser(t.db, { name: 'Ben Bystander' })
      for (const [k, u] of [['ana', ana], ['ben', ben]] as const) {
        client[k] = new TestClient(t.app)
        await signInAs(t.db, client[k], u.id)
      }
      const res = await client.ana!.submit('/projects/new', { name: 'Ferry timetable feed', summary: 'Open timetables.', phase: 'alpha', team: ana.handle })
      assert.equal(res.statusCode, 303)
      projectSlug = /\/projects\/([^/?#]+)/.exec(res.headers.location as string)![1]!
      projectId = (await t.db.selectFrom('projects').select('id').where('slug', '=', projectSlug).executeTakeFirstOrThrow()).id
    })
    after(async () => t?.close())

    test('one field and one button on one’s own profile logs an action, shown there with the counts, on the project and on /actions', async () => {
      const profile = await client.ana!.get(`/people/${ana.handle}`)
      assert.match(profile.body, /What did you do today\?/)
      const res = await client.ana!.submit(`/people/${ana.handle}`, { text: 'Published the ferry timetable as GTFS', url: 'https://example.org/gtfs.zip', project: projectId, back: `/people/${ana.handle}` }, '/actions')
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, `/people/${ana.handle}#practical-actions`)
      await client.ana!.submit(`/people/${ana.handle}`, { text: 'Wrote a weeknote draft', back: `/people/${ana.handle}` }, '/actions')
      const anon = await t.app.inject({ url: `/people/${ana.handle}` })
      assert.match(anon.body, /Published the ferry timetable as GTFS/)
      assert.match(anon.body, /2 practical actions this month, 2 this week/)
      assert.doesNotMatch(anon.body, /What did you do today\?/)
      const project = await t.app.inject({ url: `/projects/${projectSlug}` })
      assert.match(project.body, /Published the ferry timetable as GTFS/)
      assert.doesNotMatch(project.body, /Wrote a weeknote draft/)
      const list = await t.app.inject({ url: '/actions' })
      assert.match(list.body, /Wrote a weeknote draft/)
      assert.match(list.body, /href="https:\/\/example.org\/gtfs.zip"/)
      const home = await t.app.inject({ url: '/' })
      assert.match(home.body, /Published the ferry timetable as GTFS/)
      const api = await t.app.inject({ url: `/api/v1/actions?project=${projectSlug}` })
      assert.deepEqual(api.json().items.map((i: { text: string }) => i.text), ['Published the ferry timetable as GTFS'])
      assert.equal((await t.app.inject({ url: '/api/v1/actions?author=nobody-here' })).statusCode, 404)
    })

    test('bad input re-renders the form with the error summary and the text kept; a project one is not on is refused; nothing saved', async () => {
      const before = (await t.db.selectFrom('practical_actions').select('id').execute()).length
      const empty = await client.ben!.submit('/actions', { text: '   ', url: 'not a link' })
      assert.equal(empty.statusCode, 422)
      assert.match(empty.body, /govuk-error-summary/)
      assert.match(empty.body, /Enter what you did/)
      assert.match(empty.body, /value="not a link"/)
      const long = await client.ben!.submit('/actions', { text: 'x'.repeat(201) })
      assert.equal(long.statusCode, 422)
      assert.match(long.body, /What you did must be 200 characters or fewer/)
      const notMine = await client.ben!.submit('/actions', { text: 'Claimed someone’s project', project: projectId })
      assert.equal(notMine.statusCode, 422)
      assert.match(notMine.body, /Select a project you are on/)
      assert.match(notMine.body, /Claimed someone’s project/)
      assert.equal((await t.db.selectFrom('practical_actions').select('id').execute()).length, before)
      const anonymous = await t.app.inject({ method: 'POST', url: '/actions', payload: { text: 'x' } })
      assert.ok(anonymous.statusCode >= 300 && anonymous.statusCode < 500)
    })

    test('a double submit (concurrent requests with one form token) logs one action', async () => {
      const page = await client.ben!.get('/actions')
      const token = /name="_submission" value="([^"]+)"/.exec(page.body)![1]!
      const fields = { _csrf: csrfTokenIn(page.body)!, _submission: token, text: 'Ran a lunch and learn on open standards' }
      const answers = await Promise.all([client.ben!.post('/actions', fields), client.ben!.post('/actions', fields), client.ben!.post('/actions', fields)])
      for (const a of answers) assert.equal(a.statusCode, 303)
      const rows = await t.db.selectFrom('practical_actions').select('id').where('text', '=', 'Ran a lunch and learn on open standards').execute()
      assert.equal(rows.length, 1)
    })

    test('only its author removes an action; others get 404 and it stays', async () => {
      const row = await t.db.selectFrom('practical_actions').select('id').where('text', '=', 'Wrote a weeknote draft').executeTakeFirstOrThrow()
      const page = await client.ben!.get('/actions')
      const refused = await client.ben!.post(`/actions/${row.id}/delete`, { _csrf: csrfTokenIn(page.body)! })
      assert.equal(refused.statusCode, 404)
      const mine = await client.ana!.get('/actions')
      assert.match(mine.body, new RegExp(`/actions/${row.id}/delete`))
      const removed = await client.ana!.post(`/actions/${row.id}/delete`, { _csrf: csrfTokenIn(mine.body)! })
      assert.equal(removed.statusCode, 303)
      assert.equal(await t.db.selectFrom('practical_actions').select('id').where('id', '=', row.id).executeTakeFirst(), undefined)
    })

    test('a hidden action leaves every list for others, and the counts', async () => {
      const row = await t.db.selectFrom('practical_actions').select('id').where('text', '=', 'Published the ferry timetable as GTFS').executeTakeFirstOrThrow()
      await t.db.updateTable('practical_actions').set({ hidden_at: new Date().toISOString() }).where('id', '=', row.id).execute()
      t.app.pageCache.invalidate()
      for (const url of ['/actions', `/people/${ana.handle}`, `/projects/${projectSlug}`, '/api/v1/actions', '/']) {
        assert.doesNotMatch((await client.ben!.get(url)).body, /ferry timetable as GTFS/, url)
      }
      assert.match((await client.ana!.get('/actions')).body, /ferry timetable as GTFS/)
      // Nothing left that others may see: the profile has no practical actions section for them.
      assert.doesNotMatch((await t.app.inject({ url: `/people/${ana.handle}` })).body, /practical actions? this month/)
    })
  })
}
