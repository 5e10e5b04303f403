import type { Db } from '../../core/db/database.ts'
import { freeSlug, newId, now } from '../../core/db/ids.ts'
import { AppError, conflict, forbidden, invalid, notFound } from '../../core/errors.ts'
import { audit } from '../../core/audit.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import type { Cursor } from '../../core/http/pagination.ts'
import { indexDocument } from '../../core/search/search.ts'
import type { Values } from '../../core/http/forms.ts'
import { peopleByHandles, peopleByIds } from '../accounts/accounts.ts'
import {
  charterSlugsLike,
  currentSectionsByIds,
  deleteEditor,
  editorIdsOf,
  findCharterById,
  findCharterBySlug,
  insertCharter,
  insertEditor,
  insertSections,
  insertTexts,
  insertVersion,
  listCharterRows,
  moveCharterStatus,
  sectionsAt,
  updateCharterRow,
  type CharterRow,
} from './charters.queries.ts'
import { BODY_MAX, HEADING_MAX, MAX_SECTIONS, type charterSchema, type introductionSchema } from './charters.schemas.ts'
import type { CharterStatus } from './charters.tables.ts'
import { normaliseText } from '../../core/text/diff.ts'
import { startVersion } from './versions.ts'
import { askToReconfirm } from './reconsent.ts'

export type { CharterRow }
export type CharterInput = Values<typeof charterSchema>

/** Section positions start this far apart, so sections can be inserted between two without moving others. */
export const POSITION_GAP = 1024

const RESERVED = new Set(['new', 'feed'])

export const STATUS_LABELS: Record<CharterStatus, string> = { drafting: 'Drafting', published: 'Open for signatures', closed: 'Closed' }

/** The charter at this slug if the actor may see it; otherwise 404 (never revealing that it exists). */
export async function findVisibleCharter(db: Db, actor: Actor, slug: string): Promise<CharterRow> {
  const charter = await findCharterBySlug(db, slug)
  if (!charter || !(await can(db, actor, 'view', 'charter', charter))) throw notFound('Charter')
  return charter
}

/** The charter (by id) as it is now, inside a transaction: use cases re-read it before deciding on its state. */
export async function reloadCharter(db: Db, id: string): Promise<CharterRow> {
  const charter = await findCharterById(db, id)
  if (!charter) throw notFound('Charter')
  return charter
}

/** Charters the actor may see, most recently changed first. */
export async function listCharters(db: Db, actor: Actor, cursor: Cursor | null, limit: number): Promise<CharterRow[]> {
  return listCharterRows(db, actor, { cursor, limit })
}

/**
 * "## Heading" blocks → sections. Text before the first heading, a heading without text, or too many or
 * too long sections are errors in the words of the form.
 */
export function parseSections(text: string): { sections: Array<{ heading: string; body: string }>; error?: string } {
  const sections: Array<{ heading: string; body: string }> = []
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  let current: { heading: string; lines: string[] } | null = null
  const finish = () => {
    if (current) sections.push({ heading: current.heading, body: normaliseText(current.lines.join('\n')) })
  }
  for (const line of lines) {
    const heading = /^\s{0,3}#{1,3}\s+(.*\S)\s*$/.exec(line)
    if (heading) {
      finish()
      current = { heading: heading[1]!.replace(/\s+/g, ' '), lines: [] }
    } else if (current) current.lines.push(line)
    else if (line.trim()) return { sections: [], error: 'Start each section with a line beginning ## and its heading, like: ## Working in the open' }
  }
  finish()
  if (sections.length === 0) return { sections, error: 'Enter at least one section, starting with a line beginning ## and its heading' }
  if (sections.length > MAX_SECTIONS) return { sections, error: `Sections: enter ${MAX_SECTIONS} or fewer` }
  for (const [i, s] of sections.entries()) {
    if (s.heading.length > HEADING_MAX) return { sections, error: `The heading of section ${i + 1} must be ${HEADING_MAX} characters or fewer` }
    if (!s.body) return { sections, error: `Section ${i + 1} (“${s.heading}”) has no text: write it under its heading` }
    if (s.body.length > BODY_MAX) return { sections, error: `Section ${i + 1} (“${s.heading}”) must be ${BODY_MAX} characters or fewer` }
  }
  return { sections }
}

/** Writes the charter's search document: its title, introduction and current text. Call in the changing transaction. */
export async function indexCharter(db: Db, charter: CharterRow): Promise<void> {
  const sections = await sectionsAt(db, charter.id, charter.current_version)
  await indexDocument(db, {
    type: 'charter',
    id: charter.id,
    title: charter.title,
    body: [charter.introduction, ...sections.map((s) => `${s.number}. ${s.heading}\n${s.body}`)].filter(Boolean).join('\n\n'),
    url: `/charters/${charter.slug}`,
    spaceId: charter.space_id,
    visibleFrom: charter.created_at,
  })
}

