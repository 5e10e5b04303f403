import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../../config.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { communitiesWorld, location } from '../../../test/support/communities.ts'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'

// Invitations by e-mail are not bearer tokens (issue 12): they expire, work only for the address they were sent
// to, and hosts can cancel them.

test('INVITATION_DAYS: 14 by default, 1 to 365', () => {
  assert.equal(loadConfig({}).invitationDays, 14)
  assert.equal(loadConfig({ INVITATION_DAYS: '3' }).invitationDays, 3)
  assert.throws(() => loadConfig({ INVITATION_DAYS: '0' }), /INVITATION_DAYS must be a whole number from 1 to 365/)
})

for (const dialect of testDialects()) {
  describe(`invitations on ${dialect}`, () => {
    const { t, mailbox, u, c, db, membership, create } = communitiesWorld(dialect)

    /** Invites `email` to `slug` as the host and returns the token from the mail. */
    async function inviteByMail(slug: string, email: string): Promise<string> {
      const res = await c.host.submit(`/communities/${slug}/members`, { invitee: email }, `/communities/${slug}/members/invite`)
      assert.equal(res.statusCode, 303, res.body.slice(0, 300))
      const mail = await mailbox.waitFor(email, undefined, 2500)
      return new RegExp(`/communities/${slug}/invitation\\?token=([A-Za-z0-9_-]+)`).exec(mail.text)![1]!
    }
    const accept = (client: TestClient, slug: string, token: string) => client.submit(`/communities/${slug}/invitation?token=${token}`, { token, action: 'accept' }, `/communities/${slug}/invitation`)

    test('a link sent to one address does not let another account in, forwarded or leaked', async () => {
      const slug = await create('Bound circle', 'invite', 'members')
      const email = `bound-${dialect}@communities.example`
      const token = await inviteByMail(slug, email)
      const page = await c.carol.get(`/communities/${slug}/invitation?token=${token}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /sent to another email address/)
      assert.doesNotMatch(page.body, /Accept invitation/)
      const res = await accept(c.carol, slug, token)
      assert.equal(res.statusCode, 403)
      assert.equal(await membership(slug, u.carol.id), null)
      // The person it was sent to, once they have an account with that address, gets in.
      const invitee = await createUser(db(), { email, handle: `cm-bound-${dialect}` })
      const client = new TestClient(t.app)
      await signInAs(db(), client, invitee.id)
      assert.equal((await accept(client, slug, token)).statusCode, 303)
      assert.equal((await membership(slug, invitee.id))?.status, 'active')
    })

    test('a link older than INVITATION_DAYS has expired', async () => {
      const slug = await create('Expiring circle', 'invite', 'members')
      const email = `late-${dialect}@communities.example`
      const token = await inviteByMail(slug, email)
      const invitee = await createUser(db(), { email, handle: `cm-late-${dialect}` })
      const client = new TestClient(t.app)
      await signInAs(db(), client, invitee.id)
      const old = new Date(Date.now() - (t.config.invitationDays * 86_400_000 + 60_000)).toISOString()
      await t.db.updateTable('invitations').set({ created_at: old }).where('email', '=', email).execute()
      assert.equal((await client.get(`/communities/${slug}/invitation?token=${token}`)).statusCode, 404, 'a private community stays hidden behind an expired link')
      const res = await client.post(`/communities/${slug}/invitation`, { token, action: 'accept', _csrf: csrfTokenIn((await client.get('/communities/new')).body)! })
      assert.equal(res.statusCode, 404)
      assert.equal(await membership(slug, invitee.id), null)
      // Hosts see it as expired, and can send a new one.
      assert.match((await c.host.get(`/communities/${slug}/members`)).body, new RegExp(`${email}[^<]*expired`))
    })

    test('hosts cancel invitations by e-mail and in-app; the link and the in-app invitation stop working; others cannot cancel', async () => {
      const slug = await create('Cancelling circle', 'invite', 'members')
      const email = `cancelled-${dialect}@communities.example`
      const token = await inviteByMail(slug, email)
      assert.equal((await c.host.submit(`/communities/${slug}/members`, { invitee: `@${u.bob.handle}` }, `/communities/${slug}/members/invite`)).statusCode, 303)
      const page = await c.host.get(`/communities/${slug}/members`)
      const ids = [...page.body.matchAll(/action="\/communities\/[^/]+\/invitations\/([^/]+)\/cancel"/g)].map((m) => m[1]!)
      assert.equal(ids.length, 2, 'a Cancel button for each open invitation')
      assert.match(page.body, /Cancel<span class="govuk-visually-hidden"> the invitation to cancelled-/)

      const token1 = csrfTokenIn((await c.alice.get('/communities/new')).body)!
      for (const id of ids) assert.equal((await c.alice.post(`/communities/${slug}/invitations/${id}/cancel`, { _csrf: token1 })).statusCode, 404, 'not a host: the private community is not there')
      for (const id of ids) {
        const res = await c.host.submit(`/communities/${slug}/members`, {}, `/communities/${slug}/invitations/${id}/cancel`)
        assert.equal(res.statusCode, 303)
        assert.match(location(res), /done=cancelled/)
      }
      assert.equal((await c.host.submit(`/communities/${slug}/members`, {}, `/communities/${slug}/invitations/${ids[0]}/cancel`)).statusCode, 404, 'cancelled once')

      const invitee = await createUser(db(), { email, handle: `cm-cancelled-${dialect}` })
      const client = new TestClient(t.app)
      await signInAs(db(), client, invitee.id)
      assert.equal((await client.get(`/communities/${slug}/invitation?token=${token}`)).statusCode, 404)
      assert.equal((await membership(slug, u.bob.id))?.status, 'removed')
      assert.equal((await c.bob.get(`/communities/${slug}/invitation`)).statusCode, 404)
    })
  })
}
