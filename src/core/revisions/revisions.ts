import type { Db } from '../db/database.ts'
import { newId, now } from '../db/ids.ts'
import { AppError, invalid, notFound } from '../errors.ts'
import { diffLineHtml, wordDiff } from '../text/diff.ts'

/**
 * Revisions of a directory entry's described fields (projects, organisations): the mechanism both share
 * (decision 0022, extracted in 0024). Each module keeps its own revisions table and the entry's `revision`
 * counter, and hands this file a `RevisionStore` over them; the rules live here once:
 * - an applied revision moves the counter from `base` to `base + 1` with `update … where revision = base`, so an
 *   edit or proposal based on an old revision is refused (the caller re-renders the form with the text kept);
 * - a proposal is accepted only while the entry is still at the proposal's base, and two accepts at once apply once
 *   (the counter moves once, the proposal is decided once: the loser rolls its transaction back);
 * - every revision stores the fields before and after, so its diff needs no other row.
 */

export type RevisionStatus = 'applied' | 'proposed' | 'rejected'

/** One revision as a module's table stores it (its subject id column mapped to `subjectId` by the store). */
export interface RevisionRecord {
  id: string
  subjectId: string
  /** Its number once applied (null while proposed or rejected). */
  number: number | null
  /** The revision number its author started from. */
  base: number
  status: RevisionStatus
  /** JSON `{ before, after }` of the described fields. */
  fields: string
  note: string
  author_id: string | null
  decided_by: string | null
  created_at: string
  decided_at: string | null
}

/** A module's revisions table and the counter on its entries, as this mechanism needs them. */
export interface RevisionStore {
  insert(db: Db, row: RevisionRecord): Promise<void>
  /** Moves the entry's counter from `base` to `base + 1`; false when someone else moved it first. */
  advance(db: Db, subjectId: string, base: number): Promise<boolean>
  find(db: Db, subjectId: string, id: string): Promise<RevisionRecord | undefined>
  /** Marks a proposal applied (as revision `number`) or rejected; false when it was decided already. */
  decide(db: Db, id: string, status: 'applied' | 'rejected', number: number | null, by: string, at: string): Promise<boolean>
  /** The entry's revisions, newest first. */
  list(db: Db, subjectId: string, limit: number): Promise<RevisionRecord[]>
}

/** Field values a revision compares: text, or lists of text (themes). */
export type FieldValues = Record<string, string | string[]>

/** The message of a refused stale edit, on the `revision` field so the form shows it with the text kept. */
export const staleEdit = (what: string) => invalid({ revision: `Someone changed this ${what} since you opened the form. Your text is kept below: compare it with the ${what} as it is now, then send it again.` })

/** Records an applied revision from `before` to `after`; refused when the entry is no longer at `base`. Returns the new number. */
export async function recordApplied<F extends FieldValues>(db: Db, store: RevisionStore, what: string, subjectId: string, base: number, before: F, after: F, authorId: string | null, note = ''): Promise<number> {
  if (!(await store.advance(db, subjectId, base))) throw staleEdit(what)
  const t = now()
  await store.insert(db, { id: newId(), subjectId, number: base + 1, base, status: 'applied', fields: JSON.stringify({ before, after }), note, author_id: authorId, decided_by: authorId, created_at: t, decided_at: t })
  return base + 1
}

/** Records a proposal from `authorId`, refused when the form was based on an older revision than `current`. */
export async function recordProposal<F extends FieldValues>(db: Db, store: RevisionStore, what: string, subjectId: string, current: number, base: number, before: F, after: F, authorId: string, note: string): Promise<string> {
  if (base !== current) throw staleEdit(what)
  const id = newId()
  await store.insert(db, { id, subjectId, number: null, base, status: 'proposed', fields: JSON.stringify({ before, after }), note, author_id: authorId, decided_by: null, created_at: now(), decided_at: null })
  return id
}

/** The proposal waiting on this entry, or 404. */
export async function pendingProposal(db: Db, store: RevisionStore, subjectId: string, id: string): Promise<RevisionRecord> {
  const proposal = await store.find(db, subjectId, id)
  if (!proposal || proposal.status !== 'proposed') throw notFound('Proposal')
  return proposal
}

/**
 * Accepts a proposal: it becomes applied revision `base + 1`, and its `after` fields are returned for the caller to
 * write. Refused (409) when the entry changed since it was proposed; the second of two accepts at once is refused.
 */
