import type { Db } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import { AppError, conflict, forbidden, invalid, notFound, type FieldErrors } from '../../core/errors.ts'
import { audit } from '../../core/audit.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import type { Values } from '../../core/http/forms.ts'
import type { Cursor } from '../../core/http/pagination.ts'
import { renderMarkdown } from '../../core/markdown/markdown.ts'
import { indexDocument, removeDocument } from '../../core/search/search.ts'
import { holdForApproval } from '../../core/access/trust.ts'
import { notify, notifyWhenShown } from '../notifications/notifications.ts'
import {
  clearVotes,
  closeAmendment,
  deleteVote,
  findAmendmentById,
  insertAmendment,
  insertComment,
  listAmendmentRows,
  markConflicts,
  recountVotes,
  setAmendmentHiddenAt,
  setCommentHiddenAt,
  updateAmendmentRow,
  updateOpenAmendment,
  upsertVote,
  type AmendmentFilter,
  type AmendmentRow,
} from './amendments.queries.ts'
import { claimAmendmentNumber, currentText, editorIdsOf, setVersionSummary, textsByIds, findCharterById, insertSections, insertText, retireText, sectionPositions, respaceSections, sectionsAt, type CharterRow, type SectionTextRow } from './charters.queries.ts'
import type { amendmentSchema, commentSchema, decisionSchema, revisionSchema } from './charters.schemas.ts'
import type { AmendmentKind, Vote } from './charters.tables.ts'
import { indexCharter, POSITION_GAP, reloadCharter } from './charters.ts'
import { differs, normaliseText } from '../../core/text/diff.ts'
import { askToReconfirm } from './reconsent.ts'
import { startVersion } from './versions.ts'
import type { AmendmentFacts } from './charters.policy.ts'

/**
 * Amendments: members propose a rewrite of a section, a new section or a deletion, with a reason; others
 * comment and vote; an editor accepts (a new version) or rejects it with a reply. Every state change is a
 * conditional update of the amendment's row, so racing requests (two decisions, a vote and a decision) have
 * exactly one winner and the others get a clear refusal.
 */

export type { AmendmentRow }

export const facts = (charter: CharterRow, amendment: AmendmentRow): AmendmentFacts => ({ charter, amendment })

/** A short title: "Change to section 3: Working in the open", "New section: Sharing code", "Delete section 7". */
export function amendmentTitle(a: Pick<AmendmentRow, 'kind' | 'heading'>, sectionNumber: number | null, baseHeading: string): string {
  const where = sectionNumber === null ? 'a deleted section' : `section ${sectionNumber}`
  if (a.kind === 'add') return `New section: ${a.heading}`
  if (a.kind === 'delete') return `Delete ${where}: ${baseHeading}`
  return `Change to ${where}: ${a.heading || baseHeading}`
}

/** Loads the amendment numbered `number` of the charter if the actor may see it, else 404. */
export async function visibleAmendment(db: Db, actor: Actor, charter: CharterRow, amendment: AmendmentRow | undefined): Promise<AmendmentRow> {
  if (!amendment || amendment.charter_id !== charter.id || !(await can(db, actor, 'view', 'amendment', facts(charter, amendment)))) throw notFound('Amendment')
  return amendment
}

/** The amendments of a charter the actor may see, newest first. */
export async function listAmendments(db: Db, actor: Actor, charter: CharterRow, filter: AmendmentFilter, cursor: Cursor | null, limit: number): Promise<AmendmentRow[]> {
  return listAmendmentRows(db, actor, charter.id, filter, cursor, limit)
}

/** An amendment with what lists and pages say about it: its title and where it applies now. */
export interface AmendmentSummary extends AmendmentRow {
  title: string
  /** The section's number in the current version (null: a new section not yet accepted, or a deleted section). */
  sectionNumber: number | null
  /** The heading of the section it applies to (as written against, when that section is gone). */
  sectionHeading: string
  /** For a proposed new section: the number of the section it goes after (0: at the start). */
  afterNumber: number | null
}

