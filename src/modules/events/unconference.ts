import type { Db } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import { can } from '../../core/access/can.ts'
import { readerIs } from '../../core/access/reader-facts.ts'
import type { Actor } from '../../core/access/policy.ts'
import { isUniqueViolation } from '../../core/db/errors.ts'
import { audit } from '../../core/audit.ts'
import { AppError, conflict, invalid, notFound, type FieldErrors } from '../../core/errors.ts'
import { indexSession } from './events.search.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { eventFacts, type EventFacts, type SessionFacts } from './events.policy.ts'
import { lockEvent, updateEventRow, type EventRow } from './events.queries.ts'
import { SESSION_FORMAT_LABELS, wholeNumber } from './events.schemas.ts'
import type { SessionFormat } from './events.tables.ts'
import { checkPlacements, fillByVotes, gridVersion, type GridRoom, type GridSession, type GridSlot, type Placement } from './grid.ts'
import {
  bumpSessionSequences,
  deletePlacements,
  deleteRoom,
  deleteSlot,
  deleteVote,
  findSession,
  insertPlacements,
  insertRoom,
  insertSession,
  insertSlot,
  insertVote,
  placementsOf,
  roomsOf,
  sessionsOf,
  slotsOf,
  updateSessionRow,
  voteCounts,
  votesOf,
  readerVotesOf,
  type SessionRow,
} from './unconference.queries.ts'
import { describeWhen, zonedToUtc } from './zoned.ts'

// Unconference mode: attendees pitch sessions and vote; the host sets rooms and time slots, fills the
// grid by votes, adjusts it by hand and publishes it. Votes and grid changes take the event's row lock
// (as replies do), and the database's unique keys hold the rules even if a request slipped past it.

export type { SessionRow }

/** A session lives where its event does (the event's space, whatever the session row copied). */
export const sessionFacts = (s: SessionRow, event: EventFacts): SessionFacts => ({ spaceId: event.spaceId, authorIds: [s.pitcher_id], hiddenAt: s.hidden_at, event })

/** A session the actor may see, in this event, or 404. */
export async function viewableSession(db: Db, actor: Actor, event: EventRow, id: string): Promise<{ session: SessionRow; facts: SessionFacts }> {
  const session = await findSession(db, event.id, id)
  if (!session) throw notFound('Session')
  const facts = sessionFacts(session, eventFacts(event))
  if (!(await can(db, actor, 'view', 'event_session', facts))) throw notFound('Session')
  return { session, facts }
}

/** A session as the list, the session page and the API show it. */
export interface SessionCard {
  id: string
  url: string
  title: string
  summary: string
  format: SessionFormat
  formatLabel: string
  pitcher: { id: string; handle: string; name: string; public: boolean } | null
  votes: number
  /** The reader voted for it. */
  voted: boolean
  hidden: boolean
  /** Where and when it is in the grid (only once the grid is published, or for organisers). */
  place: { room: string; time: string } | null
  notesRevision: number
  notesUpdatedAt: string | null
}

export interface SessionList {
  sessions: SessionCard[]
  /** Votes the reader has left (null when they may not vote). */
  votesLeft: number | null
  votesPerPerson: number
}

/** The sessions of an event the actor may see, most voted first, with the reader's own votes. */
export async function listSessions(db: Db, actor: Actor, event: EventRow, options: { showPlaces?: boolean } = {}): Promise<SessionList> {
  const facts = eventFacts(event)
  const [rows, counts, mine, manage, attend] = await Promise.all([
    sessionsOf(db, event.id),
    voteCounts(db, event.id),
    readerVotesOf(db, actor, event.id),
    can(db, actor, 'manage', 'event', facts),
    can(db, actor, 'attend', 'event', facts),
  ])
  // Hidden sessions: only their pitchers and those who moderate the event's sessions see them.
  const visible = rows.filter((s) => s.hidden_at === null || readerIs(actor, s.pitcher_id) || manage || actor.isAdmin)
  const checked = await Promise.all(visible.map(async (s) => (s.hidden_at === null ? true : can(db, actor, 'view', 'event_session', sessionFacts(s, facts)))))
  const shown = visible.filter((_, i) => checked[i])
  const places = options.showPlaces && (event.schedule_published_at || manage) ? await placesOf(db, event) : new Map<string, { room: string; time: string }>()
  const people = await peopleByIds(db, shown.map((s) => s.pitcher_id))
  const voted = new Set(mine.map((v) => v.session_id))
  const cards = shown.map((s): SessionCard => {
    const p = people.get(s.pitcher_id)
    return {
      id: s.id,
      url: `/events/${event.slug}/sessions/${s.id}`,
      title: s.title,
      summary: s.summary,
      format: s.format,
      formatLabel: SESSION_FORMAT_LABELS[s.format] ?? s.format,
      pitcher: p ? { id: p.id, handle: p.handle, name: p.name, public: p.public } : null,
      votes: counts.get(s.id) ?? 0,
      voted: voted.has(s.id),
      hidden: s.hidden_at !== null,
      place: places.get(s.id) ?? null,
      notesRevision: Number(s.notes_revision),
      notesUpdatedAt: s.notes_updated_at,
    }
  })
  cards.sort((a, b) => b.votes - a.votes || 0)
  const allowance = Number(event.votes_per_person)
  return { sessions: cards, votesLeft: attend && Number(event.unconference) ? Math.max(0, allowance - mine.length) : null, votesPerPerson: allowance }
}