/** Starts a charter (platform admins): version 1 with its sections, in drafting, its creator its first editor. */
export async function createCharter(db: Db, actor: Actor, input: CharterInput): Promise<CharterRow> {
  if (!signedIn(actor)) throw new AppError('unauthorised', 401, 'Sign in to start a charter')
  if (!(await can(db, actor, 'manage', 'charters', {}))) throw forbidden('Only platform admins can start a charter')
  const parsed = parseSections(input.sections)
  if (parsed.error) throw invalid({ sections: parsed.error })
  const t = now()
  const charter: CharterRow = {
    id: newId(),
    slug: await freeSlug(input.title, (base) => charterSlugsLike(db, base), { fallback: 'charter', reserved: RESERVED }),
    title: input.title,
    introduction: normaliseText(input.introduction),
    status: 'drafting',
    current_version: 1,
    amendment_count: 0,
    space_id: null,
    created_by: actor.userId,
    created_at: t,
    updated_at: t,
    published_at: null,
    closed_at: null,
  }
  await insertCharter(db, charter)
  await insertEditor(db, charter.id, actor.userId, actor.userId, t)
  await insertVersion(db, { charter_id: charter.id, number: 1, title: charter.title, introduction: charter.introduction, summary: 'First draft', amendment_id: null, created_by: actor.userId, created_at: t })
  const sections = parsed.sections.map((s, i) => ({ ...s, id: newId(), position: (i + 1) * POSITION_GAP }))
  await insertSections(db, sections.map((s) => ({ id: s.id, charter_id: charter.id, position: s.position, created_at: t })))
  await insertTexts(db, sections.map((s) => ({ id: newId(), charter_id: charter.id, section_id: s.id, heading: s.heading, body: s.body, from_version: 1, to_version: null, created_at: t })))
  await indexCharter(db, charter)
  await audit(db, { actorId: actor.userId, action: 'charter.created', subjectType: 'charter', subjectId: charter.id, ...auditSubject(charter) })
  return charter
}

/** How the audit log names a charter (a snapshot: the log stays readable if the charter is renamed). */
const auditSubject = (charter: CharterRow) => ({ subjectTitle: charter.title, subjectUrl: `/charters/${charter.slug}` })

async function requireManager(db: Db, actor: Actor, charter: CharterRow): Promise<string> {
  if (!signedIn(actor) || !(await can(db, actor, 'manage', 'charter', charter))) throw forbidden('Only the editors of this charter can do that')
  return actor.userId
}

/** Editors change the title or introduction: a new version (a published charter's signatories are asked to re-confirm). */
export async function editIntroduction(db: Db, actor: Actor, charter: CharterRow, input: Values<typeof introductionSchema>): Promise<CharterRow> {
  const actorId = await requireManager(db, actor, charter)
  const introduction = normaliseText(input.introduction)
  if (input.title === charter.title && introduction === charter.introduction) throw invalid({ introduction: 'Change the title or the introduction, or go back to the charter' })
  const version = await startVersion(db, charter, actorId, { summary: input.summary, title: input.title, introduction })
  await updateCharterRow(db, charter.id, { title: input.title, introduction })
  const updated = await reloadCharter(db, charter.id)
  await indexCharter(db, updated)
  await audit(db, { actorId, action: 'charter.introduction_edited', subjectType: 'charter', subjectId: charter.id, reason: `version ${version}: ${input.summary}`, ...auditSubject(updated) })
  await askToReconfirm(db, updated, version, input.summary, actorId)
  return updated
}

/** Opens a charter for signatures. Publishing twice (two tabs) is refused plainly. */
export async function publishCharter(db: Db, actor: Actor, charter: CharterRow): Promise<void> {
  const actorId = await requireManager(db, actor, charter)
  const t = now()
  if (!(await moveCharterStatus(db, charter.id, 'drafting', 'published', { published_at: t, updated_at: t }))) throw conflict('This charter is not in drafting: it may already be published')
  await audit(db, { actorId, action: 'charter.published', subjectType: 'charter', subjectId: charter.id, reason: `version ${charter.current_version}`, ...auditSubject(charter) })
}

/** Closes a published charter: no more amendments, votes or signatures; everything stays readable. */
export async function closeCharter(db: Db, actor: Actor, charter: CharterRow): Promise<void> {
  const actorId = await requireManager(db, actor, charter)
  const t = now()
  if (!(await moveCharterStatus(db, charter.id, 'published', 'closed', { closed_at: t, updated_at: t }))) throw conflict('Only a charter open for signatures can be closed')
  await audit(db, { actorId, action: 'charter.closed', subjectType: 'charter', subjectId: charter.id, ...auditSubject(charter) })
}