/** Titles and section numbers for a page of amendments, in two queries. */
export async function describeAmendments(db: Db, charter: CharterRow, rows: AmendmentRow[]): Promise<AmendmentSummary[]> {
  if (rows.length === 0) return []
  const [sections, bases] = await Promise.all([sectionsAt(db, charter.id, charter.current_version), textsByIds(db, rows.flatMap((r) => (r.base_text_id ? [r.base_text_id] : [])))])
  const byId = new Map(sections.map((s) => [s.sectionId, s]))
  return rows.map((r) => {
    const now = r.section_id ? byId.get(r.section_id) : undefined
    const baseHeading = (r.base_text_id ? bases.get(r.base_text_id)?.heading : undefined) ?? r.heading
    const afterNumber = r.kind === 'add' && r.status === 'open' ? (r.after_section_id ? (byId.get(r.after_section_id)?.number ?? null) : 0) : null
    return { ...r, title: amendmentTitle(r, now?.number ?? null, now?.heading ?? baseHeading), sectionNumber: now?.number ?? null, sectionHeading: now?.heading ?? baseHeading, afterNumber }
  })
}

/** Writes the amendment's search document (or removes it while hidden). Call in the changing transaction. */
export async function indexAmendment(db: Db, charter: CharterRow, a: AmendmentRow, title: string): Promise<void> {
  if (a.hidden_at) return removeDocument(db, 'amendment', a.id)
  await indexDocument(db, {
    type: 'amendment',
    id: a.id,
    title: `Amendment ${a.number} to ${charter.title}: ${title}`,
    body: [a.reason, a.heading, a.body, a.reply].filter(Boolean).join('\n\n'),
    url: `/charters/${charter.slug}/amendments/${a.number}`,
    spaceId: charter.space_id,
    visibleFrom: a.created_at,
  })
}

/** The number and heading a section has now (null number when it was deleted), for titles. */
async function sectionLabel(db: Db, charter: CharterRow, sectionId: string | null, fallbackHeading: string): Promise<{ number: number | null; heading: string }> {
  if (!sectionId) return { number: null, heading: fallbackHeading }
  const s = (await sectionsAt(db, charter.id, charter.current_version)).find((x) => x.sectionId === sectionId)
  return s ? { number: s.number, heading: s.heading } : { number: null, heading: fallbackHeading }
}

async function reindex(db: Db, charter: CharterRow, a: AmendmentRow, baseHeading = ''): Promise<void> {
  const label = await sectionLabel(db, charter, a.section_id, baseHeading)
  await indexAmendment(db, charter, a, amendmentTitle(a, label.number, label.heading))
}

export type AmendmentInput = Values<typeof amendmentSchema>

/**
 * Checks the words of a change, addition or deletion against the section's current text (errors in the
 * form's words), and returns what to store.
 */
function checkText(kind: AmendmentKind, input: { heading: string; body: string }, base: SectionTextRow | undefined, errors: FieldErrors): { heading: string; body: string } {
  const heading = input.heading.replace(/\s+/g, ' ').trim()
  const body = normaliseText(input.body)
  if (kind === 'delete') return { heading: '', body: '' }
  if (kind === 'add' && !heading) errors.heading = 'Enter a heading for the new section'
  if (!body) errors.body = kind === 'add' ? 'Enter the text of the new section' : 'Enter the new text of the section'
  if (kind === 'change' && base && body && !differs(base.body, body) && (!heading || heading === base.heading)) {
    errors.body = 'Your text is the same as the current text: change some words, or propose deleting the section'
  }
  return { heading: kind === 'change' && heading === base?.heading ? '' : heading, body }
}

/**
 * What each kind of amendment needs, from the form alone (no database): shown with the form's other errors, so
 * a person sees every missing answer at once.
 */
