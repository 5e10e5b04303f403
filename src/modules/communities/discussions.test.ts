import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { csrfTokenIn } from '../../../test/support/client.ts'
import { searchDocuments } from '../../core/search/search.ts'
import { newId } from '../../core/db/ids.ts'
import { extractMentions, linkMentions } from './mentions.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { communitiesWorld, location } from '../../../test/support/communities.ts'

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
  describe(`community discussions on ${dialect}`, () => {
    const { t, u, c, db, spaceIdOf, notifications, create, startThread } = communitiesWorld(dialect)

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
  })
}
