import type { ModeratableType } from '../../core/module.ts'
import { setEventHidden } from './events.ts'
import { eventFacts } from './events.policy.ts'
import { findEventById } from './events.queries.ts'
import { findSessionById } from './unconference.queries.ts'
import { sessionFacts, setSessionHidden } from './unconference.ts'
import { notesFacts, setSessionNotesHidden } from './notes.ts'

// The events module's kinds in the moderation registry, keyed by policy kind: each loads the facts its
// policy (events.policy.ts) answers 'report' and 'moderate' from.

/** Events: hiding one takes its sessions and notes off the pages and out of search with it. */
export const eventModeration: ModeratableType<'event'> = {
  label: 'event',
  async load(db, id) {
    const e = await findEventById(db, id)
    return e ? { spaceId: e.space_id, authorId: e.created_by, title: e.title, url: `/events/${e.slug}`, hiddenAt: e.hidden_at, resource: eventFacts(e) } : null
  },
  setHidden: setEventHidden,
}

/** A pitched session of an unconference (organisers of its event moderate it too). */
export const sessionModeration: ModeratableType<'event_session'> = {
  label: 'session',
  async load(db, id) {
    const s = await findSessionById(db, id)
    const e = s ? await findEventById(db, s.event_id) : undefined
    return s && e ? { spaceId: e.space_id, authorId: s.pitcher_id, title: s.title, url: `/events/${e.slug}/sessions/${s.id}`, hiddenAt: s.hidden_at, resource: sessionFacts(s, eventFacts(e)) } : null
  },
  async setHidden(db, id, hidden) {
    const s = await findSessionById(db, id)
    const e = s ? await findEventById(db, s.event_id) : undefined
    if (s && e) await setSessionHidden(db, e, s, hidden)
  },
}

/** A session's shared notes: written by many, so no single author; hiding them leaves the session. */
export const notesModeration: ModeratableType<'session_notes'> = {
  label: 'session notes',
  async load(db, id) {
    const s = await findSessionById(db, id)
    const e = s ? await findEventById(db, s.event_id) : undefined
    return s && e ? { spaceId: e.space_id, authorId: null, title: `Notes of “${s.title}”`, url: `/events/${e.slug}/sessions/${s.id}#notes`, hiddenAt: s.notes_hidden_at, resource: notesFacts(s, sessionFacts(s, eventFacts(e))) } : null
  },
  setHidden: setSessionNotesHidden,
}
