import type { Db } from '../../core/db/database.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { can } from '../../core/access/can.ts'
import { audit } from '../../core/audit.ts'
import { newId, now } from '../../core/db/ids.ts'
import { forbidden, invalid, notFound } from '../../core/errors.ts'
import { recountOrganisationThemes } from './directory-counts.queries.ts'
import type { VocabularyKind } from './organisations.tables.ts'
import { aliasesOf, findTerm, insertTerm, recordAlias, renameOrganisationTheme, termsOf, updateTerm, type Term } from './vocabulary.queries.ts'

export type { Term } from './vocabulary.queries.ts'

/** A term's slug from its label: lowercase, single spaces (the form entries have always stored). */
export const slugOfLabel = (label: string) => label.toLowerCase().replace(/\s+/g, ' ').trim()

/** The terms forms offer (not retired), by label. */
export async function vocabularyTerms(db: Db, kind: VocabularyKind, withRetired = false): Promise<Term[]> {
  return termsOf(db, kind, withRetired)
}

/** What each known spelling of a kind's terms (slug, label, former slug; any case) stands for: the current slug. */
export async function vocabularyResolver(db: Db, kind: VocabularyKind): Promise<Map<string, string>> {
  const [terms, aliases] = await Promise.all([termsOf(db, kind, true), aliasesOf(db, kind)])
  const known = new Map<string, string>(aliases)
  for (const t of terms) known.set(slugOfLabel(t.label), t.slug).set(t.slug, t.slug)
  return known
}

/**
 * A filter's value (a page's or the API's `?theme=`, `?technology=`) as the vocabulary's slug: a label, the slug or
 * a former slug of a renamed term finds the term; other text is kept as typed (lowercase), matching nothing new.
 */
export async function filterTerm(db: Db, kind: VocabularyKind, text: string | undefined): Promise<string | undefined> {
  const value = (text ?? '').toLowerCase().replace(/\s+/g, ' ').trim()
  if (!value) return undefined
  return (await vocabularyResolver(db, kind)).get(value) ?? value
}

/**
 * Values from a form or the API as the vocabulary's slugs. A value it does not know is refused, unless the entry
 * already has it (values from before the vocabulary, or from a retired term, are kept, not silently dropped).
 */
export async function canonicalTerms(db: Db, kind: VocabularyKind, values: string[], kept: string[] = []): Promise<{ slugs: string[]; unknown: string[] }> {
  const known = await vocabularyResolver(db, kind)
  const keep = new Set(kept)
  const slugs: string[] = []
  const unknown: string[] = []
  for (const v of values.map(slugOfLabel).filter(Boolean)) {
    const slug = known.get(v) ?? (keep.has(v) ? v : null)
    if (slug === null) unknown.push(v)
    else if (!slugs.includes(slug)) slugs.push(slug)
  }
  return { slugs, unknown }
}

const KIND_LABEL: Record<VocabularyKind, string> = { theme: 'theme', technology: 'technology' }

async function mustAdminister(db: Db, actor: Actor): Promise<string> {
  if (!signedIn(actor) || !(await can(db, actor, 'manage', 'vocabulary', { site: true }))) throw forbidden('Only site admins can change the vocabulary')
  return actor.userId
}

async function checkLabel(db: Db, kind: VocabularyKind, label: string, except?: string): Promise<string> {
  const tidy = label.replace(/\s+/g, ' ').trim()
  if (!tidy) throw invalid({ label: `Enter the ${KIND_LABEL[kind]}` })
  if (tidy.length > 40) throw invalid({ label: `The ${KIND_LABEL[kind]} must be 40 characters or fewer` })
  const existing = (await vocabularyResolver(db, kind)).get(slugOfLabel(tidy))
  const owner = existing ? (await termsOf(db, kind, true)).find((t) => t.slug === existing) : undefined
  if (owner && owner.id !== except) throw invalid({ label: `“${owner.label}” is already a ${KIND_LABEL[kind]}${owner.retired_at ? ' (retired: restore it instead)' : ''}` })
  return tidy
}

