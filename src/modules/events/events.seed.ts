import type { SeedContext } from '../../core/module.ts'
import type { Db } from '../../core/db/database.ts'
import type { Actor } from '../../core/access/policy.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { organisationsBySlugs } from '../organisations/organisations.ts'
import { visibleProjectBySlug } from '../projects/projects.ts'
import { communitiesOf } from '../communities/communities.ts'
import { listPosts } from '../posts/posts.ts'
import { createEvent, type EventInput, type EventRow } from './events.ts'
import { updateEventRow } from './events.queries.ts'
import { reply } from './rsvp.ts'
import { nextPosition, writeRsvp } from './rsvp.queries.ts'
import { addRoom, addSlot, castVote, gridState, pitchSession, publishGrid, saveGrid } from './unconference.ts'
import { indexSession } from './events.search.ts'
import { insertSession, insertVote, updateSessionRow, type SessionRow } from './unconference.queries.ts'
import { publishEventNotes, saveSessionNotes } from './notes.ts'
import { fillByVotes, gridVersion } from './grid.ts'
import { utcToZoned } from './zoned.ts'
import { newId } from '../../core/db/ids.ts'

// Demo content written for Openly: events around "now" (some coming, some past), one hybrid, one full
// with a waiting list, one in a private community, an upcoming unconference with pitched sessions, votes
// and a half-built published grid, and past events with notes.

const DAY = 86_400_000

/** "YYYY-MM-DDTHH:MM" in `zone`, `days` from today, at `time` ("17:30"). */
function localAt(days: number, time: string, zone: string): string {
  return `${utcToZoned(new Date(Date.now() + days * DAY).toISOString(), zone).slice(0, 10)}T${time}`
}

function input(partial: Partial<EventInput> & Pick<EventInput, 'title' | 'description' | 'format' | 'organiser'>, days: number, from: string, to: string, zone: string): EventInput {
  return { venue: '', online_url: '', capacity: '', community: '', unconference: false, votes_per_person: '3', time_zone: zone, starts_at: localAt(days, from, zone), ends_at: localAt(days, to, zone), ...partial }
}

