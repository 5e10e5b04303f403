import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { eventually } from '../../../test/support/wait.ts'
import { createUser, signedInClient, type TestUser } from '../../../test/support/factories.ts'
import type { TestClient } from '../../../test/support/client.ts'

const WAIT = { timeoutMs: 40_000, everyMs: 200 }

/** Followers of a person hear of the links they add to the reading list; the adder is not told of their own. */
for (const dialect of testDialects()) {
  describe(`reading-list links reach followers on ${dialect}`, () => {
    let t: TestApp
    const u = {} as Record<'curator' | 'fan', TestUser>
    const c = {} as Record<keyof typeof u, TestClient>
    const notices = (userId: string, like: string) => t.db.selectFrom('notifications').select(['text', 'url']).where('user_id', '=', userId).where('kind', '=', 'followed').where('text', 'like', `%${like}%`).execute()

    before(async () => {
      t = await buildTestApp(dialect)
      for (const name of ['curator', 'fan'] as const) {
        u[name] = await createUser(t.db, { name: `Rl ${name}` })
        c[name] = await signedInClient(t.app, u[name])
      }
    })
    after(async () => t?.close())

    test('a followed person’s new link reaches the timeline and an in-app notice', async () => {
      assert.equal((await c.fan.submit('/following', { kind: 'person', id: u.curator.id, action: 'follow', next: '/following' }, '/following')).statusCode, 303)
      assert.equal((await c.fan.submit('/following', { reading: 'app' }, '/following/settings')).statusCode, 303)
      const added = await c.curator.submit('/reading/new', { url: `https://example.org/zqread-${dialect}`, title: `Service patterns zqread ${dialect}`, summary: 'Patterns for public services, in my words.', tags: 'design' })
      assert.equal(added.statusCode, 303, added.body.slice(0, 400))
      await eventually(async () => (await notices(u.fan.id, 'zqread')).length === 1, { ...WAIT, what: 'the follower’s notice' })
      const [notice] = await notices(u.fan.id, 'zqread')
      assert.equal(notice!.text, `New on the reading list: Service patterns zqread ${dialect}`)
      assert.match(notice!.url, /^\/reading\/service-patterns-zqread/)
      assert.match((await c.fan.get('/timeline')).body, new RegExp(`Service patterns zqread ${dialect}`))
      assert.equal((await notices(u.curator.id, 'zqread')).length, 0)
    })
  })
}
