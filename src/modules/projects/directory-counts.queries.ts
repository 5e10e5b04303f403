import { sql } from 'kysely'
import type { ProjectsDb } from './projects.tables.ts'

/**
 * Pre-aggregated directory figures (0025). Only "baseline" projects count here: site-wide (no space) and not
 * hidden, whose visibility depends on their own row alone, so no other module's change (a space turning private,
 * a membership) can make these figures wrong. Anything else a reader may see is counted live on top.
 *
 * Each write goes through `trackProject`: it takes the project's row lock, notes what the project contributes,
 * makes the change, notes it again and applies the difference, all in the caller's transaction.
 */
interface Contribution {
  facets: string[]
  pairs: string[]
}

const SEP = '\u0000'

/** What one project adds to the counts and the network now (nothing unless it is a baseline project). */
async function contribution(db: ProjectsDb, projectId: string): Promise<Contribution> {
  const project = await db.selectFrom('projects').select(['phase', 'country_code', 'city_id', 'space_id', 'hidden_at']).where('id', '=', projectId).executeTakeFirst()
  if (!project || project.space_id !== null || project.hidden_at !== null) return { facets: [], pairs: [] }
  const [tags, orgs] = await Promise.all([
    db.selectFrom('project_tags').select(['kind', 'value']).where('project_id', '=', projectId).where('kind', 'in', ['theme', 'technology']).execute(),
    db.selectFrom('project_organisations').select('organisation_id').where('project_id', '=', projectId).where('status', '=', 'confirmed').execute(),
  ])
  const facets = [`total${SEP}`, `phase${SEP}${project.phase}`, ...tags.map((t) => `${t.kind}${SEP}${t.value}`)]
  if (project.country_code) facets.push(`country${SEP}${project.country_code}`)
  if (project.city_id) facets.push(`city${SEP}${project.city_id}`)
  const ids = [...new Set(orgs.map((o) => o.organisation_id))].sort()
  const pairs: string[] = []
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) pairs.push(`${ids[i]}${SEP}${ids[j]}`)
  return { facets: [...new Set(facets)], pairs }
}

function delta(before: string[], after: string[]): Map<string, number> {
  const d = new Map<string, number>()
  for (const k of before) d.set(k, (d.get(k) ?? 0) - 1)
  for (const k of after) d.set(k, (d.get(k) ?? 0) + 1)
  for (const [k, v] of d) if (v === 0) d.delete(k)
  return d
}

async function apply(db: ProjectsDb, before: Contribution, after: Contribution): Promise<void> {
  for (const [key, n] of delta(before.facets, after.facets)) {
    const [facet, value] = key.split(SEP) as [string, string]
    await db
      .insertInto('project_facet_counts')
      .values({ facet, value, n })
      .onConflict((oc) => oc.columns(['facet', 'value']).doUpdateSet((eb) => ({ n: eb('project_facet_counts.n', '+', eb.ref('excluded.n')) })))
      .execute()
  }
  for (const [key, n] of delta(before.pairs, after.pairs)) {
    const [a, b] = key.split(SEP) as [string, string]
    await db
      .insertInto('project_organisation_pairs')
      .values({ a, b, projects: n })
      .onConflict((oc) => oc.columns(['a', 'b']).doUpdateSet((eb) => ({ projects: eb('project_organisation_pairs.projects', '+', eb.ref('excluded.projects')) })))
      .execute()
  }
}

/** Runs a change to one project (its row, tags or organisation links) keeping the pre-aggregated figures in step. Call in the changing transaction. */
export async function trackProject<T>(db: ProjectsDb, projectId: string, change: () => Promise<T>): Promise<T> {
  return trackProjects(db, [projectId], change)
}

/**
 * The same for a change to several projects at once (a merge moves links of every project naming the duplicate).
 * Not to be nested in another tracking of the same projects: the inner change would be counted twice.
 */
export async function trackProjects<T>(db: ProjectsDb, projectIds: readonly string[], change: () => Promise<T>): Promise<T> {
  const ids = [...new Set(projectIds)].sort()
  if (ids.length === 0) return change()
  // A no-op write first: it takes the rows' locks (PostgreSQL) or the write lock (SQLite), so two changes to one
  // project at once cannot both start from the same "before".
  await db.updateTable('projects').set((eb) => ({ revision: eb.ref('projects.revision') })).where('id', 'in', ids).execute()
  const sum = async () => {
    const parts = await Promise.all(ids.map((id) => contribution(db, id)))
    return { facets: parts.flatMap((p) => p.facets), pairs: parts.flatMap((p) => p.pairs) }
  }
  const before = await sum()
  const result = await change()
  await apply(db, before, await sum())
  return result
}

