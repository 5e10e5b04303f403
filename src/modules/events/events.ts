import type { Db } from '../../core/db/database.ts'
import { freeSlug, newId, now } from '../../core/db/ids.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { spacesByIds } from '../../core/access/spaces.ts'
import { audit } from '../../core/audit.ts'
import { holdForApproval } from '../../core/access/trust.ts'
import { invalid, notFound, type FieldErrors } from '../../core/errors.ts'
import type { Values } from '../../core/http/forms.ts'
import { markdownToText, renderMarkdown } from '../../core/markdown/markdown.ts'
import { notify, notifyWhenShown } from '../notifications/notifications.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { organisationsByIds, organisationsOfPerson } from '../organisations/organisations.ts'
import { projectsByIds, projectsOfPerson } from '../projects/projects.ts'
import { communitiesOf } from '../communities/communities.ts'
import { eventFacts, type EventFacts } from './events.policy.ts'
import { eventSlugsLike, findEventBySlug, insertEvent, listEventRows, lockEvent, setEventHiddenAt, updateEventRow, findEventById, type EventFilter, type EventRow } from './events.queries.ts'
import { peopleToTell, repliesTo, rsvpCounts } from './rsvp.queries.ts'
import { eventSchema, FORMAT_LABELS, MAX_CAPACITY, MAX_VOTES, wholeNumber } from './events.schemas.ts'
import type { EventFormat, OrganiserKind, RsvpStatus } from './events.tables.ts'
import { canonicalZone, describeWhen, zonedToUtc, type When } from './zoned.ts'
import { isTimeZone } from '../../core/time.ts'
import { promoteWaiting } from './rsvp.ts'
import { indexEvent, reindexEvent } from './events.search.ts'
import { moveSessions } from './unconference.queries.ts'

// The events module's public face (the only file other modules may import), and an event's life:
// finding one the reader may see, the cards lists show, creating, changing, cancelling, hiding.

export type EventInput = Values<typeof eventSchema>
export type { EventRow, EventFacts }

/** Who an event names as its organiser, as a reader sees it (url null when there is no page to link). */
export interface OrganiserRef {
  kind: OrganiserKind
  name: string
  url: string | null
}

/** An event as lists, pages, feeds and the API show it. Never holds the online link. */
export interface EventCard {
  id: string
  slug: string
  url: string
  title: string
  excerpt: string
  startsAt: string
  endsAt: string
  timeZone: string
  when: When
  format: EventFormat
  formatLabel: string
  venue: string
  capacity: number | null
  going: number
  waiting: number
  /** Places left, or null when there is no limit. */
  placesLeft: number | null
  unconference: boolean
  cancelled: boolean
  hidden: boolean
  past: boolean
  notesPublished: boolean
  organiser: OrganiserRef | null
  community: { name: string; path: string } | null
  /** The reader's own reply (signed-in readers only). */
  myReply: RsvpStatus | null
  updatedAt: string
}

/**
 * Cards with their times also in the reader's own zone (their profile's), named, when it is not the event's:
 * the event's zone stays first (where it happens). Anonymous readers have no zone of their own.
 */
export function inReaderZone<T extends EventCard>(cards: T[], zone: string | null | undefined): Array<T & { yours: When | null }> {
  return cards.map((c) => ({ ...c, yours: zone && zone !== c.timeZone && isTimeZone(zone) ? describeWhen(c.startsAt, c.endsAt, zone) : null }))
}

/** Loads an event the actor may see, or throws 404. */
export async function viewableEvent(db: Db, actor: Actor, slug: string): Promise<{ event: EventRow; facts: EventFacts }> {
  const event = await findEventBySlug(db, slug)
  if (!event) throw notFound('Event')
  const facts = eventFacts(event)
  if (!(await can(db, actor, 'view', 'event', facts))) throw notFound('Event')
  return { event, facts }
}