/** A site admin adds a term (audit-logged). */
export async function addTerm(db: Db, actor: Actor, kind: VocabularyKind, label: string): Promise<Term> {
  const actorId = await mustAdminister(db, actor)
  const tidy = await checkLabel(db, kind, label)
  const t = now()
  const term: Term = { id: newId(), kind, slug: slugOfLabel(tidy), label: tidy, retired_at: null, created_at: t, updated_at: t }
  await insertTerm(db, term)
  await audit(db, { actorId, action: 'vocabulary.add', subjectType: 'vocabulary_term', subjectId: term.id, subjectTitle: `${KIND_LABEL[kind]}: ${tidy}`, subjectUrl: '/admin/vocabulary' })
  return term
}

/**
 * A site admin renames a term (audit-logged). When its slug changes, organisations' themes move to the new slug
 * here and the old slug becomes an alias (old filter links keep matching); the caller moves projects' tags
 * (`{ from, to }`) in the same transaction.
 */
export async function renameTerm(db: Db, actor: Actor, id: string, label: string): Promise<{ term: Term; from: string; to: string } | { term: Term; from: null; to: null }> {
  const actorId = await mustAdminister(db, actor)
  const term = await findTerm(db, id)
  if (!term) throw notFound('Term')
  const tidy = await checkLabel(db, term.kind, label, term.id)
  const slug = slugOfLabel(tidy)
  await updateTerm(db, id, { label: tidy, slug, updated_at: now() })
  await audit(db, { actorId, action: 'vocabulary.rename', subjectType: 'vocabulary_term', subjectId: id, subjectTitle: `${KIND_LABEL[term.kind]}: ${term.label} → ${tidy}`, subjectUrl: '/admin/vocabulary' })
  const renamed = { ...term, label: tidy, slug }
  if (slug === term.slug) return { term: renamed, from: null, to: null }
  await recordAlias(db, term.kind, term.slug, id, slug)
  if (term.kind === 'theme') {
    await renameOrganisationTheme(db, term.slug, slug)
    await recountOrganisationThemes(db, [term.slug, slug])
  }
  return { term: renamed, from: term.slug, to: slug }
}

/** A site admin retires (no longer offered; entries keep it) or restores a term (audit-logged). */
export async function retireTerm(db: Db, actor: Actor, id: string, retired: boolean): Promise<Term> {
  const actorId = await mustAdminister(db, actor)
  const term = await findTerm(db, id)
  if (!term) throw notFound('Term')
  const retired_at = retired ? (term.retired_at ?? now()) : null
  await updateTerm(db, id, { retired_at, updated_at: now() })
  await audit(db, { actorId, action: retired ? 'vocabulary.retire' : 'vocabulary.restore', subjectType: 'vocabulary_term', subjectId: id, subjectTitle: `${KIND_LABEL[term.kind]}: ${term.label}`, subjectUrl: '/admin/vocabulary' })
  return { ...term, retired_at }
}

/** A form's checkboxes for a kind: the terms on offer, and any chosen value that is not (retired, or from before the vocabulary). */
export async function vocabularyChoices(db: Db, kind: VocabularyKind, chosen: unknown): Promise<Array<{ value: string; text: string; checked: boolean }>> {
  const list = (Array.isArray(chosen) ? chosen.map(String) : typeof chosen === 'string' ? chosen.split(',') : []).map(slugOfLabel).filter(Boolean)
  const [terms, known] = await Promise.all([termsOf(db, kind, true), vocabularyResolver(db, kind)])
  const selected = new Set(list.map((v) => known.get(v) ?? v))
  const items = terms.filter((t) => !t.retired_at || selected.has(t.slug)).map((t) => ({ value: t.slug, text: t.label, checked: selected.has(t.slug) }))
  for (const v of selected) if (!items.some((i) => i.value === v)) items.push({ value: v, text: v, checked: true })
  return items
}