export function missingForKind(input: { kind?: string; section?: string; heading?: string; body?: string }): FieldErrors {
  const errors: FieldErrors = {}
  const blank = (v: string | undefined) => !v || !v.trim()
  if (input.kind === 'add') {
    if (blank(input.heading)) errors.heading = 'Enter a heading for the new section'
    if (blank(input.body)) errors.body = 'Enter the text of the new section'
  } else if (input.kind === 'change' || input.kind === 'delete') {
    if (blank(input.section)) errors.section = input.kind === 'delete' ? 'Select the section to delete' : 'Select the section to change'
    if (input.kind === 'change' && blank(input.body)) errors.body = 'Enter the new text of the section'
  }
  return errors
}

/** Proposes an amendment to a charter that is not closed. Editors are told. */
export async function proposeAmendment(db: Db, actor: Actor, charterAsLoaded: CharterRow, input: AmendmentInput): Promise<AmendmentRow> {
  if (!signedIn(actor)) throw new AppError('unauthorised', 401, 'Sign in to propose an amendment')
  const charter = await reloadCharter(db, charterAsLoaded.id)
  if (!(await can(db, actor, 'participate', 'charter', charter))) throw conflict('This charter is closed: it takes no more amendments')
  const kind = input.kind as AmendmentKind
  const errors: FieldErrors = {}
  const sections = await sectionsAt(db, charter.id, charter.current_version)
  let base: SectionTextRow | undefined
  let sectionId: string | null = null
  let afterId: string | null = null
  if (kind === 'add') {
    if (input.after && input.after !== 'start') {
      if (!sections.some((s) => s.sectionId === input.after)) errors.after = 'Select where the new section goes'
      else afterId = input.after
    }
  } else {
    base = input.section ? await currentText(db, charter.id, input.section) : undefined
    if (!base) errors.section = kind === 'delete' ? 'Select the section to delete' : 'Select the section to change'
    else sectionId = base.section_id
  }
  const text = checkText(kind, input, base, errors)
  if (Object.keys(errors).length) throw invalid(errors)
  const t = now()
  const number = await claimAmendmentNumber(db, charter.id)
  const row: AmendmentRow = {
    id: newId(),
    charter_id: charter.id,
    number,
    kind,
    section_id: sectionId,
    after_section_id: afterId,
    base_text_id: base?.id ?? null,
    heading: text.heading,
    body: text.body,
    reason: input.reason,
    status: 'open',
    conflict: 0,
    votes_for: 0,
    votes_against: 0,
    author_id: actor.userId,
    created_at: t,
    updated_at: t,
    decided_by: null,
    decided_at: null,
    reply: '',
    result_version: null,
    hidden_at: null,
  }
  await insertAmendment(db, row)
  const label = await sectionLabel(db, charter, sectionId, base?.heading ?? '')
  const title = amendmentTitle(row, label.number, label.heading)
  await indexAmendment(db, charter, row, title)
  const editors = await editorIdsOf(db, charter.id)
  await notify(db, editors.map((userId) => ({ userId, kind: 'charter_amendment' as const, text: `New amendment to “${charter.title}”: ${title}`, url: `/charters/${charter.slug}/amendments/${number}`, spaceId: charter.space_id })), actor.userId)
  return row
}

/**
 * The author revises an open amendment: to bring it up to date with the section's current text (it no
 * longer conflicts), or to improve it. Votes were cast on the old words, so a change of words clears them
 * and the voters are asked to vote again: nobody is counted as supporting text they did not see.
 */