/** Loads an event the actor organises, or throws 404 (to others its organiser pages do not exist). */
export async function organisedEvent(db: Db, actor: Actor, slug: string): Promise<{ event: EventRow; facts: EventFacts }> {
  const found = await viewableEvent(db, actor, slug)
  if (!(await can(db, actor, 'manage', 'event', found.facts))) throw notFound('Event')
  return found
}

/** A page of events the actor may see, as cards. */
export async function listEvents(db: Db, actor: Actor, filter: EventFilter): Promise<{ items: EventCard[]; next: string | null }> {
  const page = await listEventRows(db, actor, filter)
  return { items: await eventCards(db, actor, page.items), next: page.next }
}

/** Cards for rows the actor may already see: counts, organisers, communities and the reader's replies, batch-loaded. */
export async function eventCards(db: Db, actor: Actor, rows: EventRow[]): Promise<EventCard[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const byKind = (kind: OrganiserKind) => rows.filter((r) => r.organiser_kind === kind).map((r) => r.organiser_id)
  const [counts, people, organisations, projects, spaces, replies] = await Promise.all([
    rsvpCounts(db, ids),
    peopleByIds(db, byKind('person')),
    organisationsByIds(db, actor, byKind('organisation')),
    projectsByIds(db, actor, byKind('project')),
    spacesByIds(db, [...rows.flatMap((r) => (r.space_id ? [r.space_id] : [])), ...byKind('community')]),
    repliesTo(db, actor, ids),
  ])
  const t = now()
  const organiserOf = (r: EventRow): OrganiserRef | null => {
    switch (r.organiser_kind) {
      case 'person': {
        const p = people.get(r.organiser_id)
        return p ? { kind: 'person', name: p.name, url: p.public ? `/people/${p.handle}` : null } : null
      }
      case 'organisation': {
        const o = organisations.get(r.organiser_id)
        return o ? { kind: 'organisation', name: o.name, url: `/organisations/${o.slug}` } : null
      }
      case 'project': {
        const p = projects.get(r.organiser_id)
        return p ? { kind: 'project', name: p.name, url: `/projects/${p.slug}` } : null
      }
      case 'community': {
        const s = spaces.get(r.organiser_id)
        return s ? { kind: 'community', name: s.name, url: s.path } : null
      }
    }
  }
  return rows.map((r) => {
    const c = counts.get(r.id) ?? { going: 0, waiting: 0 }
    const capacity = r.capacity === null ? null : Number(r.capacity)
    const space = r.space_id ? spaces.get(r.space_id) : undefined
    return {
      id: r.id,
      slug: r.slug,
      url: `/events/${r.slug}`,
      title: r.title,
      excerpt: r.excerpt,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      timeZone: r.time_zone,
      when: describeWhen(r.starts_at, r.ends_at, r.time_zone),
      format: r.format,
      formatLabel: FORMAT_LABELS[r.format] ?? r.format,
      venue: r.venue,
      capacity,
      going: c.going,
      waiting: c.waiting,
      placesLeft: capacity === null ? null : Math.max(0, capacity - c.going),
      unconference: Number(r.unconference) === 1,
      cancelled: r.cancelled_at !== null,
      hidden: r.hidden_at !== null,
      past: r.ends_at <= t,
      notesPublished: r.notes_published_at !== null,
      organiser: organiserOf(r),
      community: space ? { name: space.name, path: space.path } : null,
      myReply: replies.get(r.id) ?? null,
      updatedAt: r.updated_at,
    }
  })
}

// ---------------------------------------------------------------- organisers

/** One choice of organiser in the form: `person`, `organisation:<id>`, `project:<id>` or `community:<id>`. */
export interface OrganiserChoice {
  value: string
  text: string
}

/**
 * What the person may organise as: themself, organisations they are a member of, projects whose team
 * they are on, communities they host or moderate. Plus the communities they may list an event in.
 */
