/**
 * The search page's layout rendered once for signed-in readers (decision 0040): a rendering to be shared has marks
 * where each reader's header and token go, so its layout (head, navigation, footer) is rendered once per process and
 * per the reader fields a shared rendering lets through (admin or not, time zone, a bounced address), and each
 * request puts the title and content in. These tests prove that part reads nothing personal (through the reader
 * trace), that a layout which did would not be kept, that every reader still gets their own header, token and count,
 * and that what each reader finds is exactly what they may see (a members-only document, an admin's access grant).
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { TestClient } from '../support/client.ts'
import { createUser, signInAs, type TestUser } from '../support/factories.ts'
import { indexDocument } from '../../src/core/search/search.ts'
import { createSpace, grantAdminAccess, setMembership } from '../../src/core/access/spaces.ts'
import { emptyTrace, readNothingPersonal, traceReader } from '../../src/core/access/reader-trace.ts'
import { SHARED_MARKS } from '../../src/core/cache/shared-marks.ts'
import type { SessionUser } from '../../src/core/auth/sessions.ts'

const CSRF = /name="_csrf" value="([^"]+)"/

for (const dialect of testDialects()) {
  describe(`the search layout shared by signed-in readers on ${dialect}`, () => {
    let t: TestApp
    const who = {} as Record<'reader' | 'member' | 'admin' | 'granted', { user: TestUser; client: TestClient }>
    let circle = ''
    before(async () => {
      t = await buildTestApp(dialect)
      const past = new Date(Date.now() - 3600_000).toISOString()
      circle = await createSpace(t.app.db, { kind: 'community', visibility: 'members', name: 'Zqlayout circle', path: '/communities/zqlayout-circle' })
      await indexDocument(t.app.db, { type: 'post', id: 'zq1', title: 'Zqlayout open notes', body: 'zqlayoutword in the open', url: '/posts/zq1', spaceId: null, visibleFrom: past })
      await indexDocument(t.app.db, { type: 'thread', id: 'zq2', title: 'Zqlayout circle notes', body: 'zqlayoutword in the circle', url: '/communities/zqlayout-circle/threads/zq2', spaceId: circle, visibleFrom: past })
      for (const name of ['reader', 'member', 'admin', 'granted'] as const) {
        const user = await createUser(t.db, { name: `Zqlayout ${name}`, isAdmin: name === 'admin' || name === 'granted' })
        const client = new TestClient(t.app)
        await signInAs(t.db, client, user.id)
        who[name] = { user, client }
      }
      await setMembership(t.app.db, circle, who.member.user.id, 'member', 'active')
      // An admin reads a members-only space only through a live access grant (policy.ts).
      await grantAdminAccess(t.app.db, circle, who.granted.user.id, 'a test of search')
    })
    after(async () => t.close())

    test('the layout rendered for a shared search reads nothing of the reader; one that reads their handle would be personal', () => {
      const user = { id: 'u-x', handle: 'zq-handle', name: 'Zq', isAdmin: false, email: 'x@example.org', timeZone: 'Europe/London', mailBouncedAt: null } as unknown as SessionUser
      const trace = emptyTrace()
      const traced = traceReader({ userId: user.id, isAdmin: false }, user, trace)
      const html = t.app.views.render('home/search.njk', { title: '\uE020', content: '\uE021', noindex: true, user: traced.user, timeZone: user.timeZone, csrfToken: SHARED_MARKS.token, sharedHeader: SHARED_MARKS.header, currentPath: '/search' })
      assert.ok(readNothingPersonal(trace), `the layout read ${trace.personal}`)
      assert.ok(html.includes(SHARED_MARKS.header) && !html.includes('zq-handle'))
      // The same trace catches a template that reads a personal field, so such a layout is rendered in full each time.
      const other = emptyTrace()
      t.app.views.renderString('{{ user.handle }}', { user: traceReader({ userId: user.id, isAdmin: false }, user, other).user })
      assert.equal(readNothingPersonal(other), false)
    })

    test("each reader's uncached search is the page Nunjucks renders for them alone, header, token and count their own", async () => {
      for (const name of ['reader', 'admin', 'reader', 'member', 'admin'] as const) {
        const { user, client } = who[name]
        for (const q of ['zqlayoutword', `<b> & "x" \\ “zqlayoutword”`]) {
          const res = await client.get(`/search?q=${encodeURIComponent(q)}&type=zq${Math.random()}`)
          assert.equal(res.statusCode, 200)
          const token = CSRF.exec(res.body)?.[1]
          assert.ok(token, 'a sign-out form with a token')
          const viewUser = { id: user.id, handle: user.handle, name: user.name, isAdmin: name === 'admin', timeZone: 'Europe/London', mailBouncedAt: null }
          const context = { title: `Search results for “${q}”`, noindex: true, user: viewUser, timeZone: 'Europe/London', csrfToken: token, sharedHeader: null, currentPath: '/search', notificationCount: 0 }
          const [head, tail] = t.app.views.render('home/search.njk', { ...context, content: '\u0000' }).split('\u0000')
          assert.ok(res.body.startsWith(head!) && res.body.endsWith(tail!), `${name}: ${q}`)
          const content = res.body.slice(head!.length, res.body.length - tail!.length)
          assert.equal(res.body, t.app.views.render('home/search.njk', { ...context, content }), `${name}: ${q}`)
          assert.ok(res.body.includes(`/people/${viewUser.handle}`))
          assert.equal(res.body.includes('href="/admin"'), name === 'admin')
        }
      }
    })

    test('a search asked for the first time is not kept; the second is, and is served to readers of that standing with their own header', async () => {
      const url = `/search?q=zqlayoutword&type=kept${Math.random()}`
      const first = await who.reader.client.get(url)
      const second = await who.reader.client.get(url)
      assert.notEqual(first.headers['x-cache'], 'shared')
      assert.notEqual(second.headers['x-cache'], 'shared')
      const another = await createUser(t.db, { name: 'Zqlayout another' })
      const client = new TestClient(t.app)
      await signInAs(t.db, client, another.id)
      const third = await client.get(url)
      assert.equal(third.headers['x-cache'], 'shared')
      const withoutHeader = (html: string, handle: string) => html.replace(new RegExp(CSRF, 'g'), '').replace(new RegExp(`/people/${handle}`, 'g'), '').replace(/Zqlayout (reader|another)/g, '')
      assert.ok(third.body.includes(`/people/${another.handle}`) && !third.body.includes(`/people/${who.reader.user.handle}`))
      assert.equal(withoutHeader(third.body, another.handle), withoutHeader(second.body, who.reader.user.handle))
      // An admin and a member have other standings: never served the plain readers' page.
      for (const name of ['admin', 'member'] as const) assert.notEqual((await who[name].client.get(url)).headers['x-cache'], 'shared')
    })

    test('each reader finds exactly what they may see: members and granted admins the circle, others not', async () => {
      for (let round = 0; round < 2; round++) {
        for (const [name, sees] of [['reader', false], ['member', true], ['admin', false], ['granted', true]] as const) {
          const res = await who[name].client.get(`/search?q=zqlayoutword&type=r${round}${name}${Math.random()}`)
          assert.equal(res.statusCode, 200)
          assert.ok(res.body.includes('/posts/zq1'), name)
          assert.equal(res.body.includes('/communities/zqlayout-circle/threads/zq2'), sees, name)
        }
        const anonymous = await t.app.inject(`/search?q=zqlayoutword&type=a${round}${Math.random()}`)
        assert.ok(!anonymous.body.includes('zqlayout-circle/threads'))
      }
    })
  })
}
