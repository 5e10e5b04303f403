import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { eventually } from '../../../test/support/wait.ts'
import { setMembership } from '../../core/access/spaces.ts'
import { challengeFields, location, organisation, person, stateChallenge, type Person } from '../../../test/support/challenges.ts'

const WAIT = { timeoutMs: 40_000, everyMs: 200 }

/** Followers of an organisation or a community hear of the challenges it puts, as they may see them. */
for (const dialect of testDialects()) {
  describe(`challenges reach followers on ${dialect}`, () => {
    let t: TestApp
    let admin: Person
    let fan: Person
    const follow = async (who: Person, kind: string, id: string) => assert.equal((await who.client.submit('/following', { kind, id, action: 'follow', next: '/following' }, '/following')).statusCode, 303)
    const hearInApp = async (who: Person) => assert.equal((await who.client.submit('/following', { challenge: 'app' }, '/following/settings')).statusCode, 303)
    const notices = (userId: string, like: string) => t.db.selectFrom('notifications').select(['text', 'url']).where('user_id', '=', userId).where('kind', '=', 'followed').where('text', 'like', `%${like}%`).execute()

    before(async () => {
      t = await buildTestApp(dialect)
      admin = await person(t, 'Challenge Setter')
      fan = await person(t, 'Keen Follower')
    })
    after(async () => t?.close())

    test('a followed organisation’s new challenge reaches the timeline and an in-app notice; its organiser is not told', async () => {
      const org = await organisation(t, admin, 'Followed Borough')
      await follow(fan, 'organisation', org.id)
      await hearInApp(fan)
      await follow(admin, 'organisation', org.id)
      await hearInApp(admin)
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'ideas', { title: `Cleaner rivers zqfollow ${dialect}` }))
      await eventually(async () => (await notices(fan.user.id, 'zqfollow')).length === 1, { ...WAIT, what: 'the follower’s notice' })
      const [notice] = await notices(fan.user.id, 'zqfollow')
      assert.equal(notice!.text, `New challenges: Cleaner rivers zqfollow ${dialect}`)
      assert.equal(notice!.url, `/challenges/${c.slug}`)
      const timeline = await fan.client.get('/timeline')
      assert.match(timeline.body, new RegExp(`Cleaner rivers zqfollow ${dialect}`))
      assert.equal((await notices(admin.user.id, 'zqfollow')).length, 0, 'the organiser follows the organisation but is not told of their own challenge')
    })

    test('a members-only community’s challenge reaches its members who follow it, not a follower who has left', async () => {
      const host = await person(t, 'Circle Host')
      const member = await person(t, 'Circle Member')
      const former = await person(t, 'Former Member')
      const made = await host.client.submit('/communities/new', { name: `Closed circle ${dialect}`, description: 'Private.', themes: '', join_policy: 'invite', visibility: 'members' })
      const spaceSlug = /^\/communities\/([^/?]+)/.exec(location(made))![1]!
      const space = await t.db.selectFrom('spaces').select('id').where('path', '=', `/communities/${spaceSlug}`).executeTakeFirstOrThrow()
      for (const p of [member, former]) {
        await setMembership(t.app.db, space.id, p.user.id, 'member', 'active')
        await follow(p, 'community', space.id)
        await hearInApp(p)
      }
      await setMembership(t.app.db, space.id, former.user.id, 'member', 'removed')
      await stateChallenge(t, host, challengeFields(`community:${space.id}`, 'ideas', { title: `Members only zqclosed ${dialect}` }))
      await eventually(async () => (await notices(member.user.id, 'zqclosed')).length === 1, { ...WAIT, what: 'the member’s notice' })
      assert.equal((await notices(former.user.id, 'zqclosed')).length, 0, 'a follower who left the community hears nothing of it')
      assert.doesNotMatch((await former.client.get('/timeline')).body, /zqclosed/)
    })

    test('a challenge has a Follow button; its followers hear of new ideas in the timeline and in-app, not their author; /following lists it', async () => {
      const org = await organisation(t, admin, 'Idea Borough')
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'ideas', { title: `Quieter streets zqfc ${dialect}` }))
      const id = (await t.db.selectFrom('challenges').select('id').where('slug', '=', c.slug).executeTakeFirstOrThrow()).id
      const page = await fan.client.get(`/challenges/${c.slug}`)
      assert.match(page.body, /name="kind" value="challenge"/)
      assert.match(page.body, /Follow<span class="govuk-visually-hidden"> this challenge<\/span>/)
      assert.match((await t.app.inject({ url: `/challenges/${c.slug}` })).body, /Sign in to follow this challenge/)
      await follow(fan, 'challenge', id)
      assert.equal((await fan.client.submit('/following', { challenge_idea: 'app' }, '/following/settings')).statusCode, 303)
      assert.match((await fan.client.get(`/challenges/${c.slug}`)).body, /You follow this challenge/)
      assert.match((await fan.client.get('/following')).body, new RegExp(`Quieter streets zqfc ${dialect}`))
      const author = await person(t, 'Idea Author')
      await follow(author, 'challenge', id)
      assert.equal((await author.client.submit('/following', { challenge_idea: 'app' }, '/following/settings')).statusCode, 303)
      const sent = await author.client.submit(`/challenges/${c.slug}/ideas/new`, { title: `Play streets zqidea ${dialect}`, body: 'Close a street to cars one afternoon a week.', coauthors: '', attachment_url: '' })
      assert.equal(sent.statusCode, 303, sent.body.slice(0, 300))
      await eventually(async () => (await notices(fan.user.id, 'zqidea')).length === 1, { ...WAIT, what: 'the follower’s notice of the idea' })
      assert.match((await notices(fan.user.id, 'zqidea'))[0]!.text, new RegExp(`^New ideas in challenges: Play streets zqidea ${dialect} \\(an idea for Quieter streets zqfc ${dialect}\\)$`))
      assert.match((await fan.client.get('/timeline')).body, new RegExp(`Play streets zqidea ${dialect}`))
      assert.equal((await notices(author.user.id, 'zqidea')).length, 0, 'the author follows the challenge but is not told of their own idea')
    })

    test('a members-only community’s challenge cannot be followed by a stranger (404), and its ideas never reach one', async () => {
      const host = await person(t, 'Quiet Host')
      const stranger = await person(t, 'Passer By')
      const made = await host.client.submit('/communities/new', { name: `Quiet room ${dialect}`, description: 'Private.', themes: '', join_policy: 'invite', visibility: 'members' })
      const spaceSlug = /^\/communities\/([^/?]+)/.exec(location(made))![1]!
      const space = await t.db.selectFrom('spaces').select('id').where('path', '=', `/communities/${spaceSlug}`).executeTakeFirstOrThrow()
      const c = await stateChallenge(t, host, challengeFields(`community:${space.id}`, 'ideas', { title: `Inside only zqin ${dialect}` }))
      const id = (await t.db.selectFrom('challenges').select('id').where('slug', '=', c.slug).executeTakeFirstOrThrow()).id
      assert.equal((await stranger.client.submit('/following', { kind: 'challenge', id, action: 'follow', next: '/following' }, '/following')).statusCode, 404)
      // As if they had followed while they could: still nothing of it on their timeline.
      await t.db.insertInto('follows').values({ user_id: stranger.user.id, subject_kind: 'challenge', subject_id: id, created_at: new Date().toISOString() }).execute()
      assert.equal((await host.client.submit(`/challenges/${c.slug}/ideas/new`, { title: `Secret idea zqsecret ${dialect}`, body: 'Members only.', coauthors: '', attachment_url: '' })).statusCode, 303)
      assert.doesNotMatch((await stranger.client.get('/timeline')).body, /zqsecret|zqin/)
      assert.doesNotMatch((await stranger.client.get('/following')).body, /zqin/)
    })
  })
}