export async function organiserChoices(db: Db, actor: Actor & { userId: string }, myName: string): Promise<{ organisers: OrganiserChoice[]; communities: OrganiserChoice[] }> {
  const [organisations, projects, communities] = await Promise.all([organisationsOfPerson(db, actor, actor.userId), projectsOfPerson(db, actor, actor.userId), communitiesOf(db, actor, actor.userId)])
  return {
    organisers: [
      { value: 'person', text: `Yourself (${myName})` },
      ...organisations.map((o) => ({ value: `organisation:${o.id}`, text: `${o.name} (organisation)` })),
      ...projects.map((p) => ({ value: `project:${p.id}`, text: `${p.name} (project)` })),
      ...communities.filter((c) => c.role === 'host' || c.role === 'moderator').map((c) => ({ value: `community:${c.id}`, text: `${c.name} (community)` })),
    ],
    communities: communities.map((c) => ({ value: c.id, text: c.name })),
  }
}

/** The organiser and space a form value names, if the actor may organise as it; otherwise a field error. */
async function resolveOrganiser(db: Db, actor: Actor & { userId: string }, value: string, community: string, existing: EventRow | null): Promise<{ ok: true; kind: OrganiserKind; id: string; spaceId: string | null } | { ok: false; errors: FieldErrors }> {
  const [kindText, id = ''] = value === 'person' ? ['person', actor.userId] : value.split(':')
  const kind = kindText as OrganiserKind
  // An organiser the event already has stays allowed: the route already checked the actor organises this event.
  const unchanged = existing !== null && existing.organiser_kind === kind && existing.organiser_id === id
  const allowed = unchanged || (['person', 'organisation', 'project', 'community'].includes(kind) && (await mayOrganiseAs(db, actor, kind, id)))
  if (!allowed) return { ok: false, errors: { organiser: 'Select an organiser from the list' } }
  if (kind === 'community') return { ok: true, kind, id, spaceId: id }
  if (!community) return { ok: true, kind, id, spaceId: null }
  if (existing?.space_id === community) return { ok: true, kind, id, spaceId: community }
  if (!(await can(db, actor, 'participate', 'space', { id: community }))) return { ok: false, errors: { community: 'Select a community you are a member of' } }
  return { ok: true, kind, id, spaceId: community }
}

/** May the actor organise as this person, organisation, project or community? The event policy's own rule, asked of an event not yet saved. */
const mayOrganiseAs = (db: Db, actor: Actor, kind: OrganiserKind, id: string) =>
  can(db, actor, 'manage', 'event', { id: '', spaceId: null, authorIds: [], hiddenAt: null, organiserKind: kind, organiserId: id, endsAt: '9999', cancelledAt: null, unconference: false })

// ---------------------------------------------------------------- creating and changing

type CheckedEvent = { startsAt: string; endsAt: string; timeZone: string; capacity: number | null; votes: number }

/** Checked, converted values of the event form, or every problem with them as field errors. */
export function checkEventInput(input: EventInput): { ok: true; value: CheckedEvent } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const timeZone = canonicalZone(input.time_zone)
  if (!timeZone) errors.time_zone = 'Select a time zone from the list'
  const time = (field: 'starts_at' | 'ends_at', label: string) => {
    if (!timeZone) return null
    if (!input[field]?.trim()) return null
    const r = zonedToUtc(input[field], timeZone)
    if (r.ok) return r.iso
    errors[field] = r.reason === 'gap' ? `${label} does not exist in ${timeZone}: the clocks change then. Enter a time an hour later` : `${label} must be a real date and time, like 2026-12-01T10:00`
    return null
  }
  const startsAt = time('starts_at', 'Start date and time')
  const endsAt = time('ends_at', 'End date and time')
  if (startsAt && endsAt && endsAt <= startsAt) errors.ends_at = 'The end must be after the start'
  if (startsAt && endsAt && Date.parse(endsAt) - Date.parse(startsAt) > 31 * 86_400_000) errors.ends_at = 'An event can last 31 days at most'
  if (input.format !== 'online' && !input.venue) errors.venue = 'Enter the venue address'
  if (input.format !== 'in_person' && !input.online_url) errors.online_url = 'Enter the online link'
  let capacity: number | null = null
  if (input.capacity.trim()) {
    capacity = wholeNumber(input.capacity, 1, MAX_CAPACITY)
    if (capacity === null) errors.capacity = `Number of places must be a whole number from 1 to ${MAX_CAPACITY.toLocaleString('en-GB')}, or empty for no limit`
  }
  let votes = 3
  if (input.unconference && input.votes_per_person.trim()) {
    const n = wholeNumber(input.votes_per_person, 1, MAX_VOTES)
    if (n === null) errors.votes_per_person = `Votes for each attendee must be a whole number from 1 to ${MAX_VOTES}`
    else votes = n
  }
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { startsAt: startsAt!, endsAt: endsAt!, timeZone: timeZone!, capacity, votes } }
}