/** Room and time of each placed session ("Main hall", "10:00 to 10:45"). */
async function placesOf(db: Db, event: EventRow): Promise<Map<string, { room: string; time: string }>> {
  const [rooms, slots, placed] = await Promise.all([roomsOf(db, event.id), slotsOf(db, event.id), placementsOf(db, event.id)])
  const roomName = new Map(rooms.map((r) => [r.id, r.name]))
  const slotTime = new Map(slots.map((s) => [s.id, describeWhen(s.starts_at, s.ends_at, event.time_zone).time]))
  return new Map(placed.map((p) => [p.session_id, { room: roomName.get(p.room_id) ?? '', time: slotTime.get(p.slot_id) ?? '' }]))
}

// ---------------------------------------------------------------- pitching

export interface PitchInput {
  title: string
  summary: string
  format: string
}

/** One paragraph: line breaks become spaces, runs of spaces one. */
const oneParagraph = (text: string) => text.replace(/\s+/g, ' ').trim()

/** An attendee pitches a session (the route checked `contribute` on the event). */
export async function pitchSession(db: Db, actor: Actor & { userId: string }, event: EventRow, input: PitchInput): Promise<SessionRow> {
  if (!(await can(db, actor, 'contribute', 'event', eventFacts(event)))) throw new AppError('forbidden', 403, 'Only people going can pitch a session')
  const t = now()
  const row: SessionRow = {
    id: newId(),
    event_id: event.id,
    space_id: event.space_id,
    title: input.title,
    summary: oneParagraph(input.summary),
    format: input.format as SessionFormat,
    pitcher_id: actor.userId,
    hidden_at: null,
    sequence: 0,
    notes: '',
    notes_html: '',
    notes_revision: 0,
    notes_updated_at: null,
    notes_hidden_at: null,
    created_at: t,
    updated_at: t,
  }
  await insertSession(db, row)
  await indexSession(db, event, row)
  return row
}

/** The pitcher changes their pitch (the route checked `edit`). */
export async function editPitch(db: Db, event: EventRow, session: SessionRow, input: PitchInput): Promise<void> {
  const changes = { title: input.title, summary: oneParagraph(input.summary), format: input.format as SessionFormat, updated_at: now() }
  await updateSessionRow(db, session.id, changes)
  await indexSession(db, event, { ...session, ...changes })
}

// ---------------------------------------------------------------- voting

/**
 * Adds or withdraws the actor's vote for a session, under the event's lock. Each attendee has the
 * event's allowance of votes, numbered from 1: a vote takes the lowest free number, and the unique key
 * on (event, person, number) means two votes sent at once can never both take the last one.
 * Voting twice for one session changes nothing.
 */
export async function castVote(db: Db, actor: Actor & { userId: string }, eventId: string, sessionId: string, add: boolean): Promise<{ votesLeft: number }> {
  const event = await lockEvent(db, eventId, now())
  if (!event) throw notFound('Event')
  const facts = eventFacts(event)
  const session = await findSession(db, event.id, sessionId)
  if (!session || !(await can(db, actor, 'view', 'event_session', sessionFacts(session, facts)))) throw notFound('Session')
  const allowance = Number(event.votes_per_person)
  const mine = await votesOf(db, event.id, actor.userId)
  if (!add) {
    await deleteVote(db, session.id, actor.userId)
    return { votesLeft: Math.max(0, allowance - mine.filter((v) => v.session_id !== session.id).length) }
  }
  if (!(await can(db, actor, 'participate', 'event_session', sessionFacts(session, facts)))) throw new AppError('forbidden', 403, 'Only people going can vote, until the event is over')
  if (mine.some((v) => v.session_id === session.id)) return { votesLeft: Math.max(0, allowance - mine.length) }
  const used = new Set(mine.map((v) => Number(v.slot)))
  let slot = 1
  while (used.has(slot)) slot++
  if (slot > allowance) throw conflict(`You have used all ${allowance} of your votes. Withdraw one to vote for this session`, { vote: `You have used all ${allowance} of your votes. Withdraw one to vote for this session` })
  try {
    await insertVote(db, { session_id: session.id, user_id: actor.userId, event_id: event.id, slot, created_at: now() })
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('Your votes changed in another window. Reload the page and try again')
    throw err
  }
  return { votesLeft: allowance - mine.length - 1 }
}

