/**
 * Variants of a shared page (decision 0039): readers whom a stored page does not fit (on the team, admins, the author)
 * share a rendering with the readers whose answers are theirs, and never with anyone else. The leak matrix
 * (test/access) compares every shared answer, for every class of reader, with the page rendered for them alone.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { TestClient } from '../support/client.ts'
import { signedInPeople, type TestUser } from '../support/factories.ts'
import { createProject } from '../../src/modules/projects/projects.ts'
import { makePost } from '../../src/modules/posts/posts.test.support.ts'

const project = (name: string, team: string) => ({ name, team, summary: 'Shared variants.', phase: 'alpha' as const, problem: '', audience: '', looking_for: '', themes: [], places: [], technologies: [], country: '', lead_organisation: '', partner_organisations: [], links: '' })
const option = (name: string) => new RegExp(`<option value="[^"]+"[^>]*>${name}</option>`)

for (const dialect of testDialects()) {
  describe(`variants of shared pages on ${dialect}`, () => {
    let t: TestApp
    const names = ['lead', 'mate1', 'mate2', 'other', 'plain', 'admin1', 'admin2'] as const
    const people: Record<(typeof names)[number], TestUser> = {} as never
    const clients: Record<(typeof names)[number], TestClient> = {} as never
    let hiddenSlug = ''
    before(async () => {
      t = await buildTestApp(dialect)
      const readers = await signedInPeople(t.app, names, (name) => name.startsWith('admin'))
      Object.assign(people, readers.people)
      Object.assign(clients, readers.clients)
      const lead = { userId: people.lead.id, isAdmin: false }
      await createProject(t.app.db, lead, project('Zqvariant ferry', `${people.mate1.handle} | developer\n${people.mate2.handle} | developer`))
      await createProject(t.app.db, lead, project('Zqvariant lighthouse', `${people.other.handle} | developer`))
      const hidden = await makePost(t.app.db, people.plain.id, { title: 'Zqhiddenword taken down' })
      await t.db.updateTable('posts').set({ hidden_at: new Date().toISOString() }).where('id', '=', hidden.id).execute()
      hiddenSlug = hidden.slug
      await t.app.pageCache.invalidate()
    })
    after(async () => t.close())

    test('/actions: readers on the same teams share the form listing their projects; another team and a plain reader get theirs', async () => {
      const first = await clients.mate1.get('/actions')
      assert.notEqual(first.headers['x-cache'], 'shared')
      const mate2 = await clients.mate2.get('/actions')
      assert.equal(mate2.headers['x-cache'], 'shared')
      for (const res of [first, mate2]) {
        assert.match(res.body, option('Zqvariant ferry'))
        assert.doesNotMatch(res.body, option('Zqvariant lighthouse'))
      }
      assert.match(mate2.body, new RegExp(`/people/${people.mate2.handle}"`))
      const other = await clients.other.get('/actions')
      assert.notEqual(other.headers['x-cache'], 'shared')
      assert.match(other.body, option('Zqvariant lighthouse'))
      assert.doesNotMatch(other.body, option('Zqvariant ferry'))
      const plain = await clients.plain.get('/actions')
      assert.doesNotMatch(plain.body, /Zqvariant/)
      // Each is then served their own variant.
      assert.equal((await clients.other.get('/actions')).headers['x-cache'], 'shared')
      const plainAgain = await clients.plain.get('/actions')
      assert.equal(plainAgain.headers['x-cache'], 'shared')
      assert.doesNotMatch(plainAgain.body, /Zqvariant/)
    })

    test('a reader who joins a team (behind the app’s back) is served the team’s variant, not the page they had', async () => {
      await clients.plain.get('/actions')
      assert.equal((await clients.plain.get('/actions')).headers['x-cache'], 'shared')
      const project = await t.db.selectFrom('projects').select('id').where('name', '=', 'Zqvariant lighthouse').executeTakeFirstOrThrow()
      await t.db.insertInto('project_members').values({ project_id: project.id, user_id: people.plain.id, role: 'developer', created_at: new Date().toISOString() }).execute()
      const joined = await clients.plain.get('/actions')
      assert.match(joined.body, option('Zqvariant lighthouse'))
      await t.db.deleteFrom('project_members').where('user_id', '=', people.plain.id).execute()
      assert.doesNotMatch((await clients.plain.get('/actions')).body, /Zqvariant/)
    })

    test('admins share pages with admins only: a hidden post reaches the second admin from the first’s rendering, never a plain reader', async () => {
      const url = `/posts/${hiddenSlug}`
      const admin1 = await clients.admin1.get(url)
      assert.equal(admin1.statusCode, 200)
      assert.match(admin1.body, /Zqhiddenword/)
      const admin2 = await clients.admin2.get(url)
      assert.equal(admin2.statusCode, 200)
      assert.equal(admin2.headers['x-cache'], 'shared')
      assert.match(admin2.body, /Zqhiddenword/)
      assert.match(admin2.body, new RegExp(`/people/${people.admin2.handle}"`))
      assert.doesNotMatch(admin2.body, new RegExp(`/people/${people.admin1.handle}"`))
      const mate = await clients.mate1.get(url)
      assert.equal(mate.statusCode, 404)
      assert.doesNotMatch(mate.body, /Zqhiddenword/)
      // Admins' /posts is shared between them too, and a plain reader's is not theirs.
      await clients.admin1.get('/posts')
      assert.equal((await clients.admin2.get('/posts')).headers['x-cache'], 'shared')
      await clients.mate2.get('/posts')
      assert.doesNotMatch((await clients.mate2.get('/posts')).body, /Zqhiddenword/)
    })
  })
}
