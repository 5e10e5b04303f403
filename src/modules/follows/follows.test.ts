import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs, type TestUser } from '../../../test/support/factories.ts'
import { startMailbox, type Mailbox } from '../../../test/support/mailbox.ts'
import { eventually, sleep } from '../../../test/support/wait.ts'
import { setMembership } from '../../core/access/spaces.ts'
import { planDigestsAt, sendDigests } from './follows.mail.ts'

const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location)

for (const dialect of testDialects()) {
  describe(`follow and notify on ${dialect}`, () => {
    let t: TestApp
    let mailbox: Mailbox
    const u = {} as Record<'writer' | 'reader' | 'former' | 'host' | 'stranger' | 'eager', TestUser>
    const c = {} as Record<keyof typeof u, TestClient>
    let project: { slug: string; id: string }
    let community: { slug: string; id: string }

    const publish = async (client: TestClient, title: string, extra: Record<string, string> = {}) => {
      const res = await client.submit('/posts/new', { title, summary: `Summary of ${title}.`, body: `Body of ${title}.`, publish: 'publish', project: project.slug, ...extra })
      assert.equal(res.statusCode, 303, res.body.slice(0, 500))
      return location(res)
    }
    const followForm = (kind: string, id: string, action: 'follow' | 'unfollow', next: string) => ({ kind, id, action, next })

    before(async () => {
      mailbox = await startMailbox()
      t = await buildTestApp(dialect, { config: { smtpUrl: mailbox.url } })
      for (const name of Object.keys({ writer: 1, reader: 1, former: 1, host: 1, stranger: 1, eager: 1 }) as Array<keyof typeof u>) {
        u[name] = await createUser(t.app.db, { name: `Fw ${name}`, email: `${name}-${dialect}@follows.example` })
        c[name] = new TestClient(t.app)
        await signInAs(t.app.db, c[name], u[name].id)
      }
      const made = await c.writer.submit('/projects/new', { name: `Bus timetables ${dialect}`, summary: 'Open bus timetables.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', lead_organisation: '', partner_organisations: '', links: '', team: '' })
      assert.equal(made.statusCode, 303, made.body.slice(0, 400))
      const slug = /^\/projects\/([^/?]+)/.exec(location(made))![1]!
      project = { slug, id: (await t.db.selectFrom('projects').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id }
      const room = await c.host.submit('/communities/new', { name: `Closed room ${dialect}`, description: 'Members only.', themes: '', join_policy: 'invite', visibility: 'members' })
      assert.equal(room.statusCode, 303, room.body.slice(0, 400))
      const cslug = /^\/communities\/([^/?]+)/.exec(location(room))![1]!
      community = { slug: cslug, id: (await t.db.selectFrom('communities').select('id').where('slug', '=', cslug).executeTakeFirstOrThrow()).id }
      for (const member of [u.reader, u.former]) await setMembership(t.app.db, community.id, member.id, 'member', 'active')
    })
    after(async () => {
      await t.close()
      await mailbox.close()
    })

    test('the Follow button on a project page follows it, once however often it is pressed; /following lists it and unfollows', async () => {
      const anonymous = await t.app.inject(`/projects/${project.slug}`)
      assert.match(anonymous.body, /Sign in to follow this project/)
      const page = await c.reader.get(`/projects/${project.slug}`)
      assert.match(page.body, />Follow<span class="govuk-visually-hidden"> this project/)
      const form = followForm('project', project.id, 'follow', `/projects/${project.slug}`)
      const presses = await Promise.all([1, 2, 3, 4].map(() => c.reader.submit(`/projects/${project.slug}`, form, '/following')))
      for (const res of presses) assert.equal(location(res), `/projects/${project.slug}`)
      const rows = await t.db.selectFrom('follows').selectAll().where('user_id', '=', u.reader.id).execute()
      assert.deepEqual(rows.map((r) => [r.subject_kind, r.subject_id]), [['project', project.id]])
      assert.match((await c.reader.get(`/projects/${project.slug}`)).body, /You follow this project/)
      const list = await c.reader.get('/following')
      assert.equal(list.statusCode, 200)
      assert.match(String(list.headers['cache-control']), /private/)
      assert.match(list.body, new RegExp(`href="/projects/${project.slug}">Bus timetables ${dialect}</a>`))
      const off = await c.reader.submit('/following', followForm('project', project.id, 'unfollow', '/following'), '/following')
      assert.equal(location(off), '/following?done=unfollowed')
      assert.equal((await t.db.selectFrom('follows').selectAll().where('user_id', '=', u.reader.id).execute()).length, 0)
      assert.equal(location(await c.reader.submit('/following', form, '/following')), `/projects/${project.slug}`)
    })

    test('nobody follows what they may not see: a members-only community is a 404 to a stranger; an unknown kind is a 400', async () => {
      const denied = await c.stranger.submit('/following', followForm('community', community.id, 'follow', '/'), '/following')
      assert.equal(denied.statusCode, 404)
      const odd = await c.stranger.submit('/following', followForm('spaceship', 'x', 'follow', '/'), '/following')
      assert.equal(odd.statusCode, 400)
      assert.equal((await t.db.selectFrom('follows').selectAll().where('user_id', '=', u.stranger.id).execute()).length, 0)
      assert.equal((await t.app.inject('/following')).statusCode, 303)
      assert.equal((await t.app.inject('/timeline')).statusCode, 303)
    })

    test('the timeline shows what followed things did, as the reader may see it now; a private thread leaves it with its reader’s membership', async () => {
      for (const who of [c.reader, c.former]) assert.equal((await who.submit('/following', followForm('community', community.id, 'follow', '/following'), '/following')).statusCode, 303)
      await publish(c.writer, `Weeknote zqfwpostx ${dialect}`)
      const thread = await c.host.submit(`/communities/${community.slug}/threads/new`, { title: `Private plans zqfwthrx ${dialect}`, body: 'Only for members.' })
      assert.equal(thread.statusCode, 303, thread.body.slice(0, 300))
      const mine = await c.reader.get('/timeline')
      assert.equal(mine.statusCode, 200)
      assert.match(mine.body, /Weeknote zqfwpostx/)
      assert.match(mine.body, /Private plans zqfwthrx/)
      assert.ok(mine.body.indexOf('Private plans') < mine.body.indexOf('Weeknote zqfwpostx'), 'newest first')
      assert.match(String(mine.headers['cache-control']), /private/)
      assert.match((await c.former.get('/timeline')).body, /Private plans zqfwthrx/)
      await setMembership(t.app.db, community.id, u.former.id, 'member', 'removed')
      const gone = await c.former.get('/timeline')
      assert.doesNotMatch(gone.body, /zqfwthrx/)
      const list = await c.former.get('/following')
      assert.doesNotMatch(list.body, /Closed room/, 'its name is gone too')
      assert.doesNotMatch(list.body, new RegExp(community.id), 'and its id')
      assert.match(list.body, /1 thing you can no longer see/)
      assert.equal(location(await c.former.submit('/following', { action: 'unfollow-unseen' }, '/following')), '/following?done=unfollowed')
      assert.equal((await t.db.selectFrom('follows').selectAll().where('user_id', '=', u.former.id).execute()).length, 0)
      await t.db.insertInto('follows').values({ user_id: u.former.id, subject_kind: 'community', subject_id: community.id, created_at: new Date().toISOString() }).execute()
      assert.doesNotMatch((await c.stranger.get('/timeline')).body, /zqfw/)
    })

    test('the timeline pages by cursor without repeats; a malformed cursor is a 400', async () => {
      const writer = await createUser(t.app.db, { name: 'Prolific writer' })
      const client = new TestClient(t.app)
      await signInAs(t.app.db, client, writer.id)
      assert.equal((await c.eager.submit('/following', followForm('person', writer.id, 'follow', '/following'), '/following')).statusCode, 303)
      for (let i = 0; i < 23; i++) {
        const res = await client.submit('/posts/new', { title: `Numbered note ${String(i).padStart(2, '0')} ${dialect}`, summary: '', body: 'Words.', publish: 'publish' })
        assert.equal(res.statusCode, 303)
      }
      const first = await c.eager.get('/timeline')
      const next = /href="(\/timeline\?after=[^"]+)"/.exec(first.body)?.[1]
      assert.ok(next)
      const second = await c.eager.get(next!.replace(/&amp;/g, '&'))
      const seen = [...`${first.body}${second.body}`.matchAll(/Numbered note (\d\d)/g)].map((m) => m[1])
      assert.equal(seen.length, 23)
      assert.equal(new Set(seen).size, 23)
      assert.equal((await c.eager.get('/timeline?after=%%%')).statusCode, 400)
      assert.equal((await c.eager.get(`/timeline?after=${Buffer.from('["x"]').toString('base64url')}`)).statusCode, 400)
    })

    test('choices are per kind of activity; a bad choice re-renders the form with the error and the other choices kept', async () => {
      const bad = await c.eager.submit('/following', { post: 'weekly', thread: 'sometimes', event: 'off', action: 'app' }, '/following/settings')
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /There is a problem/)
      assert.match(bad.body, /Choose how to hear of new discussions/)
      assert.match(bad.body, /value="weekly" checked/)
      const good = await c.eager.submit('/following', { post: 'weekly', thread: 'daily', event: 'off', action: 'app' }, '/following/settings')
      assert.equal(location(good), '/following?done=settings')
      const rows = await t.db.selectFrom('follow_settings').select(['activity_type', 'delivery']).where('user_id', '=', u.eager.id).orderBy('activity_type').execute()
      // The form sent no choice for challenges (as a page opened before that kind existed): it keeps its default.
      assert.deepEqual(rows.map((r) => [r.activity_type, r.delivery]), [['action', 'app'], ['event', 'off'], ['post', 'weekly'], ['thread', 'daily']])
    })

    test('a digest groups what followed things did; access is checked again at sending; an empty digest is not sent; a second run sends nothing; one click unsubscribes', async () => {
      const day = new Date().toISOString().slice(0, 10)
      const people = [u.reader, u.former].map((p) => ({ id: p.id, day }))
      await t.app.jobs.enqueue(t.app.db, sendDigests, { period: 'daily', people })
      const digest = await mailbox.waitFor(u.reader.email, /Your daily digest/, 10_000)
      assert.match(digest.text, /Weeknote zqfwpostx/)
      assert.match(digest.text, /Private plans zqfwthrx/)
      assert.match(digest.text, new RegExp(`PROJECT: BUS TIMETABLES ${dialect.toUpperCase()}`))
      assert.match(digest.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m)
      // The former member follows only the community they left: nothing they may see, so no e-mail at all.
      await eventually(async () => (await t.db.selectFrom('follow_mailings').select('status').where('user_id', '=', u.former.id).where('period', '=', 'daily').executeTakeFirst())?.status === 'empty', { what: 'the empty digest recorded' })
      assert.ok(!mailbox.messages.some((m) => m.to.includes(u.former.email)), 'no digest for the former member')
      assert.ok(!mailbox.messages.some((m) => !m.to.includes(u.reader.email) && /zqfwthrx/.test(m.text)), 'the private thread reached nobody else')

      // The planner or a retry asking again for the same day: nothing new is sent.
      await t.app.jobs.enqueue(t.app.db, sendDigests, { period: 'daily', people })
      await sleep(1500)
      assert.equal(mailbox.messages.filter((m) => m.to.includes(u.reader.email) && /Your daily digest/.test(m.subject)).length, 1)

      // One click in the mail client: no more digests; the timeline stays.
      const url = /^List-Unsubscribe: <([^>]+)>/m.exec(digest.raw.replace(/\r?\n[ \t]+/g, ' '))![1]!
      const res = await t.app.inject({ method: 'POST', url: new URL(url).pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
      assert.equal(res.statusCode, 200)
      const settings = await c.reader.get('/following')
      assert.match(settings.body, /value="app" checked/)
      assert.doesNotMatch(settings.body, /value="daily" checked/)
      await t.db.updateTable('users').set({ time_zone: 'Europe/Paris' }).where('id', '=', u.reader.id).execute()
      const paris8am = new Date(`${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T07:00:00Z`)
      const before = await t.db.selectFrom('follow_mailings').select('user_id').where('user_id', '=', u.reader.id).execute()
      await planDigestsAt(t.app, paris8am)
      await sleep(800)
      const afterwards = await t.db.selectFrom('follow_mailings').select('user_id').where('user_id', '=', u.reader.id).execute()
      assert.equal(afterwards.length, before.length, 'no digest planned after unsubscribing')
    })

    test('the planner enqueues a digest in the person’s own morning only', async () => {
      const early = await createUser(t.app.db, { name: 'Early bird' })
      await t.db.updateTable('users').set({ time_zone: 'Asia/Tokyo' }).where('id', '=', early.id).execute()
      const client = new TestClient(t.app)
      await signInAs(t.app.db, client, early.id)
      assert.equal((await client.submit('/following', followForm('project', project.id, 'follow', '/following'), '/following')).statusCode, 303)
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
      // 15:00 UTC is midnight in Tokyo: not yet.
      await planDigestsAt(t.app, new Date(`${tomorrow}T15:00:00Z`))
      await sleep(600)
      assert.equal((await t.db.selectFrom('follow_mailings').selectAll().where('user_id', '=', early.id).execute()).length, 0)
      // 23:30 UTC is 08:30 the next day in Tokyo: due, for Tokyo's date.
      await planDigestsAt(t.app, new Date(`${tomorrow}T23:30:00Z`))
      const row = await eventually(async () => t.db.selectFrom('follow_mailings').selectAll().where('user_id', '=', early.id).executeTakeFirst(), { what: 'the planned digest' })
      const tokyoDay = new Date(new Date(`${tomorrow}T23:30:00Z`).getTime() + 9 * 3600_000).toISOString().slice(0, 10)
      assert.equal(row.day, tokyoDay)
      assert.equal(row.period, 'daily')
      assert.match(await eventually(() => mailbox.messages.find((m) => m.to.includes(early.email))?.subject), /Your daily digest/)
    })

    test('e-mail as it happens: a new weeknote of a followed project arrives within seconds, with the unsubscribe', async () => {
      const fan = await createUser(t.app.db, { name: 'Keen follower', email: `keen-${dialect}@follows.example` })
      const client = new TestClient(t.app)
      await signInAs(t.app.db, client, fan.id)
      assert.equal((await client.submit(`/projects/${project.slug}`, followForm('project', project.id, 'follow', `/projects/${project.slug}`), '/following')).statusCode, 303)
      assert.equal((await client.submit('/following', { post: 'immediate', thread: 'app', event: 'app', action: 'app' }, '/following/settings')).statusCode, 303)
      await sleep(50)
      await publish(c.writer, `Fresh weeknote zqfwfrex ${dialect}`)
      const mail = await mailbox.waitFor(fan.email, /New from what you follow: Fresh weeknote zqfwfrex/, 25_000)
      assert.match(mail.text, /Unsubscribe with one click/)
      assert.match(mail.raw, /^List-Unsubscribe:\s+<http:\/\/openly.test\/unsubscribe\//m)
      assert.match(mail.raw, /Content-Type: text\/html/i)
    })
  })
}
