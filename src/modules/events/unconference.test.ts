import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import ICAL from 'ical.js'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { csrfTokenIn } from '../../../test/support/client.ts'
import { createEvent, formValuesIn, localIn, location, person, rsvp, type Person } from '../../../test/support/events.ts'

for (const dialect of testDialects()) {
  describe(`unconference mode on ${dialect}`, () => {
    let t: TestApp
    let host: Person
    let slug = ''
    const attendees: Person[] = []
    let outsider: Person
    before(async () => {
      t = await buildTestApp(dialect)
      host = await person(t, 'Hana Host')
      slug = await createEvent(host, { title: 'Camp', unconference: 'true', votes_per_person: '3', starts_at: localIn(10, '09:00'), ends_at: localIn(10, '17:00') })
      for (let i = 0; i < 4; i++) {
        const p = await person(t, `Attendee ${i}`)
        assert.equal(location(await rsvp(p, slug, 'going')), `/events/${slug}?done=going`)
        attendees.push(p)
      }
      outsider = await person(t, 'Otto Outsider')
    })
    after(async () => t?.close())

    const pitch = async (p: Person, title: string, extra: Record<string, string> = {}) => {
      const res = await p.client.submit(`/events/${slug}/sessions/new`, { title, summary: `About ${title}.\n\nSecond line.`, format: 'discussion', ...extra })
      assert.equal(res.statusCode, 303, `pitch ${title}: ${res.statusCode} ${res.body.slice(0, 200)}`)
      return /\/sessions\/([^/?#]+)/.exec(location(res))![1]!
    }
    const sessionId = (title: string) => t.db.selectFrom('event_sessions').select('id').where('title', '=', title).executeTakeFirstOrThrow().then((r) => r.id)
    const vote = async (p: Person, id: string, action: 'add' | 'remove' = 'add') => {
      const page = await p.client.get(`/events/${slug}/sessions`)
      return p.client.post(`/events/${slug}/sessions/${id}/vote`, { vote: action, _csrf: csrfTokenIn(page.body)! })
    }
    /** The grid version the host's edit page is rendered from (its form carries it). */
    const gridVersionAt = async (edit: string) => formValuesIn((await host.client.get(edit)).body).grid_version!
    const votesOf = (p: Person) => t.db.selectFrom('event_votes').select(['session_id', 'slot']).where('user_id', '=', p.user.id).execute()

    test('people going pitch sessions (one paragraph); others cannot; bad input is a 422 with the text kept', async () => {
      const id = await pitch(attendees[0]!, 'Open data in practice')
      const row = await t.db.selectFrom('event_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
      assert.equal(row.summary, 'About Open data in practice. Second line.')
      assert.equal((await outsider.client.get(`/events/${slug}/sessions/new`)).statusCode, 303)
      const page = await outsider.client.get(`/events/${slug}`)
      const refused = await outsider.client.post(`/events/${slug}/sessions/new`, { title: 'Sneaky', summary: 'x', format: 'talk', _csrf: csrfTokenIn(page.body)! })
      assert.equal(refused.statusCode, 403)
      const bad = await attendees[1]!.client.submit(`/events/${slug}/sessions/new`, { title: '', summary: 'Kept words', format: 'karaoke' })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /Enter session title/)
      assert.match(bad.body, /Select format from the list/)
      assert.match(bad.body, /Kept words/)
      // The host organises, so they may pitch without replying.
      await pitch(host, 'What the host wants to hear')
      for (const [i, title] of ['Accessible forms', 'Weeknotes', 'Procurement', 'Maps'].entries()) await pitch(attendees[(i + 1) % 4]!, title)
      const list = await t.app.inject({ url: `/events/${slug}/sessions` })
      assert.equal(list.statusCode, 200)
      assert.match(list.body, /Accessible forms/)
    })

    test('votes are limited per person, a double vote counts once, and concurrent votes never exceed the allowance', async () => {
      const voter = attendees[0]!
      const ids = await Promise.all(['Accessible forms', 'Weeknotes', 'Procurement', 'Maps', 'Open data in practice'].map(sessionId))
      // Five votes for five sessions at the same moment, with three allowed.
      const page = await voter.client.get(`/events/${slug}/sessions`)
      const csrf = csrfTokenIn(page.body)!
      const responses = await Promise.all(ids.map((id) => voter.client.post(`/events/${slug}/sessions/${id}/vote`, { vote: 'add', _csrf: csrf })))
      assert.deepEqual(responses.map((r) => r.statusCode).sort(), [303, 303, 303, 409, 409])
      const refused = responses.find((r) => r.statusCode === 409)!
      assert.match(refused.body, /You have used all 3 of your votes/)
      const mine = await votesOf(voter)
      assert.equal(mine.length, 3)
      assert.deepEqual(mine.map((v) => Number(v.slot)).sort(), [1, 2, 3])
      // Voting twice for one session, twice at once: one vote.
      const other = attendees[1]!
      const csrf2 = csrfTokenIn((await other.client.get(`/events/${slug}/sessions`)).body)!
      await Promise.all([1, 2, 3].map(() => other.client.post(`/events/${slug}/sessions/${ids[0]}/vote`, { vote: 'add', _csrf: csrf2 })))
      assert.equal((await votesOf(other)).length, 1)
      // Withdrawing frees a vote for another session.
      const voted = mine[0]!.session_id
      assert.equal((await vote(voter, voted, 'remove')).statusCode, 303)
      const free = ids.find((id) => !mine.some((m) => m.session_id === id))!
      assert.equal((await vote(voter, free)).statusCode, 303)
      assert.equal((await votesOf(voter)).length, 3)
      // The page says how many are left, and offers no vote button once none are.
      const list = await voter.client.get(`/events/${slug}/sessions`)
      assert.match(list.body, /You have 0 of 3 votes left/)
      // People not going cannot vote.
      const page3 = await outsider.client.get(`/events/${slug}/sessions`)
      assert.equal((await outsider.client.post(`/events/${slug}/sessions/${ids[0]}/vote`, { vote: 'add', _csrf: csrfTokenIn(page3.body)! })).statusCode, 403)
      // More votes so the order is clear whichever of the concurrent votes went through: Accessible forms at
      // least 3, Weeknotes at least 2, every other session at most 1.
      for (const p of attendees.slice(2)) {
        await vote(p, ids[0]!)
        await vote(p, ids[1]!)
      }
    })

    test('rooms and slots: bad times are named, never a 500; fill by votes puts the most wanted into the largest room without clashes', async () => {
      const edit = `/events/${slug}/schedule/edit`
      assert.equal((await outsider.client.get(edit)).statusCode, 404)
      assert.equal((await attendees[0]!.client.get(edit)).statusCode, 404)
      assert.equal((await host.client.submit(edit, { name: 'Small room', capacity: '10' }, `/events/${slug}/rooms`)).statusCode, 303)
      assert.equal((await host.client.submit(edit, { name: 'Main hall', capacity: '100' }, `/events/${slug}/rooms`)).statusCode, 303)
      const dup = await host.client.submit(edit, { name: 'main hall', capacity: '5' }, `/events/${slug}/rooms`)
      assert.equal(dup.statusCode, 422)
      assert.match(dup.body, /There is already a room with that name/)
      const badCapacity = await host.client.submit(edit, { name: 'Attic', capacity: 'lots' }, `/events/${slug}/rooms`)
      assert.equal(badCapacity.statusCode, 422)
      assert.equal(formValuesIn(badCapacity.body).name, 'Attic')
      for (const [from, to, expected] of [
        [localIn(10, '10:00'), localIn(10, '09:00'), /The end must be after the start/],
        [localIn(10, '07:00'), localIn(10, '08:00'), /A time slot must be within the event/],
        ['soon', localIn(10, '08:00'), /Start must be a real date and time/],
      ] as const) {
        const res = await host.client.submit(edit, { starts_at: from, ends_at: to }, `/events/${slug}/slots`)
        assert.equal(res.statusCode, 422, `${from}–${to}`)
        assert.match(res.body, expected)
      }
      assert.equal((await host.client.submit(edit, { starts_at: localIn(10, '10:00'), ends_at: localIn(10, '11:00') }, `/events/${slug}/slots`)).statusCode, 303)
      assert.equal((await host.client.submit(edit, { starts_at: localIn(10, '11:00'), ends_at: localIn(10, '12:00') }, `/events/${slug}/slots`)).statusCode, 303)
      const overlap = await host.client.submit(edit, { starts_at: localIn(10, '10:30'), ends_at: localIn(10, '11:30') }, `/events/${slug}/slots`)
      assert.equal(overlap.statusCode, 422)
      assert.match(overlap.body, /This overlaps the slot 10:00 to 11:00/)

      assert.equal((await host.client.submit(edit, {}, `/events/${slug}/schedule/fill`)).statusCode, 303)
      const placed = await t.db
        .selectFrom('event_schedule')
        .innerJoin('event_rooms', 'event_rooms.id', 'event_schedule.room_id')
        .innerJoin('event_slots', 'event_slots.id', 'event_schedule.slot_id')
        .innerJoin('event_sessions', 'event_sessions.id', 'event_schedule.session_id')
        .select(['event_sessions.title', 'event_rooms.name', 'event_slots.starts_at', 'event_schedule.pitcher_id'])
        .orderBy('event_slots.starts_at')
        .execute()
      assert.equal(placed.length, 4, 'two rooms × two slots')
      assert.deepEqual(placed.filter((p) => p.name === 'Main hall').map((p) => p.title), ['Accessible forms', 'Weeknotes'])
      const pitcherSlots = placed.map((p) => `${p.pitcher_id}|${p.starts_at}`)
      assert.equal(new Set(pitcherSlots).size, pitcherSlots.length, 'no pitcher twice at once')
    })

    test('the hand-made grid: a clash in a cell or a pitcher in two rooms is a 422 naming both, nothing saved; a swap works', async () => {
      const edit = `/events/${slug}/schedule/edit`
      const page = await host.client.get(edit)
      const values = formValuesIn(page.body)
      const fields = Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith('place_') || k === 'grid_version'))
      assert.ok(fields.grid_version, 'the form carries the version of the grid it shows')
      const before = await t.db.selectFrom('event_schedule').selectAll().orderBy('session_id').execute()
      const [one, two] = before
      // Put the second placed session into the first one's cell.
      const clash = { ...fields, [`place_${two!.session_id}`]: `${one!.slot_id}|${one!.room_id}` }
      const res = await host.client.submit(edit, clash, `/events/${slug}/schedule`)
      assert.equal(res.statusCode, 422)
      assert.match(res.body, /are both in/)
      assert.equal(formValuesIn(res.body)[`place_${two!.session_id}`], `${one!.slot_id}|${one!.room_id}`, 'the choice is kept')
      assert.deepEqual(await t.db.selectFrom('event_schedule').selectAll().orderBy('session_id').execute(), before)
      // A pitcher's two sessions at one time.
      const twoOfHers = await t.db.selectFrom('event_sessions').select(['id', 'pitcher_id']).where('pitcher_id', '=', attendees[0]!.user.id).execute()
      assert.ok(twoOfHers.length >= 2)
      const slots = await t.db.selectFrom('event_slots').select('id').orderBy('starts_at').execute()
      const rooms = await t.db.selectFrom('event_rooms').select('id').orderBy('capacity', 'desc').execute()
      const same = { ...Object.fromEntries(Object.keys(fields).map((k) => [k, k === 'grid_version' ? fields.grid_version! : ''])), [`place_${twoOfHers[0]!.id}`]: `${slots[0]!.id}|${rooms[0]!.id}`, [`place_${twoOfHers[1]!.id}`]: `${slots[0]!.id}|${rooms[1]!.id}` }
      const res2 = await host.client.submit(edit, same, `/events/${slug}/schedule`)
      assert.equal(res2.statusCode, 422)
      assert.match(res2.body, /pitched .* both at 10:00/)
      // Swapping two placed sessions is fine (they leave their cells before taking the other's): two in one
      // slot, so the swap cannot put a pitcher in two rooms at once.
      const pair = before.filter((p) => p.slot_id === before[0]!.slot_id)
      assert.equal(pair.length, 2)
      const [first, second] = pair as [(typeof before)[number], (typeof before)[number]]
      const sequenceOf = async (id: string) => Number((await t.db.selectFrom('event_sessions').select('sequence').where('id', '=', id).executeTakeFirstOrThrow()).sequence)
      const sequenceBefore = await sequenceOf(first.session_id)
      const swap = { ...fields, [`place_${first.session_id}`]: `${second.slot_id}|${second.room_id}`, [`place_${second.session_id}`]: `${first.slot_id}|${first.room_id}` }
      const ok = await host.client.submit(edit, swap, `/events/${slug}/schedule`)
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 400))
      const after = await t.db.selectFrom('event_schedule').selectAll().where('session_id', 'in', [first.session_id, second.session_id]).orderBy('session_id').execute()
      assert.equal(after.find((p) => p.session_id === first.session_id)!.room_id, second.room_id)
      assert.equal(await sequenceOf(first.session_id), sequenceBefore + 1, 'a moved session raises its calendar sequence')
      // Unknown cells and forged fields are form errors, not 500s.
      const fresh = await gridVersionAt(edit)
      assert.notEqual(fresh, fields.grid_version, 'the swap changed the version')
      const forged = await host.client.submit(edit, { ...fields, grid_version: fresh, [`place_${first.session_id}`]: 'nope|nope', place_unknown: 'x' }, `/events/${slug}/schedule`)
      assert.equal(forged.statusCode, 422)
      // A save from the version before the swap (a second organiser's open page) is refused: the swap is not undone.
      const stale = await host.client.submit(edit, fields, `/events/${slug}/schedule`)
      assert.equal(stale.statusCode, 409)
      assert.match(stale.body, /The grid was changed by someone else since you opened it/)
      assert.equal(formValuesIn(stale.body)[`place_${first.session_id}`], `${first.slot_id}|${first.room_id}`, 'their choice is kept in the form')
      assert.equal(formValuesIn(stale.body).grid_version, fresh, 'saving again builds on the grid as it is now')
      assert.equal((await t.db.selectFrom('event_schedule').select('room_id').where('session_id', '=', first.session_id).executeTakeFirstOrThrow()).room_id, second.room_id)
      // A form without a version (or a forged one) is treated the same way, never a blind overwrite.
      assert.equal((await host.client.submit(edit, { ...fields, grid_version: '' }, `/events/${slug}/schedule`)).statusCode, 409)
      // Two different saves at the same moment from one version: one lands, the other is told, and the grid keeps its rules.
      // (Both keep four sessions placed: the other time's pair swapped too, or the first swap undone.)
      const [third, fourth] = before.filter((p) => p.slot_id !== first.slot_id) as [(typeof before)[number], (typeof before)[number]]
      const swapBoth = { ...swap, [`place_${third.session_id}`]: `${fourth.slot_id}|${fourth.room_id}`, [`place_${fourth.session_id}`]: `${third.slot_id}|${third.room_id}` }
      const csrf = csrfTokenIn((await host.client.get(edit)).body)!
      const results = await Promise.all([fields, swapBoth].map((f) => host.client.post(`/events/${slug}/schedule`, { ...f, grid_version: fresh, _csrf: csrf })))
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [303, 409], results.map((r) => r.statusCode).join())
      const grid = await t.db.selectFrom('event_schedule').selectAll().execute()
      assert.equal(new Set(grid.map((g) => `${g.room_id}|${g.slot_id}`)).size, grid.length)
      assert.equal(new Set(grid.map((g) => `${g.pitcher_id}|${g.slot_id}`)).size, grid.length)
    })

    test('the grid is published as an accessible table and as a calendar; before that only organisers see it', async () => {
      const draft = await t.app.inject({ url: `/events/${slug}/schedule` })
      assert.equal(draft.statusCode, 200)
      assert.match(draft.body, /has not published the schedule yet/)
      assert.doesNotMatch(draft.body, /<table/)
      assert.equal((await t.app.inject({ url: `/events/${slug}/schedule.ics` })).statusCode, 404)
      assert.equal((await t.app.inject({ url: `/api/v1/events/${slug}/schedule` })).statusCode, 404)
      assert.match((await host.client.get(`/events/${slug}/schedule`)).body, /Only organisers see this draft/)
      assert.equal((await host.client.submit(`/events/${slug}/schedule/edit`, { publish: 'true' }, `/events/${slug}/schedule/publish`)).statusCode, 303)
      const logged = await t.db.selectFrom('audit_log').select(['action', 'subject_title']).where('subject_type', '=', 'event').where('action', '=', 'event.schedule_published').execute()
      assert.deepEqual(logged.map((l) => ({ ...l })), [{ action: 'event.schedule_published', subject_title: 'Camp' }], 'publishing is an audited organiser decision')
      const table = await t.app.inject({ url: `/events/${slug}/schedule` })
      assert.match(table.body, /<caption[^>]*>Sessions by time and room<\/caption>/)
      assert.match(table.body, /<th scope="col" class="govuk-table__header">Main hall/)
      assert.match(table.body, /<th scope="row" class="govuk-table__header"><time datetime="[^"]+">10:00 to 11:00<\/time><\/th>/)
      assert.match(table.body, /role="region" aria-labelledby="grid-caption" tabindex="0"/)
      const ics = await t.app.inject({ url: `/events/${slug}/schedule.ics` })
      const cal = new ICAL.Component(ICAL.parse(ics.body))
      const events = cal.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c))
      assert.equal(events.length, 4)
      assert.ok(events.every((e) => /^session-/.test(e.uid)))
      assert.ok(events.some((e) => e.location.startsWith('Main hall')))
      const api = (await t.app.inject({ url: `/api/v1/events/${slug}/schedule` })).json()
      assert.deepEqual(api.rooms.map((r: { name: string }) => r.name), ['Main hall', 'Small room'])
      assert.equal(api.slots.length, 2)
    })

    test('session notes: attendees write them together with every version kept; an edit from a stale version is refused with both texts; everyone reads them after the event', async () => {
      const id = await sessionId('Accessible forms')
      const notesUrl = `/events/${slug}/sessions/${id}/notes`
      assert.equal((await outsider.client.get(notesUrl)).statusCode, 404)
      const [a, b] = attendees
      const formA = formValuesIn((await a!.client.get(notesUrl)).body)
      const formB = formValuesIn((await b!.client.get(notesUrl)).body)
      assert.equal(formA.revision, '0')
      assert.equal((await a!.client.submit(notesUrl, { ...formA, notes: '## Notes\n\n- Labels above fields' })).statusCode, 303)
      // B started from version 0 too: their save must not overwrite A's.
      const stale = await b!.client.submit(notesUrl, { ...formB, notes: 'B wrote this' })
      assert.equal(stale.statusCode, 409)
      assert.match(stale.body, /Someone else saved these notes while you were editing/)
      assert.match(stale.body, /B wrote this/)
      assert.match(stale.body, /Labels above fields/)
      // Saving again from the page they were given builds on A's version.
      assert.equal((await b!.client.submit(notesUrl, { ...formValuesIn(stale.body), notes: '## Notes\n\n- Labels above fields\n- B wrote this' })).statusCode, 303)
      const revisions = await t.db.selectFrom('event_note_revisions').select(['revision', 'body']).where('session_id', '=', id).orderBy('revision').execute()
      assert.deepEqual(revisions.map((r) => Number(r.revision)), [1, 2])
      assert.match((await a!.client.get(`${notesUrl}/history`)).body, /Version 1/)
      // Before the event ends, only attendees read them.
      const page = `/events/${slug}/sessions/${id}`
      assert.match((await a!.client.get(page)).body, /B wrote this/)
      assert.doesNotMatch((await t.app.inject({ url: page })).body, /B wrote this/)
      assert.equal((await t.app.inject({ url: `${notesUrl}/history` })).statusCode, 404)
      assert.doesNotMatch((await t.app.inject({ url: '/search?q=wrote' })).body, /Accessible forms/)
      // The event is over (moved into the past): everyone who may see it reads the notes, search finds them.
      const values = formValuesIn((await host.client.get(`/events/${slug}/edit`)).body)
      assert.equal((await host.client.submit(`/events/${slug}/edit`, { ...values, starts_at: '2021-05-01T09:00', ends_at: '2021-05-01T17:00' })).statusCode, 303)
      assert.match((await t.app.inject({ url: page })).body, /B wrote this/)
      assert.equal((await t.app.inject({ url: `${notesUrl}/history` })).statusCode, 200)
      assert.match((await t.app.inject({ url: '/search?q=wrote' })).body, /Notes: Accessible forms/)
      // And voting has closed.
      assert.equal((await vote(attendees[3]!, id, 'add')).statusCode, 403)
    })
    test('pitching and voting go on during the day; once the event is over they stop, with a clear answer', async () => {
      const day = await createEvent(host, { title: 'Day of pitches', unconference: 'true', votes_per_person: '2', starts_at: localIn(12, '09:00'), ends_at: localIn(12, '17:00') })
      const goer = attendees[2]!
      assert.equal(location(await rsvp(goer, day, 'going')), `/events/${day}?done=going`)
      // The day has begun: started an hour ago, ends in six.
      const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString()
      await t.db.updateTable('events').set({ starts_at: at(-1), ends_at: at(6) }).where('slug', '=', day).execute()
      await t.app.pageCache.invalidate()
      const res = await goer.client.submit(`/events/${day}/sessions/new`, { title: 'Pitched on the day', summary: 'Came up over coffee.', format: 'discussion' })
      assert.equal(res.statusCode, 303, res.body.slice(0, 300))
      const id = /\/sessions\/([^/?#]+)/.exec(location(res))![1]!
      const page = await goer.client.get(`/events/${day}/sessions`)
      assert.equal((await goer.client.post(`/events/${day}/sessions/${id}/vote`, { vote: 'add', _csrf: csrfTokenIn(page.body)! })).statusCode, 303, 'votes during the day')
      // Over: a pitch is refused, never a 500, and nothing is saved.
      await t.db.updateTable('events').set({ starts_at: at(-8), ends_at: at(-1) }).where('slug', '=', day).execute()
      await t.app.pageCache.invalidate()
      const form = await goer.client.get(`/events/${day}`)
      const late = await goer.client.post(`/events/${day}/sessions/new`, { title: 'Too late zqlatepitch', summary: 'After the day.', format: 'talk', _csrf: csrfTokenIn(form.body)! })
      assert.ok(late.statusCode >= 400 && late.statusCode < 500, `late pitch → ${late.statusCode}`)
      assert.equal((await t.db.selectFrom('event_sessions').select('id').where('title', '=', 'Too late zqlatepitch').execute()).length, 0)
    })
    test('three saves of the grid at once, one into a taken cell, one putting a pitcher in two rooms: answered, never a 500, the grid keeps its rules', async () => {
      const race = await createEvent(host, { title: 'Racing grid', unconference: 'true', votes_per_person: '3', starts_at: localIn(14, '09:00'), ends_at: localIn(14, '17:00') })
      const edit = `/events/${race}/schedule/edit`
      for (const [name, capacity] of [['Hall', '50'], ['Nook', '8']]) assert.equal((await host.client.submit(edit, { name, capacity }, `/events/${race}/rooms`)).statusCode, 303)
      assert.equal((await host.client.submit(edit, { starts_at: localIn(14, '10:00'), ends_at: localIn(14, '11:00') }, `/events/${race}/slots`)).statusCode, 303)
      const her = attendees[3]!
      assert.equal(location(await rsvp(her, race, 'going')), `/events/${race}?done=going`)
      const pitchIn = async (p: Person, title: string) => {
        const res = await p.client.submit(`/events/${race}/sessions/new`, { title, summary: `About ${title}.`, format: 'discussion' })
        assert.equal(res.statusCode, 303)
        return /\/sessions\/([^/?#]+)/.exec(location(res))![1]!
      }
      const a = await pitchIn(her, 'Her first race session')
      const b = await pitchIn(her, 'Her second race session')
      const c = await pitchIn(host, 'Host race session')
      const event = await t.db.selectFrom('events').select('id').where('slug', '=', race).executeTakeFirstOrThrow()
      const [hall, nook] = await t.db.selectFrom('event_rooms').select('id').where('event_id', '=', event.id).orderBy('capacity', 'desc').execute()
      const slot = await t.db.selectFrom('event_slots').select('id').where('event_id', '=', event.id).executeTakeFirstOrThrow()
      const cell = (room: { id: string }) => `${slot.id}|${room.id}`
      const empty = { [`place_${a}`]: '', [`place_${b}`]: '', [`place_${c}`]: '' }
      // Each save is valid on the grid its organiser saw; together they would put two sessions in the hall and her in both rooms.
      const page = await host.client.get(edit)
      const csrf = csrfTokenIn(page.body)!
      const base = formValuesIn(page.body).grid_version!
      const saves = [{ ...empty, [`place_${a}`]: cell(hall!) }, { ...empty, [`place_${c}`]: cell(hall!) }, { ...empty, [`place_${b}`]: cell(nook!) }]
      const results = await Promise.all(saves.map((f) => host.client.post(`/events/${race}/schedule`, { ...f, grid_version: base, _csrf: csrf })))
      // Optimistic concurrency: all three started from one version, so exactly one lands and the other two are told.
      const codes = results.map((r) => r.statusCode)
      assert.deepEqual([...codes].sort(), [303, 409, 409], codes.join())
      const winner = codes.indexOf(303)
      for (const [i, r] of results.entries()) {
        if (i === winner) continue
        assert.match(r.body, /The grid was changed by someone else since you opened it/)
        assert.match(r.body, /The grid as it is now/)
        const kept = formValuesIn(r.body)
        for (const [k, v] of Object.entries(saves[i]!)) assert.equal(kept[k], v, `the losing save's ${k} is kept`)
      }
      const grid = await t.db.selectFrom('event_schedule').selectAll().where('event_id', '=', event.id).execute()
      assert.deepEqual(grid.map((g) => `${g.slot_id}|${g.room_id}`), Object.values(saves[winner]!).filter(Boolean), 'the winning save, and only it')
      assert.equal(new Set(grid.map((g) => `${g.room_id}|${g.slot_id}`)).size, grid.length, 'never two sessions in one cell')
      assert.equal(new Set(grid.map((g) => `${g.pitcher_id}|${g.slot_id}`)).size, grid.length, 'never a pitcher in two rooms at once')
      // And sent in one form, the clash is refused outright, naming it.
      const both = await host.client.submit(edit, { ...empty, grid_version: await gridVersionAt(edit), [`place_${a}`]: cell(hall!), [`place_${b}`]: cell(nook!) }, `/events/${race}/schedule`)
      assert.equal(both.statusCode, 422)
      assert.match(both.body, /both at 10:00/)
    })
  })
}
