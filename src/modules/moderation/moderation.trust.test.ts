import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, testConfig, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser, signedInClient } from '../../../test/support/factories.ts'
import { loadConfig } from '../../config.ts'
import { ANONYMOUS } from '../../core/access/policy.ts'
import { setMembership } from '../../core/access/spaces.ts'
import { isNewcomer } from '../../core/access/trust.ts'
import { outboundLinks } from '../../core/markdown/markdown.ts'
import { searchDocuments } from '../../core/search/search.ts'

const DAY = 86_400_000

describe('trust levels: who is new, and what counts as a link', () => {
  const rule = { newAccountDays: 3, approvals: 2 }
  const at = Date.parse('2026-12-10T12:00:00Z')
  test('an account is new for its first days, unless trusted early or a platform admin; 0 days turns it off', () => {
    const joined = (days: number) => new Date(at - days * DAY).toISOString()
    assert.equal(isNewcomer({ isAdmin: false, joinedAt: joined(1), trustedAt: null }, rule, at), true)
    assert.equal(isNewcomer({ isAdmin: false, joinedAt: joined(4), trustedAt: null }, rule, at), false)
    assert.equal(isNewcomer({ isAdmin: false, joinedAt: joined(1), trustedAt: joined(0) }, rule, at), false)
    assert.equal(isNewcomer({ isAdmin: true, joinedAt: joined(1), trustedAt: null }, rule, at), false)
    assert.equal(isNewcomer({ isAdmin: false, joinedAt: joined(1), trustedAt: null }, { ...rule, newAccountDays: 0 }, at), false)
  })
  test('links are what the page would link to elsewhere (links, images, addresses it links), not links within the site', () => {
    assert.deepEqual(outboundLinks('Plain words about example and dots.'), [])
    assert.deepEqual(outboundLinks('See [our notes](/posts/notes) and #tags'), [])
    assert.equal(outboundLinks('Visit https://spam.example/buy now').length, 1)
    // Exactly what the page would link: the renderer does not link a bare "www." name, so neither does this.
    assert.equal(outboundLinks('Visit www.cheap-lamps.com today').length, 0)
    assert.equal(outboundLinks('Write to sales@cheap-lamps.com').length, 1)
    assert.equal(outboundLinks('[cheap](https://spam.example) ![x](https://img.example/a.png)').length, 2)
    assert.equal(outboundLinks('mail <mailto:sales@spam.example>').length, 1)
  })
  test('TRUST_NEW_ACCOUNT_DAYS and TRUST_APPROVALS are read and checked at start', () => {
    assert.deepEqual(loadConfig({}).trust, { newAccountDays: 3, approvals: 2 })
    assert.deepEqual(loadConfig({ TRUST_NEW_ACCOUNT_DAYS: '0', TRUST_APPROVALS: '5' }).trust, { newAccountDays: 0, approvals: 5 })
    assert.throws(() => loadConfig({ TRUST_NEW_ACCOUNT_DAYS: 'soon' }), /TRUST_NEW_ACCOUNT_DAYS must be a whole number/)
    assert.throws(() => loadConfig({ TRUST_APPROVALS: '0' }), /TRUST_APPROVALS must be a whole number from 1/)
  })
})