/**
 * Every problem with a submitted event form at once, in form order: the parser's (missing, too long) and
 * the event's own (times, zone, venue, places) for fields the parser passed.
 */
export function eventFormErrors(parseErrors: FieldErrors, input: Record<string, string>): FieldErrors {
  const checked = checkEventInput({ ...(input as unknown as EventInput), unconference: ['true', 'on'].includes(input.unconference ?? '') })
  const merged: FieldErrors = { ...(checked.ok ? {} : checked.errors), ...parseErrors }
  return Object.fromEntries(Object.keys(eventSchema).filter((k) => merged[k]).map((k) => [k, merged[k]!]))
}

/** A summary for lists: the first 40 words of the description. */
export function excerptOf(markdown: string): string {
  const words = markdownToText(markdown.replace(/^ {0,3}#{1,6}\s.*$/gm, '')).split(' ')
  return words.length > 40 ? `${words.slice(0, 40).join(' ')}…` : words.join(' ')
}

const RESERVED = ['new', 'mine', 'calendar', 'feed', 'calendar.ics']
const eventSlug = (db: Db, title: string) => freeSlug(title, (base) => eventSlugsLike(db, base), { fallback: 'event', reserved: RESERVED, max: 60 })

/** The columns the event form sets, from its checked input and resolved organiser (creating and editing alike). */
function formColumns(input: EventInput, v: CheckedEvent, organiser: { kind: EventRow['organiser_kind']; id: string; spaceId: string | null }) {
  return {
    title: input.title,
    description: input.description,
    description_html: renderMarkdown(input.description),
    excerpt: excerptOf(input.description),
    starts_at: v.startsAt,
    ends_at: v.endsAt,
    time_zone: v.timeZone,
    format: input.format as EventFormat,
    venue: input.format === 'online' ? '' : input.venue,
    online_url: input.format === 'in_person' ? '' : input.online_url,
    capacity: v.capacity,
    organiser_kind: organiser.kind,
    organiser_id: organiser.id,
    space_id: organiser.spaceId,
    unconference: input.unconference ? 1 : 0,
    votes_per_person: v.votes,
  }
}

/** Creates an event from the form, in the caller's transaction; throws `invalid(fields)` with form messages. */
export async function createEvent(db: Db, actor: Actor, input: EventInput): Promise<EventRow> {
  if (!signedIn(actor)) throw notFound()
  const checked = checkEventInput(input)
  const organiser = await resolveOrganiser(db, actor, input.organiser, input.community, null)
  if (!checked.ok || !organiser.ok) throw invalid({ ...(checked.ok ? {} : checked.errors), ...(organiser.ok ? {} : organiser.errors) })
  const t = now()
  const id = newId()
  const slug = await eventSlug(db, input.title)
  // Trust levels: a new account's event whose description links elsewhere waits for a moderator.
  const heldAt = await holdForApproval(db, actor, { type: 'event', id, spaceId: organiser.spaceId, title: input.title, url: `/events/${slug}`, text: input.description })
  const row: EventRow = {
    id,
    slug,
    ...formColumns(input, checked.value, organiser),
    created_by: actor.userId,
    schedule_published_at: null,
    notes: '',
    notes_html: '',
    notes_published_at: null,
    cancelled_at: null,
    hidden_at: heldAt,
    // Held: shown (and announced to followers) when a moderator approves it (decision 0038).
    shown_at: heldAt ? null : t,
    sequence: 0,
    activity_at: t,
    created_at: t,
    updated_at: t,
  }
  await insertEvent(db, row)
  await indexEvent(db, row)
  return row
}

/**
 * Changes an event (its organisers; the route checked). A change of time, place, link or format raises
 * the calendar SEQUENCE and tells everyone going or waiting; more places promote the waiting list.
 */
export async function updateEvent(db: Db, actor: Actor & { userId: string }, existing: EventRow, input: EventInput): Promise<EventRow> {
  const checked = checkEventInput(input)
  const organiser = await resolveOrganiser(db, actor, input.organiser, input.community, existing)
  if (!checked.ok || !organiser.ok) throw invalid({ ...(checked.ok ? {} : checked.errors), ...(organiser.ok ? {} : organiser.errors) })
  const t = now()
  const event = (await lockEvent(db, existing.id, t))!
  const changes = { ...formColumns(input, checked.value, organiser), updated_at: t }
  const moved = changes.starts_at !== event.starts_at || changes.ends_at !== event.ends_at || changes.venue !== event.venue || changes.online_url !== event.online_url || changes.format !== event.format
  const retitled = changes.title !== event.title
  // An edit that adds links is held like a new event (one a moderator approved stays published).
  const heldAt = event.hidden_at ?? (await holdForApproval(db, actor, { type: 'event', id: event.id, spaceId: organiser.spaceId, title: input.title, url: `/events/${event.slug}`, text: input.description }))
  const saved: EventRow = { ...event, ...changes, hidden_at: heldAt, sequence: Number(event.sequence) + (moved || retitled ? 1 : 0) }
  await updateEventRow(db, event.id, { ...changes, hidden_at: heldAt, sequence: saved.sequence })
  // Session notes become searchable at the event's end, and everything follows its space.
  if (saved.space_id !== event.space_id) await moveSessions(db, event.id, saved.space_id)
  if (saved.ends_at !== event.ends_at || saved.space_id !== event.space_id) await reindexEvent(db, saved)
  else await indexEvent(db, saved)
  if (moved) {
    const when = describeWhen(saved.starts_at, saved.ends_at, saved.time_zone).text
    // While the event is held or hidden, its people hear of the change when a moderator lets it through.
    const told = (await peopleToTell(db, event.id)).map((userId) => ({ userId, kind: 'event_change' as const, text: `“${saved.title}” has changed: ${when}${saved.venue ? `, ${saved.venue}` : ''}`, url: `/events/${saved.slug}`, spaceId: saved.space_id }))
    await notifyWhenShown(db, { type: 'event', id: event.id, heldAt }, told, actor.userId)
  }
  await promoteWaiting(db, saved)
  return saved
}

/** Cancels an event: replies close, calendars show it cancelled, and everyone going or waiting is told why. */
export async function cancelEvent(db: Db, actor: Actor & { userId: string }, event: EventRow, reason: string): Promise<void> {
  if (event.cancelled_at) return
  const t = now()
  await lockEvent(db, event.id, t)
  await updateEventRow(db, event.id, { cancelled_at: t, sequence: Number(event.sequence) + 1, updated_at: t })
  await notify(db, (await peopleToTell(db, event.id)).map((userId) => ({ userId, kind: 'event_change' as const, text: `“${event.title}” was cancelled: ${reason}`, url: `/events/${event.slug}`, spaceId: event.space_id })), actor.userId)
  await audit(db, { actorId: actor.userId, action: 'event.cancelled', subjectType: 'event', subjectId: event.id, spaceId: event.space_id, reason, subjectTitle: event.title, subjectUrl: `/events/${event.slug}` })
}

/** Moderation: hides or restores an event and updates the search index to match. */
export async function setEventHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  await setEventHiddenAt(db, id, hidden ? now() : null)
  const e = await findEventById(db, id)
  if (e) await reindexEvent(db, e)
}