export async function reviseAmendment(db: Db, actor: Actor, charter: CharterRow, amendment: AmendmentRow, input: Values<typeof revisionSchema>): Promise<void> {
  if (!signedIn(actor) || !(await can(db, actor, 'edit', 'amendment', facts(charter, amendment)))) throw forbidden('Only the author can revise an open amendment')
  const errors: FieldErrors = {}
  let base: SectionTextRow | undefined
  if (amendment.kind !== 'add') {
    base = await currentText(db, charter.id, amendment.section_id ?? '')
    if (!base) throw conflict('The section this amendment changes has been deleted: it can only be withdrawn')
  }
  const text = checkText(amendment.kind, input, base, errors)
  if (Object.keys(errors).length) throw invalid(errors)
  const t = now()
  const wordsChanged = text.heading !== amendment.heading || text.body !== amendment.body || (base !== undefined && base.id !== amendment.base_text_id)
  const changes = { heading: text.heading, body: text.body, reason: input.reason, base_text_id: base?.id ?? null, conflict: 0, updated_at: t }
  if (!(await updateOpenAmendment(db, amendment.id, changes))) throw conflict('This amendment has been decided or withdrawn: it can no longer be revised')
  if (wordsChanged) {
    const voters = await clearVotes(db, amendment.id)
    await notify(db, voters.map((userId) => ({ userId, kind: 'charter_amendment' as const, text: `Amendment ${amendment.number} to “${charter.title}” was revised: your vote was cleared, vote again on the new words`, url: `/charters/${charter.slug}/amendments/${amendment.number}`, spaceId: charter.space_id })), actor.userId)
  }
  await reindex(db, charter, { ...amendment, ...changes }, base?.heading)
}

/** The author withdraws an open amendment. */
export async function withdrawAmendment(db: Db, actor: Actor, charter: CharterRow, amendment: AmendmentRow): Promise<void> {
  if (!signedIn(actor) || !(await can(db, actor, 'edit', 'amendment', facts(charter, amendment)))) throw forbidden('Only the author can withdraw an open amendment')
  const t = now()
  if (!(await closeAmendment(db, amendment.id, { status: 'withdrawn', decided_at: t, updated_at: t }))) throw conflict('This amendment has already been decided or withdrawn')
}

/**
 * Votes for or against an open amendment, changes the vote, or takes it back ('none'). Locking the
 * amendment's row first (a no-op update while it is open) means a vote cannot land after a decision, and
 * the (amendment, person) key means one vote each however often the form is sent.
 */
export async function castVote(db: Db, actor: Actor, charter: CharterRow, amendment: AmendmentRow, vote: Vote | 'none'): Promise<{ votesFor: number; votesAgainst: number }> {
  if (!signedIn(actor)) throw new AppError('unauthorised', 401, 'Sign in to vote')
  if (!(await can(db, actor, 'vote', 'amendment', facts(charter, amendment)))) throw conflict('Voting on this amendment is closed')
  if (!(await updateOpenAmendment(db, amendment.id, { status: 'open' }))) throw conflict('This amendment has just been decided: voting is closed')
  const t = now()
  if (vote === 'none') await deleteVote(db, amendment.id, actor.userId)
  else await upsertVote(db, amendment.id, actor.userId, vote, t)
  return recountVotes(db, amendment.id)
}

/**
 * Adds a comment to an amendment and tells its author. A new account's comment with links waits for a
 * moderator's approval (trust levels): hidden until then, and its author is told when it is approved.
 */
export async function commentOnAmendment(db: Db, actor: Actor, charter: CharterRow, amendment: AmendmentRow, input: Values<typeof commentSchema>, actorName: string): Promise<{ id: string; held: boolean }> {
  if (!signedIn(actor) || !(await can(db, actor, 'participate', 'amendment', facts(charter, amendment)))) throw conflict('Comments on this amendment are closed')
  const id = newId()
  const url = `/charters/${charter.slug}/amendments/${amendment.number}#comment-${id}`
  const heldAt = await holdForApproval(db, actor, { type: 'amendmentComment', id, spaceId: charter.space_id, title: `Comment on amendment ${amendment.number} to “${charter.title}”: ${input.comment.slice(0, 80)}`, url, text: input.comment })
  await insertComment(db, { id, amendment_id: amendment.id, charter_id: charter.id, author_id: actor.userId, body: input.comment, body_html: renderMarkdown(input.comment), created_at: now(), hidden_at: heldAt })
  await notifyWhenShown(db, { type: 'amendmentComment', id, heldAt }, [{ userId: amendment.author_id, kind: 'comment', text: `${actorName} commented on your amendment ${amendment.number} to “${charter.title}”`, url, spaceId: charter.space_id }], actor.userId)
  return { id, held: heldAt !== null }
}

