import { publiclyVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { readerHas } from '../../core/access/reader-facts.ts'
import { afterCursor, type Cursor } from '../../core/http/pagination.ts'
import type { ChartersDb, ChartersTable, CharterSectionTextsTable, CharterStatus, CharterVersionsTable } from './charters.tables.ts'

export type CharterRow = ChartersTable
export type VersionRow = CharterVersionsTable
export type SectionTextRow = CharterSectionTextsTable

/** The access columns of the charters table, for `visibleTo`. */
export const CHARTER_ACCESS = { space: 'charters.space_id' }

/** One section as a version holds it: its lasting id, its text row and its number in that version. */
export interface SectionText {
  sectionId: string
  textId: string
  number: number
  position: number
  heading: string
  body: string
  fromVersion: number
}

export async function findCharterBySlug(db: ChartersDb, slug: string): Promise<CharterRow | undefined> {
  if (!slug || slug.length > 100) return undefined
  return db.selectFrom('charters').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export async function findCharterById(db: ChartersDb, id: string): Promise<CharterRow | undefined> {
  return db.selectFrom('charters').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Charters by id that the actor may see, keyed by id (panels on organisation and person pages). */
export async function visibleChartersByIds(db: ChartersDb, actor: Actor, ids: string[]): Promise<Map<string, CharterRow>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('charters')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .where((eb) => visibleTo(actor, eb, CHARTER_ACCESS))
    .execute()
  return new Map(rows.map((r) => [r.id, r]))
}

export async function charterSlugsLike(db: ChartersDb, base: string): Promise<string[]> {
  const rows = await db
    .selectFrom('charters')
    .select('slug')
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .execute()
  return rows.map((r) => r.slug)
}

/** Charters the actor may see, most recently changed first (keyset on updated_at, id); fetches `limit + 1`. */
export async function listCharterRows(db: ChartersDb, actor: Actor, options: { status?: CharterStatus; cursor: Cursor | null; limit: number }): Promise<CharterRow[]> {
  let q = db
    .selectFrom('charters')
    .selectAll()
    .where((eb) => visibleTo(actor, eb, CHARTER_ACCESS))
  if (options.status) q = q.where('status', '=', options.status)
  const cursor = options.cursor
  if (cursor) q = q.where((eb) => afterCursor(eb, 'charters.updated_at', 'charters.id', cursor))
  return q.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1).execute()
}

/** Every charter an anonymous reader may see, for the sitemap. */
export async function publicCharterPaths(db: ChartersDb): Promise<Array<{ slug: string; updated_at: string }>> {
  return db
    .selectFrom('charters')
    .select(['slug', 'updated_at'])
    .where((eb) => publiclyVisible(eb, CHARTER_ACCESS))
    .orderBy('slug')
    .execute()
}

export async function insertCharter(db: ChartersDb, row: CharterRow): Promise<void> {
  await db.insertInto('charters').values(row).execute()
}

export async function updateCharterRow(db: ChartersDb, id: string, changes: Partial<Omit<CharterRow, 'id'>>): Promise<void> {
  await db.updateTable('charters').set(changes).where('id', '=', id).execute()
}

/**
 * Moves a charter to a new version and returns its number. The update takes the charter's row lock
 * (PostgreSQL), so two editors accepting amendments at once make versions one after the other, and
 * each sees the text the other made. Refuses (null) a closed charter.
 */
export async function claimNextVersion(db: ChartersDb, charterId: string, at: string): Promise<number | null> {
  const row = await db
    .updateTable('charters')
    .set((eb) => ({ current_version: eb('current_version', '+', 1), updated_at: at }))
    .where('id', '=', charterId)
    .where('status', '!=', 'closed')
    .returning('current_version')
    .executeTakeFirst()
  return row ? Number(row.current_version) : null
}

/** The next amendment number of a charter (row lock: racing proposals get different numbers). */
export async function claimAmendmentNumber(db: ChartersDb, charterId: string): Promise<number> {
  const row = await db
    .updateTable('charters')
    .set((eb) => ({ amendment_count: eb('amendment_count', '+', 1) }))
    .where('id', '=', charterId)
    .returning('amendment_count')
    .executeTakeFirstOrThrow()
  return Number(row.amendment_count)
}

/** Changes the status if it is still `from` (a racing second "publish" finds nothing to change). */
export async function moveCharterStatus(db: ChartersDb, id: string, from: CharterStatus, to: CharterStatus, changes: Partial<CharterRow>): Promise<boolean> {
  const result = await db.updateTable('charters').set({ ...changes, status: to }).where('id', '=', id).where('status', '=', from).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

// ---------------------------------------------------------------- editors

/** Whether the reader edits this charter: a personal fact, read so that a shared page can note it (core/access/reader-facts.ts). */
export async function isEditor(db: ChartersDb, actor: Actor, charterId: string): Promise<boolean> {
  return readerHas(db, actor, 'charter_editors', 'user_id', { charter_id: charterId })
}

export async function editorIdsOf(db: ChartersDb, charterId: string): Promise<string[]> {
  const rows = await db.selectFrom('charter_editors').select('user_id').where('charter_id', '=', charterId).orderBy('created_at').limit(100).execute()
  return rows.map((r) => r.user_id)
}

/** Adds an editor; adding one twice changes nothing. */
export async function insertEditor(db: ChartersDb, charterId: string, userId: string, addedBy: string | null, at: string): Promise<void> {
  await db
    .insertInto('charter_editors')
    .values({ charter_id: charterId, user_id: userId, added_by: addedBy, created_at: at })
    .onConflict((oc) => oc.columns(['charter_id', 'user_id']).doNothing())
    .execute()
}

export async function deleteEditor(db: ChartersDb, charterId: string, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('charter_editors').where('charter_id', '=', charterId).where('user_id', '=', userId).executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

// ---------------------------------------------------------------- versions and section texts

export async function insertVersion(db: ChartersDb, row: VersionRow): Promise<void> {
  await db.insertInto('charter_versions').values(row).execute()
}

export async function setVersionSummary(db: ChartersDb, charterId: string, number: number, summary: string): Promise<void> {
  await db.updateTable('charter_versions').set({ summary }).where('charter_id', '=', charterId).where('number', '=', number).execute()
}

export async function findVersion(db: ChartersDb, charterId: string, number: number): Promise<VersionRow | undefined> {
  if (!Number.isSafeInteger(number)) return undefined
  return db.selectFrom('charter_versions').selectAll().where('charter_id', '=', charterId).where('number', '=', number).executeTakeFirst()
}

/** A charter's versions, newest first (there are as many as accepted amendments: page them). */
export async function listVersions(db: ChartersDb, charterId: string, options: { before?: number; limit: number }): Promise<VersionRow[]> {
  let q = db.selectFrom('charter_versions').selectAll().where('charter_id', '=', charterId)
  if (options.before !== undefined) q = q.where('number', '<', options.before)
  return q.orderBy('number', 'desc').limit(options.limit + 1).execute()
}

/** The sections of one version in order, numbered from 1. */
export async function sectionsAt(db: ChartersDb, charterId: string, version: number): Promise<SectionText[]> {
  const rows = await db
    .selectFrom('charter_section_texts')
    .innerJoin('charter_sections', 'charter_sections.id', 'charter_section_texts.section_id')
    .select([
      'charter_section_texts.id',
      'charter_section_texts.section_id',
      'charter_section_texts.heading',
      'charter_section_texts.body',
      'charter_section_texts.from_version',
      'charter_sections.position',
    ])
    .where('charter_section_texts.charter_id', '=', charterId)
    .where('charter_section_texts.from_version', '<=', version)
    .where((eb) => eb.or([eb('charter_section_texts.to_version', 'is', null), eb('charter_section_texts.to_version', '>', version)]))
    .orderBy('charter_sections.position')
    .execute()
  return rows.map((r, i) => ({ sectionId: r.section_id, textId: r.id, number: i + 1, position: Number(r.position), heading: r.heading, body: r.body, fromVersion: Number(r.from_version) }))
}

/** The current text of one section, or undefined if the section is deleted (or not this charter's). */
export async function currentText(db: ChartersDb, charterId: string, sectionId: string): Promise<SectionTextRow | undefined> {
  return db
    .selectFrom('charter_section_texts')
    .selectAll()
    .where('charter_id', '=', charterId)
    .where('section_id', '=', sectionId)
    .where('to_version', 'is', null)
    .executeTakeFirst()
}

export async function findText(db: ChartersDb, id: string): Promise<SectionTextRow | undefined> {
  return db.selectFrom('charter_section_texts').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Section texts by id (an amendment page shows the text it was written against). */
export async function textsByIds(db: ChartersDb, ids: string[]): Promise<Map<string, SectionTextRow>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('charter_section_texts').selectAll().where('id', 'in', [...new Set(ids)]).execute()
  return new Map(rows.map((r) => [r.id, r]))
}

/** Ends a text's validity at `version`; false if it was no longer current (someone replaced it first). */
export async function retireText(db: ChartersDb, textId: string, version: number): Promise<boolean> {
  const result = await db.updateTable('charter_section_texts').set({ to_version: version }).where('id', '=', textId).where('to_version', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function insertText(db: ChartersDb, row: SectionTextRow): Promise<void> {
  await db.insertInto('charter_section_texts').values(row).execute()
}

export async function insertSections(db: ChartersDb, rows: Array<{ id: string; charter_id: string; position: number; created_at: string }>): Promise<void> {
  if (rows.length) await db.insertInto('charter_sections').values(rows).execute()
}

export async function insertTexts(db: ChartersDb, rows: SectionTextRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('charter_section_texts').values(rows.slice(i, i + 200)).execute()
}

/** Every section of a charter ever made, by position (deleted ones included: their places stay theirs). */
export async function sectionPositions(db: ChartersDb, charterId: string): Promise<Array<{ id: string; position: number }>> {
  const rows = await db.selectFrom('charter_sections').select(['id', 'position']).where('charter_id', '=', charterId).orderBy('position').execute()
  return rows.map((r) => ({ id: r.id, position: Number(r.position) }))
}

/** Spreads a charter's section positions out again (same order), when there is no room left between two. */
export async function respaceSections(db: ChartersDb, sections: Array<{ id: string; position: number }>, gap: number): Promise<void> {
  // Rare (only after many insertions at one place), and a charter has a few dozen sections: one update each.
  for (const [i, s] of sections.entries()) await db.updateTable('charter_sections').set({ position: (i + 1) * gap }).where('id', '=', s.id).execute()
}

/** Sections (with their charter) by id, as their current texts have them; deleted sections are left out. */
export async function currentSectionsByIds(db: ChartersDb, ids: string[]): Promise<Array<{ sectionId: string; charterId: string; heading: string; position: number }>> {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('charter_section_texts')
    .innerJoin('charter_sections', 'charter_sections.id', 'charter_section_texts.section_id')
    .select(['charter_section_texts.section_id', 'charter_section_texts.charter_id', 'charter_section_texts.heading', 'charter_sections.position'])
    .where('charter_section_texts.section_id', 'in', [...new Set(ids)])
    .where('charter_section_texts.to_version', 'is', null)
    .execute()
  return rows.map((r) => ({ sectionId: r.section_id, charterId: r.charter_id, heading: r.heading, position: Number(r.position) }))
}
