/**
 * Pages rendered once for every plain signed-in reader (core/cache/shared.ts, decision 0023): who is served one,
 * who never is, and what voids them. The leak matrix (test/access) checks every class of reader on every page.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { TestClient } from '../support/client.ts'
import { createUser, signInAs } from '../support/factories.ts'
import { makePost } from '../../src/modules/posts/posts.test.support.ts'
import { createSpace, setMembership } from '../../src/core/access/spaces.ts'
import { READERS_TOPIC } from '../../src/core/cache/page-cache.ts'

for (const dialect of testDialects()) {
  describe(`pages shared between signed-in readers on ${dialect}`, () => {
    let t: TestApp
    const clients: Record<'a' | 'b' | 'writer' | 'member' | 'member2' | 'host' | 'admin', TestClient> = {} as never
    const handles: Record<string, string> = {}
    before(async () => {
      t = await buildTestApp(dialect)
      const space = await createSpace(t.app.db, { kind: 'community', visibility: 'members', name: 'Quiet circle', path: '/communities/quiet-circle' })
      for (const name of ['a', 'b', 'writer', 'member', 'member2', 'host', 'admin'] as const) {
        const user = await createUser(t.app.db, { isAdmin: name === 'admin' })
        clients[name] = new TestClient(t.app)
        handles[name] = user.handle
        await signInAs(t.app.db, clients[name], user.id)
        if (name === 'writer') await makePost(t.app.db, user.id, { title: 'Zqdraftword not yet out', publish: 'draft' })
        if (name === 'member' || name === 'member2') await setMembership(t.app.db, space, user.id, 'member', 'active')
        if (name === 'host') await setMembership(t.app.db, space, user.id, 'host', 'active')
      }
      await makePost(t.app.db, (await createUser(t.app.db)).id, { title: 'Zqpublicword for everyone' })
      await t.app.pageCache.invalidate()
    })
    after(async () => t.close())

    test('a plain reader is served the page another plain reader rendered, with their own header', async () => {
      const first = await clients.a.get('/posts')
      assert.notEqual(first.headers['x-cache'], 'shared')
      const second = await clients.b.get('/posts')
      assert.equal(second.headers['x-cache'], 'shared')
      assert.match(second.body, /Zqpublicword/)
      assert.match(second.body, new RegExp(`/people/${handles.b}"`))
      assert.doesNotMatch(second.body, new RegExp(`/people/${handles.a}"`))
      assert.match(String(second.headers['cache-control']), /\bprivate\b/)
      assert.match(String(second.headers.vary), /Cookie/)
      // Their own CSRF token in the sign-out form (read from the shared page), which signs them out.
      const out = await clients.b.submit('/posts', {}, '/sign-out')
      assert.equal(out.statusCode, 303)
      await signInAs(t.app.db, clients.b, (await t.db.selectFrom('users').select('id').where('handle', '=', handles.b!).executeTakeFirstOrThrow()).id)
    })

    test('what is not HTML keeps its type (the sitemap)', async () => {
      const first = await clients.a.get('/sitemap.xml')
      const second = await clients.b.get('/sitemap.xml')
      assert.equal(second.headers['x-cache'], 'shared')
      assert.equal(second.headers['content-type'], first.headers['content-type'])
      assert.match(String(second.headers['content-type']), /xml/)
      assert.equal(second.body, first.body)
    })

    test('a writer with a draft and an admin are rendered their own page; members share only with the same standing', async () => {
      await clients.a.get('/posts')
      const writer = await clients.writer.get('/posts')
      // Whatever the list shows its author (here it does not list drafts), a draft makes the writer's page their own.
      assert.notEqual(writer.headers['x-cache'], 'shared')
      assert.notEqual((await clients.admin.get('/posts')).headers['x-cache'], 'shared')
      assert.doesNotMatch((await clients.a.get('/posts')).body, /Zqdraftword/)
      // A member is not served the plain readers' page, nor a host the members' page: standing is part of the key.
      assert.notEqual((await clients.member.get('/posts')).headers['x-cache'], 'shared')
      assert.notEqual((await clients.host.get('/posts')).headers['x-cache'], 'shared')
      const member2 = await clients.member2.get('/posts')
      assert.equal(member2.headers['x-cache'], 'shared')
      assert.match(member2.body, new RegExp(`/people/${handles.member2}"`))
    })

    test('any write voids shared pages, and one only signed-in readers see keeps the anonymous pages', async () => {
      await clients.a.get('/')
      assert.equal((await clients.a.get('/')).headers['x-cache'], 'shared')
      const anonymous = new TestClient(t.app)
      await anonymous.get('/about')
      assert.equal((await anonymous.get('/about')).headers['x-cache'], 'hit')
      await t.app.pageCache.changed([READERS_TOPIC])
      assert.notEqual((await clients.a.get('/')).headers['x-cache'], 'shared')
      assert.equal((await anonymous.get('/about')).headers['x-cache'], 'hit')
    })
  })
}