export type DecisionInput = Values<typeof decisionSchema>

/**
 * An editor accepts or rejects an open amendment. Accepting makes a new version: the charter's row is
 * locked first (versions are made one at a time), then the amendment must still be open and its section
 * text still the one it was written against (an amendment to a deleted or since-changed section is
 * refused; its author can bring it up to date). Other open amendments written against the replaced text
 * are marked as conflicting and their authors told. A published charter's signatories are asked to
 * re-confirm. Throws (and the transaction rolls back) on any refusal.
 */
export async function decideAmendment(db: Db, actor: Actor, charterAsLoaded: CharterRow, amendment: AmendmentRow, input: DecisionInput): Promise<{ version: number | null }> {
  if (!signedIn(actor) || !(await can(db, actor, 'manage', 'charter', charterAsLoaded))) throw forbidden('Only the editors of this charter can decide amendments')
  const reply = input.reply.trim()
  if (input.decision === 'reject' && !reply) throw invalid({ reply: 'Enter a reply saying why the amendment is rejected' })
  const t = now()
  const decided = { decided_by: actor.userId, decided_at: t, reply, updated_at: t }
  if (amendment.hidden_at) throw conflict('A moderator has hidden this amendment: it cannot be decided while hidden')

  if (input.decision === 'reject') {
    if (!(await closeAmendment(db, amendment.id, { status: 'rejected', ...decided }))) throw conflict('This amendment has already been decided or withdrawn')
    await afterDecision(db, actor.userId, charterAsLoaded, { ...amendment, status: 'rejected', ...decided }, 'rejected')
    return { version: null }
  }

  const version = await startVersion(db, charterAsLoaded, actor.userId, { summary: '', amendmentId: amendment.id })
  if (!(await closeAmendment(db, amendment.id, { status: 'accepted', result_version: version, ...decided }))) throw conflict('This amendment has already been decided or withdrawn')
  const charter = await reloadCharter(db, charterAsLoaded.id)
  let summary: string
  let retired: SectionTextRow | undefined
  let sectionId = amendment.section_id
  if (amendment.kind === 'add') {
    sectionId = await placeNewSection(db, charter.id, amendment.after_section_id, t)
    await insertText(db, { id: newId(), charter_id: charter.id, section_id: sectionId, heading: amendment.heading, body: amendment.body, from_version: version, to_version: null, created_at: t })
    await updateAmendmentRow(db, amendment.id, { section_id: sectionId })
    summary = `Amendment ${amendment.number} accepted: new section “${amendment.heading}”`
  } else {
    retired = await currentText(db, charter.id, amendment.section_id ?? '')
    if (!retired) throw conflict('The section this amendment changes has been deleted, so it cannot be accepted. Reject it, or ask the author to withdraw it')
    if (retired.id !== amendment.base_text_id) throw conflict('This amendment was written against an earlier text of its section, which has changed since. Its author has been asked to bring it up to date; it can be accepted once they have')
    if (!(await retireText(db, retired.id, version))) throw conflict('The section has just been changed by another decision: reload the page')
    if (amendment.kind === 'change') {
      await insertText(db, { id: newId(), charter_id: charter.id, section_id: retired.section_id, heading: amendment.heading || retired.heading, body: amendment.body, from_version: version, to_version: null, created_at: t })
      summary = `Amendment ${amendment.number} accepted: section “${amendment.heading || retired.heading}” rewritten`
    } else summary = `Amendment ${amendment.number} accepted: section “${retired.heading}” deleted`
  }
  await setVersionSummary(db, charter.id, version, summary)

  if (retired) {
    const conflicting = await markConflicts(db, retired.id, amendment.id)
    await notify(
      db,
      conflicting.map((c) => ({
        userId: c.author_id,
        kind: 'charter_amendment' as const,
        text: `The section your amendment ${c.number} to “${charter.title}” changes was ${amendment.kind === 'delete' ? 'deleted' : 'rewritten'} (version ${version}): ${amendment.kind === 'delete' ? 'withdraw your amendment, or propose a new section' : 'bring your amendment up to date with the new text'}`,
        url: `/charters/${charter.slug}/amendments/${c.number}`,
        spaceId: charter.space_id,
      })),
      actor.userId,
    )
  }
  const accepted = { ...amendment, status: 'accepted' as const, result_version: version, section_id: sectionId, ...decided }
  await indexCharter(db, charter)
  await afterDecision(db, actor.userId, charter, accepted, 'accepted', retired?.heading)
  await askToReconfirm(db, charter, version, summary, actor.userId)
  return { version }
}