/** The baseline counts per facet ('total', 'phase', 'country', 'theme', 'technology') → value → n. */
export async function baselineProjectCounts(db: ProjectsDb): Promise<Map<string, Array<{ value: string; count: number }>>> {
  const rows = await db.selectFrom('project_facet_counts').select(['facet', 'value', 'n']).where('n', '>', 0).orderBy('n', 'desc').orderBy('value').execute()
  const byFacet = new Map<string, Array<{ value: string; count: number }>>()
  for (const r of rows) (byFacet.get(r.facet) ?? byFacet.set(r.facet, []).get(r.facet)!).push({ value: r.value, count: Number(r.n) })
  return byFacet
}

/** The strongest baseline pairs, read by the (projects desc) index. */
export async function baselinePairs(db: ProjectsDb, limit: number): Promise<Array<{ a: string; b: string; projects: number }>> {
  const rows = await db.selectFrom('project_organisation_pairs').select(['a', 'b', 'projects']).where('projects', '>', 0).orderBy('projects', 'desc').orderBy('a').orderBy('b').limit(limit).execute()
  return rows.map((r) => ({ a: r.a, b: r.b, projects: Number(r.projects) }))
}

/** The baseline weights of these pairs (to add what a reader sees beyond the baseline). */
export async function baselinePairWeights(db: ProjectsDb, pairs: Array<{ a: string; b: string }>): Promise<Map<string, number>> {
  const weights = new Map<string, number>()
  for (let i = 0; i < pairs.length; i += 200) {
    const part = pairs.slice(i, i + 200)
    const rows = await db.selectFrom('project_organisation_pairs').select(['a', 'b', 'projects']).where((eb) => eb.or(part.map((p) => eb.and([eb('a', '=', p.a), eb('b', '=', p.b)])))).execute()
    for (const r of rows) weights.set(`${r.a}${SEP}${r.b}`, Number(r.projects))
  }
  return weights
}

export const pairKey = (a: string, b: string) => `${a}${SEP}${b}`

/**
 * Recounts everything from the tables (the migration's statements): for data written around `trackProject`,
 * such as the benchmark's bulk load.
 */
export async function rebuildProjectCounts(db: ProjectsDb): Promise<void> {
  for (const statement of PROJECT_COUNTS_REBUILD) await sql.raw(statement).execute(db)
}

const BASELINE = `p.space_id is null and p.hidden_at is null`
export const PROJECT_COUNTS_REBUILD = [
  `delete from project_facet_counts`,
  `insert into project_facet_counts (facet, value, n) select 'total', '', count(*) from projects p where ${BASELINE}`,
  `insert into project_facet_counts (facet, value, n) select 'phase', p.phase, count(*) from projects p where ${BASELINE} group by p.phase`,
  `insert into project_facet_counts (facet, value, n) select 'country', p.country_code, count(*) from projects p where ${BASELINE} and p.country_code <> '' group by p.country_code`,
  `insert into project_facet_counts (facet, value, n) select 'city', p.city_id, count(*) from projects p where ${BASELINE} and p.city_id <> '' group by p.city_id`,
  `insert into project_facet_counts (facet, value, n) select t.kind, t.value, count(distinct t.project_id) from project_tags t join projects p on p.id = t.project_id where ${BASELINE} and t.kind in ('theme', 'technology') group by t.kind, t.value`,
  `delete from project_organisation_pairs`,
  `insert into project_organisation_pairs (a, b, projects) select x.organisation_id, y.organisation_id, count(distinct x.project_id) from project_organisations x
     join project_organisations y on y.project_id = x.project_id and y.organisation_id > x.organisation_id
     join projects p on p.id = x.project_id
     where x.status = 'confirmed' and y.status = 'confirmed' and ${BASELINE} group by x.organisation_id, y.organisation_id`,
]

/** Renames a tag value on every project (one that had both keeps one) and counts both values again. */
export async function renameProjectTag(db: ProjectsDb, kind: 'theme' | 'technology', from: string, to: string): Promise<void> {
  const both = db.selectFrom('project_tags as t2').select('t2.project_id').where('t2.kind', '=', kind).where('t2.value', '=', to)
  await db.deleteFrom('project_tags').where('kind', '=', kind).where('value', '=', from).where('project_id', 'in', both).execute()
  await db.updateTable('project_tags').set({ value: to }).where('kind', '=', kind).where('value', '=', from).execute()
  await db.deleteFrom('project_facet_counts').where('facet', '=', kind).where('value', 'in', [from, to]).execute()
  const rows = await db
    .selectFrom('project_tags as t')
    .innerJoin('projects as p', 'p.id', 't.project_id')
    .select(['t.value', sql<number>`count(*)`.as('n')])
    .where('t.kind', '=', kind)
    .where('t.value', 'in', [from, to])
    .where('p.space_id', 'is', null)
    .where('p.hidden_at', 'is', null)
    .groupBy('t.value')
    .execute()
  if (rows.length) await db.insertInto('project_facet_counts').values(rows.map((r) => ({ facet: kind, value: r.value, n: Number(r.n) }))).execute()
}
