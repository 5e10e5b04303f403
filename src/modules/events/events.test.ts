import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { createEvent, eventFields, formValuesIn, location, person, rsvp, type Person } from '../../../test/support/events.ts'
import { setMembership } from '../../core/access/spaces.ts'
import { csrfTokenIn } from '../../../test/support/client.ts'

for (const dialect of testDialects()) {
  describe(`events: creating, changing, reading on ${dialect}`, () => {
    let t: TestApp
    let organiser: Person
    before(async () => {
      t = await buildTestApp(dialect)
      organiser = await person(t, 'Olu Organiser')
    })
    after(async () => t?.close())

    const errorsIn = (html: string) => [...html.matchAll(/<p id="([a-z_]+)-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span>([^<]*)</g)].map((m) => `${m[1]}: ${m[2]!.trim()}`)

    test('an event is created from the form in its own time zone, stored in UTC, and shown with the zone named', async () => {
      const res = await organiser.client.submit('/events/new', eventFields({ title: 'Berlin breakfast', starts_at: '2031-07-01T09:30', ends_at: '2031-07-01T11:00', time_zone: 'Europe/Berlin' }))
      assert.equal(res.statusCode, 303)
      assert.equal(location(res), '/events/berlin-breakfast?done=created')
      const row = await t.db.selectFrom('events').selectAll().where('slug', '=', 'berlin-breakfast').executeTakeFirstOrThrow()
      assert.equal(row.starts_at, '2031-07-01T07:30:00.000Z')
      assert.equal(row.ends_at, '2031-07-01T09:00:00.000Z')
      assert.equal(row.time_zone, 'Europe/Berlin')
      const page = await t.app.inject({ url: '/events/berlin-breakfast' })
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Tuesday 1 July 2031/)
      assert.match(page.body, /09:30 to 11:00/)
      assert.match(page.body, /Berlin time \(UTC\+2\)/)
      assert.match(page.body, /<time datetime="2031-07-01T07:30:00.000Z">/)
      assert.doesNotMatch(page.body, /In your time zone/, 'anonymous readers have no zone of their own')
      // schema.org Event JSON-LD, as search engines read it.
      const ld = JSON.parse(/<script type="application\/ld\+json">([^<]+)<\/script>/.exec(page.body)![1]!) as Record<string, unknown>
      assert.equal(ld['@type'], 'Event')
      assert.equal(ld.name, 'Berlin breakfast')
      assert.equal(ld.startDate, '2031-07-01T07:30:00.000Z')
      assert.equal(ld.endDate, '2031-07-01T09:00:00.000Z')
      assert.equal(ld.eventAttendanceMode, 'https://schema.org/OfflineEventAttendanceMode')
      assert.equal((ld.location as { '@type': string })['@type'], 'Place')
      // A reader whose profile is in another zone also sees the time in theirs, named; in the list too.
      const reader = await person(t, 'New York Reader')
      await t.db.updateTable('users').set({ time_zone: 'America/New_York' }).where('id', '=', reader.user.id).execute()
      const theirs = (await reader.client.get('/events/berlin-breakfast')).body
      assert.match(theirs, /Berlin time \(UTC\+2\)/)
      assert.match(theirs, /In your time zone: Tuesday 1 July 2031, 03:30 to 05:00 New York time \(UTC-4\)/)
      assert.match((await reader.client.get('/events')).body, /In your time zone: Tuesday 1 July 2031, 03:30 to 05:00 New York time/)
      const sameZone = await person(t, 'Berlin Reader')
      await t.db.updateTable('users').set({ time_zone: 'Europe/Berlin' }).where('id', '=', sameZone.user.id).execute()
      assert.doesNotMatch((await sameZone.client.get('/events/berlin-breakfast')).body, /In your time zone/, 'nothing twice for a reader in the event’s zone')
      // The edit form gives the times back as they were entered, in the event's zone.
      const values = formValuesIn((await organiser.client.get('/events/berlin-breakfast/edit')).body)
      assert.equal(values.starts_at, '2031-07-01T09:30')
      assert.equal(values.time_zone, 'Europe/Berlin')
    })

    test('bad input is a 422 with every problem named and the text kept, never a 500, and nothing is saved', async () => {
      const cases: Array<[Record<string, string>, string[]]> = [
        [{ starts_at: '2031-01-01T12:00', ends_at: '2031-01-01T11:00' }, ['ends_at: The end must be after the start']],
        [{ time_zone: 'Mars/Olympus_Mons' }, ['time_zone: Select a time zone from the list']],
        [{ starts_at: '2031-03-30T01:30', ends_at: '2031-03-30T03:00', time_zone: 'Europe/London' }, ['starts_at: Start date and time does not exist in Europe/London: the clocks change then. Enter a time an hour later']],
        [{ starts_at: '2031-02-30T10:00' }, ['starts_at: Start date and time must be a real date and time, like 2026-12-01T10:00']],
        [{ starts_at: 'next tuesday', ends_at: '' }, ['starts_at: Start date and time must be a real date and time, like 2026-12-01T10:00', 'ends_at: Enter end date and time']],
        [{ format: 'hybrid', venue: '', online_url: '' }, ['venue: Enter the venue address', 'online_url: Enter the online link']],
        [{ format: 'online', online_url: 'javascript:alert(1)' }, ['online_url: Enter online link as a full web address starting with https://']],
        [{ capacity: '-3' }, ['capacity: Number of places must be a whole number from 1 to 100,000, or empty for no limit']],
        [{ capacity: '1e9' }, ['capacity: Number of places must be a whole number from 1 to 100,000, or empty for no limit']],
        [{ organiser: 'organisation:not-mine' }, ['organiser: Select an organiser from the list']],
        [{ organiser: 'community:nowhere' }, ['organiser: Select an organiser from the list']],
        [{ community: 'not-a-member' }, ['community: Select a community you are a member of']],
        [{ unconference: 'true', votes_per_person: '0' }, ['votes_per_person: Votes for each attendee must be a whole number from 1 to 20']],
        [{ title: 'x'.repeat(151) }, ['title: Title must be 150 characters or fewer']],
        [{ starts_at: '2031-01-01T10:00', ends_at: '2031-03-01T10:00' }, ['ends_at: An event can last 31 days at most']],
      ]
      const before = (await t.db.selectFrom('events').select('id').execute()).length
      for (const [overrides, expected] of cases) {
        const fields = eventFields({ title: 'Kept title', ...overrides })
        const res = await organiser.client.submit('/events/new', fields)
        assert.equal(res.statusCode, 422, `${JSON.stringify(overrides)} → ${res.statusCode}`)
        assert.deepEqual(errorsIn(res.body), expected, JSON.stringify(overrides))
        assert.match(res.body, /There is a problem/)
        const kept = formValuesIn(res.body)
        assert.equal(kept.title, fields.title.slice(0, 200))
        assert.equal(kept.starts_at, fields.starts_at)
      }
      assert.equal((await t.db.selectFrom('events').select('id').execute()).length, before)
      // A body that is not a form at all is still not a 500.
      const page = await organiser.client.get('/events/new')
      const odd = await t.app.inject({ method: 'POST', url: '/events/new', payload: { title: ['a', 'b'], starts_at: { x: 1 }, _csrf: csrfTokenIn(page.body) }, headers: { cookie: [...organiser.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })
      assert.ok(odd.statusCode < 500, `odd body → ${odd.statusCode}`)
    })

    test('five concurrent submissions of one create form make one event', async () => {
      const page = await organiser.client.get('/events/new')
      const token = /name="_submission" value="([^"]+)"/.exec(page.body)![1]!
      const fields = { ...eventFields({ title: 'Clicked five times' }), _csrf: csrfTokenIn(page.body)!, _submission: token }
      const responses = await Promise.all(Array.from({ length: 5 }, () => organiser.client.post('/events/new', fields)))
      assert.deepEqual(responses.map((r) => r.statusCode), [303, 303, 303, 303, 303])
      assert.equal((await t.db.selectFrom('events').select('id').where('title', '=', 'Clicked five times').execute()).length, 1)
    })

    test('organising for an organisation needs its membership; for a community, hosting it; others cannot edit', async () => {
      const db = t.db
      const org = await organiser.client.submit('/organisations/new', { name: 'Events Test Council', type: 'local government', country: 'United Kingdom' })
      assert.equal(org.statusCode, 303, org.body.slice(0, 300))
      const orgRow = await db.selectFrom('organisations').select(['id', 'slug']).where('name', '=', 'Events Test Council').executeTakeFirstOrThrow()
      const stranger = await person(t, 'Sam Stranger')
      const byStranger = await stranger.client.submit('/events/new', eventFields({ organiser: `organisation:${orgRow.id}` }))
      assert.equal(byStranger.statusCode, 422)
      const slug = await createEvent(organiser, { title: 'Council open day', organiser: `organisation:${orgRow.id}` })
      const page = await t.app.inject({ url: `/events/${slug}` })
      assert.match(page.body, new RegExp(`<a class="govuk-link" href="/organisations/${orgRow.slug}">Events Test Council</a>`))
      // The organisation's page lists it, with a calendar feed.
      const orgPage = await t.app.inject({ url: `/organisations/${orgRow.slug}` })
      assert.match(orgPage.body, /Council open day/)
      assert.match(orgPage.body, new RegExp(`/organisations/${orgRow.slug}/events.ics`))
      for (const path of [`/events/${slug}/edit`, `/events/${slug}/cancel`, `/events/${slug}/notes`]) assert.equal((await stranger.client.get(path)).statusCode, 404, path)
      const edit = await stranger.client.post(`/events/${slug}/edit`, { ...eventFields(), _csrf: csrfTokenIn((await stranger.client.get('/events/new')).body)! })
      assert.equal(edit.statusCode, 404)

      const community = await organiser.client.submit('/communities/new', { name: 'Event hosts', description: 'Hosts of events.', themes: '', join_policy: 'open', visibility: 'public' })
      const space = await db.selectFrom('spaces').select('id').where('path', '=', location(community).split('?')[0]!).executeTakeFirstOrThrow()
      await setMembership(db, space.id, stranger.user.id, 'member', 'active')
      assert.equal((await stranger.client.submit('/events/new', eventFields({ organiser: `community:${space.id}` }))).statusCode, 422, 'a member is not a host')
      // A member may list their own event in the community.
      const own = await createEvent(stranger, { title: 'Member meet-up', community: space.id })
      assert.equal((await db.selectFrom('events').select('space_id').where('slug', '=', own).executeTakeFirstOrThrow()).space_id, space.id)
      const hosted = await createEvent(organiser, { title: 'Hosted by the community', organiser: `community:${space.id}` })
      const row = await db.selectFrom('events').select(['space_id', 'organiser_kind']).where('slug', '=', hosted).executeTakeFirstOrThrow()
      assert.deepEqual({ ...row }, { space_id: space.id, organiser_kind: 'community' })
      const communityPage = await t.app.inject({ url: location(community).split('?')[0]! })
      assert.match(communityPage.body, /Hosted by the community/)
      assert.match(communityPage.body, /Member meet-up/)
    })

    test('a project’s team organises events for it: its page and calendar list them; others cannot name it', async () => {
      const made = await organiser.client.submit('/projects/new', { name: 'Events Test Project', summary: 'Testing events.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', lead_organisation: '', partner_organisations: '', links: '', team: '' })
      assert.equal(made.statusCode, 303, made.body.slice(0, 300))
      const project = await t.db.selectFrom('projects').select(['id', 'slug']).where('name', '=', 'Events Test Project').executeTakeFirstOrThrow()
      const outsider = await person(t, 'Not On The Team')
      const refused = await outsider.client.submit('/events/new', eventFields({ title: 'Not theirs zqnottheirs', organiser: `project:${project.id}` }))
      assert.equal(refused.statusCode, 422)
      assert.match(refused.body, /Select an organiser from the list/)
      assert.match(refused.body, /Not theirs zqnottheirs/)
      const slug = await createEvent(organiser, { title: 'Project show and tell', organiser: `project:${project.id}` })
      assert.match((await t.app.inject({ url: `/events/${slug}` })).body, new RegExp(`href="/projects/${project.slug}">Events Test Project</a>`))
      assert.match((await t.app.inject({ url: `/projects/${project.slug}` })).body, /Project show and tell/)
      const ics = await t.app.inject({ url: `/projects/${project.slug}/events.ics` })
      assert.equal(ics.statusCode, 200)
      assert.match(ics.body, /SUMMARY:Project show and tell/)
      assert.equal((await outsider.client.get(`/events/${slug}/edit`)).statusCode, 404)
    })

    test('changing the time raises the calendar sequence and tells everyone going; cancelling tells them why', async () => {
      const slug = await createEvent(organiser, { title: 'Moving target' })
      const guest = await person(t)
      await rsvp(guest, slug, 'going')
      const values = formValuesIn((await organiser.client.get(`/events/${slug}/edit`)).body)
      assert.equal((await organiser.client.submit(`/events/${slug}/edit`, { ...values, description: 'Only the words changed.' })).statusCode, 303)
      assert.equal((await t.db.selectFrom('events').select('sequence').where('slug', '=', slug).executeTakeFirstOrThrow()).sequence, 0)
      assert.equal((await organiser.client.submit(`/events/${slug}/edit`, { ...values, starts_at: values.starts_at!.replace('T10:00', 'T11:00') })).statusCode, 303)
      assert.equal(Number((await t.db.selectFrom('events').select('sequence').where('slug', '=', slug).executeTakeFirstOrThrow()).sequence), 1)
      const told = await t.db.selectFrom('notifications').select(['kind', 'text']).where('user_id', '=', guest.user.id).execute()
      assert.deepEqual(told.map((n) => n.kind), ['event_change'])
      assert.match(told[0]!.text, /“Moving target” has changed: .* 11:00 to 12:00 UTC/)
      const empty = await organiser.client.submit(`/events/${slug}/cancel`, { reason: '' })
      assert.equal(empty.statusCode, 422)
      assert.equal((await organiser.client.submit(`/events/${slug}/cancel`, { reason: 'Room flooded' })).statusCode, 303)
      const page = await guest.client.get(`/events/${slug}`)
      assert.match(page.body, /This event has been cancelled/)
      assert.match(page.body, /EventCancelled/)
      assert.equal((await t.db.selectFrom('notifications').select('text').where('user_id', '=', guest.user.id).where('text', 'like', '%cancelled%').executeTakeFirstOrThrow()).text, '“Moving target” was cancelled: Room flooded')
      assert.equal((await t.db.selectFrom('audit_log').select('action').where('action', '=', 'event.cancelled').execute()).length, 1)
    })

    test('lists: upcoming soonest first, past latest first, keyset pages; the front page shows upcoming events', async () => {
      for (let i = 0; i < 23; i++) await createEvent(organiser, { title: `Series ${String(i).padStart(2, '0')}`, starts_at: `2032-01-${String(i + 1).padStart(2, '0')}T10:00`, ends_at: `2032-01-${String(i + 1).padStart(2, '0')}T11:00` })
      await createEvent(organiser, { title: 'Ancient history', starts_at: '2019-05-01T10:00', ends_at: '2019-05-01T11:00' })
      const api = await t.app.inject({ url: '/api/v1/events?limit=100' })
      const titles = (api.json().items as Array<{ title: string; startsAt: string }>).map((e) => e.startsAt)
      assert.deepEqual(titles, [...titles].sort())
      const first = await t.app.inject({ url: '/events' })
      assert.equal(first.statusCode, 200)
      const next = /href="(\/events\?cursor=[^"]+)"/.exec(first.body)?.[1]
      assert.ok(next, 'a link to later events')
      const second = await t.app.inject({ url: next!.replace(/&amp;/g, '&') })
      assert.equal(second.statusCode, 200)
      const past = await t.app.inject({ url: '/events?when=past' })
      assert.match(past.body, /Ancient history/)
      assert.doesNotMatch(past.body, /Series 00/)
      const home = await t.app.inject({ url: '/' })
      assert.match(home.body, /Upcoming events/)
      // A forged cursor is a clear 400, not silently the first page.
      assert.equal((await t.app.inject({ url: '/events?cursor=bm9uc2Vuc2U' })).statusCode, 400)
      assert.equal((await t.app.inject({ url: '/api/v1/events?when=sometime' })).statusCode, 400)
    })

    test('organisers publish notes and link posts after the event starts; past events list them', async () => {
      const future = await createEvent(organiser, { title: 'Not yet' })
      const early = await organiser.client.submit(`/events/${future}/notes`, { notes: 'Too soon', posts: '' })
      assert.equal(early.statusCode, 422)
      assert.match(early.body, /You can publish notes once the event has started/)
      const post = await organiser.client.submit('/posts/new', { title: 'What we learned at the retro', body: 'Lots.', publish: 'publish' })
      const postSlug = location(post).split('/').pop()!
      const slug = await createEvent(organiser, { title: 'Retro', starts_at: '2021-03-01T10:00', ends_at: '2021-03-01T11:00' })
      const bad = await organiser.client.submit(`/events/${slug}/notes`, { notes: 'Notes', posts: 'https://elsewhere.example/posts/nope' })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /There is no post at/)
      assert.match(bad.body, /elsewhere.example/, 'the text is kept')
      const ok = await organiser.client.submit(`/events/${slug}/notes`, { notes: '## Decided\n\nWe **ship** on Friday.', posts: `http://openly.test/posts/${postSlug}` })
      assert.equal(ok.statusCode, 303)
      const page = await t.app.inject({ url: `/events/${slug}` })
      assert.match(page.body, /<strong>ship<\/strong>/)
      assert.match(page.body, /What we learned at the retro/)
      const past = await t.app.inject({ url: '/events?when=past' })
      assert.match(past.body, new RegExp(`href="/events/${slug}#notes"`))
    })
  })
}
