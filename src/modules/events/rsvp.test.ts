import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { csrfTokenIn } from '../../../test/support/client.ts'
import { createEvent, formValuesIn, location, person, rsvp, type Person } from '../../../test/support/events.ts'

for (const dialect of testDialects()) {
  describe(`replies, places and the waiting list on ${dialect}`, () => {
    let t: TestApp
    let organiser: Person
    before(async () => {
      t = await buildTestApp(dialect)
      organiser = await person(t, 'Olu Organiser')
    })
    after(async () => t?.close())

    const replies = (eventSlug: string) =>
      t.db
        .selectFrom('event_rsvps')
        .innerJoin('events', 'events.id', 'event_rsvps.event_id')
        .select(['event_rsvps.user_id', 'event_rsvps.status', 'event_rsvps.position'])
        .where('events.slug', '=', eventSlug)
        .orderBy('event_rsvps.position')
        .execute()

    test('going takes a place; when full, people wait in order; withdrawing promotes the first waiting, who is told', async () => {
      const slug = await createEvent(organiser, { title: 'Small clinic', capacity: '2' })
      const [a, b, c, d] = await Promise.all([person(t, 'Ada'), person(t, 'Ben'), person(t, 'Cai'), person(t, 'Dee')])
      for (const [p, expected] of [[a!, 'going'], [b!, 'going'], [c!, 'waiting'], [d!, 'waiting']] as const) {
        const res = await rsvp(p, slug, 'going')
        assert.equal(res.statusCode, 303)
        assert.equal(location(res), `/events/${slug}?done=${expected}`)
      }
      const page = await d!.client.get(`/events/${slug}`)
      assert.match(page.body, /You are number 2 on the waiting list/)
      assert.match(page.body, /2 of 2 going · full, 2 on the waiting list/)
      // A double click on "I'm going" keeps the place it had.
      assert.equal(location(await rsvp(c!, slug, 'going')), `/events/${slug}?done=waiting`)

      assert.equal(location(await rsvp(a!, slug, 'not_going')), `/events/${slug}?done=not_going`)
      const rows = await replies(slug)
      assert.deepEqual(rows.filter((r) => r.status === 'going').map((r) => r.user_id).sort(), [b!.user.id, c!.user.id].sort())
      assert.deepEqual(rows.filter((r) => r.status === 'waiting').map((r) => r.user_id), [d!.user.id])
      const note = await t.db.selectFrom('notifications').select(['kind', 'text', 'url']).where('user_id', '=', c!.user.id).executeTakeFirstOrThrow()
      assert.equal(note.kind, 'event_place')
      assert.match(note.text, /A place opened up: you are now going to “Small clinic”/)
      assert.equal(note.url, `/events/${slug}`)
      // Nobody else was told anything.
      assert.equal((await t.db.selectFrom('notifications').select('id').where('user_id', '=', d!.user.id).execute()).length, 0)
      // Coming back puts Ada at the end of the queue.
      assert.equal(location(await rsvp(a!, slug, 'going')), `/events/${slug}?done=waiting`)
      assert.match((await a!.client.get(`/events/${slug}`)).body, /You are number 2 on the waiting list/)
    })

    test('ten people replying at the same moment to three places: exactly three going and seven waiting, in order; a withdrawal promotes the first', async () => {
      const slug = await createEvent(organiser, { title: 'Three places only', capacity: '3' })
      const people = await Promise.all(Array.from({ length: 10 }, (_, i) => person(t, `Racer ${i}`)))
      // Each loads the page first (as a browser does), then all ten forms are sent at once.
      const forms = await Promise.all(people.map(async (p) => ({ p, csrf: csrfTokenIn((await p.client.get(`/events/${slug}`)).body)! })))
      const responses = await Promise.all(forms.map(({ p, csrf }) => p.client.post(`/events/${slug}/rsvp`, { answer: 'going', _csrf: csrf })))
      assert.deepEqual(responses.map((r) => r.statusCode), Array(10).fill(303))
      const outcomes = responses.map((r) => location(r).split('done=')[1])
      assert.equal(outcomes.filter((o) => o === 'going').length, 3)
      assert.equal(outcomes.filter((o) => o === 'waiting').length, 7)
      const rows = await replies(slug)
      assert.equal(rows.filter((r) => r.status === 'going').length, 3)
      const waiting = rows.filter((r) => r.status === 'waiting')
      assert.equal(waiting.length, 7)
      // Places in the queue are distinct and the going three replied before every one waiting.
      const positions = rows.map((r) => Number(r.position))
      assert.equal(new Set(positions).size, 10)
      assert.ok(Math.max(...rows.filter((r) => r.status === 'going').map((r) => Number(r.position))) < Math.min(...waiting.map((r) => Number(r.position))))
      // Each waiting person was told their true place.
      for (const p of people.filter((_, i) => outcomes[i] === 'waiting')) {
        const mine = Number(rows.find((r) => r.user_id === p.user.id)!.position)
        const place = waiting.filter((w) => Number(w.position) <= mine).length
        assert.match((await p.client.get(`/events/${slug}`)).body, new RegExp(`You are number ${place} on the waiting list`))
      }
      // Two of the going withdraw at the same moment: the first two waiting get their places, nobody else.
      const goingPeople = people.filter((p) => rows.some((r) => r.user_id === p.user.id && r.status === 'going')).slice(0, 2)
      await Promise.all(goingPeople.map((p) => rsvp(p, slug, 'not_going')))
      const after = await replies(slug)
      assert.equal(after.filter((r) => r.status === 'going').length, 3)
      assert.deepEqual(
        after.filter((r) => r.status === 'going' && waiting.some((w) => w.user_id === r.user_id)).map((r) => r.user_id).sort(),
        waiting.slice(0, 2).map((w) => w.user_id).sort(),
      )
      const told = await t.db.selectFrom('notifications').select('user_id').where('kind', '=', 'event_place').where('user_id', 'in', people.map((p) => p.user.id)).execute()
      assert.deepEqual(told.map((n) => n.user_id).sort(), waiting.slice(0, 2).map((w) => w.user_id).sort())
    })

    test('raising the number of places promotes people waiting; no limit lets everyone in', async () => {
      const slug = await createEvent(organiser, { title: 'Growing room', capacity: '1' })
      const [a, b, c] = await Promise.all([person(t), person(t), person(t)])
      for (const p of [a!, b!, c!]) await rsvp(p, slug, 'going')
      const edit = await organiser.client.submit(`/events/${slug}/edit`, { ...(await formOf(organiser, slug)), capacity: '2' })
      assert.equal(edit.statusCode, 303, edit.body.slice(0, 300))
      assert.deepEqual((await replies(slug)).map((r) => r.status), ['going', 'going', 'waiting'])
      await organiser.client.submit(`/events/${slug}/edit`, { ...(await formOf(organiser, slug)), capacity: '' })
      assert.deepEqual((await replies(slug)).map((r) => r.status), ['going', 'going', 'going'])
    })

    test('nobody replies to a cancelled or past event, or to a community event without being a member; a 403 says why, nothing is saved', async () => {
      const cancelled = await createEvent(organiser, { title: 'Called off' })
      assert.equal((await organiser.client.submit(`/events/${cancelled}/cancel`, { reason: 'The speaker is ill' })).statusCode, 303)
      const past = await createEvent(organiser, { title: 'Long gone', starts_at: '2020-01-01T10:00', ends_at: '2020-01-01T11:00' })
      const someone = await person(t)
      for (const slug of [cancelled, past]) {
        const page = await someone.client.get(`/events/${slug}`)
        assert.doesNotMatch(page.body, /I’m going/)
        const res = await someone.client.post(`/events/${slug}/rsvp`, { answer: 'going', _csrf: csrfTokenIn(page.body)! })
        assert.equal(res.statusCode, 403)
      }
      assert.equal((await replies(cancelled)).length + (await replies(past)).length, 0)
      // A reply with no answer, or a made-up one, is a 400, not a 500.
      const page = await someone.client.get(`/events/${past}`)
      assert.equal((await someone.client.post(`/events/${past}/rsvp`, { answer: 'maybe', _csrf: csrfTokenIn(page.body)! })).statusCode, 400)
    })

    test('organisers see who replied, in order; others get 404', async () => {
      const slug = await createEvent(organiser, { title: 'Who is coming', capacity: '1' })
      const [a, b] = await Promise.all([person(t, 'Aoife First'), person(t, 'Bruno Second')])
      await rsvp(a!, slug, 'going')
      await rsvp(b!, slug, 'going')
      const list = await organiser.client.get(`/events/${slug}/attendees`)
      assert.equal(list.statusCode, 200)
      assert.ok(list.body.indexOf('Aoife First') < list.body.indexOf('Bruno Second'))
      assert.match(list.body, /Waiting list, in order \(1\)/)
      assert.equal((await a!.client.get(`/events/${slug}/attendees`)).statusCode, 404)
      assert.equal((await t.app.inject({ method: 'GET', url: `/events/${slug}/attendees` })).statusCode, 404)
    })
  })
}

/** The event's edit form values as the page shows them (what a person sends back unchanged). */
export async function formOf(organiser: Person, slug: string): Promise<Record<string, string>> {
  return formValuesIn((await organiser.client.get(`/events/${slug}/edit`)).body)
}
