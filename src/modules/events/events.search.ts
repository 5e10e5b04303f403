import type { Db } from '../../core/db/database.ts'
import { markdownToText } from '../../core/markdown/markdown.ts'
import { indexDocument } from '../../core/search/search.ts'
import type { EventRow } from './events.queries.ts'
import { sessionsOf, type SessionRow } from './unconference.queries.ts'

// What the events module writes to the search index, with the same visibility facts as its pages:
// the event's space, nothing hidden, session notes only from the end of the event. Never an online link.

/** An event (its description, venue and published notes). */
export async function indexEvent(db: Db, e: EventRow): Promise<void> {
  await indexDocument(db, {
    type: 'event',
    id: e.id,
    title: e.title,
    body: [markdownToText(e.description), e.venue, e.notes_published_at ? markdownToText(e.notes) : ''].filter(Boolean).join('\n'),
    url: `/events/${e.slug}`,
    spaceId: e.space_id,
    visibleFrom: e.hidden_at ? null : e.created_at,
  })
}

/** A pitched session, in its event's space. */
export async function indexSession(db: Db, event: EventRow, s: SessionRow): Promise<void> {
  await indexDocument(db, {
    type: 'event_session',
    id: s.id,
    title: s.title,
    body: `${s.summary}\n${event.title}`,
    url: `/events/${event.slug}/sessions/${s.id}`,
    spaceId: event.space_id,
    visibleFrom: s.hidden_at || event.hidden_at ? null : s.created_at,
  })
}

/** A session's notes: found from the end of the event (when everyone may read them), like the pages. */
export async function indexSessionNotes(db: Db, event: EventRow, s: SessionRow): Promise<void> {
  await indexDocument(db, {
    type: 'session_notes',
    id: s.id,
    title: `Notes: ${s.title}`,
    body: markdownToText(s.notes),
    url: `/events/${event.slug}/sessions/${s.id}#notes`,
    spaceId: event.space_id,
    visibleFrom: !s.notes.trim() || s.hidden_at || s.notes_hidden_at || event.hidden_at ? null : event.ends_at,
  })
}

/** The event and everything of it in the index again (after its times, space or hidden state changed). */
export async function reindexEvent(db: Db, e: EventRow): Promise<void> {
  await indexEvent(db, e)
  for (const s of await sessionsOf(db, e.id)) {
    await indexSession(db, e, s)
    if (s.notes.trim()) await indexSessionNotes(db, e, s)
  }
}