/** Tells the author, records the editorial decision, and re-indexes the amendment. */
async function afterDecision(db: Db, actorId: string, charter: CharterRow, a: AmendmentRow, outcome: 'accepted' | 'rejected', baseHeading = ''): Promise<void> {
  const label = await sectionLabel(db, charter, a.section_id, baseHeading || a.heading)
  const title = amendmentTitle(a, label.number, label.heading)
  await notify(db, [{ userId: a.author_id, kind: 'charter_amendment', text: `Your amendment ${a.number} to “${charter.title}” was ${outcome}${a.reply ? `: ${a.reply}` : ''}`, url: `/charters/${charter.slug}/amendments/${a.number}`, spaceId: charter.space_id }], actorId)
  await audit(db, {
    actorId,
    action: `charter.amendment_${outcome}`,
    subjectType: 'amendment',
    subjectId: a.id,
    reason: a.reply.slice(0, 500),
    subjectTitle: `Amendment ${a.number} to “${charter.title}”: ${title}`,
    subjectUrl: `/charters/${charter.slug}/amendments/${a.number}`,
  })
  await indexAmendment(db, charter, a, title)
}

/**
 * Gives a new section a place after `afterId` (null: at the start), between it and the next section ever
 * made there; when there is no room left between the two, spreads all positions out first (same order).
 */
async function placeNewSection(db: Db, charterId: string, afterId: string | null, at: string): Promise<string> {
  let sections = await sectionPositions(db, charterId)
  const slot = () => {
    const i = afterId ? sections.findIndex((s) => s.id === afterId) : -1
    const prev = i >= 0 ? sections[i]!.position : 0
    const next = sections[i + 1]?.position ?? prev + 2 * POSITION_GAP
    return next - prev >= 2 ? Math.floor((prev + next) / 2) : null
  }
  let position = slot()
  if (position === null) {
    await respaceSections(db, sections, POSITION_GAP)
    sections = sections.map((s, i) => ({ ...s, position: (i + 1) * POSITION_GAP }))
    position = slot()!
  }
  const id = newId()
  await insertSections(db, [{ id, charter_id: charterId, position, created_at: at }])
  return id
}

// ---------------------------------------------------------------- moderation

/** Hides or restores an amendment (moderation), keeping the search index in step. */
export async function setAmendmentHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  const a = await findAmendmentById(db, id)
  if (!a) return
  const hidden_at = hidden ? now() : null
  await setAmendmentHiddenAt(db, id, hidden_at)
  const charter = await findCharterById(db, a.charter_id)
  if (charter) await reindex(db, charter, { ...a, hidden_at })
}

/** Hides or restores a comment on an amendment (comments are not in the search index). */
export async function setAmendmentCommentHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  await setCommentHiddenAt(db, id, hidden ? now() : null)
}
