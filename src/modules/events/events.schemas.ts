import type { FieldSpec } from '../../core/http/forms.ts'

export const FORMATS = ['in_person', 'online', 'hybrid'] as const
/** Short names for tags and lists. */
export const FORMAT_LABELS: Record<string, string> = { in_person: 'In person', online: 'Online', hybrid: 'Hybrid' }
/** The form's choices, which say what each means. */
export const FORMAT_CHOICES: Record<string, string> = { in_person: 'In person', online: 'Online', hybrid: 'Hybrid (in person and online)' }
export const SESSION_FORMATS = ['discussion', 'show_and_tell', 'workshop', 'talk'] as const
export const SESSION_FORMAT_LABELS: Record<string, string> = { discussion: 'Discussion', show_and_tell: 'Show and tell', workshop: 'Workshop', talk: 'Talk' }

/** Most places an event may offer, and most votes a host may give each attendee. */
export const MAX_CAPACITY = 100_000
export const MAX_VOTES = 20

/**
 * The event form (and the API's shape of an event). Times are wall-clock in `time_zone`
 * ("2026-12-01T10:00", a datetime-local value); numbers arrive as text and are checked in events.ts.
 */
export const eventSchema = {
  title: { type: 'text', label: 'Title', required: true, max: 150 },
  description: { type: 'text', label: 'Description', required: true, max: 20_000 },
  starts_at: { type: 'text', label: 'Start date and time', required: true, max: 40 },
  ends_at: { type: 'text', label: 'End date and time', required: true, max: 40 },
  time_zone: { type: 'text', label: 'Time zone', required: true, max: 60 },
  format: { type: 'choice', label: 'How people take part', options: FORMATS, required: true },
  venue: { type: 'text', label: 'Venue address', max: 500 },
  online_url: { type: 'url', label: 'Online link' },
  capacity: { type: 'text', label: 'Number of places', max: 12 },
  organiser: { type: 'text', label: 'Organiser', required: true, max: 140 },
  community: { type: 'text', label: 'Community', max: 60 },
  unconference: { type: 'boolean', label: 'Run it as an unconference' },
  votes_per_person: { type: 'text', label: 'Votes for each attendee', max: 12 },
} satisfies Record<string, FieldSpec>

export const rsvpSchema = {
  answer: { type: 'choice', label: 'Your reply', options: ['going', 'not_going'], required: true },
} satisfies Record<string, FieldSpec>

export const cancelSchema = {
  reason: { type: 'text', label: 'Reason', required: true, max: 500 },
} satisfies Record<string, FieldSpec>

export const eventNotesSchema = {
  notes: { type: 'text', label: 'Notes', required: true, max: 50_000 },
  posts: { type: 'list', label: 'Linked posts', max: 10, itemMax: 300 },
} satisfies Record<string, FieldSpec>

export const pitchSchema = {
  title: { type: 'text', label: 'Session title', required: true, max: 120 },
  summary: { type: 'text', label: 'What the session is about', required: true, max: 800 },
  format: { type: 'choice', label: 'Format', options: SESSION_FORMATS, required: true },
} satisfies Record<string, FieldSpec>

export const voteSchema = {
  vote: { type: 'choice', label: 'Vote', options: ['add', 'remove'], required: true },
} satisfies Record<string, FieldSpec>

export const roomSchema = {
  name: { type: 'text', label: 'Room name', required: true, max: 80 },
  capacity: { type: 'text', label: 'How many people it holds', required: true, max: 12 },
} satisfies Record<string, FieldSpec>

export const slotSchema = {
  starts_at: { type: 'text', label: 'Start', required: true, max: 40 },
  ends_at: { type: 'text', label: 'End', required: true, max: 40 },
} satisfies Record<string, FieldSpec>

export const sessionNotesSchema = {
  notes: { type: 'text', label: 'Notes', max: 50_000 },
  revision: { type: 'text', label: 'Revision', required: true, max: 12 },
} satisfies Record<string, FieldSpec>

/** A whole number within [min, max] from form text, or null (with "" meaning "none" where allowed). */
export function wholeNumber(text: string, min: number, max: number): number | null {
  const t = text.trim().replace(/[,\s]/g, '')
  if (!/^\d{1,9}$/.test(t)) return null
  const n = Number(t)
  return n >= min && n <= max ? n : null
}
