import type { Executor } from '../../core/db/database.ts'

export type EventFormat = 'in_person' | 'online' | 'hybrid'
/** Who organises an event: a person, or one speaking for an organisation, a project or a community. */
export type OrganiserKind = 'person' | 'organisation' | 'project' | 'community'
export type RsvpStatus = 'going' | 'waiting' | 'not_going'
export type SessionFormat = 'discussion' | 'show_and_tell' | 'workshop' | 'talk'

/**
 * An event. Times are UTC ISO strings; `time_zone` is the IANA zone its organisers gave the
 * times in (and the zone pages name). `online_url` is shown only to people going and organisers.
 */
export interface EventsTable {
  id: string
  slug: string
  title: string
  /** Markdown source, and its sanitised rendering. */
  description: string
  description_html: string
  /** The first words of the description: lists, feeds, search, calendars. */
  excerpt: string
  starts_at: string
  ends_at: string
  time_zone: string
  format: EventFormat
  /** The address ('' when online only). */
  venue: string
  /** The link to join online ('' when in person only). */
  online_url: string
  /** Places for people going; null = no limit (and no waiting list). */
  capacity: number | null
  organiser_kind: OrganiserKind
  /** A user id, organisation id, project id or community (space) id. */
  organiser_id: string
  /** A community's space (the event then follows its visibility); null = site content. */
  space_id: string | null
  created_by: string
  unconference: number
  /** How many sessions each attendee may vote for (unconferences). */
  votes_per_person: number
  /** When the host published the schedule grid (null while it is being built). */
  schedule_published_at: string | null
  /** Organisers' notes after the event (Markdown) and their rendering. */
  notes: string
  notes_html: string
  notes_published_at: string | null
  cancelled_at: string | null
  hidden_at: string | null
  /** When readers could first see it, and followers hear of it: null while it waits for approval (or is a draft); set once (decision 0038). */
  shown_at: string | null
  /** iCalendar SEQUENCE: raised when the time, place or status changes. */
  sequence: number
  /** Last reply, vote or change to the grid: writing it takes the event's row lock (see lockEvent). */
  activity_at: string
  created_at: string
  updated_at: string
}

/** One person's reply to an event. */
export interface EventRsvpsTable {
  event_id: string
  user_id: string
  status: RsvpStatus
  /** The order of replies; the waiting list is promoted in this order. */
  position: number
  created_at: string
  updated_at: string
}

/** Posts an event's organisers link from its notes. */
export interface EventPostsTable {
  event_id: string
  post_id: string
  position: number
  added_by: string
  created_at: string
}

/** The hash of a person's secret "my events" calendar URL. */
export interface EventCalendarTokensTable {
  user_id: string
  token_hash: string
  created_at: string
}

/** A session pitched for an unconference, with its shared notes. */
export interface EventSessionsTable {
  id: string
  event_id: string
  /** The event's space, copied so lists and search filter sessions like any content. */
  space_id: string | null
  title: string
  /** One paragraph. */
  summary: string
  format: SessionFormat
  pitcher_id: string
  hidden_at: string | null
  /** iCalendar SEQUENCE of the session in the schedule feed. */
  sequence: number
  notes: string
  notes_html: string
  /** Raised by one on every save of the notes (the revision the next editor must start from). */
  notes_revision: number
  notes_updated_at: string | null
  notes_hidden_at: string | null
  created_at: string
  updated_at: string
}

/** One vote; `slot` numbers a person's votes in an event from 1 to the event's allowance. */
export interface EventVotesTable {
  session_id: string
  user_id: string
  event_id: string
  slot: number
  created_at: string
}

export interface EventRoomsTable {
  id: string
  event_id: string
  name: string
  capacity: number
  created_at: string
}

export interface EventSlotsTable {
  id: string
  event_id: string
  starts_at: string
  ends_at: string
  created_at: string
}

/** A session's place in the grid. `pitcher_id` is copied so a unique key stops a pitcher being in two rooms at once. */
export interface EventScheduleTable {
  session_id: string
  event_id: string
  room_id: string
  slot_id: string
  pitcher_id: string
}

/** Every saved version of a session's notes. */
export interface EventNoteRevisionsTable {
  id: string
  session_id: string
  revision: number
  body: string
  edited_by: string
  created_at: string
}

/** Tables owned by the events module. */
export interface EventsTables {
  events: EventsTable
  event_rsvps: EventRsvpsTable
  event_posts: EventPostsTable
  event_calendar_tokens: EventCalendarTokensTable
  event_sessions: EventSessionsTable
  event_votes: EventVotesTable
  event_rooms: EventRoomsTable
  event_slots: EventSlotsTable
  event_schedule: EventScheduleTable
  event_note_revisions: EventNoteRevisionsTable
}

/** The executor the events module works through: its own tables only (space visibility comes from the core's `visibleTo`). */
export type EventsDb = Executor<EventsTables>
