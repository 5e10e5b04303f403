import type { Db } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import type { Actor } from '../../core/access/policy.ts'
import { AppError, invalid } from '../../core/errors.ts'
import { holdForApproval } from '../../core/access/trust.ts'
import { audit } from '../../core/audit.ts'
import { renderMarkdown } from '../../core/markdown/markdown.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { listPosts, viewablePost, type PostCard } from '../posts/posts.ts'
import type { NotesFacts, SessionFacts } from './events.policy.ts'
import { findEventById, updateEventRow, type EventRow } from './events.queries.ts'
import { indexEvent, indexSessionNotes, reindexEvent } from './events.search.ts'
import { insertRevision, linkedPostIds, replaceLinkedPosts, revisionsOf, setNotesHiddenAt, updateNotesIfAt } from './notes.queries.ts'
import { findSessionById, type SessionRow } from './unconference.queries.ts'

// Notes: each unconference session's notes, written together by attendees with every version kept,
// and the organisers' notes on the whole event with the posts they link, published after it starts.

export const notesFacts = (session: SessionRow, facts: SessionFacts): NotesFacts => ({ session: facts, notesHiddenAt: session.notes_hidden_at })

/** Thrown when someone saved the notes while this person was editing: carries the version now saved. */
export class NotesConflict extends AppError {
  current: { notes: string; revision: number }
  constructor(current: { notes: string; revision: number }) {
    super('conflict', 409, 'Someone else saved these notes while you were editing', {
      notes: 'Someone else saved these notes while you were editing. Their version is shown below the box: add your changes to it, then save again',
    })
    this.current = current
  }
}

/**
 * Saves a session's notes from `baseRevision` (the version the editor started from): a new revision is
 * kept, or NotesConflict if someone saved in between. The route checked `edit` on the notes.
 */
export async function saveSessionNotes(db: Db, actor: Actor & { userId: string }, event: EventRow, session: SessionRow, text: string, baseRevision: number): Promise<number> {
  const t = now()
  // Trust levels: a new account's links in the notes wait for a moderator (the notes are hidden until then).
  const heldAt = session.notes_hidden_at ?? (await holdForApproval(db, actor, { type: 'session_notes', id: session.id, spaceId: event.space_id, title: `Notes of “${session.title}”`, url: `/events/${event.slug}/sessions/${session.id}#notes`, text }))
  const saved = await updateNotesIfAt(db, session.id, baseRevision, { notes: text, notes_html: renderMarkdown(text), notes_updated_at: t, notes_hidden_at: heldAt })
  if (!saved) {
    const fresh = await findSessionById(db, session.id)
    throw new NotesConflict({ notes: fresh?.notes ?? '', revision: Number(fresh?.notes_revision ?? 0) })
  }
  const revision = baseRevision + 1
  await insertRevision(db, { id: newId(), session_id: session.id, revision, body: text, edited_by: actor.userId, created_at: t })
  await indexSessionNotes(db, event, { ...session, notes: text, notes_hidden_at: heldAt })
  return revision
}

/** The saved versions of a session's notes, newest first, with their editors' names. */
export async function notesHistory(db: Db, sessionId: string): Promise<Array<{ revision: number; body: string; createdAt: string; editor: { handle: string; name: string; public: boolean } | null }>> {
  const rows = await revisionsOf(db, sessionId)
  const people = await peopleByIds(db, rows.map((r) => r.edited_by))
  return rows.map((r) => {
    const p = people.get(r.edited_by)
    return { revision: Number(r.revision), body: r.body, createdAt: r.created_at, editor: p ? { handle: p.handle, name: p.name, public: p.public } : null }
  })
}

/** Moderation: hides or restores a session's notes (the session itself stays). */
export async function setSessionNotesHidden(db: Db, sessionId: string, hidden: boolean): Promise<void> {
  await setNotesHiddenAt(db, sessionId, hidden ? now() : null)
  const session = await findSessionById(db, sessionId)
  const event = session ? await findEventById(db, session.event_id) : undefined
  if (session && event) await indexSessionNotes(db, event, session)
}

// ---------------------------------------------------------------- the organisers' notes

/** "https://…/posts/a-slug", "/posts/a-slug" or "a-slug" → "a-slug". */
const postSlugOf = (text: string) => text.trim().replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop() ?? ''

/**
 * Publishes (or updates) the organisers' notes, with links to posts the organiser can see. Allowed
 * once the event has started. The route checked the actor organises the event.
 */
export async function publishEventNotes(db: Db, actor: Actor & { userId: string }, event: EventRow, input: { notes: string; posts: string[] }): Promise<void> {
  const t = now()
  if (event.starts_at > t) throw invalid({ notes: 'You can publish notes once the event has started' })
  const postIds: string[] = []
  for (const item of input.posts) {
    const slug = postSlugOf(item)
    try {
      const { post } = await viewablePost(db, actor, slug)
      if (!postIds.includes(post.id)) postIds.push(post.id)
    } catch (err) {
      if (err instanceof AppError && err.status === 404) throw invalid({ posts: `There is no post at “${item.slice(0, 80)}”: enter the address of a published post` })
      throw err
    }
  }
  // Trust levels: a new account's notes with links hold the event back until a moderator approves it.
  const heldAt = event.hidden_at ?? (await holdForApproval(db, actor, { type: 'event', id: event.id, spaceId: event.space_id, title: event.title, url: `/events/${event.slug}`, text: input.notes }))
  const changes = { notes: input.notes, notes_html: renderMarkdown(input.notes), notes_published_at: event.notes_published_at ?? t, hidden_at: heldAt, updated_at: t }
  await updateEventRow(db, event.id, changes)
  await replaceLinkedPosts(db, event.id, postIds, actor.userId, t)
  await audit(db, { actorId: actor.userId, action: event.notes_published_at ? 'event.notes_changed' : 'event.notes_published', subjectType: 'event', subjectId: event.id, spaceId: event.space_id, subjectTitle: event.title, subjectUrl: `/events/${event.slug}#notes` })
  if (heldAt !== event.hidden_at) await reindexEvent(db, { ...event, ...changes })
  else await indexEvent(db, { ...event, ...changes })
}

/** Posts the event's notes link, as cards, filtered by what the reader may see. */
export async function linkedPosts(db: Db, actor: Actor, event: EventRow): Promise<PostCard[]> {
  const ids = await linkedPostIds(db, event.id)
  if (ids.length === 0) return []
  const { items } = await listPosts(db, actor, { ids, limit: 10 })
  const order = new Map(ids.map((id, i) => [id, i]))
  return items.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
}
