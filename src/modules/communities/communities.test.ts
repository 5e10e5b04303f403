import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { startMailbox, type Mailbox } from '../../../test/support/mailbox.ts'
import { setMembership } from '../../core/access/spaces.ts'
import { searchDocuments } from '../../core/search/search.ts'
import { newId } from '../../core/db/ids.ts'
import { extractMentions, linkMentions } from './communities.ts'

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
const pdf = (text: string, pad = 0) =>
  Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\n${'x'.repeat(pad)}\ntrailer << /Root 1 0 R >>\n%%EOF\n`)
const MAX = 20_000

const location = (res: LightMyRequestResponse) => String(res.headers.location ?? '')

/** Posts a multipart form the way a browser does: CSRF token from the form page, fields, then the file. */
async function upload(t: TestApp, client: TestClient, slug: string, fields: Record<string, string>, file: { name: string; type: string; data: Buffer } | null, withToken = true) {
  const form = await client.get(`/communities/${slug}/library/upload`)
  const boundary = `----openlytest${newId()}`
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  const head = (withToken ? part('_csrf', csrfTokenIn(form.body) ?? '') : '') + Object.entries(fields).map(([k, v]) => part(k, v)).join('')
  const chunks: Buffer[] = [Buffer.from(head)]
  if (file) chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from('\r\n'))
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return t.app.inject({
    method: 'POST',
    url: `/communities/${slug}/library/upload`,
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  })
}

describe('mentions (unit)', () => {
  test('finds handles outside code and quotes, not e-mail addresses', () => {
    assert.deepEqual(extractMentions('Hi @ana-b and @Tom_1, mail x@y.org\n> @quoted\n`@code` @ana-b'), ['ana-b', 'tom_1'])
  })
  test('links known handles in text only', () => {
    const html = linkMentions('<p>Hi @ana and @bob <a href="/x">@ana</a> <code>@ana</code></p>', new Set(['ana']))
    assert.equal(html, '<p>Hi <a class="govuk-link" href="/people/ana">@ana</a> and @bob <a href="/x">@ana</a> <code>@ana</code></p>')
  })
})

for (const dialect of testDialects()) {
  describe(`communities on ${dialect}`, () => {
    let t: TestApp
    let dataDir: string
    let mailbox: Mailbox
    const u = {} as Record<'host' | 'alice' | 'bob' | 'carol' | 'stranger' | 'admin', TestUser>
    const c = {} as Record<keyof typeof u | 'anon', TestClient>

    before(async () => {
      mailbox = await startMailbox()
      dataDir = mkdtempSync(join(tmpdir(), 'openly-communities-'))
      t = await buildTestApp(dialect, { config: { dataDir, uploadMaxBytes: MAX, smtpUrl: mailbox.url } })
      for (const name of ['host', 'alice', 'bob', 'carol', 'stranger', 'admin'] as const) {
        u[name] = await createUser(t.app.db, { handle: `cm-${name}-${dialect}`, name: `Cm ${name}`, email: `${name}-${dialect}@communities.example`, isAdmin: name === 'admin' })
        c[name] = new TestClient(t.app)
        await signInAs(t.app.db, c[name], u[name].id)
      }
      c.anon = new TestClient(t.app)
    })
    after(async () => {
      await t?.close()
      await mailbox?.close()
      rmSync(dataDir, { recursive: true, force: true })
    })

    const db = () => t.app.db
    const spaceIdOf = async (slug: string) => (await t.db.selectFrom('communities').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
    const membership = async (slug: string, userId: string) => {
      const row = await t.db.selectFrom('space_members').select(['role', 'status']).where('space_id', '=', await spaceIdOf(slug)).where('user_id', '=', userId).executeTakeFirst()
      return row ? { role: row.role, status: row.status } : null
    }
    const notifications = (userId: string, kind: string) => t.db.selectFrom('notifications').select(['text', 'url']).where('user_id', '=', userId).where('kind', '=', kind).execute()
    async function create(name: string, join_policy: string, visibility: string): Promise<string> {
      const res = await c.host.submit('/communities/new', { name, description: `About ${name}.`, themes: 'open data, weeknotes', join_policy, visibility })
      assert.equal(res.statusCode, 303, res.body.slice(0, 400))
      return /^\/communities\/([^/?]+)/.exec(location(res))![1]!
    }
    async function startThread(slug: string, client: TestClient, title: string, body: string): Promise<string> {
      const res = await client.submit(`/communities/${slug}/threads/new`, { title, body })
      assert.equal(res.statusCode, 303, res.body.slice(0, 600))
      return /\/threads\/([^/?#]+)/.exec(location(res))![1]!
    }

    test('create a community: the creator is its host; bad input comes back with 422 and nothing saved', async () => {
      const slug = await create('Weeknote writers club', 'open', 'public')
      assert.equal(slug, 'weeknote-writers-club')
      assert.deepEqual(await membership(slug, u.host.id), { role: 'host', status: 'active' })
      const page = await c.anon.get(`/communities/${slug}`)
      assert.equal(page.statusCode, 200)
      assert.equal(page.body.match(/<h1/g)?.length, 1)
      assert.match(page.body, /<title>Weeknote writers club – Openly<\/title>/)
      assert.match(page.body, /Sign in to join/)
      assert.match(page.body, new RegExp(`/communities/${slug}/feed.atom`))
      const list = await c.anon.get('/communities')
      assert.match(list.body, /Weeknote writers club/)

      const before = await t.db.selectFrom('communities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      const bad = await c.host.submit('/communities/new', { name: 'x'.repeat(101), description: 'Kept description', themes: '', join_policy: 'open', visibility: 'nonsense' })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /govuk-error-summary/)
      assert.match(bad.body, /Name must be 100 characters or fewer/)
      assert.match(bad.body, /Kept description/)
      const after = await t.db.selectFrom('communities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      assert.equal(Number(after.n), Number(before.n))
      assert.equal((await c.anon.get('/communities/new')).statusCode, 303)
    })

    test('open policy: anyone signed in joins at once and can leave', async () => {
      const slug = await create('Open circle', 'open', 'public')
      const join = await c.alice.submit(`/communities/${slug}`, {}, `/communities/${slug}/join`)
      assert.equal(join.statusCode, 303)
      assert.deepEqual(await membership(slug, u.alice.id), { role: 'member', status: 'active' })
      assert.match((await c.alice.get(`/communities/${slug}`)).body, /Leave community/)
      await c.alice.submit(`/communities/${slug}`, {}, `/communities/${slug}/leave`)
      assert.equal((await membership(slug, u.alice.id))?.status, 'removed')
      // The only host cannot leave.
      const hostLeaves = await c.host.submit(`/communities/${slug}`, {}, `/communities/${slug}/leave`)
      assert.equal(hostLeaves.statusCode, 409)
    })

    test('request policy: hosts are told, approve or decline, and the requester is told', async () => {
      const slug = await create('Request circle', 'request', 'signed_in')
      await c.alice.submit(`/communities/${slug}`, {}, `/communities/${slug}/join`)
      await c.bob.submit(`/communities/${slug}`, {}, `/communities/${slug}/join`)
      assert.equal((await membership(slug, u.alice.id))?.status, 'requested')
      assert.equal((await notifications(u.host.id, 'join_request')).filter((n) => n.url === `/communities/${slug}/members`).length, 2)
      const members = await c.host.get(`/communities/${slug}/members`)
      assert.match(members.body, /Requests to join/)
      // A requester cannot post yet.
      assert.equal((await c.alice.get(`/communities/${slug}/threads/new`)).statusCode, 303)
      const ok = await c.host.submit(`/communities/${slug}/members`, { action: 'approve' }, `/communities/${slug}/members/${u.alice.id}`)
      assert.equal(ok.statusCode, 303)
      await c.host.submit(`/communities/${slug}/members`, { action: 'decline' }, `/communities/${slug}/members/${u.bob.id}`)
      assert.equal((await membership(slug, u.alice.id))?.status, 'active')
      assert.equal((await membership(slug, u.bob.id))?.status, 'removed')
      assert.match((await notifications(u.alice.id, 'join_outcome'))[0]!.text, /approved/)
      assert.match((await notifications(u.bob.id, 'join_outcome'))[0]!.text, /declined/)
      // Members cannot manage members.
      const denied = await c.alice.submit(`/communities/${slug}/members`, { action: 'remove' }, `/communities/${slug}/members/${u.host.id}`)
      assert.equal(denied.statusCode, 403)
    })

    test('invite policy: no joining without an invitation; invite by handle, by e-mail (new and existing accounts)', async () => {
      const slug = await create('Invite circle', 'invite', 'members')
      const refused = await c.alice.post(`/communities/${slug}/join`, { _csrf: csrfTokenIn((await c.alice.get('/communities')).body) ?? '' })
      assert.equal(refused.statusCode, 404, 'a private community does not exist for a stranger')
      // Unknown handle: a form error with the input kept.
      const unknown = await c.host.submit(`/communities/${slug}/members`, { invitee: '@nobody-at-all' }, `/communities/${slug}/members/invite`)
      assert.equal(unknown.statusCode, 422)
      assert.match(unknown.body, /There is no one with the handle @nobody-at-all/)
      assert.match(unknown.body, /value="@nobody-at-all"/)
      // By handle.
      const byHandle = await c.host.submit(`/communities/${slug}/members`, { invitee: `@${u.alice.handle}` }, `/communities/${slug}/members/invite`)
      assert.equal(byHandle.statusCode, 303)
      assert.equal((await membership(slug, u.alice.id))?.status, 'invited')
      const invite = (await notifications(u.alice.id, 'invite')).find((n) => n.url === `/communities/${slug}/invitation`)
      assert.ok(invite, 'in-app invitation')
      assert.equal((await c.alice.get(`/communities/${slug}`)).statusCode, 404, 'still private until accepted')
      const accept = await c.alice.submit(`/communities/${slug}/invitation`, { action: 'accept' })
      assert.equal(accept.statusCode, 303)
      assert.equal((await membership(slug, u.alice.id))?.status, 'active')
      assert.equal((await c.alice.get(`/communities/${slug}`)).statusCode, 200)

      // By e-mail, someone with no account yet: a mail with a one-time link.
      const email = `newcomer-${dialect}@communities.example`
      assert.equal((await c.host.submit(`/communities/${slug}/members`, { invitee: email }, `/communities/${slug}/members/invite`)).statusCode, 303)
      const mail = await mailbox.waitFor(email, undefined, 2500).catch(() => undefined)
      assert.ok(mail, 'invitation mail received')
      const token = new RegExp(`/communities/${slug}/invitation\\?token=([A-Za-z0-9_-]+)`).exec(mail.text)?.[1]
      assert.ok(token)
      const newcomer = await createUser(db(), { email, handle: `cm-newcomer-${dialect}` })
      const nc = new TestClient(t.app)
      assert.equal(location(await nc.get(`/communities/${slug}/invitation?token=${token}`)).startsWith('/sign-in'), true)
      await signInAs(db(), nc, newcomer.id)
      assert.equal((await nc.get(`/communities/${slug}/invitation?token=bad-token`)).statusCode, 404)
      const ok = await nc.submit(`/communities/${slug}/invitation?token=${token}`, { token, action: 'accept' }, `/communities/${slug}/invitation`)
      assert.equal(ok.statusCode, 303)
      assert.equal((await membership(slug, newcomer.id))?.status, 'active')
      // The token works once.
      assert.equal((await c.carol.get(`/communities/${slug}/invitation?token=${token}`)).statusCode, 404, 'a used token opens nothing')
      const again = await c.carol.post(`/communities/${slug}/invitation`, { token, action: 'accept', _csrf: csrfTokenIn((await c.carol.get('/communities/new')).body) ?? '' })
      assert.equal(again.statusCode, 404, 'a used token cannot be accepted again')
      assert.equal(await membership(slug, u.carol.id), null)

      // By e-mail, someone who already has an account: also told in-app.
      await c.host.submit(`/communities/${slug}/members`, { invitee: u.bob.email }, `/communities/${slug}/members/invite`)
      assert.equal((await membership(slug, u.bob.id))?.status, 'invited')
      assert.ok((await notifications(u.bob.id, 'invite')).some((n) => n.url === `/communities/${slug}/invitation`))
    })

    test('roles: hosts change roles; moderators pin and lock; members cannot; the last host stays', async () => {
      const slug = await create('Roles circle', 'open', 'public')
      for (const who of ['alice', 'bob'] as const) await c[who].submit(`/communities/${slug}`, {}, `/communities/${slug}/join`)
      const res = await c.host.submit(`/communities/${slug}/members`, { action: 'role', role: 'moderator' }, `/communities/${slug}/members/${u.alice.id}`)
      assert.equal(res.statusCode, 303)
      assert.equal((await membership(slug, u.alice.id))?.role, 'moderator')
      const demoteSelf = await c.host.submit(`/communities/${slug}/members`, { action: 'role', role: 'member' }, `/communities/${slug}/members/${u.host.id}`)
      assert.equal(demoteSelf.statusCode, 409)
      assert.match(demoteSelf.body, /at least one host/)
      const threadId = await startThread(slug, c.bob, 'A thread to moderate', 'Body text')
      const bobPin = await c.bob.submit(`/communities/${slug}/threads/${threadId}`, { action: 'pin' }, `/communities/${slug}/threads/${threadId}/moderate`)
      assert.equal(bobPin.statusCode, 403)
      const pin = await c.alice.submit(`/communities/${slug}/threads/${threadId}`, { action: 'pin' }, `/communities/${slug}/threads/${threadId}/moderate`)
      assert.equal(pin.statusCode, 303)
      assert.equal((await c.bob.get(`/communities/${slug}/edit`)).statusCode, 403)
    })

    test('threads: mentions link and notify, unknown handles are an error with the text kept, double submit makes one thread', async () => {
      const slug = await create('Thread circle', 'open', 'public')
      await c.alice.submit(`/communities/${slug}`, {}, `/communities/${slug}/join`)
      const bad = await c.alice.submit(`/communities/${slug}/threads/new`, { title: 'Kept title', body: 'Hello @no-such-person-here, and welcome' })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /There is no one with the handle @no-such-person-here/)
      assert.match(bad.body, /value="Kept title"/)
      assert.match(bad.body, /Hello @no-such-person-here, and welcome/)
      const long = await c.alice.submit(`/communities/${slug}/threads/new`, { title: 't'.repeat(151), body: '' })
      assert.equal(long.statusCode, 422)
      assert.match(long.body, /Title must be 150 characters or fewer/)
      assert.match(long.body, /Enter message/)
      assert.equal((await t.db.selectFrom('threads').select('id').where('space_id', '=', await spaceIdOf(slug)).execute()).length, 0)

      const form = await c.alice.get(`/communities/${slug}/threads/new`)
      const token = csrfTokenIn(form.body)!
      const submission = /name="submission_id" value="([^"]+)"/.exec(form.body)![1]!
      const fields = { _csrf: token, submission_id: submission, title: 'Sharing our research plans', body: `Thoughts welcome, @${u.bob.handle}!` }
      const [first, second] = [await c.alice.post(`/communities/${slug}/threads/new`, fields), await c.alice.post(`/communities/${slug}/threads/new`, fields)]
      assert.equal(first.statusCode, 303)
      assert.equal(second.statusCode, 303)
      assert.equal(location(first), location(second))
      const threads = await t.db.selectFrom('threads').select(['id', 'body_html']).where('space_id', '=', await spaceIdOf(slug)).execute()
      assert.equal(threads.length, 1)
      assert.match(threads[0]!.body_html, new RegExp(`<a class="govuk-link" href="/people/${u.bob.handle}">@${u.bob.handle}</a>`))
      const mentions = await notifications(u.bob.id, 'mention')
      assert.equal(mentions.filter((n) => n.url.includes(threads[0]!.id)).length, 1)
      // Search finds it for everyone (public community).
      const found = await searchDocuments(db(), t.app.dialect, { userId: null, isAdmin: false }, 'research plans')
      assert.ok(found.hits.some((h) => h.id === threads[0]!.id))
    })

    test('replies: notify the thread author, quote, edit with history, lock refuses replies, pinned first', async () => {
      const slug = await create('Reply circle', 'open', 'public')
      for (const who of ['alice', 'bob'] as const) await c[who].submit(`/communities/${slug}`, {}, `/communities/${slug}/join`)
      const older = await startThread(slug, c.alice, 'Older thread', 'First')
      const threadId = await startThread(slug, c.alice, 'Budget templates', 'Which templates do you use?')
      const r1 = await c.bob.submit(`/communities/${slug}/threads/${threadId}`, { body: 'We use the **simple** one.' })
      assert.equal(r1.statusCode, 303)
      const replyId = /\/replies\/([^/?#]+)/.exec(location(r1))![1]!
      assert.ok((await notifications(u.alice.id, 'reply')).some((n) => n.url.endsWith(replyId)))
      const follow = await c.bob.get(location(r1))
      assert.equal(follow.statusCode, 303)
      assert.match(location(follow), new RegExp(`#reply-${replyId}$`))

      // Quote: the form is pre-filled with the quoted text.
      const quoting = await c.alice.get(`/communities/${slug}/threads/${threadId}?quote=${replyId}`)
      assert.match(quoting.body, /&gt; We use the \*\*simple\*\* one\./)
      assert.match(quoting.body, new RegExp(`name="quote_reply_id" value="${replyId}"`))
      const quoted = await c.alice.submit(`/communities/${slug}/threads/${threadId}?quote=${replyId}`, { body: '> We use the simple one.\n\nThanks!', quote_reply_id: replyId }, `/communities/${slug}/threads/${threadId}`)
      assert.equal(quoted.statusCode, 303)
      const page = await c.anon.get(`/communities/${slug}/threads/${threadId}`)
      assert.match(page.body, /<blockquote>/)
      assert.match(page.body, /In reply to <a class="govuk-link"[^>]*>Cm bob<\/a>/)
      assert.equal(page.body.match(/<h1/g)?.length, 1)

      // Edit: only the author; the old text is kept in the history and the reply shows "edited".
      assert.equal((await c.alice.get(`/communities/${slug}/threads/${threadId}/replies/${replyId}/edit`)).statusCode, 403)
      const empty = await c.bob.submit(`/communities/${slug}/threads/${threadId}/replies/${replyId}/edit`, { body: '   ' })
      assert.equal(empty.statusCode, 422)
      const edit = await c.bob.submit(`/communities/${slug}/threads/${threadId}/replies/${replyId}/edit`, { body: 'We use the detailed one now.' })
      assert.equal(edit.statusCode, 303)
      const after = await c.anon.get(`/communities/${slug}/threads/${threadId}`)
      assert.match(after.body, /We use the detailed one now\./)
      assert.match(after.body, />edited</)
      const history = await c.anon.get(`/communities/${slug}/threads/${threadId}/replies/${replyId}/history`)
      assert.equal(history.statusCode, 200)
      assert.match(history.body, /We use the \*\*simple\*\* one\./)
      assert.match(history.body, /We use the detailed one now\./)
      const threadEdit = await c.alice.submit(`/communities/${slug}/threads/${threadId}/edit`, { title: 'Budget templates (2027)', body: 'Which templates do you use now?' })
      assert.equal(threadEdit.statusCode, 303)
      assert.match((await c.anon.get(`/communities/${slug}/threads/${threadId}/history`)).body, /Which templates do you use\?/)

      // Pin: the pinned (older) thread comes first on the community page.
      await c.host.submit(`/communities/${slug}/threads/${older}`, { action: 'pin' }, `/communities/${slug}/threads/${older}/moderate`)
      const home = await c.anon.get(`/communities/${slug}`)
      assert.ok(home.body.indexOf('Older thread') < home.body.indexOf('Budget templates'), 'pinned first')
      assert.match(home.body, /Pinned/)

      // Lock: replies are refused with a clear message and the text kept; written to the audit log.
      await c.host.submit(`/communities/${slug}/threads/${threadId}`, { action: 'lock' }, `/communities/${slug}/threads/${threadId}/moderate`)
      const form = await c.bob.get(`/communities/${slug}/threads/${threadId}`)
      assert.match(form.body, /This thread is locked/)
      const refused = await c.bob.post(`/communities/${slug}/threads/${threadId}`, { _csrf: csrfTokenIn(form.body)!, body: 'One more thing' })
      assert.equal(refused.statusCode, 409)
      assert.match(refused.body, /This thread is locked. You can no longer reply to it./)
      const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_id']).where('subject_id', '=', threadId).execute()
      assert.deepEqual(audit.map((a) => a.action), ['thread.lock'])
    })

    test('thread pages paginate by position: first, later and last pages', async () => {
      const slug = await create('Busy circle', 'open', 'public')
      const threadId = await startThread(slug, c.host, 'A very long discussion', 'Let us talk.')
      const spaceId = await spaceIdOf(slug)
      const t0 = Date.now()
      const rows = Array.from({ length: 60 }, (_, i) => ({
        id: newId(), thread_id: threadId, space_id: spaceId, body: `Reply number ${i + 1}.`, body_html: `<p class="govuk-body">Reply number ${i + 1}.</p>`,
        author_id: u.host.id, quote_reply_id: null, hidden_at: null, edited_at: null, created_at: new Date(t0 + i).toISOString(), position: i + 1, submission_id: null,
      }))
      await t.db.insertInto('replies').values(rows).execute()
      await t.db.updateTable('threads').set({ reply_count: 60 }).where('id', '=', threadId).execute()
      const numbers = (html: string) => [...html.matchAll(/Reply number (\d+)\./g)].map((m) => Number(m[1]))
      const first = await c.anon.get(`/communities/${slug}/threads/${threadId}`)
      assert.deepEqual(numbers(first.body), Array.from({ length: 25 }, (_, i) => i + 1))
      assert.match(first.body, /\?after=25/)
      const second = await c.anon.get(`/communities/${slug}/threads/${threadId}?after=25`)
      assert.deepEqual(numbers(second.body), Array.from({ length: 25 }, (_, i) => i + 26))
      assert.match(second.body, /\?before=26/)
      const last = await c.anon.get(`/communities/${slug}/threads/${threadId}?page=last`)
      assert.deepEqual(numbers(last.body), Array.from({ length: 25 }, (_, i) => i + 36))
      assert.match(last.body, /\?before=36/)
      assert.doesNotMatch(last.body, /\?after=/)
      // A reply's permanent link goes to the page holding it.
      const link = await c.anon.get(`/communities/${slug}/threads/${threadId}/replies/${rows[40]!.id}`)
      assert.equal(location(link), `/communities/${slug}/threads/${threadId}?after=25#reply-${rows[40]!.id}`)
      assert.equal((await c.anon.get(`/communities/${slug}/threads/${threadId}?after=nonsense`)).statusCode, 200)
    })

    test('library: PDF and PNG accepted by content; lying or oversized files refused with the input kept; downloads follow access', async () => {
      const slug = await create('Library circle', 'open', 'members')
      await setMembership(db(), await spaceIdOf(slug), u.alice.id, 'member', 'active')
      const okPdf = await upload(t, c.alice, slug, { title: 'Minutes of March', description: 'Notes' }, { name: 'minutes.pdf', type: 'application/pdf', data: pdf('minutes') })
      assert.equal(okPdf.statusCode, 303, okPdf.body.slice(0, 500))
      const okPng = await upload(t, c.alice, slug, { title: 'Our logo', description: '' }, { name: 'logo.png', type: 'image/png', data: PNG })
      assert.equal(okPng.statusCode, 303)

      const lying = await upload(t, c.alice, slug, { title: 'Not a picture', description: 'Kept words' }, { name: 'photo.png', type: 'image/png', data: Buffer.from('just some text, not an image') })
      assert.equal(lying.statusCode, 422)
      assert.match(lying.body, /The selected file must be a PDF/)
      assert.match(lying.body, /value="Not a picture"/)
      assert.match(lying.body, /Kept words/)
      const renamed = await upload(t, c.alice, slug, { title: 'Renamed', description: '' }, { name: 'scan.png', type: 'image/png', data: pdf('renamed') })
      assert.equal(renamed.statusCode, 422)
      assert.match(renamed.body, /not a real \.png file/)
      const big = await upload(t, c.alice, slug, { title: 'Huge report', description: 'Kept description' }, { name: 'huge.pdf', type: 'application/pdf', data: pdf('huge', MAX + 10) })
      assert.equal(big.statusCode, 413)
      assert.match(big.body, /must be smaller than/)
      assert.match(big.body, /value="Huge report"/)
      assert.match(big.body, /Kept description/)
      const noFile = await upload(t, c.alice, slug, { title: '', description: '' }, null)
      assert.equal(noFile.statusCode, 422)
      assert.match(noFile.body, /Enter title/)
      assert.match(noFile.body, /Select a file/)
      const noToken = await upload(t, c.alice, slug, { title: 'x', description: '' }, { name: 'a.pdf', type: 'application/pdf', data: pdf('a') }, false)
      assert.equal(noToken.statusCode, 403)
      const docs = await t.db.selectFrom('documents').select(['id', 'title', 'mime_type']).where('space_id', '=', await spaceIdOf(slug)).orderBy('title').execute()
      assert.deepEqual(docs.map((d) => d.title), ['Minutes of March', 'Our logo'])
      assert.equal(readdirSync(join(dataDir, 'uploads')).length >= 2, true)

      const pdfDoc = docs.find((d) => d.title === 'Minutes of March')!
      const url = `/communities/${slug}/documents/${pdfDoc.id}/download`
      const got = await c.alice.get(url)
      assert.equal(got.statusCode, 200)
      assert.equal(got.headers['content-type'], 'application/pdf')
      assert.match(String(got.headers['content-disposition']), /^attachment; filename="minutes.pdf"/)
      assert.equal(got.headers['x-content-type-options'], 'nosniff')
      assert.match(got.body, /% minutes/)
      assert.equal((await c.stranger.get(url)).statusCode, 404)
      assert.equal((await c.anon.get(url)).statusCode, 404)
      // A private community is a trusted space: a platform admin does not read it by default.
      assert.equal((await c.admin.get(url)).statusCode, 404)

      const link = await c.alice.submit(`/communities/${slug}/library/link`, { title: 'Guide', url: 'javascript:alert(1)', description: '' })
      assert.equal(link.statusCode, 422)
      assert.equal((await c.alice.submit(`/communities/${slug}/library/link`, { title: 'Guide', url: 'https://example.org/guide', description: '' })).statusCode, 303)
      assert.match((await c.alice.get(`/communities/${slug}/library`)).body, /https:\/\/example.org\/guide/)
    })

    test('private community: anonymous readers and strangers get 404 everywhere; banned and removed members lose access at once', async () => {
      const slug = await create('Secret circle', 'invite', 'members')
      const spaceId = await spaceIdOf(slug)
      for (const who of ['alice', 'bob'] as const) await setMembership(db(), spaceId, u[who].id, 'member', 'active')
      const threadId = await startThread(slug, c.alice, 'Secret plans', `Only for members, @${u.stranger.handle} should not hear of this`)
      const reply = await c.bob.submit(`/communities/${slug}/threads/${threadId}`, { body: 'Quiet reply' })
      const replyId = /\/replies\/([^/?#]+)/.exec(location(reply))![1]!
      await upload(t, c.alice, slug, { title: 'Secret file', description: '' }, { name: 's.pdf', type: 'application/pdf', data: pdf('s') })
      const docId = (await t.db.selectFrom('documents').select('id').where('space_id', '=', spaceId).executeTakeFirstOrThrow()).id
      const urls = [
        `/communities/${slug}`, `/communities/${slug}/members`, `/communities/${slug}/threads`, `/communities/${slug}/threads/${threadId}`,
        `/communities/${slug}/threads/${threadId}/history`, `/communities/${slug}/threads/${threadId}/replies/${replyId}`,
        `/communities/${slug}/threads/${threadId}/replies/${replyId}/history`, `/communities/${slug}/library`,
        `/communities/${slug}/documents/${docId}/download`, `/api/v1/communities/${slug}`,
      ]
      for (const url of urls) {
        assert.equal((await c.anon.get(url)).statusCode, 404, `anonymous ${url}`)
        assert.equal((await c.stranger.get(url)).statusCode, 404, `stranger ${url}`)
        assert.equal((await c.alice.get(url)).statusCode, url.includes('/replies/') && !url.endsWith('history') ? 303 : 200, `member ${url}`)
      }
      for (const url of [`/communities/${slug}/edit`, `/communities/${slug}/threads/new`, `/communities/${slug}/library/upload`]) assert.equal((await c.stranger.get(url)).statusCode, 404, `stranger ${url}`)
      assert.doesNotMatch((await c.stranger.get('/communities')).body, /Secret circle/)
      assert.doesNotMatch((await c.anon.get('/sitemap.xml')).body, new RegExp(slug))
      assert.equal((await searchDocuments(db(), t.app.dialect, { userId: u.stranger.id, isAdmin: false }, 'secret plans')).hits.length, 0)
      assert.ok((await searchDocuments(db(), t.app.dialect, { userId: u.alice.id, isAdmin: false }, 'secret plans')).hits.some((h) => h.id === threadId))
      assert.equal((await notifications(u.stranger.id, 'mention')).length, 0, 'a stranger is not told about a private community')
      // Trusted space: a platform admin gets 404 until they open it as an admin, with a reason its hosts see.
      assert.equal((await c.admin.get(`/communities/${slug}`)).statusCode, 404)
      assert.ok(!(await searchDocuments(db(), t.app.dialect, { userId: u.admin.id, isAdmin: true }, 'secret plans')).hits.length, 'admins do not find it in search')
      assert.match((await c.admin.get('/admin')).body, new RegExp(`/communities/${slug}/admin-access`))
      assert.equal((await c.alice.get(`/communities/${slug}/admin-access`)).statusCode, 404, 'only admins have the form')
      const noReason = await c.admin.submit(`/communities/${slug}/admin-access`, { reason: '' })
      assert.equal(noReason.statusCode, 422)
      const opened = await c.admin.submit(`/communities/${slug}/admin-access`, { reason: 'A host asked for help with a thread' })
      assert.equal(opened.statusCode, 303)
      assert.equal((await c.admin.get(`/communities/${slug}`)).statusCode, 200)
      assert.ok((await t.db.selectFrom('audit_log').select('reason').where('action', '=', 'space.admin_access').execute()).some((a) => a.reason === 'A host asked for help with a thread'))
      assert.match((await c.host.get(`/communities/${slug}/members`)).body, /A host asked for help with a thread/)
      assert.ok((await notifications(u.host.id, 'moderation')).length >= 1, 'the hosts are told')

      // Ban and remove take effect at once.
      await c.host.submit(`/communities/${slug}/members`, { action: 'ban' }, `/communities/${slug}/members/${u.alice.id}`)
      await c.host.submit(`/communities/${slug}/members`, { action: 'remove' }, `/communities/${slug}/members/${u.bob.id}`)
      for (const url of urls) {
        assert.equal((await c.alice.get(url)).statusCode, 404, `banned ${url}`)
        assert.equal((await c.bob.get(url)).statusCode, 404, `removed ${url}`)
      }
      const audit = await t.db.selectFrom('audit_log').select('action').where('space_id', '=', spaceId).execute()
      assert.deepEqual(audit.map((a) => a.action).sort(), ['member.ban', 'member.remove', 'space.admin_access'])
    })

    test('making a public community private takes effect at once, cached pages included', async () => {
      const slug = await create('Soon private', 'open', 'public')
      const threadId = await startThread(slug, c.host, 'Visible for now', 'Public words')
      for (const url of [`/communities/${slug}`, `/communities/${slug}/threads/${threadId}`]) {
        await c.anon.get(url)
        const hit = await c.anon.get(url)
        assert.equal(hit.headers['x-cache'], 'hit', url)
      }
      assert.match((await c.anon.get('/sitemap.xml')).body, new RegExp(`/communities/${slug}/threads/${threadId}`))
      const edit = await c.host.submit(`/communities/${slug}/edit`, { name: 'Soon private', description: 'Now private', themes: '', join_policy: 'invite', visibility: 'members' })
      assert.equal(edit.statusCode, 303)
      assert.equal((await c.anon.get(`/communities/${slug}`)).statusCode, 404)
      assert.equal((await c.anon.get(`/communities/${slug}/threads/${threadId}`)).statusCode, 404)
      assert.equal((await c.stranger.get(`/communities/${slug}`)).statusCode, 404)
      assert.doesNotMatch((await c.anon.get('/communities')).body, /Soon private/)
      assert.equal((await c.host.get(`/communities/${slug}`)).statusCode, 200)
    })

    test('person panel lists only communities the viewer may see', async () => {
      const pub = await create('Panel public', 'open', 'public')
      const priv = await create('Panel private', 'invite', 'members')
      const { communitiesOfPerson } = await import('./communities.queries.ts')
      const seenByStranger = await communitiesOfPerson(db(), { userId: u.stranger.id, isAdmin: false }, u.host.id)
      assert.ok(seenByStranger.some((x) => x.slug === pub))
      assert.ok(!seenByStranger.some((x) => x.slug === priv))
      const seenByHost = await communitiesOfPerson(db(), { userId: u.host.id, isAdmin: false }, u.host.id)
      assert.ok(seenByHost.some((x) => x.slug === priv))
    })

    test('API: lists and shows communities under the same rules', async () => {
      const res = await t.app.inject('/api/v1/communities?limit=100')
      assert.equal(res.statusCode, 200)
      const items = res.json().items as Array<{ visibility: string }>
      assert.ok(items.length > 0)
      assert.ok(items.every((i) => i.visibility === 'public'))
      const missing = await t.app.inject('/api/v1/communities/no-such-thing')
      assert.equal(missing.statusCode, 404)
      assert.match(String(missing.headers['content-type']), /problem\+json/)
    })
  })
}
