import { sql } from 'kysely'
import type { OrganisationsDb } from './organisations.tables.ts'

/**
 * Pre-aggregated directory counts of organisations (0025), as projects/directory-counts.queries.ts: only
 * site-wide, unhidden organisations (whose visibility depends on their own row alone) count here; what a reader
 * sees beyond them is counted live on top. Every change goes through `trackOrganisation` in its transaction.
 */
const SEP = '\u0000'

async function contribution(db: OrganisationsDb, id: string): Promise<string[]> {
  const org = await db.selectFrom('organisations').select(['type', 'country_code', 'city_id', 'space_id', 'hidden_at']).where('id', '=', id).executeTakeFirst()
  if (!org || org.space_id !== null || org.hidden_at !== null) return []
  const themes = await db.selectFrom('organisation_themes').select('theme').where('organisation_id', '=', id).execute()
  const keys = [`total${SEP}`, ...themes.map((t) => `theme${SEP}${t.theme}`)]
  if (org.type) keys.push(`type${SEP}${org.type}`)
  if (org.country_code) keys.push(`country${SEP}${org.country_code}`)
  if (org.city_id) keys.push(`city${SEP}${org.city_id}`)
  return [...new Set(keys)]
}

/** Runs a change to one organisation (its row or themes) keeping the pre-aggregated counts in step. Call in the changing transaction. */
export async function trackOrganisation<T>(db: OrganisationsDb, id: string, change: () => Promise<T>): Promise<T> {
  // A no-op write first takes the row's lock, so two changes at once cannot both start from the same "before".
  await db.updateTable('organisations').set((eb) => ({ updated_at: eb.ref('organisations.updated_at') })).where('id', '=', id).execute()
  const before = await contribution(db, id)
  const result = await change()
  const after = await contribution(db, id)
  const delta = new Map<string, number>()
  for (const k of before) delta.set(k, (delta.get(k) ?? 0) - 1)
  for (const k of after) delta.set(k, (delta.get(k) ?? 0) + 1)
  for (const [key, n] of delta) {
    if (n === 0) continue
    const [facet, value] = key.split(SEP) as [string, string]
    await db
      .insertInto('organisation_facet_counts')
      .values({ facet, value, n })
      .onConflict((oc) => oc.columns(['facet', 'value']).doUpdateSet((eb) => ({ n: eb('organisation_facet_counts.n', '+', eb.ref('excluded.n')) })))
      .execute()
  }
  return result
}

/** The baseline counts per facet ('total', 'type', 'country', 'theme'), most first. */
export async function baselineOrganisationCounts(db: OrganisationsDb): Promise<Map<string, Array<{ value: string; count: number }>>> {
  const rows = await db.selectFrom('organisation_facet_counts').select(['facet', 'value', 'n']).where('n', '>', 0).orderBy('n', 'desc').orderBy('value').execute()
  const byFacet = new Map<string, Array<{ value: string; count: number }>>()
  for (const r of rows) (byFacet.get(r.facet) ?? byFacet.set(r.facet, []).get(r.facet)!).push({ value: r.value, count: Number(r.n) })
  return byFacet
}

const BASELINE = 'o.space_id is null and o.hidden_at is null'
/** The migration's statements: recount everything (for data written around `trackOrganisation`, such as a bulk load). */
export const ORGANISATION_COUNTS_REBUILD = [
  `delete from organisation_facet_counts`,
  `insert into organisation_facet_counts (facet, value, n) select 'total', '', count(*) from organisations o where ${BASELINE}`,
  `insert into organisation_facet_counts (facet, value, n) select 'type', o.type, count(*) from organisations o where ${BASELINE} and o.type <> '' group by o.type`,
  `insert into organisation_facet_counts (facet, value, n) select 'country', o.country_code, count(*) from organisations o where ${BASELINE} and o.country_code <> '' group by o.country_code`,
  `insert into organisation_facet_counts (facet, value, n) select 'city', o.city_id, count(*) from organisations o where ${BASELINE} and o.city_id <> '' group by o.city_id`,
  `insert into organisation_facet_counts (facet, value, n) select 'theme', t.theme, count(distinct t.organisation_id) from organisation_themes t join organisations o on o.id = t.organisation_id where ${BASELINE} group by t.theme`,
]

export async function rebuildOrganisationCounts(db: OrganisationsDb): Promise<void> {
  for (const statement of ORGANISATION_COUNTS_REBUILD) await sql.raw(statement).execute(db)
}

/** Counts these theme values again from the tables (after a term's slug changed on every organisation). */
export async function recountOrganisationThemes(db: OrganisationsDb, values: string[]): Promise<void> {
  await db.deleteFrom('organisation_facet_counts').where('facet', '=', 'theme').where('value', 'in', values).execute()
  const rows = await db
    .selectFrom('organisation_themes as t')
    .innerJoin('organisations as o', 'o.id', 't.organisation_id')
    .select(['t.theme', sql<number>`count(*)`.as('n')])
    .where('t.theme', 'in', values)
    .where('o.space_id', 'is', null)
    .where('o.hidden_at', 'is', null)
    .groupBy('t.theme')
    .execute()
  if (rows.length) await db.insertInto('organisation_facet_counts').values(rows.map((r) => ({ facet: 'theme', value: r.theme, n: Number(r.n) }))).execute()
}
