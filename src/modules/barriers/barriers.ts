import type { Db } from '../../core/db/database.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { holdForApproval } from '../../core/access/trust.ts'
import { audit } from '../../core/audit.ts'
import { isUniqueViolation } from '../../core/db/errors.ts'
import { freeSlug, newId, now } from '../../core/db/ids.ts'
import { AppError, conflict, invalid, notFound } from '../../core/errors.ts'
import type { Cursor } from '../../core/http/pagination.ts'
import { markdownToText, outboundLinks, renderMarkdown } from '../../core/markdown/markdown.ts'
import { indexDocument } from '../../core/search/search.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import type { WikiKind } from './barriers.tables.ts'
import { entrySlugsLike, findEntry, findEntryById, insertEntry, listEntryRows, replaceThemes, setEntryHiddenAt, updateEntryIfAt, type EntryRow } from './entries.queries.ts'
import { endorsementCounts } from './endorsements.queries.ts'
import { linkCounts } from './links.queries.ts'
import { insertRevision, revisionsPage, type RevisionRow } from './revisions.queries.ts'
import type { EntryFacts } from './barriers.policy.ts'

// The barriers and solutions wiki's public face (the only file other modules may import), and a page's
// life: finding one the reader may see, listing, writing, editing by revision, reverting, hiding.

export type { EntryRow, RevisionRow, WikiKind }

/** The words each kind of page uses. */
export const KIND_TEXT = {
  barrier: { one: 'barrier', many: 'barriers', title: 'Barriers', path: '/barriers', other: 'solution' as WikiKind, endorse: 'We face this too', endorsed: 'face this too', endorsements: 'People and organisations who face this too' },
  solution: { one: 'solution', many: 'solutions', title: 'Solutions', path: '/solutions', other: 'barrier' as WikiKind, endorse: 'This worked for us', endorsed: 'say this worked for them', endorsements: 'People and organisations it worked for' },
} as const

export const pathOf = (e: Pick<EntryRow, 'kind' | 'slug'>) => `${KIND_TEXT[e.kind].path}/${e.slug}`

/** What the policy needs (the row has it all). */
export const factsOf = (e: EntryRow): EntryFacts => e

/** Themes as a filter matches them: trimmed, single-spaced, lower case, each once. */
export function normaliseThemes(themes: string[]): string[] {
  return [...new Set(themes.map((t) => t.trim().replace(/\s+/g, ' ').toLowerCase()).filter(Boolean))]
}

/** A summary for lists and feeds: the first 40 words of the text, without headings. */
export function excerptOf(markdown: string): string {
  const words = markdownToText(markdown.replace(/^ {0,3}#{1,6}\s.*$/gm, '')).split(' ')
  return words.length > 40 ? `${words.slice(0, 40).join(' ')}…` : words.join(' ')
}

const searchTextOf = (title: string, body: string, themes: string[]) => `${title}\n${markdownToText(body)}\n${themes.join(' ')}`.toLowerCase()

/** The page of this kind at this slug if the actor may see it; otherwise 404. */
export async function viewableEntry(db: Db, actor: Actor, kind: WikiKind, slug: string): Promise<EntryRow> {
  const entry = await findEntry(db, kind, slug)
  if (!entry || !(await can(db, actor, 'view', kind, entry))) throw notFound(KIND_TEXT[kind].title.slice(0, -1))
  return entry
}

/** A page as lists, panels, feeds and the API show it. */
export interface EntryCard {
  id: string
  kind: WikiKind
  slug: string
  url: string
  title: string
  excerpt: string
  themes: string[]
  endorsements: number
  /** Links to pages of the other kind (solutions of a barrier, barriers of a solution). */
  links: number
  revision: number
  hidden: boolean
  createdAt: string
  updatedAt: string
}

/** A page of pages the actor may see, as cards (counts batch-loaded). */
export async function listEntries(db: Db, actor: Actor, filter: { kind: WikiKind; theme?: string; text?: string; ids?: string[]; cursor: Cursor | null; limit: number }): Promise<{ items: EntryCard[]; next: string | null }> {
  const page = await listEntryRows(db, actor, filter)
  return { items: await cardsOf(db, page.items), next: page.next }
}

export async function cardsOf(db: Db, rows: EntryRow[]): Promise<EntryCard[]> {
  const ids = rows.map((r) => r.id)
  const kind = rows[0]?.kind ?? 'barrier'
  const [endorsements, links] = await Promise.all([endorsementCounts(db, ids), linkCounts(db, kind, ids)])
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    slug: r.slug,
    url: pathOf(r),
    title: r.title,
    excerpt: r.excerpt,
    themes: r.themes ? r.themes.split(', ') : [],
    endorsements: endorsements.get(r.id) ?? 0,
    links: links.get(r.id) ?? 0,
    revision: Number(r.revision),
    hidden: r.hidden_at !== null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }))
}

