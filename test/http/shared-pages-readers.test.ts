/**
 * Pages that read the reader through reader facts (decision 0034): practical actions, a challenge and an idea, a
 * community thread (public and members-only), a barrier and a solution. Plain readers share one rendering of each;
 * a reader for whom a fact holds (wrote it, voted, endorsed, on a team, administers an organisation) is rendered
 * their own, and a members-only thread is shared only within its members' standing, never with anyone outside.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { TestClient, errorsIn, location } from '../support/client.ts'
import { createUser, signInAs } from '../support/factories.ts'
import { challengeFields, organisation, stateChallenge, submitIdea, type Person } from '../support/challenges.ts'
import { setMembership } from '../../src/core/access/spaces.ts'

const NAMES = ['orgadmin', 'writer', 'voter', 'endorser', 'teamer', 'member1', 'member2', 'a', 'b', 'c'] as const
type Name = (typeof NAMES)[number]

/** A form's hidden one-time keys, for a POST made as the page would send it. */
function keysIn(html: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of ['_csrf', '_submission', 'submission_id']) {
    const m = new RegExp(`name="${name}" value="([^"]+)"`).exec(html)
    if (m) out[name] = m[1]!
  }
  return out
}

async function post(client: TestClient, page: string, action: string, fields: Record<string, string>): Promise<string> {
  const res = await client.post(action, { ...keysIn((await client.get(page)).body), ...fields })
  assert.equal(res.statusCode, 303, `POST ${action}: ${res.statusCode} ${errorsIn(res)}`)
  return location(res)
}