for (const dialect of testDialects()) {
  describe(`a new account’s content with links waits for approval, on ${dialect}`, () => {
    let t: TestApp
    let admin: TestUser, newcomer: TestUser, regular: TestUser, host: TestUser
    let openSlug: string, trustedSlug: string

    const clientFor = (user: TestUser | null) => signedInClient(t.app, user)
    const age = async (user: TestUser, days: number) => {
      await t.db.updateTable('users').set({ created_at: new Date(Date.now() - days * DAY).toISOString() }).where('id', '=', user.id).execute()
    }
    const publish = async (user: TestUser, title: string, body: string, publish = 'publish') => {
      const res = await (await clientFor(user)).submit('/posts/new', { title, summary: '', body, learned: '', tags: '', publish }, '/posts/new')
      assert.equal(res.statusCode, 303, res.body.slice(0, 300))
      return (res.headers.location as string).split('/').pop()!
    }
    const postRow = (slug: string) => t.db.selectFrom('posts').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow()
    const spaceOf = async (slug: string) => (await t.db.selectFrom('spaces').select('id').where('path', '=', `/communities/${slug}`).executeTakeFirstOrThrow()).id

    before(async () => {
      t = await buildTestApp(dialect, { config: { trust: { newAccountDays: 3, approvals: 2 } } })
      ;[admin, newcomer, regular, host] = await Promise.all([createUser(t.db, { isAdmin: true }), createUser(t.db, { name: 'Nia Newcomer' }), createUser(t.db, { name: 'Rob Regular' }), createUser(t.db, { name: 'Hana Host' })])
      await age(regular, 30)
      await age(host, 30)
      const h = await clientFor(host)
      for (const [name, visibility] of [['Open Lanes', 'public'], ['Quiet Lanes', 'members']] as const) {
        const res = await h.submit('/communities/new', { name, description: `About ${name}.`, themes: '', join_policy: 'open', visibility })
        assert.equal(res.statusCode, 303)
      }
      openSlug = 'open-lanes'
      trustedSlug = 'quiet-lanes'
      for (const slug of [openSlug, trustedSlug]) {
        const space = await spaceOf(slug)
        await setMembership(t.db, space, newcomer.id, 'member', 'active')
        await setMembership(t.db, space, regular.id, 'member', 'active')
      }
    })
    after(async () => t.close())

    test('a new account’s post with a link is held: only its author and moderators see it, it is in no list, search, feed or sitemap', async () => {
      const slug = await publish(newcomer, 'Cheap lamp posts', 'Buy them at https://lamps.example/offer today.')
      const row = await postRow(slug)
      assert.ok(row.hidden_at, 'held back')
      const own = await (await clientFor(newcomer)).get(`/posts/${slug}`)
      assert.equal(own.statusCode, 200)
      assert.match(own.body, /Waiting for a moderator’s approval/)
      assert.doesNotMatch(own.body, /A moderator has hidden this post/)
      assert.equal((await t.app.inject(`/posts/${slug}`)).statusCode, 404)
      assert.equal((await (await clientFor(regular)).get(`/posts/${slug}`)).statusCode, 404)
      for (const url of ['/posts', '/posts/feed.rss', '/feed.atom', '/sitemap.xml?part=posts', `/people/${newcomer.handle}/feed.json`]) {
        assert.doesNotMatch((await t.app.inject(url)).body, /Cheap lamp posts/, url)
      }
      assert.equal((await searchDocuments(t.app.db, t.database.dialect, ANONYMOUS, 'lamp')).total, 0)
      assert.equal((await t.app.inject(`/api/v1/posts/${slug}`)).statusCode, 404)
      const held = await t.db.selectFrom('held_content').selectAll().where('subject_id', '=', row.id).executeTakeFirstOrThrow()
      assert.deepEqual([held.subject_type, held.state, held.author_id, held.title], ['post', 'pending', newcomer.id, 'Cheap lamp posts'])
    })

    test('without a link, or from an established account, or as a draft, nothing waits', async () => {
      const plain = await publish(newcomer, 'Hello from the lanes', 'We mapped every lamp on the high street.')
      assert.equal((await postRow(plain)).hidden_at, null)
      assert.equal((await t.app.inject(`/posts/${plain}`)).statusCode, 200)
      const regularLink = await publish(regular, 'Our lamp dataset', 'It is at https://data.example/lamps')
      assert.equal((await postRow(regularLink)).hidden_at, null)
      const draft = await publish(newcomer, 'Draft with a link', 'See https://draft.example', 'draft')
      assert.equal((await postRow(draft)).hidden_at, null)
      assert.equal(await t.db.selectFrom('held_content').select('state').where('subject_id', '=', (await postRow(draft)).id).executeTakeFirst(), undefined)
    })

    test('the queue lists what waits, for its moderators; one click approves it, publishes it and tells the author', async () => {
      const slug = (await t.db.selectFrom('posts').select('slug').where('title', '=', 'Cheap lamp posts').executeTakeFirstOrThrow()).slug
      const id = (await postRow(slug)).id
      // Site content: platform admins moderate it; a community host does not see it.
      assert.doesNotMatch((await (await clientFor(host)).get('/moderation/pending')).body, /Cheap lamp posts/)
      const a = await clientFor(admin)
      const queue = await a.get('/moderation')
      assert.match(queue.body, /Waiting for approval <span class="openly-count">1<\/span>/)
      const list = await a.get('/moderation/pending')
      assert.equal(list.statusCode, 200)
      assert.equal(list.body.match(/<h1/g)?.length, 1)
      assert.match(list.body, /Cheap lamp posts/)
      assert.match(list.body, /Nia Newcomer/)
      const res = await a.submit('/moderation/pending', { type: 'post', id }, '/moderation/approve')
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/moderation/pending?done=approve')
      assert.equal((await t.app.inject(`/posts/${slug}`)).statusCode, 200)
      assert.equal((await searchDocuments(t.app.db, t.database.dialect, ANONYMOUS, 'lamp')).total >= 1, true)
      assert.doesNotMatch((await a.get('/moderation/pending')).body, /Cheap lamp posts/)
      const told = await t.db.selectFrom('notifications').select('text').where('user_id', '=', newcomer.id).execute()
      assert.ok(told.some((n) => /Cheap lamp posts.*approved/.test(n.text)))
      const entry = await t.db.selectFrom('audit_log').selectAll().where('subject_id', '=', id).executeTakeFirstOrThrow()
      assert.deepEqual([entry.action, entry.subject_title], ['content.approve', 'Cheap lamp posts'])
      // Approved once is approved: editing it does not send it back to the queue.
      const edit = await (await clientFor(newcomer)).submit(`/posts/${slug}/edit`, { title: 'Cheap lamp posts', summary: '', body: 'Now at https://lamps.example/new', learned: '', tags: '', publish: 'publish' })
      assert.equal(edit.statusCode, 303)
      assert.equal((await postRow(slug)).hidden_at, null)
      // A second pair of eyes is only needed so often: one approval is not yet enough to be trusted.
      assert.equal((await t.db.selectFrom('users').select('trusted_at').where('id', '=', newcomer.id).executeTakeFirstOrThrow()).trusted_at, null)
    })

    test('a new account’s post scheduled for later with a link waits too; its moderators read it and approve it before its time', async () => {
      // Its own new account: approvals count towards trust, and the newcomer's are counted below.
      const planner = await createUser(t.db, { name: 'Pia Planner' })
      const future = new Date(Date.now() + 7 * DAY).toISOString().slice(0, 16)
      const res = await (await clientFor(planner)).submit('/posts/new', { title: 'Lamps next week', summary: '', body: 'Order at https://lamps.example/next', learned: '', tags: '', publish: 'schedule', publishAt: future }, '/posts/new')
      assert.equal(res.statusCode, 303, res.body.slice(0, 300))
      const slug = (res.headers.location as string).split('/').pop()!
      const row = await postRow(slug)
      assert.ok(row.hidden_at, 'held')
      const a = await clientFor(admin)
      const page = await a.get(`/posts/${slug}`)
      assert.equal(page.statusCode, 200, 'the moderator reads what they are asked to approve')
      assert.match(page.body, /lamps\.example\/next/)
      for (const reader of [null, regular]) assert.equal((await (await clientFor(reader)).get(`/posts/${slug}`)).statusCode, 404)
      const ok = await a.submit('/moderation/pending', { type: 'post', id: row.id }, '/moderation/approve')
      assert.equal(ok.statusCode, 303)
      const approved = await postRow(slug)
      assert.equal(approved.hidden_at, null)
      assert.equal(approved.published_at, row.published_at, 'it still waits for its time')
      assert.equal((await (await clientFor(regular)).get(`/posts/${slug}`)).statusCode, 404, 'not before its time')
      // A draft stays its author's alone, even hidden.
      const draft = await publish(planner, 'Lamp draft', 'Draft https://lamps.example/draft', 'draft')
      assert.equal((await a.get(`/posts/${draft}`)).statusCode, 404)
    })

    test('rejecting needs a reason, keeps it hidden and lists it with the hidden content', async () => {
      const slug = await publish(newcomer, 'Second offer', 'Again at https://lamps.example/again')
      const id = (await postRow(slug)).id
      const a = await clientFor(admin)
      const page = await a.get(`/moderation/item?type=post&id=${id}`)
      assert.match(page.body, /Waiting for approval/)
      assert.match(page.body, /value="approve"/)
      assert.match(page.body, /value="reject"/)
      assert.doesNotMatch(page.body, /value="hide"/)
      const bare = await a.submit(`/moderation/item?type=post&id=${id}`, { type: 'post', id, action: 'reject', reason: ' ' }, '/moderation/item')
      assert.equal(bare.statusCode, 422)
      assert.match(bare.body, /Enter reason for your decision/)
      const res = await a.submit(`/moderation/item?type=post&id=${id}`, { type: 'post', id, action: 'reject', reason: 'Advertising' }, '/moderation/item')
      assert.equal(res.statusCode, 303)
      assert.ok((await postRow(slug)).hidden_at)
      assert.equal((await t.app.inject(`/posts/${slug}`)).statusCode, 404)
      assert.match((await a.get('/moderation/hidden')).body, /Second offer/)
      assert.doesNotMatch((await a.get('/moderation/pending')).body, /Second offer/)
      assert.match((await (await clientFor(newcomer)).get(`/posts/${slug}`)).body, /A moderator has hidden this post/)
      const told = await t.db.selectFrom('notifications').select('text').where('user_id', '=', newcomer.id).execute()
      assert.ok(told.some((n) => /Second offer.*not approved by a moderator: Advertising/.test(n.text)))
    })

    test('comments with links wait too, and nobody is notified until they are approved', async () => {
      const target = await publish(regular, 'Street lighting survey', 'Tell us what you think.')
      // Another new account: approving this one's comment must not count towards the newcomer's trust.
      const commenter = await createUser(t.db, { name: 'Ned Newcomer' })
      const c = await clientFor(commenter)
      const res = await c.submit(`/posts/${target}`, { comment: 'My survey is at https://survey.example' }, `/posts/${target}/comments`)
      assert.equal(res.statusCode, 303)
      const comment = await t.db.selectFrom('comments').selectAll().where('author_id', '=', commenter.id).executeTakeFirstOrThrow()
      assert.ok(comment.hidden_at)
      assert.match((await c.get(`/posts/${target}`)).body, /Waiting for approval/)
      assert.doesNotMatch((await (await clientFor(regular)).get(`/posts/${target}`)).body, /survey\.example/)
      assert.doesNotMatch((await t.app.inject(`/posts/${target}`)).body, /survey\.example/)
      const toAuthor = await t.db.selectFrom('notifications').select('text').where('user_id', '=', regular.id).execute()
      assert.equal(toAuthor.length, 0, 'the post’s author hears nothing of a held comment')
      assert.match((await (await clientFor(admin)).get('/moderation/pending')).body, /Comment on “Street lighting survey”/)

      // Two moderators approve at once: the post's author is told once, when readers can see it.
      const [a1, a2] = [await clientFor(admin), await clientFor(admin)]
      const approve = (a: TestClient) => a.submit(`/moderation/item?type=comment&id=${comment.id}`, { type: 'comment', id: comment.id, action: 'approve', reason: '' }, '/moderation/item')
      const answers = await Promise.all([approve(a1), approve(a2)])
      assert.ok(answers.some((r) => r.statusCode === 303), answers.map((r) => r.statusCode).join())
      assert.ok(answers.every((r) => r.statusCode < 500), answers.map((r) => r.statusCode).join())
      const told = async () => (await t.db.selectFrom('notifications').select('text').where('user_id', '=', regular.id).where('kind', '=', 'comment').execute()).map((n) => n.text)
      assert.deepEqual(await told(), ['Ned Newcomer commented on “Street lighting survey”'])
      // Hidden again and restored: it was shown before, so nobody is told twice.
      for (const action of ['hide', 'restore']) {
        const res = await a1.submit(`/moderation/item?type=comment&id=${comment.id}`, { type: 'comment', id: comment.id, action, reason: 'Checking' }, '/moderation/item')
        assert.equal(res.statusCode, 303, action)
      }
      assert.equal((await told()).length, 1)
      assert.equal((await t.db.selectFrom('held_notifications').select('id').where('subject_id', '=', comment.id).execute()).length, 0)
    })

    test('in a community: threads, replies and library links wait for its hosts; a trusted space’s stay with its hosts, not platform admins', async () => {
      const c = await clientFor(newcomer)
      const thread = await c.submit(`/communities/${openSlug}/threads/new`, { title: 'Lamp deals', body: 'Deals at https://lamps.example/deals' })
      assert.equal(thread.statusCode, 303)
      const threadUrl = (thread.headers.location as string).split('?')[0]!
      assert.equal((await t.app.inject(threadUrl)).statusCode, 404)
      assert.equal((await c.get(threadUrl)).statusCode, 200, 'its author still sees it')
      assert.doesNotMatch((await t.app.inject(`/communities/${openSlug}/threads`)).body, /Lamp deals/)

      // A reply with a link on an established member's thread: held, and the thread's author is not told.
      const r = await clientFor(regular)
      const open = await r.submit(`/communities/${openSlug}/threads/new`, { title: 'Lighting the lanes', body: 'Ideas welcome.' })
      const openThread = (open.headers.location as string).split('?')[0]!
      const reply = await c.submit(openThread, { body: 'Mine: https://lamps.example/idea' })
      assert.equal(reply.statusCode, 303)
      assert.doesNotMatch((await r.get(openThread)).body, /lamps\.example\/idea/)
      assert.equal((await t.db.selectFrom('notifications').select('id').where('user_id', '=', regular.id).where('kind', '=', 'reply').execute()).length, 0)
      const link = await c.submit(`/communities/${openSlug}/library/link`, { title: 'Lamp catalogue', url: 'https://lamps.example/catalogue', description: '' })
      assert.equal(link.statusCode, 303)
      assert.doesNotMatch((await t.app.inject(`/communities/${openSlug}/library`)).body, /Lamp catalogue/)
      const secret = await c.submit(`/communities/${trustedSlug}/threads/new`, { title: 'Quiet deals', body: `Deals at https://lamps.example/quiet, @${regular.handle}` })
      assert.equal(secret.statusCode, 303)

      const h = await clientFor(host)
      const hostList = await h.get('/moderation/pending')
      for (const text of ['Lamp deals', 'Reply to “Lighting the lanes”', 'Lamp catalogue', 'Quiet deals']) assert.match(hostList.body, new RegExp(text), text)
      assert.doesNotMatch(hostList.body, /Street lighting survey/, 'site content is for platform admins')
      const adminList = await (await clientFor(admin)).get('/moderation/pending')
      assert.match(adminList.body, /Lamp deals/)
      assert.doesNotMatch(adminList.body, /Quiet deals/, 'a trusted space is moderated by its hosts')

      // The host approves the reply: it appears, and is found by search.
      const replyId = (await t.db.selectFrom('replies').select('id').where('author_id', '=', newcomer.id).executeTakeFirstOrThrow()).id
      const ok = await h.submit(`/moderation/item?type=reply&id=${replyId}`, { type: 'reply', id: replyId, action: 'approve', reason: '' }, '/moderation/item')
      assert.equal(ok.statusCode, 303)
      assert.match((await t.app.inject(openThread)).body, /lamps\.example\/idea/)
      // …and the thread's author is told of it now, once (nothing was sent while it waited).
      const replies = await t.db.selectFrom('notifications').select(['text', 'url']).where('user_id', '=', regular.id).where('kind', '=', 'reply').execute()
      assert.deepEqual(replies.map((n) => n.text), ['Nia Newcomer replied to “Lighting the lanes”'])
      assert.match(replies[0]!.url, new RegExp(replyId))

      // The held thread mentioned the member: nothing yet; told when the host rejects and later restores it.
      const threadId = (await t.db.selectFrom('threads').select('id').where('title', '=', 'Quiet deals').executeTakeFirstOrThrow()).id
      const mentions = async () => (await t.db.selectFrom('notifications').select('text').where('user_id', '=', regular.id).where('kind', '=', 'mention').execute()).map((n) => n.text)
      assert.deepEqual(await mentions(), [])
      for (const action of ['reject', 'restore']) {
        const res = await h.submit(`/moderation/item?type=thread&id=${threadId}`, { type: 'thread', id: threadId, action, reason: 'Looked again' }, '/moderation/item')
        assert.equal(res.statusCode, 303, action)
        assert.deepEqual(await mentions(), action === 'reject' ? [] : ['Nia Newcomer mentioned you in “Quiet deals”'])
      }
    })

    test('after enough approvals an account is trusted early, and its links are published at once; hosts are not held in their own spaces', async () => {
      const id = (await t.db.selectFrom('threads').select('id').where('title', '=', 'Lamp deals').executeTakeFirstOrThrow()).id
      const h = await clientFor(host)
      assert.equal((await h.submit(`/moderation/item?type=thread&id=${id}`, { type: 'thread', id, action: 'approve', reason: '' }, '/moderation/item')).statusCode, 303)
      assert.ok((await t.db.selectFrom('users').select('trusted_at').where('id', '=', newcomer.id).executeTakeFirstOrThrow()).trusted_at, 'two approvals: trusted')
      // Trust is read with the session, so the next request already counts it.
      const slug = await publish(newcomer, 'Now trusted', 'See https://lamps.example/trusted')
      assert.equal((await postRow(slug)).hidden_at, null)

      const newHost = await createUser(t.db)
      await setMembership(t.db, await spaceOf(openSlug), newHost.id, 'host', 'active')
      const res = await (await clientFor(newHost)).submit(`/communities/${openSlug}/threads/new`, { title: 'Host notice', body: 'Read https://rules.example' })
      assert.equal(res.statusCode, 303)
      assert.equal((await t.db.selectFrom('threads').select('hidden_at').where('title', '=', 'Host notice').executeTakeFirstOrThrow()).hidden_at, null)
    })
  })

  describe(`with trust levels off, on ${dialect}`, () => {
    test('TRUST_NEW_ACCOUNT_DAYS=0: a brand-new account publishes links at once', async () => {
      const t = await buildTestApp(dialect, { config: testConfig({ trust: { newAccountDays: 0, approvals: 2 } }) })
      try {
        const user = await createUser(t.db)
        const c = new TestClient(t.app)
        await signInAs(t.app.db, c, user.id)
        const res = await c.submit('/posts/new', { title: 'Links welcome', summary: '', body: 'https://example.org', learned: '', tags: '', publish: 'publish' }, '/posts/new')
        assert.equal(res.statusCode, 303)
        assert.equal((await t.app.inject(res.headers.location as string)).statusCode, 200)
      } finally {
        await t.close()
      }
    })
  })
}
