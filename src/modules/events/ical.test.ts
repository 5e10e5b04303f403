/**
 * The calendar files must import into real calendar clients: each is read back with ical.js (Mozilla's
 * parser, used by Thunderbird), independent of the library that wrote it.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import ICAL from 'ical.js'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { createEvent, formValuesIn, location, person, rsvp, type Person } from '../../../test/support/events.ts'
import { setMembership } from '../../core/access/spaces.ts'

interface Parsed {
  uid: string
  summary: string
  start: string
  end: string
  sequence: number
  status: string
  location: string
  description: string
}

/** Parses a calendar with ical.js and returns its events, failing if it is not valid iCalendar. */
function parse(body: string): { name: string; events: Parsed[] } {
  const cal = new ICAL.Component(ICAL.parse(body))
  assert.equal(cal.name, 'vcalendar')
  assert.equal(cal.getFirstPropertyValue('version'), '2.0')
  assert.ok(cal.getFirstPropertyValue('prodid'))
  const events = cal.getAllSubcomponents('vevent').map((c) => {
    const e = new ICAL.Event(c)
    return {
      uid: e.uid,
      summary: e.summary,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      sequence: e.sequence,
      status: String(c.getFirstPropertyValue('status') ?? ''),
      location: e.location ?? '',
      description: e.description ?? '',
    }
  })
  return { name: String(cal.getFirstPropertyValue('x-wr-calname') ?? ''), events }
}

for (const dialect of testDialects()) {
  describe(`iCalendar files and feeds on ${dialect}`, () => {
    let t: TestApp
    let organiser: Person
    before(async () => {
      t = await buildTestApp(dialect)
      organiser = await person(t, 'Olu Organiser')
    })
    after(async () => t?.close())

    test("an event's file: valid, UTC times, a stable UID, SEQUENCE raised on change, CANCELLED when cancelled, ETag and 304", async () => {
      const slug = await createEvent(organiser, { title: 'Calendar check, with commas; and semicolons', starts_at: '2031-07-01T09:30', ends_at: '2031-07-01T11:00', time_zone: 'Europe/Berlin', venue: 'Town Hall, Room 1' })
      const first = await t.app.inject({ url: `/events/${slug}.ics` })
      assert.equal(first.statusCode, 200)
      assert.match(String(first.headers['content-type']), /^text\/calendar/)
      assert.match(first.body, /DTSTART:20310701T073000Z/, 'times are written in UTC')
      const [a] = parse(first.body).events
      assert.equal(a!.summary, 'Calendar check, with commas; and semicolons')
      assert.equal(a!.start, '2031-07-01T07:30:00.000Z')
      assert.equal(a!.end, '2031-07-01T09:00:00.000Z')
      assert.equal(a!.location, 'Town Hall, Room 1')
      assert.equal(a!.status, 'CONFIRMED')
      assert.equal(a!.sequence, 0)
      assert.match(a!.description, new RegExp(`http://openly.test/events/${slug}`))
      // Unchanged: byte-identical, so the ETag holds and a client revalidating gets 304.
      const again = await t.app.inject({ url: `/events/${slug}.ics`, headers: { 'if-none-match': String(first.headers.etag) } })
      assert.equal(again.statusCode, 304)

      const values = formValuesIn((await organiser.client.get(`/events/${slug}/edit`)).body)
      await organiser.client.submit(`/events/${slug}/edit`, { ...values, starts_at: '2031-07-01T10:00' })
      const [b] = parse((await t.app.inject({ url: `/events/${slug}.ics` })).body).events
      assert.equal(b!.uid, a!.uid, 'the UID never changes')
      assert.equal(b!.sequence, 1)
      assert.equal(b!.start, '2031-07-01T08:00:00.000Z')
      await organiser.client.submit(`/events/${slug}/cancel`, { reason: 'No room' })
      const [c] = parse((await t.app.inject({ url: `/events/${slug}.ics` })).body).events
      assert.equal(c!.status, 'CANCELLED')
      assert.equal(c!.sequence, 2)
      assert.equal(c!.uid, a!.uid)
    })

    test('feeds: the site, an organiser, a person and a community list what the reader may see, and nothing of a private community', async () => {
      const db = t.db
      const created = await organiser.client.submit('/communities/new', { name: 'Quiet room', description: 'Private.', themes: '', join_policy: 'invite', visibility: 'members' })
      const path = location(created).split('?')[0]!
      const space = await db.selectFrom('spaces').select('id').where('path', '=', path).executeTakeFirstOrThrow()
      const member = await person(t)
      const stranger = await person(t)
      await setMembership(db, space.id, member.user.id, 'member', 'active')
      await createEvent(organiser, { title: 'Public picnic' })
      await createEvent(organiser, { title: 'Private planning', organiser: `community:${space.id}` })
      const titles = (body: string) => parse(body).events.map((e) => e.summary)
      for (const [who, client] of [['anonymous', null], ['stranger', stranger.client]] as const) {
        const site = client ? await client.get('/events.ics') : await t.app.inject({ url: '/events.ics' })
        assert.ok(titles(site.body).includes('Public picnic'), who)
        assert.ok(!site.body.includes('Private planning'), `${who} sees the private event in the site feed`)
        const community = client ? await client.get(`${path}/events.ics`) : await t.app.inject({ url: `${path}/events.ics` })
        assert.equal(community.statusCode, 404, `${who} community feed`)
        const person = client ? await client.get(`/people/${organiser.user.handle}/events.ics`) : await t.app.inject({ url: `/people/${organiser.user.handle}/events.ics` })
        assert.ok(titles(person.body).includes('Public picnic'))
        assert.ok(!person.body.includes('Private planning'))
      }
      const forMember = await member.client.get('/events.ics')
      assert.ok(titles(forMember.body).includes('Private planning'))
      assert.match(String(forMember.headers['cache-control']), /private/, 'a signed-in feed is not for shared caches')
      assert.deepEqual(titles((await member.client.get(`${path}/events.ics`)).body), ['Private planning'])
      for (const missing of ['/organisations/nobody/events.ics', '/projects/nothing/events.ics', '/people/nobody-at-all/events.ics', '/communities/none/events.ics', '/events/no-such-event.ics']) {
        assert.equal((await t.app.inject({ url: missing })).statusCode, 404, missing)
      }
      // The private event's own file is a 404 to the stranger, as its page is.
      const privateSlug = (await db.selectFrom('events').select('slug').where('title', '=', 'Private planning').executeTakeFirstOrThrow()).slug
      assert.equal((await stranger.client.get(`/events/${privateSlug}.ics`)).statusCode, 404)
      assert.equal((await member.client.get(`/events/${privateSlug}.ics`)).statusCode, 200)
    })

    test("a person's own calendar parses, and marks events they wait for", async () => {
      const slug = await createEvent(organiser, { title: 'One seat', capacity: '1' })
      const [a, b] = await Promise.all([person(t), person(t)])
      await rsvp(a!, slug, 'going')
      await rsvp(b!, slug, 'going')
      await b!.client.submit('/events/mine', {}, '/events/mine/calendar')
      const url = /<code id="calendar-url">([^<]+)<\/code>/.exec((await b!.client.get('/events/mine')).body)![1]!
      const cal = parse((await t.app.inject({ url: `${new URL(url).pathname}${new URL(url).search}` })).body)
      assert.equal(cal.name, 'My events – Openly')
      assert.deepEqual(cal.events.map((e) => [e.summary, e.status]), [['Waiting list: One seat', 'TENTATIVE']])
    })
  })
}
