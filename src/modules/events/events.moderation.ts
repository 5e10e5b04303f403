import type { ModeratableType } from '../../core/module.ts'
import { setEventHidden } from './events.ts'
import { findEventById } from './events.queries.ts'
import { findSessionById } from './unconference.queries.ts'
import { setSessionHidden } from './unconference.ts'
import { setSessionNotesHidden } from './notes.ts'

/** Events, as reported and hidden through the moderation queue (hiding takes its sessions and notes off the pages with it). */
export const eventModeration: ModeratableType = {
  label: 'event',
  async load(db, id) {
    const e = await findEventById(db, id)
    return e ? { spaceId: e.space_id, authorId: e.created_by, title: e.title, url: `/events/${e.slug}`, hiddenAt: e.hidden_at } : null
  },
  setHidden: setEventHidden,
}

/** A pitched session of an unconference. */
export const sessionModeration: ModeratableType = {
  label: 'session',
  async load(db, id) {
    const s = await findSessionById(db, id)
    const e = s ? await findEventById(db, s.event_id) : undefined
    return s && e ? { spaceId: e.space_id, authorId: s.pitcher_id, title: s.title, url: `/events/${e.slug}/sessions/${s.id}`, hiddenAt: s.hidden_at } : null
  },
  async setHidden(db, id, hidden) {
    const s = await findSessionById(db, id)
    const e = s ? await findEventById(db, s.event_id) : undefined
    if (s && e) await setSessionHidden(db, e, s, hidden)
  },
}

/**
 * A session's shared notes: written by many, so no single author; readable by everyone from the end of
 * the event (visibleFrom), by attendees before.
 */
export const notesModeration: ModeratableType = {
  label: 'session notes',
  async load(db, id) {
    const s = await findSessionById(db, id)
    const e = s ? await findEventById(db, s.event_id) : undefined
    return s && e ? { spaceId: e.space_id, authorId: null, title: `Notes of “${s.title}”`, url: `/events/${e.slug}/sessions/${s.id}#notes`, hiddenAt: s.notes_hidden_at, visibleFrom: e.ends_at } : null
  },
  setHidden: setSessionNotesHidden,
}
