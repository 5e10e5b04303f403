/**
 * A reader's own pages kept and shared by their answers (decision 0042): the new-post form by the reader's series,
 * teams, organisations and communities; the profile settings form by the fields it shows; the moderation queue by
 * standing (admins with admins). Two readers with different choices never get each other's options, and an admin's
 * grant to read a members-only space is part of their standing. The leak matrix (test/access) compares every shared
 * answer with the page rendered for that reader alone.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { TestClient } from '../support/client.ts'
import { signedInPeople, type TestUser } from '../support/factories.ts'
import { createProject } from '../../src/modules/projects/projects.ts'
import { createOrganisation } from '../../src/modules/organisations/organisations.ts'
import { createSpace, grantAdminAccess, setMembership } from '../../src/core/access/spaces.ts'
import { makePost } from '../../src/modules/posts/posts.test.support.ts'

const project = (name: string, team: string) => ({ name, team, summary: 'Own pages.', phase: 'alpha' as const, problem: '', audience: '', looking_for: '', themes: [], places: [], technologies: [], country: '', lead_organisation: '', partner_organisations: [], links: '' })
const option = (text: string) => new RegExp(`<option value="[^"]+"[^>]*>${text}</option>`)
const CHOICES = ['Zqown ferry', 'Zqown weeknotes', 'Zqown council', 'Zqown circle']

for (const dialect of testDialects()) {
  describe(`a reader's own pages, kept by their answers, on ${dialect}`, () => {
    let t: TestApp
    const names = ['plain1', 'plain2', 'team', 'series', 'org', 'circle', 'admin1', 'admin2', 'lead'] as const
    const people: Record<(typeof names)[number], TestUser> = {} as never
    const clients: Record<(typeof names)[number], TestClient> = {} as never
    let circleId = ''
    before(async () => {
      t = await buildTestApp(dialect)
      const readers = await signedInPeople(t.app, names, (name) => name.startsWith('admin'))
      Object.assign(people, readers.people)
      Object.assign(clients, readers.clients)
      await createProject(t.app.db, { userId: people.lead.id, isAdmin: false }, project('Zqown ferry', `${people.team.handle} | developer`))
      await makePost(t.app.db, people.series.id, { title: 'Zqown first weeknote', newSeries: 'Zqown weeknotes' })
      await createOrganisation(t.app.db, { userId: people.org.id, isAdmin: false }, { name: 'Zqown council', type: 'local government', country: 'Ireland', region: '', website: '', identifier: '', description: '', themes: [] })
      // A members-only community: its name is an option for its members only.
      circleId = await createSpace(t.app.db, { kind: 'community', visibility: 'members', name: 'Zqown circle', path: '/communities/zqown-circle' })
      await setMembership(t.app.db, circleId, people.circle.id, 'member', 'active')
      await t.app.pageCache.invalidate()
    })
    after(async () => t.close())

    test('the new-post form: readers with the same choices share it; each other reader gets exactly their own series, teams, organisations and communities', async () => {
      const first = await clients.plain1.get('/posts/new')
      assert.equal(first.statusCode, 200)
      assert.notEqual(first.headers['x-cache'], 'shared')
      const second = await clients.plain2.get('/posts/new')
      assert.equal(second.headers['x-cache'], 'shared', 'a reader with the same (no) choices is served the kept form')
      assert.match(second.body, new RegExp(`/people/${people.plain2.handle}"`), 'with their own header')
      assert.doesNotMatch(second.body, new RegExp(people.plain1.handle))
      assert.notEqual(/name="_csrf" value="([^"]+)"/.exec(second.body)?.[1], /name="_csrf" value="([^"]+)"/.exec(first.body)?.[1])
      assert.notEqual(/name="_submission" value="([^"]+)"/.exec(second.body)?.[1], /name="_submission" value="([^"]+)"/.exec(first.body)?.[1])
      const own = { team: 'Zqown ferry', series: 'Zqown weeknotes', org: 'Zqown council', circle: 'Zqown circle' } as const
      // Twice each: rendered (or served the variant of readers like them), then served their own variant.
      for (let round = 0; round < 2; round++) {
        for (const [name, mine] of Object.entries(own) as Array<[keyof typeof own, string]>) {
          const res = await clients[name].get('/posts/new')
          assert.equal(res.statusCode, 200)
          if (round === 1) assert.equal(res.headers['x-cache'], 'shared', `${name} is served their variant`)
          assert.match(res.body, option(mine), `${name} is offered ${mine}`)
          for (const other of CHOICES.filter((c) => c !== mine)) assert.doesNotMatch(res.body, option(other), `${name} is not offered ${other}`)
        }
        for (const name of ['plain1', 'plain2'] as const) {
          const res = await clients[name].get('/posts/new')
          for (const other of CHOICES) assert.doesNotMatch(res.body, option(other), `${name} is not offered ${other}`)
        }
      }
    })

    test('a reader who joins a team or starts a series (behind the app’s back) is offered it at once', async () => {
      await clients.plain2.get('/posts/new')
      const ferry = await t.db.selectFrom('projects').select('id').where('name', '=', 'Zqown ferry').executeTakeFirstOrThrow()
      await t.db.insertInto('project_members').values({ project_id: ferry.id, user_id: people.plain2.id, role: 'developer', created_at: new Date().toISOString() }).execute()
      await t.db.insertInto('series').values({ id: `zqown-${dialect}`, slug: `zqown-notes-${dialect}`, title: 'Zqown notes', owner_id: people.plain2.id, created_at: new Date().toISOString() }).execute()
      const res = await clients.plain2.get('/posts/new')
      assert.match(res.body, option('Zqown ferry'))
      assert.match(res.body, option('Zqown notes'))
      assert.doesNotMatch((await clients.plain1.get('/posts/new')).body, /Zqown/)
      await t.db.deleteFrom('project_members').where('user_id', '=', people.plain2.id).execute()
      await t.db.deleteFrom('series').where('owner_id', '=', people.plain2.id).execute()
      assert.doesNotMatch((await clients.plain2.get('/posts/new')).body, option('Zqown (ferry|notes)'))
    })

    test('the form re-rendered with errors keeps the writer’s text (rendered for that request)', async () => {
      await clients.team.get('/posts/new')
      const res = await clients.team.submit('/posts/new', { title: '', body: 'Zqkept words the writer typed', publish: 'publish' })
      assert.equal(res.statusCode, 422)
      assert.notEqual(res.headers['x-cache'], 'shared')
      assert.match(res.body, /Zqkept words the writer typed/)
      assert.match(res.body, option('Zqown ferry'))
    })

    test('the profile settings form is served again to its reader only, and shows a change at once', async () => {
      const a1 = await clients.plain1.get('/account/profile')
      const a2 = await clients.plain1.get('/account/profile')
      assert.equal(a2.headers['x-cache'], 'shared', 'kept for its reader')
      for (const res of [a1, a2]) assert.match(res.body, new RegExp(`value="${people.plain1.handle}"`))
      const b = await clients.plain2.get('/account/profile')
      assert.match(b.body, new RegExp(`value="${people.plain2.handle}"`))
      assert.doesNotMatch(b.body, new RegExp(people.plain1.handle))
      assert.doesNotMatch(b.body, new RegExp(people.plain1.name))
      // A field changed behind the app's back: the kept form no longer fits.
      await t.db.updateTable('profiles').set({ bio: 'Zqnewbio written elsewhere' }).where('user_id', '=', people.plain1.id).execute()
      assert.match((await clients.plain1.get('/account/profile')).body, /Zqnewbio written elsewhere/)
      // Saved through the form: the confirmation and the new name.
      const saved = await clients.plain1.submit('/account/profile', { name: 'Zqrenamed Person', handle: people.plain1.handle, role: '', bio: '', skills: '', interests: '', timeZone: 'Europe/London' })
      assert.equal(saved.statusCode, 303)
      const after = await clients.plain1.get('/account/profile?done=saved')
      assert.match(after.body, /value="Zqrenamed Person"/)
      assert.match(after.body, /Your profile has been saved/)
      assert.doesNotMatch((await clients.plain2.get('/account/profile')).body, /Zqrenamed|Zqnewbio/)
    })

    test('the moderation queue is shared by admins; an admin’s grant to a members-only space is their standing, never another admin’s', async () => {
      await clients.admin1.get('/moderation')
      assert.equal((await clients.admin2.get('/moderation')).headers['x-cache'], 'shared')
      assert.equal((await clients.plain1.get('/moderation')).statusCode, 404)
      // A post in the members-only circle: readable by an admin only through a live grant (policy.ts).
      await makePost(t.app.db, people.circle.id, { title: 'Zqgranted circle note', community: circleId })
      await grantAdminAccess(t.app.db, circleId, people.admin1.id, 'A report needs a look')
      await t.app.pageCache.invalidate()
      const granted = await clients.admin1.get('/posts')
      assert.match(granted.body, /Zqgranted circle note/)
      const other = await clients.admin2.get('/posts')
      assert.doesNotMatch(other.body, /Zqgranted circle note/, 'an admin without the grant does not get the granted admin’s page')
      assert.match((await clients.admin1.get('/posts')).body, /Zqgranted circle note/)
    })
  })
}
