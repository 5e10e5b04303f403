import { sql } from 'kysely'
import { visibleTo, type Actor } from '../../core/access/policy.ts'
import { PROJECT_ACCESS } from './projects.queries.ts'
import { baselinePairs, baselinePairWeights, pairKey } from './directory-counts.queries.ts'
import type { ProjectsDb } from './projects.tables.ts'

export interface NetworkFilter {
  theme?: string
  country?: string
}

/**
 * Pairs of organisations confirmed together on projects the actor may see, with how many projects they
 * share, strongest first. One grouped self-join of the links table; the pair's ids come ordered (a < b).
 */
export async function organisationPairs(db: ProjectsDb, actor: Actor, f: NetworkFilter, limit: number): Promise<Array<{ a: string; b: string; projects: number }>> {
  if (!f.country && !f.theme) return strongestPairs(db, actor, limit)
  return livePairs(db, actor, f, limit, false)
}

/**
 * Unfiltered: the strongest pre-aggregated pairs of baseline projects (read by their index, 0025) with the pairs of
 * the projects this reader sees outside the baseline added on top. A pair outside both lists weighs no more than
 * the last baseline pair read, so the top `limit` of the sums is exact.
 */
async function strongestPairs(db: ProjectsDb, actor: Actor, limit: number): Promise<Array<{ a: string; b: string; projects: number }>> {
  const [base, extra] = await Promise.all([baselinePairs(db, limit), livePairs(db, actor, {}, 10_000, true)])
  if (extra.length === 0) return base
  const sums = new Map(base.map((p) => [pairKey(p.a, p.b), { ...p }]))
  const missing = extra.filter((p) => !sums.has(pairKey(p.a, p.b)))
  const weights = await baselinePairWeights(db, missing)
  for (const p of missing) sums.set(pairKey(p.a, p.b), { a: p.a, b: p.b, projects: weights.get(pairKey(p.a, p.b)) ?? 0 })
  for (const p of extra) sums.get(pairKey(p.a, p.b))!.projects += p.projects
  return [...sums.values()].sort((x, y) => y.projects - x.projects || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0)).slice(0, limit)
}

async function livePairs(db: ProjectsDb, actor: Actor, f: NetworkFilter, limit: number, outsideBaseline: boolean): Promise<Array<{ a: string; b: string; projects: number }>> {
  let q = db
    .selectFrom('project_organisations as x')
    .innerJoin('project_organisations as y', (j) => j.onRef('y.project_id', '=', 'x.project_id').onRef('y.organisation_id', '>', 'x.organisation_id'))
    .innerJoin('projects', 'projects.id', 'x.project_id')
    .select(['x.organisation_id as a', 'y.organisation_id as b', sql<number>`count(*)`.as('n')])
    .where('x.status', '=', 'confirmed')
    .where('y.status', '=', 'confirmed')
    .where((eb) => visibleTo(actor, eb, PROJECT_ACCESS))
  if (outsideBaseline) q = q.where('projects.id', 'in', (eb) => eb.selectFrom('projects as outside').select('outside.id').where(sql<boolean>`outside.space_id is not null or outside.hidden_at is not null`))
  if (f.country) q = q.where('projects.country_code', '=', f.country)
  if (f.theme) {
    const theme = f.theme
    q = q.where('projects.id', 'in', (eb) => eb.selectFrom('project_tags').select('project_tags.project_id').where('project_tags.kind', '=', 'theme').where('project_tags.value', '=', theme))
  }
  const rows = await q.groupBy(['x.organisation_id', 'y.organisation_id']).orderBy('n', 'desc').orderBy('a').orderBy('b').limit(limit).execute()
  return rows.map((r) => ({ a: r.a, b: r.b, projects: Number(r.n) }))
}

/**
 * Which of these organisations are confirmed on a project the actor may see together with another organisation:
 * those in a pre-aggregated pair (baseline projects, 0025), and those on a project outside it that the actor sees.
 */
export async function organisationsWithPartners(db: ProjectsDb, actor: Actor, organisationIds: string[]): Promise<Set<string>> {
  if (organisationIds.length === 0) return new Set()
  const [paired, outside] = await Promise.all([
    db
      .selectFrom('project_organisation_pairs')
      .select('a as id')
      .where('a', 'in', organisationIds)
      .where('projects', '>', 0)
      .union(db.selectFrom('project_organisation_pairs').select('b as id').where('b', 'in', organisationIds).where('projects', '>', 0))
      .execute(),
    db
      .selectFrom('project_organisations as x')
      .innerJoin('project_organisations as y', (j) => j.onRef('y.project_id', '=', 'x.project_id').onRef('y.organisation_id', '<>', 'x.organisation_id'))
      .innerJoin('projects', 'projects.id', 'x.project_id')
      .select('x.organisation_id as id')
      .distinct()
      .where('projects.id', 'in', (eb) => eb.selectFrom('projects as outside').select('outside.id').where(sql<boolean>`outside.space_id is not null or outside.hidden_at is not null`))
      .where((eb) => visibleTo(actor, eb, PROJECT_ACCESS))
      .where('x.organisation_id', 'in', organisationIds)
      .where('x.status', '=', 'confirmed')
      .where('y.status', '=', 'confirmed')
      .execute(),
  ])
  return new Set([...paired, ...outside].map((r) => r.id))
}
