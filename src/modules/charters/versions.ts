import type { Db } from '../../core/db/database.ts'
import { now } from '../../core/db/ids.ts'
import { conflict, notFound } from '../../core/errors.ts'
import { changeCounts, diffLineHtml, diffParagraphsHtml, paragraphsOf, wordDiff } from '../../core/text/diff.ts'
import { claimNextVersion, findVersion, insertVersion, listVersions, sectionsAt, type CharterRow, type SectionText, type VersionRow } from './charters.queries.ts'

/**
 * Versions of a charter: every one is kept (its title, introduction and section texts) and citable at
 * /charters/:slug/versions/:number; any two can be compared word by word.
 */

export type { SectionText, VersionRow }

/** A section ready to show: its paragraphs, and its anchor (`#section-<id>`, stable across versions). */
export interface ShownSection extends SectionText {
  paragraphs: string[]
  anchor: string
}

export const shown = (s: SectionText): ShownSection => ({ ...s, paragraphs: paragraphsOf(s.body), anchor: `section-${s.sectionId}` })

/** Parses a version number from a URL or form ("3"), or null. */
export function versionNumber(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null
  const text = String(value).trim()
  if (!/^[1-9][0-9]{0,8}$/.test(text)) return null
  return Number(text)
}

/** The sections of the charter's current version. */
export async function currentSections(db: Db, charter: CharterRow): Promise<ShownSection[]> {
  return (await sectionsAt(db, charter.id, charter.current_version)).map(shown)
}

/** One version with its sections, or 404. */
export async function versionText(db: Db, charter: CharterRow, number: number): Promise<{ version: VersionRow; sections: ShownSection[] }> {
  const version = number <= charter.current_version ? await findVersion(db, charter.id, number) : undefined
  if (!version) throw notFound('Version')
  return { version, sections: (await sectionsAt(db, charter.id, number)).map(shown) }
}

/** A page of versions, newest first; `before` is the number to continue below. */
export async function versionsPage(db: Db, charter: CharterRow, before: number | null, limit = 50): Promise<{ items: VersionRow[]; next: number | null }> {
  const rows = await listVersions(db, charter.id, { before: before ?? undefined, limit })
  const items = rows.slice(0, limit)
  return { items, next: rows.length > limit ? Number(items[items.length - 1]!.number) : null }
}

/**
 * Opens a new version of the charter and returns its number; the caller writes the section texts that
 * change at it, in the same transaction. Claiming the number locks the charter's row, so versions are
 * made one at a time. The title and introduction carry over unless given. A closed charter refuses.
 */
export async function startVersion(db: Db, charter: CharterRow, actorId: string | null, change: { summary: string; amendmentId?: string | null; title?: string; introduction?: string }): Promise<number> {
  const t = now()
  const number = await claimNextVersion(db, charter.id, t)
  if (number === null) throw conflict('This charter is closed: its text can no longer change')
  const previous = await findVersion(db, charter.id, number - 1)
  await insertVersion(db, {
    charter_id: charter.id,
    number,
    title: change.title ?? previous?.title ?? charter.title,
    introduction: change.introduction ?? previous?.introduction ?? charter.introduction,
    summary: change.summary,
    amendment_id: change.amendmentId ?? null,
    created_by: actorId,
    created_at: t,
  })
  return number
}

/** One text diff in the three ways pages show it. */
export interface TextDiff {
  inline: string
  before: string
  after: string
  added: number
  removed: number
}

export function bodyDiff(before: string, after: string): TextDiff {
  const parts = wordDiff(before, after)
  return { inline: diffParagraphsHtml(parts, 'inline'), before: diffParagraphsHtml(parts, 'before'), after: diffParagraphsHtml(parts, 'after'), ...changeCounts(parts) }
}

export function lineDiff(before: string, after: string): TextDiff {
  const parts = wordDiff(before, after)
  return { inline: diffLineHtml(parts, 'inline'), before: diffLineHtml(parts, 'before'), after: diffLineHtml(parts, 'after'), ...changeCounts(parts) }
}

/** How one section differs between two versions. */
export interface SectionChange {
  sectionId: string
  status: 'changed' | 'added' | 'removed'
  /** Its number in the older and newer version (null where it is absent). */
  fromNumber: number | null
  toNumber: number | null
  heading: TextDiff
  body: TextDiff
}

export interface Comparison {
  from: VersionRow
  to: VersionRow
  title: TextDiff | null
  introduction: TextDiff | null
  changes: SectionChange[]
  /** Sections whose text is the same in both (some may have a new number). */
  unchanged: number
  /** The versions in between, what made each (the newer version's summaries). */
  steps: VersionRow[]
}

/**
 * Compares two versions of a charter section by section (sections keep their identity across versions,
 * so a renumbered section is not a change), word by word.
 */
export async function compareVersions(db: Db, charter: CharterRow, fromNumber: number, toNumber: number): Promise<Comparison> {
  // Versions never change once made, so neither does a comparison of two of them: keep the latest few.
  const key = `${charter.id}:${fromNumber}:${toNumber}`
  const cached = comparisons.get(key)
  if (cached) {
    comparisons.delete(key)
    comparisons.set(key, cached)
    return cached
  }
  const comparison = await computeComparison(db, charter, fromNumber, toNumber)
  comparisons.set(key, comparison)
  if (comparisons.size > COMPARISONS_KEPT) comparisons.delete(comparisons.keys().next().value!)
  return comparison
}

/** Comparisons computed in this process, least recently used first. */
const comparisons = new Map<string, Comparison>()
const COMPARISONS_KEPT = 50

async function computeComparison(db: Db, charter: CharterRow, fromNumber: number, toNumber: number): Promise<Comparison> {
  const [a, b] = await Promise.all([versionText(db, charter, fromNumber), versionText(db, charter, toNumber)])
  const before = new Map(a.sections.map((s) => [s.sectionId, s]))
  const after = new Map(b.sections.map((s) => [s.sectionId, s]))
  const changes: SectionChange[] = []
  let unchanged = 0
  // In the newer version's order, with removed sections where they used to be.
  const order = [...new Set([...b.sections, ...a.sections].sort((x, y) => x.position - y.position).map((s) => s.sectionId))]
  for (const id of order) {
    const x = before.get(id)
    const y = after.get(id)
    if (x && y && x.textId === y.textId) {
      unchanged++
      continue
    }
    const status = !x ? 'added' : !y ? 'removed' : 'changed'
    const heading = lineDiff(x?.heading ?? '', y?.heading ?? '')
    const body = bodyDiff(x?.body ?? '', y?.body ?? '')
    // A text replaced by the same words (an amendment that only changed spacing) is no change to a reader.
    if (status === 'changed' && heading.added + heading.removed + body.added + body.removed === 0) {
      unchanged++
      continue
    }
    changes.push({ sectionId: id, status, fromNumber: x?.number ?? null, toNumber: y?.number ?? null, heading, body })
  }
  const low = Math.min(fromNumber, toNumber)
  const high = Math.max(fromNumber, toNumber)
  const steps = high - low <= 50 ? (await listVersions(db, charter.id, { before: high + 1, limit: high - low })).filter((v) => v.number > low) : []
  return {
    from: a.version,
    to: b.version,
    title: a.version.title === b.version.title ? null : lineDiff(a.version.title, b.version.title),
    introduction: a.version.introduction === b.version.introduction ? null : bodyDiff(a.version.introduction, b.version.introduction),
    changes,
    unchanged,
    steps,
  }
}
