import { trackProject } from './directory-counts.queries.ts'
import { readerHas, readerRows } from '../../core/access/reader-facts.ts'
import type { Insertable, Selectable } from 'kysely'
import { publiclyVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { afterCursor, type Cursor } from '../../core/http/pagination.ts'
import type { AffiliationStatus, Phase, ProjectOrganisationRole, ProjectsDb, ProjectsTable, TagKind } from './projects.tables.ts'

export type ProjectRow = Selectable<ProjectsTable>

/** What other modules need to label and link a project. */
export interface ProjectSummary {
  id: string
  slug: string
  name: string
  summary: string
  phase: Phase
}

export type ProjectTags = Record<TagKind, string[]>

const SUMMARY = ['projects.id', 'projects.slug', 'projects.name', 'projects.summary', 'projects.phase'] as const

/** The access columns of the projects table, for `visibleTo`. */
export const PROJECT_ACCESS = { space: 'projects.space_id', hidden: 'projects.hidden_at', author: 'projects.created_by' }

/** The project with this (current) slug, or undefined. Does not apply the access policy: use `can` on the result. */
export async function findProjectBySlug(db: ProjectsDb, slug: string): Promise<ProjectRow | undefined> {
  if (slug.length > 100) return undefined
  return db.selectFrom('projects').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export async function findProjectById(db: ProjectsDb, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The current slug of a project that used to have `oldSlug`, for 301s. */
export async function currentProjectSlug(db: ProjectsDb, oldSlug: string): Promise<string | undefined> {
  if (oldSlug.length > 100) return undefined
  const row = await db
    .selectFrom('project_slug_redirects')
    .innerJoin('projects', 'projects.id', 'project_slug_redirects.project_id')
    .select('projects.slug')
    .where('project_slug_redirects.old_slug', '=', oldSlug)
    .executeTakeFirst()
  return row?.slug
}

/** Slugs used now or formerly that start with `base`. */
export async function projectSlugsLike(db: ProjectsDb, base: string): Promise<Array<{ slug: string; project_id: string }>> {
  const live = await db
    .selectFrom('projects')
    .select(['slug', 'id as project_id'])
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .execute()
  const old = await db
    .selectFrom('project_slug_redirects')
    .select(['old_slug as slug', 'project_id'])
    .where((eb) => eb.or([eb('old_slug', '=', base), eb('old_slug', 'like', `${base}-%`)]))
    .execute()
  return [...live, ...old]
}

export interface ProjectFilter {
  phase?: string
  theme?: string
  place?: string
  technology?: string
  /** Organisation id (lead or partner). */
  organisationId?: string
}

/** A page of projects the actor may see, most recently updated first (keyset on updated_at, id); fetches `limit + 1`. */
export async function listProjects(db: ProjectsDb, actor: Actor, filter: ProjectFilter, cursor: Cursor | null, limit: number): Promise<ProjectRow[]> {
  // A forged cursor with NUL would make PostgreSQL fail: start from the first page instead.
  if (cursor && (cursor.at + cursor.id).includes('\u0000')) cursor = null
  let q = db
    .selectFrom('projects')
    .selectAll('projects')
    .where((eb) => visibleTo(actor, eb, PROJECT_ACCESS))
  if (filter.phase) q = q.where('projects.phase', '=', filter.phase as Phase)
  for (const kind of ['theme', 'place', 'technology'] as const) {
    const value = filter[kind]
    if (value) {
      q = q.where('projects.id', 'in', (eb) =>
        eb.selectFrom('project_tags').select('project_tags.project_id').where('project_tags.kind', '=', kind).where('project_tags.value', '=', value),
      )
    }
  }
  if (filter.organisationId) {
    const orgId = filter.organisationId
    q = q.where('projects.id', 'in', (eb) =>
      eb.selectFrom('project_organisations').select('project_organisations.project_id').where('project_organisations.organisation_id', '=', orgId).where('project_organisations.status', '=', 'confirmed'),
    )
  }
  if (cursor) {
    q = q.where((eb) =>
      afterCursor(eb, 'projects.updated_at', 'projects.id', cursor),
    )
  }
  return q.orderBy('projects.updated_at', 'desc').orderBy('projects.id', 'desc').limit(limit + 1).execute()
}

/** Tags of several projects in one query, grouped by kind. */
export async function tagsOf(db: ProjectsDb, projectIds: string[]): Promise<Map<string, ProjectTags>> {
  const map = new Map<string, ProjectTags>(projectIds.map((id) => [id, { theme: [], place: [], technology: [] }]))
  if (projectIds.length === 0) return map
  const rows = await db
    .selectFrom('project_tags')
    .select(['project_id', 'kind', 'value'])
    .where('project_id', 'in', [...new Set(projectIds)])
    .orderBy('value')
    .execute()
  for (const r of rows) map.get(r.project_id)?.[r.kind]?.push(r.value)
  return map
}

export interface OrganisationLink {
  organisationId: string
  role: ProjectOrganisationRole
  status: AffiliationStatus
  requestedBy: string | null
}

/** Lead and partner organisations (confirmed and proposed) of several projects in one query. */
export async function organisationLinksOf(db: ProjectsDb, projectIds: string[]): Promise<Map<string, OrganisationLink[]>> {
  const map = new Map<string, OrganisationLink[]>(projectIds.map((id) => [id, []]))
  if (projectIds.length === 0) return map
  const rows = await db
    .selectFrom('project_organisations')
    .select(['project_id', 'organisation_id', 'role', 'status', 'requested_by'])
    .where('project_id', 'in', [...new Set(projectIds)])
    .orderBy('role')
    .execute()
  for (const r of rows) map.get(r.project_id)?.push({ organisationId: r.organisation_id, role: r.role, status: r.status, requestedBy: r.requested_by })
  return map
}

/** Organisations confirmed as taking part in any project, for the filter. */
export async function organisationIdsWithProjects(db: ProjectsDb): Promise<string[]> {
  const rows = await db.selectFrom('project_organisations').select('organisation_id').distinct().where('status', '=', 'confirmed').execute()
  return rows.map((r) => r.organisation_id)
}

/** A project's team: people's ids and roles (accounts labels them). */
export async function teamRoles(db: ProjectsDb, projectId: string): Promise<Array<{ userId: string; role: string }>> {
  const rows = await db.selectFrom('project_members').select(['user_id', 'role']).where('project_id', '=', projectId).limit(200).execute()
  return rows.map((r) => ({ userId: r.user_id, role: r.role }))
}

export async function linksOf(db: ProjectsDb, projectId: string): Promise<Array<{ label: string; url: string }>> {
  return db.selectFrom('project_links').select(['label', 'url']).where('project_id', '=', projectId).orderBy('position').execute()
}

/** Whether the reader is on the project's team: a personal fact, read so that a shared page can note it (core/access/reader-facts.ts). */
export async function readerOnTeam(db: ProjectsDb, actor: Actor, projectId: string): Promise<boolean> {
  return readerHas(db, actor, 'project_members', 'user_id', { project_id: projectId })
}

/** The reader's places on project teams (a personal fact whose answer is the list: shared by readers on the same teams). */
export async function readerTeams(db: ProjectsDb, actor: Actor): Promise<Array<{ project_id: string; role: string }>> {
  return readerRows(db, actor, 'project_members', 'user_id', {}, ['project_id', 'role'])
}

/** Names and slugs of the projects among `ids` the actor may see, keyed by id. */
export async function visibleProjectsByIds(db: ProjectsDb, actor: Actor, ids: string[]): Promise<Map<string, ProjectSummary>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('projects')
    .select(SUMMARY)
    .where('projects.id', 'in', [...new Set(ids)])
    .where((eb) => visibleTo(actor, eb, PROJECT_ACCESS))
    .execute()
  return new Map(rows.map((r) => [r.id, r]))
}

/** Projects whose team the person is on that the actor may see, by name (profiles, "attach this post to" choices). */
export async function projectsOfPerson(db: ProjectsDb, actor: Actor, userId: string): Promise<Array<ProjectSummary & { role: string }>> {
  return db
    .selectFrom('project_members')
    .innerJoin('projects', 'projects.id', 'project_members.project_id')
    .select([...SUMMARY, 'project_members.role'])
    .where('project_members.user_id', '=', userId)
    .where((eb) => visibleTo(actor, eb, PROJECT_ACCESS))
    .orderBy('projects.name')
    .execute()
}

/** Several people's roles on the teams of projects the actor may see (the directory's open data). */
export async function teamRolesOfPeople(db: ProjectsDb, actor: Actor, userIds: readonly string[]): Promise<Array<{ userId: string; projectId: string; role: string }>> {
  if (userIds.length === 0) return []
  return db
    .selectFrom('project_members')
    .innerJoin('projects', 'projects.id', 'project_members.project_id')
    .select(['project_members.user_id as userId', 'projects.id as projectId', 'project_members.role as role'])
    .where('project_members.user_id', 'in', [...userIds])
    .where((eb) => visibleTo(actor, eb, PROJECT_ACCESS))
    .orderBy('projects.name')
    .execute()
}

/** Projects an organisation is confirmed to lead or partner in (or, with `status: 'proposed'`, asked to), visible to the actor, most recently updated first. */
export async function projectsOfOrganisation(
  db: ProjectsDb,
  actor: Actor,
  organisationId: string,
  limit: number,
  status: AffiliationStatus = 'confirmed',
): Promise<Array<ProjectSummary & { role: ProjectOrganisationRole; requestedBy: string | null }>> {
  return db
    .selectFrom('project_organisations')
    .innerJoin('projects', 'projects.id', 'project_organisations.project_id')
    .select([...SUMMARY, 'project_organisations.role', 'project_organisations.requested_by as requestedBy'])
    .where('project_organisations.organisation_id', '=', organisationId)
    .where('project_organisations.status', '=', status)
    .where((eb) => visibleTo(actor, eb, PROJECT_ACCESS))
    .orderBy('projects.updated_at', 'desc')
    .orderBy('projects.id', 'desc')
    .limit(limit)
    .execute()
}

/** Every project an anonymous reader may see, for the sitemap. */
export async function publicProjectPaths(db: ProjectsDb): Promise<Array<{ slug: string; updated_at: string }>> {
  return db
    .selectFrom('projects')
    .select(['slug', 'updated_at'])
    .where((eb) => publiclyVisible(eb, PROJECT_ACCESS))
    .orderBy('slug')
    .execute()
}


export async function insertProject(db: ProjectsDb, row: Insertable<ProjectsTable>): Promise<void> {
  await trackProject(db, row.id, () => db.insertInto('projects').values(row).execute())
}

/** Columns the directory's pre-aggregated figures depend on (0025). */
const COUNTED: ReadonlyArray<keyof ProjectRow> = ['phase', 'country_code', 'city_id', 'space_id', 'hidden_at']

export async function updateProjectRow(db: ProjectsDb, id: string, changes: Partial<Omit<ProjectRow, 'id'>>): Promise<void> {
  const write = () => db.updateTable('projects').set(changes).where('id', '=', id).execute()
  if (COUNTED.some((c) => c in changes)) await trackProject(db, id, write)
  else await write()
}

type ProjectParts = {
  tags: Array<{ kind: TagKind; value: string }>
  organisations: Array<{ organisationId: string; role: ProjectOrganisationRole; status: AffiliationStatus; requestedBy: string | null; confirmedBy: string | null }>
  team: Array<{ userId: string; role: string }>
  links: Array<{ label: string; url: string }>
}

/** The parts the directory counts: tags and organisation links. */
async function replaceTagsAndOrganisations(db: ProjectsDb, projectId: string, parts: ProjectParts): Promise<void> {
  await db.deleteFrom('project_tags').where('project_id', '=', projectId).execute()
  if (parts.tags.length) await db.insertInto('project_tags').values(parts.tags.map((t) => ({ project_id: projectId, kind: t.kind, value: t.value }))).execute()
  await db.deleteFrom('project_organisations').where('project_id', '=', projectId).execute()
  if (parts.organisations.length) {
    await db
      .insertInto('project_organisations')
      .values(parts.organisations.map((o) => ({ project_id: projectId, organisation_id: o.organisationId, role: o.role, status: o.status, requested_by: o.requestedBy, confirmed_by: o.confirmedBy })))
      .execute()
  }
}

/** Replaces a project's tags, organisations, team and links (each one delete and one insert). */
export async function replaceProjectParts(db: ProjectsDb, projectId: string, parts: ProjectParts, at: string): Promise<void> {
  await trackProject(db, projectId, () => replaceTagsAndOrganisations(db, projectId, parts))
  // Keep when each member joined: read it before replacing the team.
  const joined = new Map(
    (await db.selectFrom('project_members').select(['user_id', 'created_at']).where('project_id', '=', projectId).execute()).map((r) => [r.user_id, r.created_at]),
  )
  await db.deleteFrom('project_members').where('project_id', '=', projectId).execute()
  if (parts.team.length) {
    await db
      .insertInto('project_members')
      .values(parts.team.map((m) => ({ project_id: projectId, user_id: m.userId, role: m.role, created_at: joined.get(m.userId) ?? at })))
      .execute()
  }
  await db.deleteFrom('project_links').where('project_id', '=', projectId).execute()
  if (parts.links.length) await db.insertInto('project_links').values(parts.links.map((l, i) => ({ project_id: projectId, position: i, label: l.label, url: l.url }))).execute()
}

/** Remembers an old slug; a slug taken back by its own project stops redirecting. */
export async function recordProjectSlugChange(db: ProjectsDb, projectId: string, oldSlug: string, newSlug: string, at: string): Promise<void> {
  await db.deleteFrom('project_slug_redirects').where('old_slug', '=', newSlug).execute()
  await db
    .insertInto('project_slug_redirects')
    .values({ old_slug: oldSlug, project_id: projectId, created_at: at })
    .onConflict((oc) => oc.column('old_slug').doUpdateSet({ project_id: projectId, created_at: at }))
    .execute()
}

/** An organisation's admin confirms (or declines: the link is removed) a request to name it on a project. */
export async function decideOrganisationLink(db: ProjectsDb, projectId: string, organisationId: string, confirmedBy: string | null): Promise<boolean> {
  return trackProject(db, projectId, async () => {
    if (confirmedBy) {
      const result = await db
        .updateTable('project_organisations')
        .set({ status: 'confirmed', confirmed_by: confirmedBy })
        .where('project_id', '=', projectId)
        .where('organisation_id', '=', organisationId)
        .where('status', '=', 'proposed')
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    }
    const result = await db.deleteFrom('project_organisations').where('project_id', '=', projectId).where('organisation_id', '=', organisationId).where('status', '=', 'proposed').executeTakeFirst()
    return Number(result.numDeletedRows) === 1
  })
}

/** Sets when projects with these names last changed (demo content). */
export async function setUpdatedAtByNames(db: ProjectsDb, names: string[], at: string): Promise<void> {
  if (names.length) await db.updateTable('projects').set({ updated_at: at }).where('name', 'in', names).execute()
}

/** Team members of several projects in one query: project id → user ids. */
export async function teamsOf(db: ProjectsDb, projectIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(projectIds.map((id) => [id, []]))
  if (projectIds.length === 0) return map
  const rows = await db.selectFrom('project_members').select(['project_id', 'user_id']).where('project_id', 'in', [...new Set(projectIds)]).orderBy('created_at').execute()
  for (const r of rows) map.get(r.project_id)?.push(r.user_id)
  return map
}
