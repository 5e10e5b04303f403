import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, errorsIn } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { eventually, sleep } from '../../../test/support/wait.ts'
import { challengeFields, organisation, person, stateChallenge, submitIdea, type Person } from '../../../test/support/challenges.ts'
import { createEvent } from '../../../test/support/events.ts'
import { setMembership } from '../../core/access/spaces.ts'

/**
 * Decision 0038: an item held for approval becomes visible when a moderator approves it, later than it was written.
 * Its followers hear of it then (the fan-out reads by `shown_at`), not before, never twice (a restore after a hide
 * tells nobody again), and only those who may see it (a members-only discussion reaches members only).
 */
const WAIT = { timeoutMs: 40_000, everyMs: 200 }
const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location ?? '')
const LINK = 'More at [our site](https://spam.example/more).'

/** One source's held item: its moderation type, fan-out type, and the word its notices carry. */
interface Held {
  kind: string
  type: string
  word: string
  id: string
}

for (const dialect of testDialects()) {
  describe(`approved items reach followers once, when approved, on ${dialect}`, () => {
    let t: TestApp
    let admin: TestClient
    let newcomer: Person
    let fan: Person
    let member: Person
    let outsider: Person
    const held: Record<string, Held> = {}
    /** Followed notices per word, read at each stage. */
    const beforeApproval = new Map<string, number>()
    const notices = async (userId: string, word: string) =>
      (await t.db.selectFrom('notifications').select('text').where('user_id', '=', userId).where('kind', '=', 'followed').execute()).filter((n) => n.text.includes(word)).length
    /** Waits until the fan-out has read every source past `at` (its marks moved beyond it). */
    const fanOutPassed = async (at: string, types: string[]) =>
      eventually(async () => {
        const marks = await t.db.selectFrom('follow_marks').select(['activity_type', 'until']).execute()
        return types.every((type) => marks.some((m) => m.activity_type === type && m.until > at))
      }, { ...WAIT, what: `the fan-out to pass ${at}` })
    const follow = async (who: Person, kind: string, id: string) => assert.equal((await who.client.submit('/following', { kind, id, action: 'follow', next: '/following' }, '/following')).statusCode, 303)
    /** The platform admin moderates site content; a members-only community's host moderates its discussions. */
    let host: Person
    const moderate = async (h: Held, action: 'approve' | 'hide' | 'restore') => {
      const res = await (h.kind === 'thread' ? host.client : admin).submit(`/moderation/item?type=${h.kind}&id=${h.id}`, { type: h.kind, id: h.id, action, reason: `Checked (${action})` }, '/moderation/item')
      assert.equal(res.statusCode, 303, `${action} ${h.kind}: ${res.statusCode} ${errorsIn(res)}`)
    }
    const idOf = async (table: 'posts' | 'threads' | 'events' | 'challenge_ideas' | 'reading_items', word: string) =>
      (await t.db.selectFrom(table).select('id').where('title', 'like', `%${word}%`).executeTakeFirstOrThrow()).id

    before(async () => {
      // Trust levels on: a new account's content with links waits for a moderator.
      t = await buildTestApp(dialect, { config: { trust: { newAccountDays: 3, approvals: 99 } } })
      admin = new TestClient(t.app)
      await signInAs(t.db, admin, (await createUser(t.db, { isAdmin: true })).id)
      host = await person(t, 'Hosting Harriet')
      newcomer = await person(t, 'Newcomer Nia')
      fan = await person(t, 'Fan Femi')
      member = await person(t, 'Member Mo')
      outsider = await person(t, 'Outsider Olga')
      for (const p of [fan, member, outsider]) {
        const types = { post: 'app', thread: 'app', event: 'app', action: 'app', reading: 'app', challenge: 'app', challenge_idea: 'app' }
        assert.equal((await p.client.submit('/following', types, '/following/settings')).statusCode, 303)
      }
      // What each follows: the newcomer (posts, events, actions, reading, discussions), a challenge (ideas).
      const org = await organisation(t, host, `Approvals council ${dialect}`)
      const challenge = await stateChallenge(t, host, challengeFields(`organisation:${org.id}`, 'ideas', { title: `Approval challenge ${dialect}` }))
      const room = await host.client.submit('/communities/new', { name: `Members room ${dialect}`, description: 'Members only.', themes: '', join_policy: 'invite', visibility: 'members' })
      assert.equal(room.statusCode, 303, errorsIn(room))
      const roomSlug = /^\/communities\/([^/?]+)/.exec(location(room))![1]!
      const roomId = (await t.db.selectFrom('communities').select('id').where('slug', '=', roomSlug).executeTakeFirstOrThrow()).id
      for (const p of [newcomer, member]) await setMembership(t.app.db, roomId, p.user.id, 'member', 'active')
      await follow(fan, 'person', newcomer.user.id)
      await follow(fan, 'challenge', challenge.id)
      await follow(member, 'community', roomId)
      await follow(outsider, 'person', newcomer.user.id)

      // The newcomer writes one of each, every one with a link: all wait for approval.
      const w = (name: string) => `zq${name}${dialect}`
      const post = await newcomer.client.submit('/posts/new', { title: `Held post ${w('post')}`, summary: '', body: `Words. ${LINK}`, publish: 'publish' })
      assert.equal(post.statusCode, 303, errorsIn(post))
      held.post = { kind: 'post', type: 'post', word: w('post'), id: await idOf('posts', w('post')) }
      const thread = await newcomer.client.submit(`/communities/${roomSlug}/threads/new`, { title: `Held thread ${w('thread')}`, body: `For members. ${LINK}` })
      assert.equal(thread.statusCode, 303, errorsIn(thread))
      held.thread = { kind: 'thread', type: 'thread', word: w('thread'), id: await idOf('threads', w('thread')) }
      await createEvent(newcomer, { title: `Held event ${w('event')}`, description: `A meetup. ${LINK}` })
      held.event = { kind: 'event', type: 'event', word: w('event'), id: await idOf('events', w('event')) }
      const action = await newcomer.client.submit(`/people/${newcomer.user.handle}`, { text: `Held action ${w('action')}`, url: 'https://spam.example/action', project: '', back: `/people/${newcomer.user.handle}` }, '/actions')
      assert.equal(action.statusCode, 303, errorsIn(action))
      held.action = { kind: 'practical_action', type: 'action', word: w('action'), id: (await t.db.selectFrom('practical_actions').select('id').where('text', 'like', `%${w('action')}%`).executeTakeFirstOrThrow()).id }
      const reading = await newcomer.client.submit('/reading/new', { url: `https://example.org/${w('reading')}`, title: `Held reading ${w('reading')}`, summary: 'Worth a read.', tags: 'design' })
      assert.equal(reading.statusCode, 303, errorsIn(reading))
      held.reading = { kind: 'reading_item', type: 'reading', word: w('reading'), id: await idOf('reading_items', w('reading')) }
      await submitIdea(newcomer, challenge.slug, { title: `Held idea ${w('idea')}`, body: `An idea. ${LINK}` })
      held.idea = { kind: 'challenge_idea', type: 'challenge_idea', word: w('idea'), id: await idOf('challenge_ideas', w('idea')) }
      const types = Object.values(held).map((h) => h.type)

      // Waiting: the fan-out reads past the time they were written and tells nobody.
      await fanOutPassed(new Date().toISOString(), types)
      await sleep(1000)
      for (const h of Object.values(held)) beforeApproval.set(h.word, (await notices(fan.user.id, h.word)) + (await notices(member.user.id, h.word)) + (await notices(outsider.user.id, h.word)))

      // Approved: followers hear of each now. Then hidden and restored: nobody hears twice.
      for (const h of Object.values(held)) await moderate(h, 'approve')
      await fanOutPassed(new Date().toISOString(), types)
      const told = async () => (await Promise.all(Object.values(held).map((h) => notices((h.kind === 'thread' ? member : fan).user.id, h.word)))).every((n) => n >= 1)
      await eventually(told, { ...WAIT, what: 'every follower told of the approved items' })
      for (const h of Object.values(held)) await moderate(h, 'hide')
      for (const h of Object.values(held)) await moderate(h, 'restore')
      await fanOutPassed(new Date().toISOString(), types)
      await sleep(1500)
    })
    after(async () => t?.close())

    for (const name of ['post', 'event', 'action', 'reading', 'idea']) {
      test(`a held ${name}: its followers are told once it is approved, not before, and not again when restored`, async () => {
        const h = held[name]!
        assert.equal(beforeApproval.get(h.word), 0, 'nobody hears of it while it waits')
        await eventually(async () => (await notices(fan.user.id, h.word)) >= 1, { ...WAIT, what: `the notice of the approved ${name}` })
        await sleep(500)
        assert.equal(await notices(fan.user.id, h.word), 1, 'told exactly once')
        assert.equal(await notices(newcomer.user.id, h.word), 0, 'the author is not told of their own work')
      })
    }

    test('a held members-only discussion: members who follow are told once it is approved; a follower outside the community never is', async () => {
      const h = held.thread!
      assert.equal(beforeApproval.get(h.word), 0, 'nobody hears of it while it waits')
      await eventually(async () => (await notices(member.user.id, h.word)) >= 1, { ...WAIT, what: 'the member’s notice' })
      await sleep(500)
      assert.equal(await notices(member.user.id, h.word), 1, 'the member is told exactly once')
      assert.equal(await notices(fan.user.id, h.word), 0, 'a follower of the author outside the community is not told')
      assert.equal(await notices(outsider.user.id, h.word), 0)
    })

    test('a scheduled post reaches followers when its time comes, not before, once; a held one whose time passed while it waited, when approved', async () => {
      const writer = await person(t, 'Scheduling Sam')
      await follow(fan, 'person', writer.user.id)
      const tomorrow = `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T10:00`
      const word = `zqsched${dialect}`
      const res = await writer.client.submit('/posts/new', { title: `Scheduled post ${word}`, summary: '', body: 'Words for later.', publish: 'schedule', publishAt: tomorrow })
      assert.equal(res.statusCode, 303, errorsIn(res))
      const heldWord = `zqschedheld${dialect}`
      const heldRes = await newcomer.client.submit('/posts/new', { title: `Scheduled held post ${heldWord}`, summary: '', body: `Words. ${LINK}`, publish: 'schedule', publishAt: tomorrow })
      assert.equal(heldRes.statusCode, 303, errorsIn(heldRes))
      const scheduled = { kind: 'post', type: 'post', word, id: await idOf('posts', word) }
      const heldScheduled = { kind: 'post', type: 'post', word: heldWord, id: await idOf('posts', heldWord) }
      const rows = await t.db.selectFrom('posts').select(['id', 'published_at', 'shown_at']).where('id', 'in', [scheduled.id, heldScheduled.id]).execute()
      assert.equal(rows.find((r) => r.id === scheduled.id)!.shown_at, rows.find((r) => r.id === scheduled.id)!.published_at, 'shown at its scheduled time')
      assert.equal(rows.find((r) => r.id === heldScheduled.id)!.shown_at, null, 'waiting: not shown at any time yet')
      await fanOutPassed(new Date().toISOString(), ['post'])
      await sleep(1000)
      assert.equal(await notices(fan.user.id, word), 0, 'not before its time')
      // Their time comes (moved to a few seconds from now, as the clock reaching it would).
      const soon = new Date(Date.now() + 4000).toISOString()
      await t.db.updateTable('posts').set({ published_at: soon, shown_at: soon }).where('id', '=', scheduled.id).execute()
      await t.db.updateTable('posts').set({ published_at: soon }).where('id', '=', heldScheduled.id).execute()
      await t.db.updateTable('post_tags').set({ published_at: soon }).where('post_id', 'in', [scheduled.id, heldScheduled.id]).execute()
      await eventually(async () => (await notices(fan.user.id, word)) >= 1, { ...WAIT, what: 'the scheduled post’s notice' })
      await fanOutPassed(new Date(Date.parse(soon) + 1000).toISOString(), ['post'])
      await sleep(1000)
      assert.equal(await notices(fan.user.id, word), 1, 'told once')
      assert.equal(await notices(fan.user.id, heldWord), 0, 'its time passed while it waited: nobody told')
      await moderate(heldScheduled, 'approve')
      await eventually(async () => (await notices(fan.user.id, heldWord)) >= 1, { ...WAIT, what: 'the approved scheduled post’s notice' })
      await fanOutPassed(new Date().toISOString(), ['post'])
      await sleep(1000)
      assert.equal(await notices(fan.user.id, heldWord), 1, 'told once, when approved')
    })

    test('an approved idea is shown (and placed in timelines) at its approval time; an approved post is published then', async () => {
      const rows = await t.db.selectFrom('challenge_ideas').select(['created_at', 'shown_at']).where('id', '=', held.idea!.id).executeTakeFirstOrThrow()
      assert.ok(rows.shown_at && rows.shown_at > rows.created_at, 'shown when approved, after it was written')
      const post = await t.db.selectFrom('posts').select(['created_at', 'published_at', 'shown_at']).where('id', '=', held.post!.id).executeTakeFirstOrThrow()
      assert.ok(post.published_at! > post.created_at, 'a held post is published when it is approved')
      assert.equal(post.shown_at, post.published_at)
    })
  })
}