export async function acceptProposal<F extends FieldValues>(db: Db, store: RevisionStore, what: string, subjectId: string, current: number, proposal: RevisionRecord, by: string): Promise<{ after: F; number: number }> {
  if (proposal.base !== current) throw new AppError('conflict', 409, `The ${what} changed since this edit was proposed, so it cannot be accepted as it is. Reject it and ask for it to be proposed again.`)
  if (!(await store.advance(db, subjectId, proposal.base)) || !(await store.decide(db, proposal.id, 'applied', proposal.base + 1, by, now()))) throw staleEdit(what)
  return { after: (JSON.parse(proposal.fields) as { after: F }).after, number: proposal.base + 1 }
}

/** Rejects a proposal; refused when it was decided already. */
export async function rejectProposal(db: Db, store: RevisionStore, proposal: RevisionRecord, by: string): Promise<void> {
  if (!(await store.decide(db, proposal.id, 'rejected', null, by, now()))) throw notFound('Proposal')
}

/** The fields an applied revision left the entry with (what a revert goes back to), or 404. */
export async function appliedFields<F extends FieldValues>(db: Db, store: RevisionStore, subjectId: string, id: string): Promise<{ after: F; number: number }> {
  const target = await store.find(db, subjectId, id)
  if (!target || target.status !== 'applied') throw notFound('Revision')
  return { after: (JSON.parse(target.fields) as { after: F }).after, number: target.number ?? 0 }
}

/** Who made a revision, as the person directory shows people (`personLink` links only public profiles). */
export interface RevisionAuthor {
  handle: string
  name: string
  public: boolean
}

/** One revision as a history page shows it. */
export interface RevisionView {
  id: string
  number: number | null
  status: RevisionStatus
  note: string
  createdAt: string
  authorId: string | null
  author: RevisionAuthor | null
  /** What changed, field by field, as a word diff (core/text/diff.ts). */
  changes: Array<{ label: string; html: string }>
  /** A proposal based on an older revision than the entry's current one (it can only be rejected). */
  outdated: boolean
}

const asText = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : (v ?? ''))

/** What changed between two sets of fields, in the order of `labels`, as word diffs; unchanged fields are left out. */
export function fieldChanges(labels: Record<string, string>, before: FieldValues, after: FieldValues): Array<{ label: string; html: string }> {
  return Object.entries(labels).flatMap(([key, label]) => {
    const a = asText(before[key])
    const b = asText(after[key])
    return a === b ? [] : [{ label, html: diffLineHtml(wordDiff(a, b), 'inline') }]
  })
}

/**
 * The entry's history as a reader may see it: applied revisions for everyone; proposals and rejected edits for
 * those who decide (`mayDecide`) and for their own authors.
 */
export async function historyOf(
  db: Db,
  store: RevisionStore,
  subjectId: string,
  current: number,
  labels: Record<string, string>,
  reader: { userId: string | null; mayDecide: boolean },
  /** The people by id (accounts' `peopleByIds`: core names no module). */
  people: (db: Db, ids: string[]) => Promise<Map<string, RevisionAuthor>>,
): Promise<RevisionView[]> {
  const rows = (await store.list(db, subjectId, 200)).filter((r) => r.status === 'applied' || reader.mayDecide || (reader.userId !== null && r.author_id === reader.userId))
  const authors = await people(db, rows.flatMap((r) => (r.author_id ? [r.author_id] : [])))
  return rows.map((r) => {
    const { before, after } = JSON.parse(r.fields) as { before: FieldValues; after: FieldValues }
    const p = r.author_id ? authors.get(r.author_id) : undefined
    return { id: r.id, number: r.number, status: r.status, note: r.note, createdAt: r.created_at, authorId: r.author_id, author: p ? { handle: p.handle, name: p.name, public: p.public } : null, changes: fieldChanges(labels, before, after), outdated: r.status === 'proposed' && r.base !== current }
  })
}

/**
 * The revision a form was based on (its hidden `revision` field). A client that sends none (the API, a script) edits
 * the entry as it is now (`current`); a malformed value answers -1, which is always refused as stale.
 */
export function baseRevisionOf(body: unknown, current: number): number {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>).revision : undefined
  if (value === undefined || value === '') return current
  return typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : -1
}