export interface EditorView {
  userId: string
  handle: string
  name: string
  public: boolean
}

/** The charter's editors, by name. */
export async function editorsOf(db: Db, charterId: string): Promise<EditorView[]> {
  const ids = await editorIdsOf(db, charterId)
  const people = await peopleByIds(db, ids)
  return ids
    .flatMap((id) => {
      const p = people.get(id)
      return p ? [{ userId: p.id, handle: p.handle, name: p.name, public: p.public }] : []
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** Adds an editor by handle (someone with a public presence). */
export async function addEditor(db: Db, actor: Actor, charter: CharterRow, handle: string): Promise<void> {
  const actorId = await requireManager(db, actor, charter)
  const clean = handle.trim().replace(/^@/, '').toLowerCase()
  const person = (await peopleByHandles(db, [clean])).get(clean)
  if (!person) throw invalid({ handle: `There is no one with the handle ${handle.trim()}` })
  if ((await editorIdsOf(db, charter.id)).includes(person.id)) throw invalid({ handle: `${person.name} is already an editor` })
  await insertEditor(db, charter.id, person.id, actorId, now())
  await audit(db, { actorId, action: 'charter.editor_added', subjectType: 'charter', subjectId: charter.id, reason: person.handle, ...auditSubject(charter) })
}

/** Removes an editor; the last one stays (a charter always has an owner). */
export async function removeEditor(db: Db, actor: Actor, charter: CharterRow, userId: string): Promise<void> {
  const actorId = await requireManager(db, actor, charter)
  const editors = await editorIdsOf(db, charter.id)
  if (!editors.includes(userId)) throw notFound('Editor')
  if (editors.length <= 1) throw conflict('A charter needs at least one editor: add another editor first')
  await deleteEditor(db, charter.id, userId)
  await audit(db, { actorId, action: 'charter.editor_removed', subjectType: 'charter', subjectId: charter.id, reason: userId, ...auditSubject(charter) })
}

// ---------------------------------------------------------------- for other modules

/** A section of a charter as another module links to it (a barrier linked to a charter section). */
export interface CharterSectionRef {
  /** The section's lasting id: it keeps it through every amendment (a deleted section is no longer listed). */
  id: string
  charterId: string
  charterSlug: string
  charterTitle: string
  /** Its number in the charter's current version. */
  number: number
  heading: string
  /** Its place on the charter page. */
  url: string
}

/**
 * The sections of a charter's current version, in order, by id: what another module offers when linking
 * something to a section (the barriers and solutions wiki). Null when the charter does not exist or the
 * actor may not see it.
 */
export async function charterSections(db: Db, actor: Actor, charterSlug: string): Promise<{ charter: { id: string; slug: string; title: string }; sections: CharterSectionRef[] } | null> {
  const charter = await findCharterBySlug(db, charterSlug)
  if (!charter || !(await can(db, actor, 'view', 'charter', charter))) return null
  const sections = await sectionsAt(db, charter.id, charter.current_version)
  return {
    charter: { id: charter.id, slug: charter.slug, title: charter.title },
    sections: sections.map((s) => ({ id: s.sectionId, charterId: charter.id, charterSlug: charter.slug, charterTitle: charter.title, number: s.number, heading: s.heading, url: `/charters/${charter.slug}#section-${s.sectionId}` })),
  }
}

/**
 * Sections by their lasting ids, labelled for links (a barrier page naming the sections it is linked to),
 * keyed by id. Deleted sections and sections of charters the actor may not see are left out.
 */
export async function charterSectionsByIds(db: Db, actor: Actor, sectionIds: string[]): Promise<Map<string, CharterSectionRef>> {
  const found = await currentSectionsByIds(db, sectionIds)
  const out = new Map<string, CharterSectionRef>()
  // One or two charters in practice (sections are looked up for one page): a few queries each.
  for (const charterId of new Set(found.map((f) => f.charterId))) {
    const charter = await findCharterById(db, charterId)
    if (!charter || !(await can(db, actor, 'view', 'charter', charter))) continue
    // Numbers come from the whole current version (a section's number is its rank among the live sections).
    const sections = await sectionsAt(db, charter.id, charter.current_version)
    for (const s of sections) {
      if (!found.some((f) => f.sectionId === s.sectionId)) continue
      out.set(s.sectionId, { id: s.sectionId, charterId: charter.id, charterSlug: charter.slug, charterTitle: charter.title, number: s.number, heading: s.heading, url: `/charters/${charter.slug}#section-${s.sectionId}` })
    }
  }
  return out
}
