import type { Executor } from '../../core/db/database.ts'
import { can, type Actor } from '../../core/access/policy.ts'
import * as projects from '../projects/projects.queries.ts'
import * as organisations from '../organisations/organisations.queries.ts'

/**
 * Projects and organisations as posts needs them (id, slug, name), through the functions the
 * projects and organisations modules export: the one place posts depends on their shapes.
 */
export interface LinkRef {
  id: string
  slug: string
  name: string
}

const ref = (r: { id: string; slug: string; name: string }): LinkRef => ({ id: r.id, slug: r.slug, name: r.name })
const refs = (m: Map<string, { id: string; slug: string; name: string }>) => new Map([...m].map(([k, v]) => [k, ref(v)]))

export async function projectsByIds(db: Executor, ids: string[]): Promise<Map<string, LinkRef>> {
  return ids.length ? refs(await projects.projectsByIds(db, ids)) : new Map()
}

export async function organisationsByIds(db: Executor, ids: string[]): Promise<Map<string, LinkRef>> {
  return ids.length ? refs(await organisations.organisationsByIds(db, ids)) : new Map()
}

/** A project by slug (any project may be attached to a post). */
export async function findProjectBySlug(db: Executor, slug: string): Promise<LinkRef | null> {
  const row = slug ? await projects.findProjectBySlug(db, slug) : undefined
  return row ? ref(row) : null
}

export async function findOrganisationBySlug(db: Executor, slug: string): Promise<LinkRef | null> {
  const row = slug ? await organisations.findOrganisationBySlug(db, slug) : undefined
  return row ? ref(row) : null
}

/** A project by slug only if the actor may see it (for its feed and filtered lists). */
export async function visibleProjectBySlug(db: Executor, actor: Actor, slug: string): Promise<LinkRef | null> {
  const row = slug ? await projects.findProjectBySlug(db, slug) : undefined
  if (!row || !(await can(db, actor, 'view', { spaceId: row.space_id, hiddenAt: row.hidden_at, authorIds: row.created_by ? [row.created_by] : [] }))) return null
  return ref(row)
}

export async function visibleOrganisationBySlug(db: Executor, actor: Actor, slug: string): Promise<LinkRef | null> {
  const row = slug ? await organisations.findOrganisationBySlug(db, slug) : undefined
  if (!row || !(await can(db, actor, 'view', { spaceId: row.space_id, hiddenAt: row.hidden_at, authorIds: row.created_by ? [row.created_by] : [] }))) return null
  return ref(row)
}

export async function projectsOfPerson(db: Executor, userId: string): Promise<LinkRef[]> {
  return (await projects.projectsOfPerson(db, userId)).map(ref)
}

export async function organisationsOfPerson(db: Executor, userId: string): Promise<LinkRef[]> {
  return (await organisations.organisationsOfPerson(db, userId)).map(ref)
}