export async function seedEvents({ db }: SeedContext): Promise<void> {
  const handles = ['sam-admin', 'priya-natarajan', 'tomas-lindqvist', 'aoife-brennan', 'kwame-mensah', 'lena-vogel', 'marco-bellini', 'hannah-price']
  const people = await peopleByHandles(db, handles)
  if (people.size < handles.length) return // the accounts seed did not run: nothing to attach events to
  const id = (h: string) => people.get(h)!.id
  const as = (h: string): Actor & { userId: string } => ({ userId: id(h), isAdmin: false })
  const orgs = await organisationsBySlugs(db, as('aoife-brennan'), ['civic-data-lab', 'department-of-open-services'])
  const binProject = await visibleProjectBySlug(db, as('priya-natarajan'), 'bin-collection-alerts')
  const community = async (host: string, name: string) => (await communitiesOf(db, as(host), id(host))).find((c) => c.name === name)
  const weeknotes = await community('priya-natarajan', 'Weeknotes writers')
  const procurement = await community('kwame-mensah', 'Procurement reformers')
  const dos = orgs.get('department-of-open-services')
  const civic = orgs.get('civic-data-lab')
  const backdate = (e: EventRow, daysAgo: number) => updateEventRow(db, e.id, { created_at: new Date(Date.now() - daysAgo * DAY).toISOString(), shown_at: e.shown_at && new Date(Date.now() - daysAgo * DAY).toISOString(), updated_at: new Date(Date.now() - daysAgo * DAY).toISOString() })
  const going = async (e: EventRow, who: string[]) => {
    for (const h of who) await reply(db, as(h), e.id, 'going')
  }

  // A hybrid meet-up in a public community.
  if (weeknotes) {
    const e = await createEvent(
      db,
      as('priya-natarajan'),
      input(
        {
          title: 'Write your first weeknote, together',
          description: 'Bring a laptop and one thing you did this week. We spend twenty minutes writing, then read each other’s drafts in pairs.\n\nJoin us in the room or online: the online group works in breakout rooms.\n\n**Who it is for:** anyone who has never published a weeknote, or stopped.',
          format: 'hybrid',
          venue: 'Northshire Civic Centre, Room 2.14, 1 Market Street, Northshire',
          online_url: 'https://meet.openly.example/weeknotes-writers',
          capacity: '30',
          organiser: `community:${weeknotes.id}`,
        },
        9,
        '17:30',
        '19:00',
        'Europe/London',
      ),
    )
    await backdate(e, 6)
    await going(e, ['hannah-price', 'tomas-lindqvist', 'aoife-brennan'])
  }

  // A small clinic, full, with people waiting in order.
  if (civic) {
    const e = await createEvent(
      db,
      as('kwame-mensah'),
      input(
        {
          title: 'Open data clinic: publishing small numbers safely',
          description: 'Bring a dataset you want to publish and a worry about it. We look at suppression rules, rounding and how to explain the gaps, one dataset at a time.\n\nFour places, so everyone gets time with the data team.',
          format: 'in_person',
          venue: 'Civic Data Lab, Hafenstraße 12, Altenbrück',
          capacity: '4',
          organiser: `organisation:${civic.id}`,
        },
        6,
        '14:00',
        '16:00',
        'Europe/Berlin',
      ),
    )
    await backdate(e, 10)
    await going(e, ['tomas-lindqvist', 'lena-vogel', 'aoife-brennan', 'marco-bellini', 'hannah-price', 'priya-natarajan', 'sam-admin'])
  }

  // Online, in another time zone, no limit.
  await going(
    await createEvent(
      db,
      as('marco-bellini'),
      input(
        {
          title: 'Working in the open across borders',
          description: 'A one-hour call for people sharing code and documents between public bodies in different countries: licences, languages and who answers the issues.',
          format: 'online',
          online_url: 'https://meet.openly.example/across-borders',
          organiser: 'person',
        },
        23,
        '16:00',
        '17:00',
        'Europe/Rome',
      ),
    ),
    ['lena-vogel', 'tomas-lindqvist'],
  )

  // Inside a private community: only its members ever see it.
  if (procurement) {
    const e = await createEvent(
      db,
      as('kwame-mensah'),
      input(
        {
          title: 'Contract clinic: splitting a large tender into lots',
          description: 'Members bring a tender they are about to split. We go through the integration clauses together. Not for publication.',
          format: 'online',
          online_url: 'https://meet.openly.example/procurement-clinic',
          capacity: '12',
          organiser: `community:${procurement.id}`,
        },
        12,
        '10:00',
        '11:30',
        'Europe/London',
      ),
    )
    await going(e, ['priya-natarajan', 'marco-bellini'])
  }

  if (dos) await seedUpcomingUnconference(db, as, dos.id)
  if (dos) await seedPastUnconference(db, as, id, dos.id)

  // A past show and tell with the organisers' notes and a linked post.
  if (binProject) {
    const e = await createEvent(
      db,
      as('priya-natarajan'),
      input(
        {
          title: 'Show and tell: bin collection alerts beta',
          description: 'The team shows the beta of round-change alerts: what residents see, how the publisher works, and what we learned from the first 2,000 sign-ups.',
          format: 'online',
          online_url: 'https://meet.openly.example/bin-alerts-show-and-tell',
          organiser: `project:${binProject.id}`,
        },
        -21,
        '12:00',
        '13:00',
        'Europe/London',
      ),
    )
    await backdate(e, 35)
    for (const h of ['kwame-mensah', 'sam-admin', 'hannah-price', 'aoife-brennan']) await writeRsvp(db, { event_id: e.id, user_id: id(h), status: 'going', position: await nextPosition(db, e.id), created_at: e.created_at, updated_at: e.created_at }, false)
    const posts = await listPosts(db, as('priya-natarajan'), { projectId: binProject.id, limit: 1 })
    await publishEventNotes(db, as('priya-natarajan'), e, {
      notes: 'Thank you to the 38 people who joined.\n\n## What we showed\n\n- Alerts go out the evening before a round changes\n- Residents choose text message or e-mail\n\n## What we heard\n\n- Two councils want to reuse the publisher: we will pair with them in January\n- People asked for alerts in Welsh: added to the backlog',
      posts: posts.items.map((p) => p.slug),
    })
  }
}

