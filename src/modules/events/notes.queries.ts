import type { EventsDb, EventNoteRevisionsTable } from './events.tables.ts'

export type RevisionRow = EventNoteRevisionsTable

/**
 * Saves a session's notes only if nobody saved since `baseRevision` (optimistic concurrency: two people
 * editing at once never overwrite each other). Returns false when someone did.
 */
export async function updateNotesIfAt(db: EventsDb, sessionId: string, baseRevision: number, changes: { notes: string; notes_html: string; notes_updated_at: string; notes_hidden_at: string | null }): Promise<boolean> {
  const r = await db
    .updateTable('event_sessions')
    .set({ ...changes, notes_revision: baseRevision + 1 })
    .where('id', '=', sessionId)
    .where('notes_revision', '=', baseRevision)
    .executeTakeFirst()
  return Number(r.numUpdatedRows ?? 0) === 1
}

export async function insertRevision(db: EventsDb, row: RevisionRow): Promise<void> {
  await db.insertInto('event_note_revisions').values(row).execute()
}

/** Every saved version of a session's notes, newest first. */
export async function revisionsOf(db: EventsDb, sessionId: string, limit = 200): Promise<RevisionRow[]> {
  return db.selectFrom('event_note_revisions').selectAll().where('session_id', '=', sessionId).orderBy('revision', 'desc').limit(limit).execute()
}

export async function setNotesHiddenAt(db: EventsDb, sessionId: string, at: string | null): Promise<void> {
  await db.updateTable('event_sessions').set({ notes_hidden_at: at }).where('id', '=', sessionId).execute()
}

// ---------------------------------------------------------------- posts linked from an event's notes

export async function linkedPostIds(db: EventsDb, eventId: string): Promise<string[]> {
  const rows = await db.selectFrom('event_posts').select('post_id').where('event_id', '=', eventId).orderBy('position', 'asc').execute()
  return rows.map((r) => r.post_id)
}

export async function replaceLinkedPosts(db: EventsDb, eventId: string, postIds: string[], addedBy: string, at: string): Promise<void> {
  await db.deleteFrom('event_posts').where('event_id', '=', eventId).execute()
  if (postIds.length) await db.insertInto('event_posts').values(postIds.map((post_id, position) => ({ event_id: eventId, post_id, position, added_by: addedBy, created_at: at }))).execute()
}
