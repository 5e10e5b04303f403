/**
 * Pages shared between signed-in readers for whom personal facts find the same (decisions 0028, 0039): a project page
 * reads whether the reader is on its team (the edit link) and follows it (Follow or Unfollow). Readers on no team who
 * do not follow it share one rendering; its team shares another, its followers a third, and none reaches the others.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { TestClient } from '../support/client.ts'
import { signedInPeople, type TestUser } from '../support/factories.ts'
import { createProject } from '../../src/modules/projects/projects.ts'

const EDIT = /\/projects\/zqfact-ferry\/edit"/
const UNFOLLOW = /name="action" value="unfollow"/
const FOLLOW = /name="action" value="follow"/

for (const dialect of testDialects()) {
  describe(`project pages shared between readers on no team who do not follow on ${dialect}`, () => {
    let t: TestApp
    const people: Record<'lead' | 'teamer' | 'fan' | 'a' | 'b' | 'c', TestUser> = {} as never
    const clients: Record<keyof typeof people, TestClient> = {} as never
    const page = '/projects/zqfact-ferry'
    before(async () => {
      t = await buildTestApp(dialect)
      const readers = await signedInPeople(t.app, ['lead', 'teamer', 'fan', 'a', 'b', 'c'] as const)
      Object.assign(people, readers.people)
      Object.assign(clients, readers.clients)
      await createProject(t.app.db, { userId: people.lead.id, isAdmin: false }, {
        name: 'Zqfact ferry',
        summary: 'Ferry times for islands.',
        phase: 'alpha',
        problem: '',
        audience: '',
        looking_for: '',
        themes: [],
        places: [],
        technologies: [],
        country: '',
        lead_organisation: '',
        partner_organisations: [],
        links: '',
        team: `${people.teamer.handle} | developer`,
      })
      const project = await t.db.selectFrom('projects').select('id').where('slug', '=', 'zqfact-ferry').executeTakeFirstOrThrow()
      await t.db.insertInto('follows').values({ user_id: people.fan.id, subject_kind: 'project', subject_id: project.id, created_at: new Date().toISOString() }).execute()
      await t.app.pageCache.invalidate()
    })
    after(async () => t.close())

    test('two plain readers share one rendering: no edit link, Follow', async () => {
      const first = await clients.a.get(page)
      assert.equal(first.statusCode, 200)
      assert.notEqual(first.headers['x-cache'], 'shared')
      const second = await clients.b.get(page)
      assert.equal(second.headers['x-cache'], 'shared')
      for (const res of [first, second]) {
        assert.doesNotMatch(res.body, EDIT)
        assert.match(res.body, FOLLOW)
        assert.doesNotMatch(res.body, UNFOLLOW)
      }
      assert.match(second.body, new RegExp(`/people/${people.b.handle}"`))
      assert.doesNotMatch(second.body, new RegExp(`/people/${people.a.handle}"`))
    })

    test('a team member gets the edit link and a follower Unfollow: rendered once, then their variant is shared', async () => {
      await clients.a.get(page)
      const teamer = await clients.teamer.get(page)
      assert.notEqual(teamer.headers['x-cache'], 'shared')
      assert.match(teamer.body, EDIT)
      const teamerAgain = await clients.teamer.get(page)
      assert.equal(teamerAgain.headers['x-cache'], 'shared')
      assert.match(teamerAgain.body, EDIT)
      // The lead wrote the project (a rule compared them with its author): their own rendering, kept for them alone.
      const lead = await clients.lead.get(page)
      assert.notEqual(lead.headers['x-cache'], 'shared')
      assert.match(lead.body, EDIT)
      assert.equal((await clients.lead.get(page)).headers['x-cache'], 'shared')
      const fan = await clients.fan.get(page)
      assert.notEqual(fan.headers['x-cache'], 'shared')
      assert.match(fan.body, UNFOLLOW)
      assert.doesNotMatch(fan.body, EDIT)
      const again = await clients.fan.get(page)
      assert.equal(again.headers['x-cache'], 'shared')
      assert.match(again.body, UNFOLLOW)
      assert.doesNotMatch(again.body, EDIT)
    })

    test('what a team member or follower was rendered never reaches another reader', async () => {
      // They render first, with the cache empty: their pages must not be kept for the plain readers after them.
      await t.app.pageCache.invalidate()
      assert.match((await clients.teamer.get(page)).body, EDIT)
      assert.match((await clients.fan.get(page)).body, UNFOLLOW)
      const c = await clients.c.get(page)
      assert.notEqual(c.headers['x-cache'], 'shared')
      assert.doesNotMatch(c.body, EDIT)
      assert.doesNotMatch(c.body, UNFOLLOW)
      // And the plain readers' page, once kept, is not served to them.
      assert.equal((await clients.b.get(page)).headers['x-cache'], 'shared')
      assert.match((await clients.teamer.get(page)).body, EDIT)
      assert.match((await clients.fan.get(page)).body, UNFOLLOW)
    })

    test('following voids nothing by itself but the fact: a reader who starts following is rendered Unfollow at once', async () => {
      await clients.a.get(page)
      assert.equal((await clients.b.get(page)).headers['x-cache'], 'shared')
      const project = await t.db.selectFrom('projects').select('id').where('slug', '=', 'zqfact-ferry').executeTakeFirstOrThrow()
      // Written behind the app's back (no route, no invalidation): the fact alone must keep b from the shared page.
      await t.db.insertInto('follows').values({ user_id: people.b.id, subject_kind: 'project', subject_id: project.id, created_at: new Date().toISOString() }).execute()
      // b is now a follower: served the followers' variant (or rendered), never the page of those who do not follow.
      const b = await clients.b.get(page)
      assert.match(b.body, UNFOLLOW)
      assert.doesNotMatch(b.body, FOLLOW)
      assert.equal((await clients.c.get(page)).headers['x-cache'], 'shared')
    })
  })
}
