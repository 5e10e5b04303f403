/**
 * The online link of an event is shown only to people going and to its organisers: every read path is
 * requested by every kind of reader, and the link must appear exactly where the policy says.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { createEvent, location, person, rsvp, type Person } from '../../../test/support/events.ts'
import { setMembership } from '../../core/access/spaces.ts'

const READERS = ['anonymous', 'stranger', 'waiting', 'notGoing', 'going', 'organiser', 'admin'] as const
type Reader = (typeof READERS)[number]
const mayHaveLink = (r: Reader) => r === 'going' || r === 'organiser'
/** iCalendar folds long lines (a line break and a space): undo it before looking for text. */
const unfold = (body: string) => body.replace(/\r?\n[ \t]/g, '')

for (const dialect of testDialects()) {
  describe(`the online link never leaks on ${dialect}`, () => {
    let t: TestApp
    const readers = {} as Record<Reader, Person | null>
    const client = (r: Reader) => readers[r]?.client ?? new TestClient(t.app)
    let slug = ''
    let communitySlug = ''
    const LINK = 'https://meet.example/zzsecretlink-4f7a'

    before(async () => {
      t = await buildTestApp(dialect)
      readers.anonymous = null
      readers.organiser = await person(t, 'Olu Organiser')
      for (const r of ['stranger', 'waiting', 'notGoing', 'going'] as const) readers[r] = await person(t, `Reader ${r}`)
      const admin = await createUser(t.db, { isAdmin: true, name: 'Ada Admin' })
      readers.admin = { user: admin, client: new TestClient(t.app) }
      await signInAs(t.db, readers.admin.client, admin.id)
      const community = await readers.organiser.client.submit('/communities/new', { name: 'Linkers', description: 'A public community.', themes: '', join_policy: 'open', visibility: 'public' })
      communitySlug = location(community).split('?')[0]!.split('/').pop()!
      const space = await t.db.selectFrom('spaces').select('id').where('path', '=', `/communities/${communitySlug}`).executeTakeFirstOrThrow()
      for (const r of ['stranger', 'waiting', 'notGoing', 'going'] as const) await setMembership(t.db, space.id, readers[r]!.user.id, 'member', 'active')
      slug = await createEvent(readers.organiser, { title: 'Hybrid zzsecretlink-free title', format: 'hybrid', online_url: LINK, capacity: '1', community: space.id })
      assert.equal(location(await rsvp(readers.going!, slug, 'going')), `/events/${slug}?done=going`)
      assert.equal(location(await rsvp(readers.waiting!, slug, 'going')), `/events/${slug}?done=waiting`)
      assert.equal(location(await rsvp(readers.notGoing!, slug, 'not_going')), `/events/${slug}?done=not_going`)
    })
    after(async () => t?.close())

    test('every path, every reader: the link only for people going and organisers', async () => {
      const paths: Array<{ path: string; linkFor: (r: Reader) => boolean }> = [
        { path: `/events/${slug}`, linkFor: mayHaveLink },
        { path: `/events/${slug}.ics`, linkFor: mayHaveLink },
        { path: `/api/v1/events/${slug}`, linkFor: mayHaveLink },
        { path: '/events', linkFor: () => false },
        { path: '/', linkFor: () => false },
        { path: '/events.ics', linkFor: () => false },
        { path: `/communities/${communitySlug}/events.ics`, linkFor: () => false },
        { path: `/communities/${communitySlug}`, linkFor: () => false },
        { path: `/people/${readers.organiser!.user.handle}/events.ics`, linkFor: () => false },
        { path: '/api/v1/events', linkFor: () => false },
        { path: '/search?q=zzsecret', linkFor: () => false },
        { path: '/search?q=meet.example', linkFor: () => false },
        { path: '/api/v1/search?q=zzsecret', linkFor: () => false },
        { path: '/sitemap.xml?part=events', linkFor: () => false },
        { path: '/events/mine', linkFor: () => false },
        { path: '/notifications', linkFor: () => false },
      ]
      const problems: string[] = []
      // Twice: the second round of anonymous requests is answered from the page cache.
      for (const round of [1, 2]) {
        for (const r of READERS) {
          for (const { path, linkFor } of paths) {
            const res = await client(r).get(path)
            if (res.statusCode >= 500) problems.push(`${r} ${path}: ${res.statusCode}`)
            const shows = unfold(res.body).includes('zzsecretlink-4f7a')
            if (shows !== linkFor(r) && !(res.statusCode !== 200 && !shows)) problems.push(`round ${round}: ${r} ${path} → ${res.statusCode}: link ${shows ? 'shown' : 'missing'}`)
          }
        }
      }
      assert.deepEqual(problems, [])
      // Responses holding the link are never for shared caches.
      const ics = await readers.going!.client.get(`/events/${slug}.ics`)
      assert.match(String(ics.headers['cache-control']), /private/)
      const page = await readers.going!.client.get(`/events/${slug}`)
      assert.match(page.body, /"@type":"VirtualLocation","url":"https:\/\/meet.example\/zzsecretlink-4f7a"/)
      const anon = await t.app.inject({ url: `/events/${slug}` })
      assert.match(anon.body, /"@type":"VirtualLocation"\}/, 'the anonymous JSON-LD has a virtual location without its URL')
    })

    test('the waiting person gets the link when they are promoted; the person leaving loses it', async () => {
      assert.equal(location(await rsvp(readers.going!, slug, 'not_going')), `/events/${slug}?done=not_going`)
      assert.ok((await readers.waiting!.client.get(`/events/${slug}`)).body.includes(LINK))
      assert.ok(!(await readers.going!.client.get(`/events/${slug}`)).body.includes(LINK))
      assert.ok(!(await readers.going!.client.get(`/api/v1/events/${slug}`)).body.includes(LINK))
      // Back as they were, for the other tests.
      await rsvp(readers.waiting!, slug, 'not_going')
      await rsvp(readers.going!, slug, 'going')
      await rsvp(readers.waiting!, slug, 'going')
    })

    test('the personal calendar: its owner going sees the link; a wrong, reset or removed address is 404; never cached', async () => {
      const going = readers.going!
      const made = await going.client.submit('/events/mine', {}, '/events/mine/calendar')
      assert.equal(made.statusCode, 303)
      const mine = await going.client.get('/events/mine')
      const url = /<code id="calendar-url">([^<]+)<\/code>/.exec(mine.body)?.[1]
      assert.ok(url, 'the new address is shown once')
      assert.doesNotMatch((await going.client.get('/events/mine')).body, /calendar-url/, 'and only once')
      const path = `${new URL(url!).pathname}${new URL(url!).search}`
      const stored = await t.db.selectFrom('event_calendar_tokens').select('token_hash').where('user_id', '=', going.user.id).executeTakeFirstOrThrow()
      assert.ok(!path.includes(stored.token_hash), 'only a hash of the secret is stored')
      assert.match(path, /^\/events\/calendar\.ics\?key=[A-Za-z0-9_-]{32}$/)
      const feed = await t.app.inject({ url: path })
      assert.equal(feed.statusCode, 200)
      assert.ok(unfold(feed.body).includes(LINK))
      assert.match(String(feed.headers['cache-control']), /private, no-store/)
      assert.equal((await t.app.inject({ url: path })).headers['x-cache'], undefined, 'not from the page cache')
      // The waiting person's calendar shows the event as waiting, without the link.
      await readers.waiting!.client.submit('/events/mine', {}, '/events/mine/calendar')
      const waitingUrl = /<code id="calendar-url">([^<]+)<\/code>/.exec((await readers.waiting!.client.get('/events/mine')).body)![1]!
      const waitingFeed = await t.app.inject({ url: `${new URL(waitingUrl).pathname}${new URL(waitingUrl).search}` })
      assert.ok(!unfold(waitingFeed.body).includes(LINK))
      assert.match(waitingFeed.body, /SUMMARY:Waiting list: Hybrid/)
      assert.match(waitingFeed.body, /STATUS:TENTATIVE/)
      // Reset: the old address stops working.
      await going.client.submit('/events/mine', {}, '/events/mine/calendar')
      assert.equal((await t.app.inject({ url: path })).statusCode, 404)
      await going.client.submit('/events/mine', {}, '/events/mine/calendar/remove')
      assert.equal((await t.db.selectFrom('event_calendar_tokens').select('user_id').where('user_id', '=', going.user.id).execute()).length, 0)
      for (const bad of ['/events/calendar.ics', '/events/calendar.ics?key=short', `/events/calendar.ics?key=${'A'.repeat(40)}`, '/events/calendar.ics?key=%27%20or%201%3D1']) assert.equal((await t.app.inject({ url: bad })).statusCode, 404, bad)
      // A key given twice is malformed input: a 400, like any parameter repeated where one is expected.
      assert.equal((await t.app.inject({ url: '/events/calendar.ics?key=a&key=b' })).statusCode, 400)
    })
  })
}
