/**
 * The leak matrix's events: an unconference organised by each community, one organised by a person on
 * the site, and one a moderator hid; each with a pitched session, its shared notes and a published grid,
 * then moved into the past (so its notes are open to whoever may see it). A session in the public
 * community is hidden by its moderator. All through the forms, as organisers and attendees make them.
 * The online link is not a marker here: only people going see it (src/modules/events/online-link.test.ts).
 */
import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import type { TestApp } from '../support/app.ts'
import type { TestClient } from '../support/client.ts'
import { formValuesIn } from '../support/events.ts'
import { VISIBILITIES, type ActorName, type Fixture, type Vis } from './oracle.ts'

const VIS_CODE: Record<Vis, string> = { public: 'pub', signed_in: 'sig', members: 'mem' }

interface Deps {
  t: TestApp
  c: Record<ActorName, TestClient>
  add: (f: Fixture) => Fixture
  community: Record<Vis, { slug: string; spaceId: string }>
  redirected: (res: LightMyRequestResponse, what: string) => string
  hideByReport: (moderator: ActorName, type: string, id: string, space: Vis | undefined, subject: Fixture) => Promise<void>
}

export async function buildEvents({ t, c, add, community, redirected, hideByReport }: Deps): Promise<void> {
  const day = (n: number) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10)

  /** One unconference, with its session (and notes), grid and who-replied page, as fixtures. */
  async function unconference(o: { by: ActorName; code: string; label: string; organiser: string; space?: Vis; organisers: ActorName[]; notes: boolean }) {
    const marker = `zqev${o.code}x`
    const fields = { title: `Event ${marker}`, description: `Gathering ${marker}.`, starts_at: `${day(1)}T10:00`, ends_at: `${day(1)}T16:00`, time_zone: 'UTC', format: 'online', venue: '', online_url: 'https://meet.example/room', capacity: '', organiser: o.organiser, community: '', unconference: 'true', votes_per_person: '3' }
    const slug = /^\/events\/([^/?]+)/.exec(redirected(await c[o.by].submit('/events/new', fields), `create the ${o.label}`))![1]!
    const id = (await t.db.selectFrom('events').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
    const event = add({ kind: 'event', label: o.label, marker, words: [marker], ids: [id], params: { slug }, report: { type: 'event', id }, path: `/events/${slug}`, search: { type: 'event', words: [marker] }, facts: { space: o.space, authors: [o.by] } })
    add({ kind: 'event_attendees', label: `who replied to the ${o.label}`, marker, words: [], ids: [], params: { slug }, facts: { space: o.space, managers: o.organisers, within: [event] } })
    const sessionMarker = `zqse${o.code}x`
    const pitched = redirected(await c[o.by].submit(`/events/${slug}/sessions/new`, { title: `Session ${sessionMarker}`, summary: `Pitch ${sessionMarker}.`, format: 'discussion' }), `pitch in the ${o.label}`)
    const sessionId = /\/sessions\/([^/?#]+)/.exec(pitched)![1]!
    const session = add({
      kind: 'event_session',
      label: `session of the ${o.label}`,
      marker: sessionMarker,
      words: [sessionMarker],
      ids: [sessionId],
      params: { slug, id: sessionId },
      report: { type: 'event_session', id: sessionId },
      // A session's search document names its event.
      search: { type: 'event_session', words: [sessionMarker, marker] },
      shownOn: [`/events/${slug}/sessions`, `/events/${slug}/schedule`],
      facts: { space: o.space, authors: [o.by], within: [event] },
    })
    if (o.notes) {
      const notesMarker = `zqsn${o.code}x`
      redirected(await c[o.by].submit(`/events/${slug}/sessions/${sessionId}/notes`, { notes: `Notes ${notesMarker}`, revision: '0' }), `notes in the ${o.label}`)
      add({ kind: 'session_notes', label: `notes of the session of the ${o.label}`, marker: notesMarker, words: [notesMarker], ids: [], params: { slug, id: sessionId }, report: { type: 'session_notes', id: sessionId }, search: { type: 'session_notes', words: [notesMarker, sessionMarker] }, shownOn: [`/events/${slug}/sessions/${sessionId}`], facts: { space: o.space, authors: [o.by], within: [session] } })
    }
    const grid = `/events/${slug}/schedule/edit`
    redirected(await c[o.by].submit(grid, { name: 'Main hall', capacity: '50' }, `/events/${slug}/rooms`), 'add a room')
    redirected(await c[o.by].submit(grid, { starts_at: `${day(1)}T11:00`, ends_at: `${day(1)}T12:00` }, `/events/${slug}/slots`), 'add a slot')
    redirected(await c[o.by].submit(grid, {}, `/events/${slug}/schedule/fill`), 'fill by votes')
    redirected(await c[o.by].submit(grid, { publish: 'true' }, `/events/${slug}/schedule/publish`), 'publish the grid')
    return { event, slug, session }
  }

  const built: Array<{ event: Fixture; slug: string; session: Fixture; by: ActorName }> = []
  for (const vis of VISIBILITIES) {
    const { spaceId } = community[vis]
    built.push({ ...(await unconference({ by: 'host', code: VIS_CODE[vis], label: `event in the ${vis} community`, organiser: `community:${spaceId}`, space: vis, organisers: [], notes: true })), by: 'host' })
  }
  built.push({ ...(await unconference({ by: 'requester', code: 'site', label: 'public event', organiser: 'person', organisers: ['requester'], notes: true })), by: 'requester' })
  const hidden = await unconference({ by: 'orgadmin', code: 'hid', label: 'hidden event', organiser: 'person', organisers: ['orgadmin'], notes: false })
  built.push({ ...hidden, by: 'orgadmin' })

  // A member going to the public community's event pitches a session there, which its moderator hides.
  const pub = built[0]!
  redirected(await c.member.submit(`/events/${pub.slug}`, { answer: 'going' }, `/events/${pub.slug}/rsvp`), 'reply going')
  const marker = 'zqsemodx'
  const id = /\/sessions\/([^/?#]+)/.exec(redirected(await c.member.submit(`/events/${pub.slug}/sessions/new`, { title: `Session ${marker}`, summary: `Pitch ${marker}.`, format: 'talk' }), 'pitch a session to hide'))![1]!
  const hiddenSession = add({ kind: 'event_session', label: 'hidden session in the public community', marker, words: [marker], ids: [id], params: { slug: pub.slug, id }, report: { type: 'event_session', id }, search: { type: 'event_session', words: [marker, pub.event.marker] }, facts: { space: 'public', authors: ['member'], hidden: true, within: [pub.event] } })

  // Over: moved into the past by their organisers, so their notes are everyone's who may see them.
  for (const b of built) {
    const values = formValuesIn((await c[b.by].get(`/events/${b.slug}/edit`)).body)
    assert.ok(values.title, `the edit form of ${b.event.label}`)
    redirected(await c[b.by].submit(`/events/${b.slug}/edit`, { ...values, starts_at: `${day(-2)}T10:00`, ends_at: `${day(-2)}T16:00` }), `move the ${b.event.label} into the past`)
  }
  hidden.event.facts.hidden = true
  await hideByReport('admin', 'event', hidden.event.report!.id, undefined, hidden.event)
  await hideByReport('moderator', 'event_session', id, 'public', hiddenSession)
}