/** The page in the search index, found by whoever may see it (nobody while hidden). */
export async function indexEntry(db: Db, e: EntryRow): Promise<void> {
  await indexDocument(db, {
    type: e.kind,
    id: e.id,
    title: e.title,
    body: `${markdownToText(e.body)}\n${e.themes}`,
    url: pathOf(e),
    spaceId: e.space_id,
    visibleFrom: e.hidden_at ? null : e.created_at,
  })
}

export interface EntryInput {
  title: string
  body: string
  themes: string[]
  summary: string
}

const RESERVED = ['new', 'feed', 'feed.rss', 'feed.atom', 'feed.json']

/** Writes a new page (revision 1), in the caller's transaction. A new account's page with links waits for a moderator. */
export async function createEntry(db: Db, actor: Actor, kind: WikiKind, input: EntryInput): Promise<EntryRow> {
  if (!signedIn(actor)) throw notFound()
  const t = now()
  const id = newId()
  const themes = normaliseThemes(input.themes)
  const slug = await freeSlug(input.title, (base) => entrySlugsLike(db, kind, base), { fallback: kind, reserved: RESERVED, max: 60 })
  const heldAt = await holdForApproval(db, actor, { type: kind, id, spaceId: null, title: input.title, url: `${KIND_TEXT[kind].path}/${slug}`, text: input.body })
  const row: EntryRow = {
    id,
    kind,
    slug,
    title: input.title,
    body: input.body,
    body_html: renderMarkdown(input.body),
    excerpt: excerptOf(input.body),
    themes: themes.join(', '),
    search_text: searchTextOf(input.title, input.body, themes),
    revision: 1,
    space_id: null,
    created_by: actor.userId,
    created_at: t,
    updated_at: t,
    hidden_at: heldAt,
  }
  try {
    await insertEntry(db, row)
  } catch (err) {
    // Two people writing pages with the same title at the same moment: the second is asked to send again.
    if (isUniqueViolation(err)) throw invalid({ title: `A ${kind} with this title was written a moment ago: send the form again` })
    throw err
  }
  await replaceThemes(db, row, themes)
  await insertRevision(db, { id: newId(), entry_id: id, number: 1, title: row.title, body: row.body, themes: row.themes, summary: input.summary || `Wrote the ${kind}`, author_id: actor.userId, reverted_to: null, created_at: t })
  await indexEntry(db, row)
  return row
}

/**
 * Refused: someone saved the page after the revision this edit started from. Carries the page as it is
 * now, so the form can show what changed and keep the person's text.
 */
export class EditConflict extends AppError {
  current: EntryRow
  constructor(current: EntryRow) {
    super('edit_conflict', 409, 'Someone else saved this page while you were editing it', {
      body: 'Someone else saved this page while you were editing it. Your text is kept below; compare it with theirs, then save again',
    })
    this.current = current
  }
}

/**
 * Saves an edit as a new revision, if the page is still at `base` (the revision the editor started
 * from); otherwise EditConflict, and nothing is written. Two edits from one base: exactly one wins.
 * The route checked `edit`. Returns the page as saved.
 */
