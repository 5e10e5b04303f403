import type { OrganisationsDb, VocabularyKind, VocabularyTermsTable } from './organisations.tables.ts'

export type Term = VocabularyTermsTable

/** Every term of a kind (retired ones too, when asked), by label. */
export async function termsOf(db: OrganisationsDb, kind: VocabularyKind, withRetired: boolean): Promise<Term[]> {
  let q = db.selectFrom('vocabulary_terms').selectAll().where('kind', '=', kind)
  if (!withRetired) q = q.where('retired_at', 'is', null)
  return q.orderBy('label').orderBy('id').execute()
}

export async function findTerm(db: OrganisationsDb, id: string): Promise<Term | undefined> {
  return db.selectFrom('vocabulary_terms').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Former slugs → the term's current slug, for one kind. */
export async function aliasesOf(db: OrganisationsDb, kind: VocabularyKind): Promise<Map<string, string>> {
  const rows = await db.selectFrom('vocabulary_aliases').innerJoin('vocabulary_terms', 'vocabulary_terms.id', 'vocabulary_aliases.term_id').select(['vocabulary_aliases.old_slug', 'vocabulary_terms.slug']).where('vocabulary_aliases.kind', '=', kind).execute()
  return new Map(rows.map((r) => [r.old_slug, r.slug]))
}

export async function insertTerm(db: OrganisationsDb, term: Term): Promise<void> {
  await db.insertInto('vocabulary_terms').values(term).execute()
}

export async function updateTerm(db: OrganisationsDb, id: string, changes: Partial<Pick<Term, 'slug' | 'label' | 'retired_at' | 'updated_at'>>): Promise<void> {
  await db.updateTable('vocabulary_terms').set(changes).where('id', '=', id).execute()
}

/** The old slug keeps matching the term; a slug taken back by a term stops being an alias. */
export async function recordAlias(db: OrganisationsDb, kind: VocabularyKind, oldSlug: string, termId: string, newSlug: string): Promise<void> {
  await db.deleteFrom('vocabulary_aliases').where('kind', '=', kind).where('old_slug', '=', newSlug).execute()
  await db
    .insertInto('vocabulary_aliases')
    .values({ kind, old_slug: oldSlug, term_id: termId })
    .onConflict((oc) => oc.columns(['kind', 'old_slug']).doUpdateSet({ term_id: termId }))
    .execute()
}

/** Renames a theme on every organisation (one that had both keeps one). */
export async function renameOrganisationTheme(db: OrganisationsDb, from: string, to: string): Promise<void> {
  const both = db.selectFrom('organisation_themes as t2').select('t2.organisation_id').where('t2.theme', '=', to)
  await db.deleteFrom('organisation_themes').where('theme', '=', from).where('organisation_id', 'in', both).execute()
  await db.updateTable('organisation_themes').set({ theme: to }).where('theme', '=', from).execute()
}
