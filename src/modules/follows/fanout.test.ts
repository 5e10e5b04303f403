import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { startMailbox, type Mailbox } from '../../../test/support/mailbox.ts'
import { eventually, sleep } from '../../../test/support/wait.ts'
import { setMembership } from '../../core/access/spaces.ts'
import { FOLLOWERS_PER_JOB, roundOf, tellFollowers } from './follows.fanout.ts'
import { registriesOf } from './follows.ts'
import type { PublishedMark } from '../../core/activity.ts'

const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location)
const WAIT = { timeoutMs: 40_000, everyMs: 200 }

test('a full round resumes after its last item, even inside one instant; a short round read everything up to its end', () => {
  const at = (n: number) => `2026-11-30T10:00:0${n}.000Z`
  const read = [{ id: 'a', at: at(1) }, { id: 'b', at: at(2) }, { id: 'c', at: at(3) }, { id: 'd', at: at(3) }]
  assert.deepEqual(roundOf(read, 4, at(9)), { at: at(3), id: 'd' })
  assert.deepEqual(roundOf(read.slice(0, 3), 4, at(9)), { at: at(9), id: null })
  assert.deepEqual(roundOf([], 4, at(9)), { at: at(9), id: null })
})

/** Followed activity fanned out as it is published: in-app notices, e-mails as it happens, once each, as each follower may see it. */
for (const dialect of testDialects()) {
  describe(`followed activity reaches followers on ${dialect}`, () => {
    let t: TestApp
    let mailbox: Mailbox
    const u = {} as Record<'writer' | 'fan' | 'keen' | 'member' | 'former' | 'host', TestUser>
    const c = {} as Record<keyof typeof u, TestClient>
    let project: { slug: string; id: string }
    let community: { slug: string; id: string }
    const follow = async (who: TestClient, kind: string, id: string) => assert.equal((await who.submit('/following', { kind, id, action: 'follow', next: '/following' }, '/following')).statusCode, 303)
    const settings = async (who: TestClient, choice: Record<string, string>) => assert.equal((await who.submit('/following', { post: 'daily', thread: 'daily', event: 'daily', action: 'daily', ...choice }, '/following/settings')).statusCode, 303)
    const notices = async (userId: string, like: string) =>
      (await t.db.selectFrom('notifications').select(['text', 'url']).where('user_id', '=', userId).where('kind', '=', 'followed').execute()).filter((n) => n.text.includes(like))

    before(async () => {
      mailbox = await startMailbox()
      t = await buildTestApp(dialect, { config: { smtpUrl: mailbox.url } })
      for (const name of ['writer', 'fan', 'keen', 'member', 'former', 'host'] as const) {
        u[name] = await createUser(t.app.db, { name: `Fo ${name}`, email: `${name}-${dialect}@fanout.example` })
        c[name] = new TestClient(t.app)
        await signInAs(t.app.db, c[name], u[name].id)
      }
      const made = await c.writer.submit('/projects/new', { name: `Tide tables ${dialect}`, summary: 'Open tide tables.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', lead_organisation: '', partner_organisations: '', links: '', team: '' })
      assert.equal(made.statusCode, 303, made.body.slice(0, 400))
      const slug = /^\/projects\/([^/?]+)/.exec(location(made))![1]!
      project = { slug, id: (await t.db.selectFrom('projects').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id }
      const room = await c.host.submit('/communities/new', { name: `Quiet room ${dialect}`, description: 'Members only.', themes: '', join_policy: 'invite', visibility: 'members' })
      assert.equal(room.statusCode, 303, room.body.slice(0, 400))
      const cslug = /^\/communities\/([^/?]+)/.exec(location(room))![1]!
      community = { slug: cslug, id: (await t.db.selectFrom('communities').select('id').where('slug', '=', cslug).executeTakeFirstOrThrow()).id }
      for (const member of [u.member, u.former]) await setMembership(t.app.db, community.id, member.id, 'member', 'active')
    })
    after(async () => {
      await t.close()
      await mailbox.close()
    })

    test('a followed person’s practical action reaches the timeline and an in-app notice, once; the doer is not told', async () => {
      await follow(c.fan, 'person', u.writer.id)
      await settings(c.fan, { action: 'app' })
      await follow(c.writer, 'project', project.id)
      await settings(c.writer, { action: 'app' })
      const logged = await c.writer.submit(`/people/${u.writer.handle}`, { text: `Mapped the harbour gauges qxwzfan ${dialect}`, url: '', project: project.id, back: `/people/${u.writer.handle}` }, '/actions')
      assert.equal(logged.statusCode, 303, logged.body.slice(0, 400))
      await eventually(async () => (await notices(u.fan.id, 'qxwzfan')).length === 1, { ...WAIT, what: 'the in-app notice' })
      assert.match((await notices(u.fan.id, 'qxwzfan'))[0]!.text, /qxwzfan [a-z]+ \(Fo writer\)$/, 'the notice names whose action it is')
      const timeline = await c.fan.get('/timeline')
      assert.match(timeline.body, /Mapped the harbour gauges qxwzfan/)
      assert.match(timeline.body, /Practical actions/)
      assert.match(timeline.body, new RegExp(`A practical action by Fo writer on Tide tables ${dialect}`))
      // A second job for the same item (a retry, or a second process) tells nobody again.
      const action = await t.db.selectFrom('practical_actions').select(['id', 'created_at']).where('text', 'like', '%qxwzfan%').executeTakeFirstOrThrow()
      await t.app.jobs.enqueue(t.app.db, tellFollowers, { type: 'action', id: action.id, at: action.created_at, subjects: [{ kind: 'person', id: u.writer.id }], actors: [u.writer.id], spaceId: null, after: '' }, { key: 'again' })
      await sleep(1500)
      assert.equal((await notices(u.fan.id, 'qxwzfan')).length, 1)
      assert.equal((await notices(u.writer.id, 'qxwzfan')).length, 0, 'the doer follows the project but is not told of their own action')
    })

    test('e-mail as it happens: one message per item with the one-click unsubscribe, and an in-app notice beside it', async () => {
      await follow(c.keen, 'project', project.id)
      await settings(c.keen, { post: 'immediate' })
      const res = await c.writer.submit('/posts/new', { title: `Tide weeknote qxwzmail ${dialect}`, summary: 'What we did.', body: 'Words.', publish: 'publish', project: project.slug })
      assert.equal(res.statusCode, 303, res.body.slice(0, 400))
      const mail = await mailbox.waitFor(u.keen.email, /New from what you follow: Tide weeknote qxwzmail/, 40_000)
      assert.match(mail.raw, /^List-Unsubscribe:\s+<http:\/\/openly.test\/unsubscribe\//m)
      assert.match(mail.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m)
      assert.match(mail.text, /Unsubscribe with one click/)
      await eventually(async () => (await notices(u.keen.id, 'qxwzmail')).length === 1, { ...WAIT, what: 'the in-app notice' })
      await sleep(1500)
      assert.equal(mailbox.messages.filter((m) => m.to.includes(u.keen.email) && /qxwzmail/.test(m.subject)).length, 1)
    })

    test('a crash after the notice was written and before its e-mail went: the retry sends that e-mail once, and no second notice', async () => {
      const post = await t.db.selectFrom('posts').select(['id', 'published_at']).where('title', 'like', 'Tide weeknote qxwzmail%').executeTakeFirstOrThrow()
      // As the crashed run left it: the mail still pending (the in-app notice was written in the same transaction).
      await t.db.updateTable('follow_notices').set({ mail: 'pending' }).where('user_id', '=', u.keen.id).where('item_id', '=', post.id).execute()
      const before = mailbox.messages.filter((m) => m.to.includes(u.keen.email) && /qxwzmail/.test(m.subject)).length
      await t.app.jobs.enqueue(t.app.db, tellFollowers, { type: 'post', id: post.id, at: post.published_at!, subjects: [{ kind: 'project', id: project.id }], actors: [u.writer.id], spaceId: null, after: '' }, { key: 'retry-after-crash' })
      await eventually(async () => (await t.db.selectFrom('follow_notices').select('mail').where('user_id', '=', u.keen.id).where('item_id', '=', post.id).executeTakeFirstOrThrow()).mail === 'sent', { ...WAIT, what: 'the pending e-mail sent' })
      await sleep(1000)
      const copies = mailbox.messages.filter((m) => m.to.includes(u.keen.email) && /qxwzmail/.test(m.subject))
      assert.equal(copies.length, before + 1)
      // Here the first e-mail had in fact gone (the doubtful window: accepted, not yet marked): the re-send is the
      // same message, one Message-ID, which mail systems collapse (decision 0032).
      const messageIds = new Set(copies.map((m) => /^message-id:\s*(\S+)/im.exec(m.raw)?.[1]))
      assert.equal(messageIds.size, 1)
      assert.match([...messageIds][0]!, /^<news\.[0-9a-f]{24}@openly\.test>$/)
      assert.equal((await notices(u.keen.id, 'qxwzmail')).length, 1)
    })

    test('a private community’s discussion reaches its members only: not a follower who has left, not by e-mail either', async () => {
      for (const who of [c.member, c.former]) {
        await follow(who, 'community', community.id)
        await settings(who, { thread: 'immediate' })
      }
      await setMembership(t.app.db, community.id, u.former.id, 'member', 'removed')
      const thread = await c.host.submit(`/communities/${community.slug}/threads/new`, { title: `Private plans qxwzpriv ${dialect}`, body: 'Only for members.' })
      assert.equal(thread.statusCode, 303, thread.body.slice(0, 400))
      await mailbox.waitFor(u.member.email, /qxwzpriv/, 40_000)
      await eventually(async () => (await notices(u.member.id, 'qxwzpriv')).length === 1, { ...WAIT, what: 'the member’s notice' })
      await sleep(2000)
      assert.equal((await notices(u.former.id, 'qxwzpriv')).length, 0)
      assert.ok(!mailbox.messages.some((m) => m.to.includes(u.former.email) && /qxwzpriv/.test(m.text + m.subject)), 'no e-mail to the former member')
    })

    test('an action naming a private community’s project reaches members, never a follower of its author who is not one', async () => {
      await t.db.updateTable('projects').set({ space_id: community.id }).where('id', '=', project.id).execute()
      try {
        await follow(c.member, 'person', u.writer.id)
        await settings(c.member, { action: 'app' })
        await setMembership(t.app.db, community.id, u.writer.id, 'member', 'active')
        const logged = await c.writer.submit(`/people/${u.writer.handle}`, { text: `Private gauge work qxwzproj ${dialect}`, url: '', project: project.id, back: `/people/${u.writer.handle}` }, '/actions')
        assert.equal(logged.statusCode, 303, logged.body.slice(0, 400))
        await eventually(async () => (await notices(u.member.id, 'qxwzproj')).length === 1, { ...WAIT, what: 'the member’s notice' })
        await sleep(1500)
        assert.equal((await notices(u.fan.id, 'qxwzproj')).length, 0, 'the fan follows the author but may not see the project')
        assert.doesNotMatch((await c.fan.get('/timeline')).body, /qxwzproj/)
        assert.doesNotMatch((await c.fan.get('/actions')).body, /qxwzproj/, 'nor on the list of everyone’s actions: it lives in the community')
        assert.doesNotMatch((await c.fan.get(`/people/${u.writer.handle}`)).body, /qxwzproj/)
        assert.match((await c.member.get('/timeline')).body, /qxwzproj/)
      } finally {
        await t.db.updateTable('projects').set({ space_id: null }).where('id', '=', project.id).execute()
      }
    })

    test('more items in one instant than a round reads are all read, each once, across rounds', async () => {
      const source = registriesOf(t.app.modules).sources.get('action')!
      const instant = new Date(Date.now() - 60_000).toISOString()
      const ids = Array.from({ length: 250 }, (_, i) => `instant-${dialect}-${String(i).padStart(3, '0')}`)
      await t.db.insertInto('practical_actions').values(ids.map((id) => ({ id, author_id: u.writer.id, text: `Same instant ${id}`, url: '', project_id: null, space_id: null, hidden_at: null, shown_at: instant, created_at: instant }))).execute()
      const until = new Date(Date.now() - 30_000).toISOString()
      let mark: PublishedMark = { at: new Date(Date.now() - 120_000).toISOString(), id: null }
      const seen: string[] = []
      for (let round = 0; round < 10; round++) {
        const read = await source.published!(t.app.db, mark, until, 200)
        seen.push(...read.map((r) => r.id))
        mark = roundOf(read, 200, until)
        if (mark.id === null) break
      }
      assert.deepEqual(seen.filter((id) => id.startsWith('instant-')).sort(), ids, 'every item of the instant, once')
      assert.deepEqual(mark, { at: until, id: null })
    })

    test(`more followers than one job tells (${FOLLOWERS_PER_JOB}) are told by a chain of jobs, each once`, async () => {
      const at = new Date().toISOString()
      const many = await Promise.all(Array.from({ length: FOLLOWERS_PER_JOB + 5 }, (_, i) => createUser(t.app.db, { email: `crowd-${i}-${dialect}@fanout.example` })))
      await t.db.insertInto('follows').values(many.map((p) => ({ user_id: p.id, subject_kind: 'project', subject_id: project.id, created_at: at }))).execute()
      await t.db.insertInto('follow_settings').values(many.map((p) => ({ user_id: p.id, activity_type: 'post', delivery: 'app' as const, updated_at: at }))).execute()
      const res = await c.writer.submit('/posts/new', { title: `Crowded weeknote qxwzcrowd ${dialect}`, summary: '', body: 'Words.', publish: 'publish', project: project.slug })
      assert.equal(res.statusCode, 303, res.body.slice(0, 400))
      const told = async () => Number((await t.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'followed').where('text', 'like', '%qxwzcrowd%').where('user_id', 'in', many.map((p) => p.id)).executeTakeFirstOrThrow()).n)
      await eventually(async () => (await told()) === many.length, { ...WAIT, timeoutMs: 60_000, what: 'every follower told' })
      await sleep(1500)
      assert.equal(await told(), many.length)
    })
  })
}