// ---------------------------------------------------------------- rooms and time slots (organisers)

/** Adds a room; the route checked the actor organises the event. */
export async function addRoom(db: Db, event: EventRow, input: { name: string; capacity: string }): Promise<void> {
  const capacity = wholeNumber(input.capacity, 1, 100_000)
  const errors: FieldErrors = {}
  if (capacity === null) errors.capacity = 'How many people it holds must be a whole number from 1 to 100,000'
  if ((await roomsOf(db, event.id)).some((r) => r.name.toLowerCase() === input.name.toLowerCase())) errors.name = 'There is already a room with that name'
  if (Object.keys(errors).length) throw invalid(errors)
  try {
    await insertRoom(db, { id: newId(), event_id: event.id, name: input.name, capacity: capacity!, created_at: now() })
  } catch (err) {
    if (isUniqueViolation(err)) throw invalid({ name: 'There is already a room with that name' })
    throw err
  }
}

/** Removes a room and every session placed in it (they go back to "not placed"). */
export async function removeRoom(db: Db, event: EventRow, roomId: string): Promise<void> {
  await lockEvent(db, event.id, now())
  if ((await deleteRoom(db, event.id, roomId)) === 0) throw notFound('Room')
}

/** Adds a time slot inside the event's times, overlapping no other slot. Times are wall-clock in the event's zone. */
export async function addSlot(db: Db, event: EventRow, input: { starts_at: string; ends_at: string }): Promise<void> {
  const errors: FieldErrors = {}
  const start = zonedToUtc(input.starts_at, event.time_zone)
  const end = zonedToUtc(input.ends_at, event.time_zone)
  if (!start.ok) errors.starts_at = 'Start must be a real date and time, like 2026-12-01T10:00'
  if (!end.ok) errors.ends_at = 'End must be a real date and time, like 2026-12-01T10:45'
  if (start.ok && end.ok) {
    const when = describeWhen(event.starts_at, event.ends_at, event.time_zone)
    if (end.iso <= start.iso) errors.ends_at = 'The end must be after the start'
    else if (start.iso < event.starts_at || end.iso > event.ends_at) errors.starts_at = `A time slot must be within the event: ${when.text}`
    else {
      const overlap = (await slotsOf(db, event.id)).find((s) => s.starts_at < end.iso && s.ends_at > start.iso)
      if (overlap) errors.starts_at = `This overlaps the slot ${describeWhen(overlap.starts_at, overlap.ends_at, event.time_zone).time}`
    }
  }
  if (Object.keys(errors).length || !start.ok || !end.ok) throw invalid(errors)
  await lockEvent(db, event.id, now())
  await insertSlot(db, { id: newId(), event_id: event.id, starts_at: start.iso, ends_at: end.iso, created_at: now() })
}

export async function removeSlot(db: Db, event: EventRow, slotId: string): Promise<void> {
  await lockEvent(db, event.id, now())
  if ((await deleteSlot(db, event.id, slotId)) === 0) throw notFound('Time slot')
}

// ---------------------------------------------------------------- the grid

/** The grid's rooms, slots, sessions (unhidden, with votes) and placements, as the grid functions take them. */
export interface GridState {
  rooms: GridRoom[]
  slots: Array<GridSlot & { endsAt: string; time: string }>
  sessions: GridSession[]
  placements: Placement[]
}

export async function gridState(db: Db, event: EventRow, options: { votes?: boolean } = {}): Promise<GridState> {
  // The published table shows no votes: it does not count them (a big unconference has thousands).
  const counting = options.votes ?? true
  const [rooms, slots, sessions, counts, placed] = await Promise.all([roomsOf(db, event.id), slotsOf(db, event.id), sessionsOf(db, event.id), counting ? voteCounts(db, event.id) : Promise.resolve(new Map<string, number>()), placementsOf(db, event.id)])
  const shown = sessions.filter((s) => s.hidden_at === null)
  const people = await peopleByIds(db, shown.map((s) => s.pitcher_id))
  const live = new Set(shown.map((s) => s.id))
  return {
    rooms: rooms.map((r) => ({ id: r.id, name: r.name, capacity: Number(r.capacity) })),
    slots: slots.map((s) => {
      const when = describeWhen(s.starts_at, s.ends_at, event.time_zone)
      return { id: s.id, startsAt: s.starts_at, endsAt: s.ends_at, label: when.startTime, time: when.time }
    }),
    sessions: shown.map((s) => ({ id: s.id, title: s.title, pitcherId: s.pitcher_id, pitcherName: people.get(s.pitcher_id)?.name ?? 'Someone', votes: counts.get(s.id) ?? 0, createdAt: s.created_at })),
    placements: placed.filter((p) => live.has(p.session_id)).map((p) => ({ sessionId: p.session_id, roomId: p.room_id, slotId: p.slot_id })),
  }
}