const SESSIONS: Array<{ by: string; title: string; summary: string; format: string }> = [
  { by: 'hannah-price', title: 'Accessibility statements people can actually read', summary: 'Most statements are legal boilerplate. Let us rewrite one together in plain English and agree what a good one says.', format: 'workshop' },
  { by: 'tomas-lindqvist', title: 'A procurement commons: what would you reuse?', summary: 'We have 14 tender templates in the open. Which would you use tomorrow, and what stops you?', format: 'discussion' },
  { by: 'marco-bellini', title: 'Open source case management, six months in', summary: 'A show and tell of what two regions built together, the governance that made it work and the parts that still hurt.', format: 'show_and_tell' },
  { by: 'aoife-brennan', title: 'Letters that people understand', summary: 'Bring a letter your service sends. We test it against five rules and rewrite the worst paragraph in the room.', format: 'workshop' },
  { by: 'kwame-mensah', title: 'Publishing data without identifying anyone', summary: 'Small numbers, suppression and rounding: what the rules say and what people actually do.', format: 'discussion' },
  { by: 'lena-vogel', title: 'Citizens’ assemblies on a small budget', summary: 'How we ran three assemblies for less than a consultant’s report, and what we would do differently.', format: 'talk' },
  { by: 'priya-natarajan', title: 'Weeknotes for leaders', summary: 'Why directors should write weeknotes too, and how to start without a comms team checking every word.', format: 'discussion' },
  { by: 'kwame-mensah', title: 'Data standards nobody reads', summary: 'Why our standards sit unread, and a short experiment in writing them as examples first.', format: 'discussion' },
  { by: 'sam-admin', title: 'Running Openly for your network', summary: 'A quick demo of hosting your own Openly: what it needs, what it costs and who looks after it.', format: 'show_and_tell' },
]

async function seedUpcomingUnconference(db: Db, as: (h: string) => Actor & { userId: string }, organisationId: string): Promise<void> {
  const zone = 'Europe/London'
  const e = await createEvent(
    db,
    as('aoife-brennan'),
    input(
      {
        title: 'Open Services Unconference 2026',
        description: 'A day where the agenda is set by the people in the room. Pitch a session before or on the day, vote for the ones you want, and the schedule is built from the votes.\n\nLunch is provided. The venue is step-free, with a quiet room on the ground floor.',
        format: 'in_person',
        venue: 'The Exchange, 40 Harbour Road, Northshire',
        capacity: '120',
        organiser: `organisation:${organisationId}`,
        unconference: true,
        votes_per_person: '3',
      },
      16,
      '09:30',
      '16:30',
      zone,
    ),
  )
  const everyone = ['sam-admin', 'priya-natarajan', 'tomas-lindqvist', 'aoife-brennan', 'kwame-mensah', 'lena-vogel', 'marco-bellini', 'hannah-price']
  for (const h of everyone) await reply(db, as(h), e.id, 'going')
  const sessions: SessionRow[] = []
  for (const [i, s] of SESSIONS.entries()) {
    const row = await pitchSession(db, as(s.by), e, s)
    const at = new Date(Date.now() - (10 - i) * DAY).toISOString()
    await updateSessionRow(db, row.id, { created_at: at, updated_at: at })
    sessions.push(row)
  }
  // Everyone votes for three sessions, so the list has a clear order.
  const picks: Record<string, number[]> = {
    'sam-admin': [0, 2, 4],
    'priya-natarajan': [0, 1, 3],
    'tomas-lindqvist': [2, 4, 0],
    'aoife-brennan': [0, 4, 5],
    'kwame-mensah': [2, 3, 0],
    'lena-vogel': [1, 4, 6],
    'marco-bellini': [0, 1, 7],
    'hannah-price': [3, 4, 2],
  }
  for (const [h, list] of Object.entries(picks)) for (const i of list) await castVote(db, as(h), e.id, sessions[i]!.id, true)
  for (const room of [
    { name: 'Main hall', capacity: '80' },
    { name: 'Workshop room', capacity: '30' },
    { name: 'Library corner', capacity: '12' },
  ])
    await addRoom(db, e, room)
  for (const [from, to] of [
    ['10:00', '10:45'],
    ['11:00', '11:45'],
    ['13:30', '14:15'],
    ['14:30', '15:15'],
  ])
    await addSlot(db, e, { starts_at: localAt(16, from!, zone), ends_at: localAt(16, to!, zone) })
  // Half-built: the five most wanted placed by votes; the rest wait for the host.
  const state = await gridState(db, e)
  const top = [...state.sessions].sort((a, b) => b.votes - a.votes).slice(0, 5)
  const placed = fillByVotes(state.rooms, state.slots, top, [])
  await saveGrid(db, e, Object.fromEntries(placed.map((p) => [p.sessionId, `${p.slotId}|${p.roomId}`])), gridVersion(state))
  await publishGrid(db, as('aoife-brennan'), e, true)
}

