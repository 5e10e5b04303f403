import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { setMembership } from '../../core/access/spaces.ts'
import { searchDocuments } from '../../core/search/search.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { communitiesWorld, pdf, location, upload } from '../../../test/support/communities.ts'
import { wholeSitemap } from '../../../test/support/sitemap.ts'

for (const dialect of testDialects()) {
  describe(`community membership on ${dialect}`, () => {
    const { t, mailbox, u, c, db, spaceIdOf, membership, notifications, create, startThread } = communitiesWorld(dialect)

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
      assert.doesNotMatch(await wholeSitemap((url) => c.anon.get(url)), new RegExp(slug))
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
  })
}