export async function saveEdit(db: Db, actor: Actor & { userId: string }, entry: EntryRow, input: EntryInput, base: number, revertedTo: number | null = null): Promise<EntryRow> {
  const themes = normaliseThemes(input.themes)
  const same = input.title === entry.title && input.body === entry.body && themes.join(', ') === entry.themes
  if (base === Number(entry.revision) && same) throw invalid({ body: 'You have not changed anything: change the title, text or themes, or go back to the page' })
  // Trust levels: a wiki page is everyone's, so a new account's edit cannot hold it back; links it adds are refused instead.
  const added = outboundLinks(input.body).filter((l) => !outboundLinks(entry.body).includes(l))
  if (added.length && !(await can(db, actor, 'publishLinks', 'content', { spaceId: entry.space_id, authorIds: [actor.userId], hiddenAt: null }))) {
    throw invalid({ body: `Your account is new, so it cannot add links to a page yet (you added ${added.length === 1 ? 'a link' : `${added.length} links`}). Remove them and save, or add them once a moderator has approved your first contributions` })
  }
  const t = now()
  const changes = {
    title: input.title,
    body: input.body,
    body_html: renderMarkdown(input.body),
    excerpt: excerptOf(input.body),
    themes: themes.join(', '),
    search_text: searchTextOf(input.title, input.body, themes),
    revision: base + 1,
    updated_at: t,
  }
  if (!(await updateEntryIfAt(db, entry.id, base, changes))) throw new EditConflict((await findEntryById(db, entry.id))!)
  const saved: EntryRow = { ...entry, ...changes }
  await replaceThemes(db, saved, themes)
  await insertRevision(db, { id: newId(), entry_id: entry.id, number: base + 1, title: saved.title, body: saved.body, themes: saved.themes, summary: input.summary, author_id: actor.userId, reverted_to: revertedTo, created_at: t })
  await indexEntry(db, saved)
  return saved
}

/**
 * A moderator restores an earlier revision's text as a new revision (nothing is deleted), audited. `base`
 * is the latest revision they saw: if the page changed meanwhile, the revert is refused.
 */
export async function revertEntry(db: Db, actor: Actor & { userId: string }, entry: EntryRow, revision: RevisionRow, base: number): Promise<EntryRow> {
  if (!(await can(db, actor, 'moderate', entry.kind, entry))) throw notFound()
  if (Number(revision.number) === Number(entry.revision)) throw conflict('This is already the current revision')
  const input = { title: revision.title, body: revision.body, themes: revision.themes ? revision.themes.split(', ') : [], summary: `Reverted to revision ${revision.number}` }
  let saved: EntryRow
  try {
    saved = await saveEdit(db, actor, entry, input, base, Number(revision.number))
  } catch (err) {
    if (err instanceof EditConflict) throw conflict('The page changed while you were looking at it: look at its history again before reverting')
    if (err instanceof AppError && err.status === 422) throw conflict('That revision reads exactly like the current one: there is nothing to revert')
    throw err
  }
  await audit(db, { actorId: actor.userId, action: `${entry.kind}.reverted`, subjectType: entry.kind, subjectId: entry.id, reason: `Reverted to revision ${revision.number}`, subjectTitle: saved.title, subjectUrl: pathOf(entry) })
  return saved
}

/** Moderation: hides or restores a page, and takes it out of (or back into) search. */
export async function setEntryHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  await setEntryHiddenAt(db, id, hidden ? now() : null)
  const e = await findEntryById(db, id)
  if (e) await indexEntry(db, e)
}

/** Who a revision or an endorsement is credited to: named (and linked) only when they have a public presence. */
export interface Credit {
  handle: string
  name: string
  public: boolean
}

/** People credited by id; anyone without a public presence is "Someone", never named. */
export async function creditsOf(db: Db, ids: Array<string | null>): Promise<Map<string, Credit>> {
  const people = await peopleByIds(db, ids.filter((id): id is string => id !== null))
  return new Map([...people].map(([id, p]) => [id, p.public ? { handle: p.handle, name: p.name, public: true } : { handle: '', name: 'Someone', public: false }]))
}

/** A page of a page's history, newest first, with who made each revision. */
export async function historyOf(db: Db, entry: EntryRow, before: number | null, limit = 30): Promise<{ items: Array<RevisionRow & { author: Credit | null }>; next: number | null }> {
  const page = await revisionsPage(db, entry.id, before, limit)
  const credits = await creditsOf(db, page.items.map((r) => r.author_id))
  return { items: page.items.map((r) => ({ ...r, number: Number(r.number), author: r.author_id ? (credits.get(r.author_id) ?? null) : null })), next: page.next }
}