async function seedPastUnconference(db: Db, as: (h: string) => Actor & { userId: string }, id: (h: string) => string, organisationId: string): Promise<void> {
  const zone = 'Europe/London'
  const days = -75
  const e = await createEvent(
    db,
    as('aoife-brennan'),
    input(
      {
        title: 'Open Services Unconference: spring gathering',
        description: 'Our first unconference: forty people, three rooms and a lot of sticky notes. The notes of every session are below.',
        format: 'in_person',
        venue: 'The Exchange, 40 Harbour Road, Northshire',
        capacity: '60',
        organiser: `organisation:${organisationId}`,
        unconference: true,
      },
      days,
      '09:30',
      '16:00',
      zone,
    ),
  )
  const created = new Date(Date.now() + (days - 30) * DAY).toISOString()
  await updateEventRow(db, e.id, { created_at: created, shown_at: e.shown_at && created, updated_at: created })
  const attendees = ['priya-natarajan', 'tomas-lindqvist', 'kwame-mensah', 'lena-vogel', 'marco-bellini', 'hannah-price']
  for (const h of attendees) await writeRsvp(db, { event_id: e.id, user_id: id(h), status: 'going', position: await nextPosition(db, e.id), created_at: created, updated_at: created }, false)
  // Past events take no new pitches or votes through the use cases: write what happened directly.
  const past = [
    { by: 'tomas-lindqvist', title: 'Sharing tender templates between regions', summary: 'What it would take for three regions to use one set of templates.', format: 'discussion' as const, votes: ['priya-natarajan', 'lena-vogel', 'kwame-mensah'], notes: '## Agreed\n\n- Start with the evaluation criteria: least contested\n- Lena to check the licence with legal\n\n## Open questions\n\n- Who maintains the templates after the pilot?' },
    { by: 'hannah-price', title: 'Research with people who do not use the internet', summary: 'How we recruited and paid participants who are offline, and what we learned.', format: 'talk' as const, votes: ['priya-natarajan', 'marco-bellini'], notes: 'Slides are in the community library.\n\n- Recruit through libraries and GP surgeries\n- Pay in cash or vouchers, never a bank transfer only\n- Budget twice the time for each session' },
    { by: 'marco-bellini', title: 'Open source in a small council', summary: 'You do not need a large team to publish code. A show and tell of our first year.', format: 'show_and_tell' as const, votes: ['kwame-mensah'], notes: '' },
  ]
  const rooms = ['Main hall', 'Workshop room']
  for (const [i, r] of rooms.entries()) await addRoom(db, e, { name: r, capacity: i === 0 ? '60' : '20' })
  await addSlot(db, e, { starts_at: localAt(days, '10:00', zone), ends_at: localAt(days, '11:00', zone) })
  await addSlot(db, e, { starts_at: localAt(days, '11:30', zone), ends_at: localAt(days, '12:30', zone) })
  const fresh = { ...e, created_at: created }
  const votesUsed = new Map<string, number>()
  for (const [i, s] of past.entries()) {
    const at = new Date(Date.parse(created) + (i + 1) * DAY).toISOString()
    const row: SessionRow = { id: newId(), event_id: e.id, space_id: null, title: s.title, summary: s.summary, format: s.format, pitcher_id: id(s.by), hidden_at: null, sequence: 0, notes: '', notes_html: '', notes_revision: 0, notes_updated_at: null, notes_hidden_at: null, created_at: at, updated_at: at }
    await insertSession(db, row)
    await indexSession(db, fresh, row)
    for (const voter of s.votes) {
      const slot = (votesUsed.get(voter) ?? 0) + 1
      votesUsed.set(voter, slot)
      await insertVote(db, { session_id: row.id, user_id: id(voter), event_id: e.id, slot, created_at: at })
    }
    if (s.notes) {
      // Two people wrote the notes, one after the other: both versions are kept.
      const first = s.notes.split('\n\n')[0]!
      const r1 = await saveSessionNotes(db, as(s.by), e, row, first, 0)
      await saveSessionNotes(db, as(attendees[(i + 2) % attendees.length]!), e, { ...row, notes_revision: r1 }, s.notes, r1)
    }
  }
  const state = await gridState(db, e)
  await saveGrid(db, e, Object.fromEntries(fillByVotes(state.rooms, state.slots, state.sessions, []).map((p) => [p.sessionId, `${p.slotId}|${p.roomId}`])), gridVersion(state))
  await publishGrid(db, as('aoife-brennan'), e, true)
  await publishEventNotes(db, as('aoife-brennan'), e, {
    notes: 'Forty people came from eleven organisations. The most wanted session, on tender templates, became the **procurement commons** project.\n\nThank you to The Exchange for the rooms and to everyone who wrote notes.',
    posts: [],
  })
}