for (const dialect of testDialects()) {
  describe(`reader pages shared through reader facts on ${dialect}`, () => {
    let t: TestApp
    const p = {} as Record<Name, Person>
    const page = { actions: '/actions', challenge: '', idea: '', thread: '', closedThread: '', barrier: '', solution: '' }
    before(async () => {
      t = await buildTestApp(dialect)
      for (const name of NAMES) {
        const user = await createUser(t.db, { name: `Reader ${name}` })
        const client = new TestClient(t.app)
        await signInAs(t.db, client, user.id)
        p[name] = { user, client }
      }
      const org = await organisation(t, p.orgadmin, `Zqreaders council ${dialect}`)
      const ch = await stateChallenge(t, p.orgadmin, challengeFields(`organisation:${org.id}`, 'ideas', { title: `Zqreaders challenge ${dialect}` }))
      page.challenge = `/challenges/${ch.slug}`
      const idea = await submitIdea(p.writer, ch.slug, { title: 'Zqreaders idea' })
      page.idea = `${page.challenge}/ideas/${idea}`
      await post(p.voter.client, page.idea, `${page.idea}/vote`, { vote: 'add' })

      await post(p.writer.client, '/actions', '/actions', { text: 'Zqreaders ran a show and tell', url: '', project: '' })
      await post(p.teamer.client, '/projects/new', '/projects/new', { name: `Zqreaders ferry ${dialect}`, summary: 'Ferry times.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', country: '', lead_organisation: '', partner_organisations: '', links: '', team: '' })

      const open = /^\/communities\/([^/?]+)/.exec(await post(p.orgadmin.client, '/communities/new', '/communities/new', { name: `Zqreaders open ${dialect}`, description: 'Open.', themes: '', join_policy: 'open', visibility: 'public' }))![1]!
      page.thread = (await post(p.orgadmin.client, `/communities/${open}/threads/new`, `/communities/${open}/threads/new`, { title: 'Zqreaders thread', body: 'Opening words.' })).split('?')[0]!.split('#')[0]!
      await post(p.writer.client, `/communities/${open}`, `/communities/${open}/join`, {})
      await post(p.writer.client, page.thread, page.thread, { body: 'Zqreaders reply by the writer.' })
      const closed = /^\/communities\/([^/?]+)/.exec(await post(p.orgadmin.client, '/communities/new', '/communities/new', { name: `Zqreaders circle ${dialect}`, description: 'Members only.', themes: '', join_policy: 'invite', visibility: 'members' }))![1]!
      page.closedThread = (await post(p.orgadmin.client, `/communities/${closed}/threads/new`, `/communities/${closed}/threads/new`, { title: 'Zqreaders private thread', body: 'Zqreaders secret words.' })).split('?')[0]!.split('#')[0]!
      const circle = await t.db.selectFrom('spaces').select('id').where('path', '=', `/communities/${closed}`).executeTakeFirstOrThrow()
      for (const m of [p.member1, p.member2]) await setMembership(t.db, circle.id, m.user.id, 'member', 'active')

      for (const kind of ['barrier', 'solution'] as const) {
        const url = await post(p.writer.client, `/${kind}s/new`, `/${kind}s/new`, { title: `Zqreaders ${kind} ${dialect}`, body: `Text of the ${kind}.`, themes: '', summary: '' })
        page[kind] = url.split('?')[0]!
        await post(p.endorser.client, page[kind], `${page[kind]}/endorse`, { endorser: 'person', note: 'Zqreaders: us too.' })
      }
      await t.app.pageCache.invalidate()
    })
    after(async () => t.close())

    const shared = async (name: Name, url: string) => (await p[name].client.get(url)).headers['x-cache'] === 'shared'

    for (const [what, key, own] of [
      ['/actions', 'actions', ['writer', 'teamer']],
      ['a challenge page', 'challenge', ['voter', 'orgadmin']],
      ['an idea page', 'idea', ['voter', 'writer', 'orgadmin']],
      ['a public community thread', 'thread', ['writer', 'orgadmin']],
      ['a barrier page', 'barrier', ['writer', 'endorser', 'orgadmin']],
      ['a solution page', 'solution', ['writer', 'endorser', 'orgadmin']],
    ] as Array<[string, keyof typeof page, Name[]]>) {
      test(`${what}: shared between readers with no personal fact, rendered for each reader with one`, async () => {
        const url = page[key]
        const first = await p.a.client.get(url)
        assert.equal(first.statusCode, 200)
        assert.notEqual(first.headers['x-cache'], 'shared', 'the first plain reader renders it')
        const second = await p.b.client.get(url)
        assert.equal(second.headers['x-cache'], 'shared', `${url} is shared with the second plain reader`)
        assert.match(second.body, new RegExp(`/people/${p.b.user.handle}">Your profile`), 'with their own header')
        assert.doesNotMatch(second.body, new RegExp(`/people/${p.a.user.handle}"`))
        for (const name of own) {
          const res = await p[name].client.get(url)
          assert.equal(res.statusCode, 200)
          assert.notEqual(res.headers['x-cache'], 'shared', `${name} is rendered their own ${what}`)
        }
        assert.ok(await shared('c', url), 'and the plain readers’ page is still kept for them')
      })
    }

    test('what a fact holds for shows only on its reader’s own page', async () => {
      const remove = /action="\/actions\/[^"]+\/delete"/
      assert.match((await p.writer.client.get('/actions')).body, remove, 'the writer may remove their action')
      assert.doesNotMatch((await p.c.client.get('/actions')).body, remove)
      assert.match((await p.teamer.client.get('/actions')).body, /Zqreaders ferry/, 'a team member may name their project')
      assert.doesNotMatch((await p.c.client.get('/actions')).body, /Zqreaders ferry/)
      assert.match((await p.voter.client.get(page.idea)).body, /Withdraw your vote/)
      assert.doesNotMatch((await p.c.client.get(page.idea)).body, /Withdraw your vote/)
      const withdraw = /endorsements\/withdraw/
      assert.match((await p.endorser.client.get(page.barrier)).body, withdraw)
      assert.doesNotMatch((await p.c.client.get(page.barrier)).body, withdraw)
      const edit = /\/replies\/[^"]+\/edit"/
      assert.match((await p.writer.client.get(page.thread)).body, edit)
      assert.doesNotMatch((await p.c.client.get(page.thread)).body, edit)
    })

    test('a members-only thread is shared between its members only, and never reaches anyone else', async () => {
      await t.app.pageCache.invalidate()
      const m1 = await p.member1.client.get(page.closedThread)
      assert.equal(m1.statusCode, 200)
      assert.match(m1.body, /Zqreaders secret words/)
      const m2 = await p.member2.client.get(page.closedThread)
      assert.equal(m2.headers['x-cache'], 'shared', 'two members of the same standing share it')
      for (const name of ['a', 'b', 'writer'] as const) {
        const res = await p[name].client.get(page.closedThread)
        assert.equal(res.statusCode, 404, `${name} is not a member`)
        assert.doesNotMatch(res.body, /Zqreaders secret words/)
      }
      const anonymous = await new TestClient(t.app).get(page.closedThread)
      assert.equal(anonymous.statusCode, 404)
      assert.doesNotMatch(anonymous.body, /Zqreaders secret words/)
    })

    test('voided by topic: a write in a members-only space voids its members’ pages only; one’s own writes void nothing', async () => {
      await t.app.pageCache.invalidate()
      await p.a.client.get('/actions')
      await p.member1.client.get(page.closedThread)
      assert.ok(await shared('b', '/actions'))
      assert.ok(await shared('member2', page.closedThread))
      // Signing out, reading one's notifications: nobody else sees them, so every shared page is kept.
      const leaving = new TestClient(t.app)
      await signInAs(t.db, leaving, p.c.user.id)
      await post(leaving, '/actions', '/sign-out', {})
      await post(p.a.client, '/notifications', '/notifications/read-all', {})
      assert.ok(await shared('b', '/actions'), 'kept after a sign-out and notifications read')
      assert.ok(await shared('member2', page.closedThread), 'kept after a sign-out and notifications read')
      // A reply in the members-only community: its members' pages go, plain readers' pages stay.
      await post(p.member1.client, page.closedThread, page.closedThread, { body: 'Zqreaders second secret.' })
      const member = await p.member2.client.get(page.closedThread)
      assert.notEqual(member.headers['x-cache'], 'shared', 'the members’ page was voided')
      assert.match(member.body, /Zqreaders second secret/)
      assert.ok(await shared('b', '/actions'), 'a plain reader’s page is kept: they cannot see that space')
      assert.doesNotMatch((await p.b.client.get('/actions')).body, /Zqreaders second secret/)
      // Logging an action (site content): every shared page shows it at once.
      await post(p.writer.client, '/actions', '/actions', { text: 'Zqreaders second action', url: '', project: '' })
      const after = await p.b.client.get('/actions')
      assert.notEqual(after.headers['x-cache'], 'shared')
      assert.match(after.body, /Zqreaders second action/)
      assert.notEqual((await p.member2.client.get(page.closedThread)).headers['x-cache'], 'shared', 'and the members’ pages too')
    })
  })
}