/** "Fill by votes": places unplaced sessions into free cells (see grid.ts), keeping the host's placements. */
export async function fillGrid(db: Db, event: EventRow): Promise<number> {
  await lockEvent(db, event.id, now())
  const state = await gridState(db, event)
  const added = fillByVotes(state.rooms, state.slots, state.sessions, state.placements)
  await writePlacements(db, event, state, [...state.placements, ...added])
  return added.length
}

/** Thrown when the grid changed since the host's form was rendered: nothing is saved, the form comes back with their choices. */
export class GridConflict extends AppError {
  constructor() {
    super('conflict', 409, 'The grid was changed by someone else since you opened it', {
      grid_conflict: 'The grid was changed by someone else since you opened it. The grid as it is now is shown below, with your changes in the form: save again to keep yours, or reload the page to start from the current grid',
    })
  }
}

/**
 * Saves the whole grid as the host arranged it (session id → "slotId|roomId", or '' for not placed), from the grid
 * version their form was rendered with (`gridVersion`): under the event's lock, a save from any other version is a
 * GridConflict, so of several saves from one version exactly one lands. Any clash is a field error on the
 * session's select, and nothing is saved.
 */
export async function saveGrid(db: Db, event: EventRow, choices: Record<string, string>, baseVersion: string): Promise<void> {
  await lockEvent(db, event.id, now())
  const state = await gridState(db, event)
  if (gridVersion(state) !== baseVersion) throw new GridConflict()
  const wanted: Placement[] = []
  for (const s of state.sessions) {
    const choice = choices[s.id] ?? ''
    if (!choice) continue
    const [slotId = '', roomId = ''] = choice.split('|')
    wanted.push({ sessionId: s.id, slotId, roomId })
  }
  const problems = checkPlacements(state.rooms, state.slots, state.sessions, wanted)
  if (Object.keys(problems).length) throw invalid(Object.fromEntries(Object.entries(problems).map(([id, message]) => [`place_${id}`, message])))
  await writePlacements(db, event, state, wanted)
}

/** Replaces the placements that changed; raises the calendar SEQUENCE of every session that moved. */
async function writePlacements(db: Db, event: EventRow, state: GridState, wanted: Placement[]): Promise<void> {
  const before = new Map(state.placements.map((p) => [p.sessionId, `${p.roomId}|${p.slotId}`]))
  const after = new Map(wanted.map((p) => [p.sessionId, `${p.roomId}|${p.slotId}`]))
  const moved = [...new Set([...before.keys(), ...after.keys()])].filter((id) => before.get(id) !== after.get(id))
  if (moved.length === 0) return
  const pitcherOf = new Map(state.sessions.map((s) => [s.id, s.pitcherId]))
  // Sessions that moved leave their old cell first, so a swap of two sessions never trips the unique keys.
  await deletePlacements(db, moved)
  try {
    await insertPlacements(
      db,
      wanted.filter((p) => moved.includes(p.sessionId)).map((p) => ({ session_id: p.sessionId, event_id: event.id, room_id: p.roomId, slot_id: p.slotId, pitcher_id: pitcherOf.get(p.sessionId)! })),
    )
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('The grid changed while you were editing it. Reload the page and try again')
    throw err
  }
  await bumpSessionSequences(db, moved)
}

/** Publishes the grid (everyone who may see the event sees it) or takes it back to draft; an organiser's decision, audited. */
export async function publishGrid(db: Db, actor: Actor, event: EventRow, publish: boolean): Promise<void> {
  const t = now()
  if (publish === (event.schedule_published_at !== null)) return
  await updateEventRow(db, event.id, { schedule_published_at: publish ? t : null, updated_at: t })
  await audit(db, { actorId: actor.userId, action: publish ? 'event.schedule_published' : 'event.schedule_withdrawn', subjectType: 'event', subjectId: event.id, spaceId: event.space_id, subjectTitle: event.title, subjectUrl: `/events/${event.slug}/schedule` })
}

/** Moderation: hides or restores a pitched session; a hidden one leaves the grid. */
export async function setSessionHidden(db: Db, event: EventRow, session: SessionRow, hidden: boolean): Promise<void> {
  const t = now()
  await updateSessionRow(db, session.id, { hidden_at: hidden ? t : null })
  if (hidden) await deletePlacements(db, [session.id])
  await indexSession(db, event, { ...session, hidden_at: hidden ? t : null })
}
