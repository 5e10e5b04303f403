import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { TestClient } from '../../../test/support/client.ts'
import { challengeFields, location, organisation, person, setPhase, stateChallenge, submitIdea, type Person } from '../../../test/support/challenges.ts'

/** Who organises a challenge (any member states one for their organisation), and changing its organiser: who may, to what, what is recorded and who is told. */
for (const dialect of testDialects()) {
  describe(`changing a challenge's organiser on ${dialect}`, () => {
    let t: TestApp
    let admin: Person
    let otherAdmin: Person
    let siteAdmin: Person
    let stranger: Person
    let first: { id: string; slug: string }
    let second: { id: string; slug: string }
    let third: { id: string; slug: string }
    before(async () => {
      t = await buildTestApp(dialect)
      admin = await person(t, 'First Admin')
      otherAdmin = await person(t, 'Third Admin')
      stranger = await person(t, 'Just Reading')
      const user = await createUser(t.db, { name: 'Site Admin', isAdmin: true })
      siteAdmin = { user, client: new TestClient(t.app) }
      await signInAs(t.db, siteAdmin.client, user.id)
      first = await organisation(t, admin, 'Eastshire Council')
      second = await organisation(t, admin, 'Eastshire Health Board')
      third = await organisation(t, otherAdmin, 'Westshire Trust')
    })
    after(async () => t?.close())

    const notices = (userId: string) => t.db.selectFrom('notifications').select(['text', 'url']).where('user_id', '=', userId).where('kind', '=', 'challenge').execute()

    test('an organiser hands it to another organisation they speak for; audited; both organisations’ admins are told; the page names the new one', async () => {
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${first.id}`, 'ideas', { title: 'Quieter bin lorries' }))
      const page = await admin.client.get(`/challenges/${c.slug}`)
      assert.match(page.body, /href="\/challenges\/[^"]+\/organiser"/)
      const form = await admin.client.get(`/challenges/${c.slug}/organiser`)
      assert.equal(form.statusCode, 200)
      assert.match(form.body, /Eastshire Health Board/)
      assert.doesNotMatch(form.body, /Westshire Trust/, 'only organisations they belong to are offered')
      // One they do not speak for is refused with the form again, their choice kept.
      const refused = await admin.client.submit(`/challenges/${c.slug}/organiser`, { organisation: third.slug })
      assert.equal(refused.statusCode, 422)
      assert.match(refused.body, /Choose an organisation you belong to/)
      assert.match(refused.body, /govuk-error-summary/)
      const same = await admin.client.submit(`/challenges/${c.slug}/organiser`, { organisation: first.slug })
      assert.equal(same.statusCode, 422)
      assert.match(same.body, /organised by this organisation already/)
      const moved = await admin.client.submit(`/challenges/${c.slug}/organiser`, { organisation: second.slug })
      assert.equal(moved.statusCode, 303, moved.body.slice(0, 400))
      assert.equal(location(moved), `/challenges/${c.slug}?done=organiser`)
      const row = await t.db.selectFrom('challenges').select(['organiser_id', 'organiser_kind', 'space_id']).where('id', '=', c.id).executeTakeFirstOrThrow()
      assert.deepEqual({ ...row }, { organiser_id: second.id, organiser_kind: 'organisation', space_id: null })
      assert.match((await stranger.client.get(`/challenges/${c.slug}`)).body, /Eastshire Health Board/)
      const logged = await t.db.selectFrom('audit_log').select(['reason', 'actor_id', 'subject_url']).where('action', '=', 'challenge.organiser').where('subject_id', '=', c.id).execute()
      assert.equal(logged.length, 1)
      assert.match(logged[0]!.reason, /from “Eastshire Council” to “Eastshire Health Board”/)
      assert.equal(logged[0]!.actor_id, admin.user.id)
      // The acting person is told nothing about their own act: the other admins of both organisations are.
      assert.equal((await notices(admin.user.id)).length, 0)
    })

    test('a site admin may hand any organisation’s challenge to any organisation; its old and new admins are told', async () => {
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${first.id}`, 'ideas', { title: 'Safer crossings' }))
      const form = await siteAdmin.client.get(`/challenges/${c.slug}/organiser`)
      assert.equal(form.statusCode, 200)
      assert.match(form.body, /address name/)
      const unknown = await siteAdmin.client.submit(`/challenges/${c.slug}/organiser`, { organisation: 'no-such-organisation' })
      assert.equal(unknown.statusCode, 422)
      assert.match(unknown.body, /value="no-such-organisation"/, 'the text typed is kept')
      const moved = await siteAdmin.client.submit(`/challenges/${c.slug}/organiser`, { organisation: third.slug })
      assert.equal(moved.statusCode, 303, moved.body.slice(0, 400))
      assert.ok((await notices(admin.user.id)).some((n) => /Safer crossings/.test(n.text) && /Westshire Trust/.test(n.text)), 'the old organisation’s admin is told')
      assert.ok((await notices(otherAdmin.user.id)).some((n) => /Westshire Trust now organises the challenge “Safer crossings”/.test(n.text)), 'the new organisation’s admin is told')
      // The old organisation's admin organises it no more; the new one does.
      assert.equal((await admin.client.get(`/challenges/${c.slug}/edit`)).statusCode, 404)
      assert.equal((await otherAdmin.client.get(`/challenges/${c.slug}/edit`)).statusCode, 200)
    })

    test('any member states a challenge on the organisation’s behalf; they and its admins organise it, other members do not; leaving ends it', async () => {
      const org = await organisation(t, admin, 'Northshire Libraries')
      const member = await person(t, 'Plain Member')
      const otherMember = await person(t, 'Other Member')
      for (const p of [member, otherMember]) assert.equal((await admin.client.submit(`/organisations/${org.slug}/members`, { handle: p.user.handle, role: 'member' })).statusCode, 303)
      // The form offers the organisation to a member; an admin of another organisation may not state one for it (their text kept).
      assert.match((await member.client.get('/challenges/new')).body, /Northshire Libraries \(organisation\)/)
      const refused = await otherAdmin.client.submit('/challenges/new', challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Not mine zqnotmine' }))
      assert.equal(refused.statusCode, 422)
      assert.match(refused.body, /Select an organisation you belong to/)
      assert.match(refused.body, /Not mine zqnotmine/)
      const c = await stateChallenge(t, member, challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Longer opening hours' }))
      // Another signed-in reader's rendering is shared with readers of the same standing, never with the stater (decision 0028).
      assert.doesNotMatch((await otherMember.client.get(`/challenges/${c.slug}`)).body, /\/edit"/)
      assert.match((await member.client.get(`/challenges/${c.slug}`)).body, new RegExp(`/challenges/${c.slug}/edit"`), 'the stater sees the organisers’ links')
      assert.equal((await member.client.get(`/challenges/${c.slug}/edit`)).statusCode, 200, 'the member who stated it organises it')
      assert.equal((await admin.client.get(`/challenges/${c.slug}/edit`)).statusCode, 200, 'so do the organisation’s admins')
      assert.equal((await otherMember.client.get(`/challenges/${c.slug}/edit`)).statusCode, 404, 'not every member')
      assert.equal((await siteAdmin.client.get(`/challenges/${c.slug}/edit`)).statusCode, 404, 'platform admins moderate, they do not organise')
      // The member reviews and decides like any organiser.
      const author = await person(t, 'Reader With Idea')
      const idea = await submitIdea(author, c.slug, { title: 'Open on Sundays' })
      const url = `/challenges/${c.slug}/ideas/${idea}`
      await setPhase(t, c.id, 'review')
      assert.equal((await member.client.submit(url, { score: '3', note: 'Member note zqmemnote' }, `${url}/review`)).statusCode, 303)
      assert.ok((await admin.client.get(url)).body.includes('zqmemnote'), 'admins read the member’s review')
      assert.ok(!(await otherMember.client.get(url)).body.includes('zqmemnote'), 'other members do not')
      // The member may not take the challenge from the organisation: that is its admins’ (or a platform admin’s) call.
      assert.equal((await member.client.get(`/challenges/${c.slug}/organiser`)).statusCode, 404)
      assert.equal((await admin.client.get(`/challenges/${c.slug}/organiser`)).statusCode, 200)
      // Once no longer a member, they organise it no more.
      assert.equal((await admin.client.submit(`/organisations/${org.slug}/members`, {}, `/organisations/${org.slug}/members/${member.user.handle}/remove`)).statusCode, 303)
      assert.equal((await member.client.get(`/challenges/${c.slug}/edit`)).statusCode, 404)
      assert.ok(!(await member.client.get(url)).body.includes('zqmemnote'))
    })

    test('nobody else may: a reader gets 404 on the form and the post; anonymous readers are sent to sign in; a community’s challenge has no organiser to change', async () => {
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${first.id}`, 'ideas', { title: 'Warmer bus shelters' }))
      assert.equal((await stranger.client.get(`/challenges/${c.slug}/organiser`)).statusCode, 404)
      assert.doesNotMatch((await stranger.client.get(`/challenges/${c.slug}`)).body, /\/organiser"/)
      const tried = await stranger.client.submit(`/challenges/${c.slug}`, { organisation: first.slug }, `/challenges/${c.slug}/organiser`)
      assert.equal(tried.statusCode, 404)
      const anonymous = await new TestClient(t.app).get(`/challenges/${c.slug}/organiser`)
      assert.equal(anonymous.statusCode, 303)
      assert.match(String(anonymous.headers.location), /^\/sign-in/)
      const room = await admin.client.submit('/communities/new', { name: 'Bin lorry drivers', description: 'For drivers.', themes: '', join_policy: 'open', visibility: 'public' })
      assert.equal(room.statusCode, 303)
      const cslug = /^\/communities\/([^/?]+)/.exec(location(room))![1]!
      const space = await t.db.selectFrom('communities').select('id').where('slug', '=', cslug).executeTakeFirstOrThrow()
      const inCommunity = await stateChallenge(t, admin, challengeFields(`community:${space.id}`, 'ideas', { title: 'Driver rotas' }))
      assert.equal((await admin.client.get(`/challenges/${inCommunity.slug}/organiser`)).statusCode, 404)
      assert.equal((await siteAdmin.client.get(`/challenges/${inCommunity.slug}/organiser`)).statusCode, 404)
    })
  })
}
