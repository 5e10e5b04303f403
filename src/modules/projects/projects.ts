import { readerIs } from '../../core/access/reader-facts.ts'
import type { Db } from '../../core/db/database.ts'
import { freeSlug, newId, now } from '../../core/db/ids.ts'
import { AppError, forbidden, invalid, notFound, type FieldErrors } from '../../core/errors.ts'
import { audit } from '../../core/audit.ts'
import type { Values } from '../../core/http/forms.ts'
import { indexDocument, removeDocument } from '../../core/search/search.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { cityField, countryCode, countryName, LIKELY_SAME, nameSimilarity, nameWords, notifyOrganisationAdmins, organisationsByIds, organisationsByName, type OrganisationSummary } from '../organisations/organisations.ts'
import { peopleByHandles, peopleByIds } from '../accounts/accounts.ts'
import {
  findProjectById,
  findProjectBySlug,
  currentProjectSlug,
  decideOrganisationLink,
  insertProject,
  organisationLinksOf,
  projectSlugsLike,
  projectsOfPerson as projectsOfPersonRows,
  readerTeams,
  teamRolesOfPeople as teamRoleRowsOfPeople,
  recordProjectSlugChange,
  replaceProjectParts,
  tagsOf,
  teamRoles,
  updateProjectRow,
  setUpdatedAtByNames,
  teamsOf,
  visibleProjectsByIds,
  type ProjectRow,
  type ProjectSummary,
  type ProjectTags,
} from './projects.queries.ts'
import { MAX_LINKS, MAX_TEAM, type projectSchema } from './projects.schemas.ts'
import { projectDirectoryPage, projectDirectoryRows, projectFacets, projectsPerMonth, type ProjectDirectoryFilter, type ProjectEntry } from './directory.queries.ts'
import { paginate, type Cursor } from '../../core/http/pagination.ts'
import { currentFields, recordAppliedRevision } from './revisions.ts'
import { projectsSharingTags, projectsWithNameWords } from './similar.queries.ts'
import { claimStaleProjectRows, markProjectActive } from './freshness.queries.ts'
import { organisationPairs, organisationsWithPartners, type NetworkFilter } from './network.queries.ts'
import { renameProjectTag } from './directory-counts.queries.ts'
import { vocabularyTags } from './vocabulary-tags.ts'
import { rankSimilar, type Match as SimilarProject } from './similar.ts'
import type { AffiliationStatus, Phase, ProjectOrganisationRole, TagKind } from './projects.tables.ts'

/** The form's fields; `city` may be left out (callers from before cities, 0030). */
export type ProjectInput = Omit<Values<typeof projectSchema>, 'city'> & { city?: string }

const RESERVED = new Set(['new', 'feed'])

/** Lowercases, tidies spaces and de-duplicates tag values. */
export function normaliseTags(values: string[]): string[] {
  return [...new Set(values.map((t) => t.toLowerCase().replace(/\s+/g, ' ').trim()).filter(Boolean))]
}

/** Places keep their capitals ("Northshire"), only tidied and de-duplicated. */
function normalisePlaces(values: string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const v of values.map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean)) {
    if (!seen.has(v.toLowerCase())) {
      seen.add(v.toLowerCase())
      out.push(v)
    }
  }
  return out
}

/** A free slug for `name`: the slugified name, with -2, -3… when taken by another project (now or formerly). */
export async function uniqueProjectSlug(db: Db, name: string, selfId?: string): Promise<string> {
  const takenLike = async (base: string) => (await projectSlugsLike(db, base)).filter((r) => r.project_id !== selfId).map((r) => r.slug)
  return freeSlug(name, takenLike, { fallback: 'project', reserved: RESERVED })
}

/** May the actor edit the project (its team, admins of its confirmed lead organisation, platform admins)? */
export async function canEditProject(db: Db, actor: Actor, project: ProjectRow): Promise<boolean> {
  return can(db, actor, 'edit', 'project', project)
}

const URL_LINE = /^https?:\/\//i

/** "Label | https://url" lines → links; errors name the first bad line. */
export function parseLinks(text: string): { links: Array<{ label: string; url: string }>; error?: string } {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean)
  if (lines.length > MAX_LINKS) return { links: [], error: `Links: enter ${MAX_LINKS} or fewer` }
  const links: Array<{ label: string; url: string }> = []
  for (const [i, line] of lines.entries()) {
    const bar = line.lastIndexOf('|')
    const label = (bar >= 0 ? line.slice(0, bar) : '').trim()
    const url = (bar >= 0 ? line.slice(bar + 1) : line).trim()
    let ok = URL_LINE.test(url) && url.length <= 500
    if (ok) {
      try {
        new URL(url)
      } catch {
        ok = false
      }
    }
    if (!ok) return { links: [], error: `Link ${i + 1} must end with a full web address starting with https://` }
    if (label.length > 100) return { links: [], error: `The label of link ${i + 1} must be 100 characters or fewer` }
    links.push({ label: label || new URL(url).hostname, url })
  }
  return { links }
}

/** "handle | Role" lines → handles and roles (the role is optional). */
export function parseTeam(text: string): { team: Array<{ handle: string; role: string }>; error?: string } {
  // A line with a role keeps its commas ("Designer, part-time"); bare handles may be comma-separated.
  const lines = text
    .split('\n')
    .flatMap((l) => (l.includes('|') ? [l] : l.split(',')))
    .map((l) => l.trim())
    .filter(Boolean)
  if (lines.length > MAX_TEAM) return { team: [], error: `Team: enter ${MAX_TEAM} people or fewer` }
  const team: Array<{ handle: string; role: string }> = []
  for (const line of lines) {
    const [handlePart, ...rest] = line.split('|')
    const handle = handlePart!.trim().replace(/^@/, '')
    const role = rest.join('|').trim()
    if (role.length > 80) return { team: [], error: `The role of ${handle} must be 80 characters or fewer` }
    if (!team.some((m) => m.handle.toLowerCase() === handle.toLowerCase())) team.push({ handle, role })
  }
  return { team }
}

type OrganisationPart = { organisationId: string; role: ProjectOrganisationRole; status: AffiliationStatus; requestedBy: string | null; confirmedBy: string | null }

/** A project's form input with organisations and people looked up: what gets written. */
interface ResolvedParts {
  tags: Array<{ kind: TagKind; value: string }>
  organisations: OrganisationPart[]
  team: Array<{ userId: string; role: string }>
  links: Array<{ label: string; url: string }>
  tagLists: ProjectTags
  /** Organisations named by someone who may not speak for them: their admins are asked to confirm. */
  requested: OrganisationSummary[]
  countryCode: string
  cityId: string
}

/**
 * Naming an organisation speaks for it: a link its admins already confirmed keeps its status;
 * one named by an admin of the organisation is confirmed; any other is a proposal.
 */
async function organisationParts(db: Db, actor: Actor & { userId: string }, named: Array<{ org: OrganisationSummary; role: ProjectOrganisationRole }>, existing: Map<string, { role: ProjectOrganisationRole; status: AffiliationStatus; requestedBy: string | null }>): Promise<{ parts: OrganisationPart[]; requested: OrganisationSummary[] }> {
  const parts: OrganisationPart[] = []
  const requested: OrganisationSummary[] = []
  for (const { org, role } of named) {
    const before = existing.get(org.id)
    if (before?.status === 'confirmed' && before.role === role) parts.push({ organisationId: org.id, role, status: 'confirmed', requestedBy: before.requestedBy, confirmedBy: null })
    else if (await can(db, actor, 'speakFor', 'organisation', { id: org.id })) parts.push({ organisationId: org.id, role, status: 'confirmed', requestedBy: actor.userId, confirmedBy: actor.userId })
    else {
      parts.push({ organisationId: org.id, role, status: 'proposed', requestedBy: before?.status === 'proposed' ? before.requestedBy : actor.userId, confirmedBy: null })
      if (before?.status !== 'proposed' || before.role !== role) requested.push(org)
    }
  }
  return { parts, requested }
}

/** Looks up organisations by slug and people by handle; any unknown one is a field error (422). */
async function resolveParts(db: Db, actor: Actor & { userId: string }, input: ProjectInput, requireTeam: boolean, projectId: string | null): Promise<ResolvedParts> {
  const errors: FieldErrors = {}
  // Themes and technologies come from the directory's vocabulary (0025); values the project already had are kept.
  const had = projectId ? ((await tagsOf(db, [projectId])).get(projectId) ?? { theme: [], place: [], technology: [] }) : { theme: [], place: [], technology: [] }
  const terms = await vocabularyTags(db, input, had)
  Object.assign(errors, terms.errors)
  const tagLists: ProjectTags = { theme: terms.themes, place: normalisePlaces(input.places), technology: terms.technologies }
  const tags = (['theme', 'place', 'technology'] as const).flatMap((kind) => tagLists[kind].map((value) => ({ kind, value })))

  const lead = input.lead_organisation.trim()
  const partners = [...new Set(input.partner_organisations.map((s) => s.trim()))].filter((s) => s && s.toLowerCase() !== lead.toLowerCase())
  const { found, suggestions } = await organisationsByName(db, actor, lead ? [lead, ...partners] : partners)
  const notFoundMessage = (texts: string[]) => {
    const hints = texts.flatMap((t) => suggestions.get(t) ?? []).map((o) => o.name)
    return `There is no organisation called ${texts.join(', ')}${hints.length ? `. Did you mean ${[...new Set(hints)].slice(0, 5).join(', ')}?` : ''}`
  }
  if (lead && !found.has(lead)) errors.lead_organisation = notFoundMessage([lead])
  const missing = partners.filter((s) => !found.has(s))
  if (missing.length) errors.partner_organisations = notFoundMessage(missing)
  const leadOrg = lead ? found.get(lead) : undefined
  const named = [
    ...(leadOrg ? [{ org: leadOrg, role: 'lead' as const }] : []),
    ...[...new Map(partners.flatMap((s) => (found.has(s) && found.get(s)!.id !== leadOrg?.id ? [[found.get(s)!.id, found.get(s)!] as const] : []))).values()].map((org) => ({ org, role: 'partner' as const })),
  ]
  // A project's country is chosen from ISO 3166; left empty, it is its lead organisation's.
  const countryCodeValue = input.country.trim() ? countryCode(input.country) : (leadOrg?.country_code ?? '')
  if (countryCodeValue === null) errors.country = 'Choose a country from the list'
  // A city is one of the country's cities in the bundled gazetteer, kept by its GeoNames id (0030).
  const city = countryCodeValue === null ? { id: '' } : cityField(countryCodeValue || null, input.city ?? '', countryCodeValue ? countryName(countryCodeValue) : '')
  if ('error' in city) errors.city = countryCodeValue ? city.error : 'Choose the country first (or a lead organisation): cities are chosen from its list'
  const existing = new Map(projectId ? ((await organisationLinksOf(db, [projectId])).get(projectId) ?? []).map((l) => [l.organisationId, l]) : [])
  const { parts: organisations, requested } = await organisationParts(db, actor, named, existing)

  const { links, error: linkError } = parseLinks(input.links)
  if (linkError) errors.links = linkError

  const { team: wanted, error: teamError } = parseTeam(input.team)
  const team: Array<{ userId: string; role: string }> = []
  if (teamError) errors.team = teamError
  else {
    const people = await peopleByHandles(db, wanted.map((m) => m.handle))
    const unknown = wanted.filter((m) => !people.has(m.handle.toLowerCase()))
    if (unknown.length) errors.team = `There is no one with the handle ${unknown.map((m) => m.handle).join(', ')}`
    for (const m of wanted) {
      const p = people.get(m.handle.toLowerCase())
      if (p && !team.some((t) => t.userId === p.id)) team.push({ userId: p.id, role: m.role })
    }
    if (requireTeam && wanted.length === 0) errors.team = 'Enter at least one team member'
  }
  if (Object.keys(errors).length) throw invalid(errors)
  return { tags, organisations, team, links, tagLists, requested, countryCode: countryCodeValue ?? '', cityId: 'id' in city ? city.id : '' }
}

/** Indexes the project as it now stands, its tags read again (after a revision, a revert or a merge changed them). */
export async function reindexProject(db: Db, project: ProjectRow): Promise<void> {
  await indexProject(db, project, (await tagsOf(db, [project.id])).get(project.id) ?? { theme: [], place: [], technology: [] })
}

/** Writes the project's search document (or removes it while hidden). Call in the changing transaction. */
export async function indexProject(db: Db, project: ProjectRow, tags: ProjectTags): Promise<void> {
  if (project.hidden_at) return removeDocument(db, 'project', project.id)
  const tagText = [...tags.theme, ...tags.place, ...tags.technology].join(', ')
  await indexDocument(db, {
    type: 'project',
    id: project.id,
    title: project.name,
    body: [project.summary, project.problem, project.audience, project.looking_for, tagText].filter(Boolean).join('\n\n'),
    url: `/projects/${project.slug}`,
    spaceId: project.space_id,
    visibleFrom: project.created_at,
  })
}

/** Adds a project; its creator joins the team (as the first member unless they listed themselves). */
export async function createProject(db: Db, actor: Actor, input: ProjectInput): Promise<ProjectRow> {
  if (!signedIn(actor)) throw new AppError('unauthorised', 401, 'Sign in to add a project')
  const parts = await resolveParts(db, actor, input, false, null)
  if (!parts.team.some((m) => m.userId === actor.userId)) parts.team.unshift({ userId: actor.userId, role: '' })
  const t = now()
  const row: ProjectRow = {
    id: newId(),
    slug: await uniqueProjectSlug(db, input.name),
    name: input.name,
    summary: input.summary,
    problem: input.problem,
    audience: input.audience,
    phase: input.phase as Phase,
    looking_for: input.looking_for,
    country_code: parts.countryCode,
    city_id: parts.cityId,
    confirmed_at: null,
    revision: 0,
    nudged_at: null,
    phase_changed_at: t,
    space_id: null,
    hidden_at: null,
    created_by: actor.userId,
    created_at: t,
    updated_at: t,
  }
  await insertProject(db, row)
  await replaceProjectParts(db, row.id, parts, t)
  const empty = { name: '', summary: '', problem: '', audience: '', looking_for: '', phase: row.phase, themes: [], technologies: [] }
  row.revision = await recordAppliedRevision(db, row.id, 0, empty, { ...empty, name: row.name, summary: row.summary, problem: row.problem, audience: row.audience, looking_for: row.looking_for, themes: parts.tagLists.theme, technologies: parts.tagLists.technology }, actor.userId)
  await indexProject(db, row, parts.tagLists)
  await askOrganisations(db, actor, row, parts.requested)
  return row
}

/** Tells the admins of each organisation named without their say-so, so they can confirm or decline. */
async function askOrganisations(db: Db, actor: Actor & { userId: string }, project: ProjectRow, requested: OrganisationSummary[]): Promise<void> {
  for (const org of requested) {
    await notifyOrganisationAdmins(db, org.id, { kind: 'organisation_request', text: `“${project.name}” names ${org.name} as a lead or partner organisation: confirm or decline`, url: `/organisations/${org.slug}#requests`, spaceId: null }, actor.userId)
  }
}

/** Edits everything about a project. A new name gets a new slug; the old one keeps answering with a redirect. */
export async function updateProject(db: Db, actor: Actor, project: ProjectRow, input: ProjectInput, base = project.revision): Promise<ProjectRow> {
  if (!signedIn(actor) || !(await canEditProject(db, actor, project))) throw forbidden('Only the project team and admins of its lead organisation can change it')
  const parts = await resolveParts(db, actor, input, true, project.id)
  // Every change is a revision; one based on an older revision than the project's is refused.
  const before = await currentFields(db, project)
  const revision = await recordAppliedRevision(db, project.id, base, before, { name: input.name, summary: input.summary, problem: input.problem, audience: input.audience, looking_for: input.looking_for, phase: input.phase as Phase, themes: parts.tagLists.theme, technologies: parts.tagLists.technology }, actor.userId)
  const t = now()
  let slug = project.slug
  if (input.name !== project.name) {
    slug = await uniqueProjectSlug(db, input.name, project.id)
    if (slug !== project.slug) await recordProjectSlugChange(db, project.id, project.slug, slug, t)
  }
  const changes = {
    slug,
    name: input.name,
    summary: input.summary,
    problem: input.problem,
    audience: input.audience,
    phase: input.phase as Phase,
    looking_for: input.looking_for,
    country_code: parts.countryCode,
    city_id: parts.cityId,
    phase_changed_at: input.phase !== project.phase ? t : project.phase_changed_at,
    updated_at: t,
  }
  await updateProjectRow(db, project.id, changes)
  await replaceProjectParts(db, project.id, parts, t)
  const updated = { ...project, ...changes, revision }
  await indexProject(db, updated, parts.tagLists)
  await askOrganisations(db, actor, updated, parts.requested)
  return updated
}

/** Hides or restores a project (moderation), keeping the search index in step. */
export async function setProjectHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  const project = await findProjectById(db, id)
  if (!project) return
  const hidden_at = hidden ? now() : null
  await updateProjectRow(db, id, { hidden_at })
  const tags = (await tagsOf(db, [id])).get(id) ?? { theme: [], place: [], technology: [] }
  await indexProject(db, { ...project, hidden_at }, tags)
}

/** The project at this slug if the actor may see it; otherwise throws 404 (never revealing that it exists). */
export async function findVisibleProject(db: Db, actor: Actor, slug: string): Promise<ProjectRow> {
  const project = await findProjectBySlug(db, slug)
  if (!project) throw notFound('Project')
  if (!(await can(db, actor, 'view', 'project', project))) throw notFound('Project')
  return project
}

/** The current slug of a project renamed from `oldSlug`, if the actor may see it (for 301s of its feeds). */
export async function movedProjectSlug(db: Db, actor: Actor, oldSlug: string): Promise<string | null> {
  const current = await currentProjectSlug(db, oldSlug)
  return current && (await visibleProjectBySlug(db, actor, current)) ? current : null
}

export interface ProjectOrganisations {
  lead: OrganisationSummary[]
  partners: OrganisationSummary[]
  /** Organisations named but not yet confirmed: shown only to whoever named them and the organisation's admins. */
  proposed: Array<OrganisationSummary & { role: ProjectOrganisationRole }>
}

/**
 * Lead and partner organisations of several projects that the actor may see, labelled. Confirmed
 * ones for everyone; with `withProposed`, the proposals the actor made or may confirm.
 */
export async function projectOrganisations(db: Db, actor: Actor, projectIds: string[], withProposed = false): Promise<Map<string, ProjectOrganisations>> {
  const links = await organisationLinksOf(db, projectIds)
  const all = [...links.values()].flat()
  const orgs = await organisationsByIds(db, actor, all.map((l) => l.organisationId))
  const result = new Map<string, ProjectOrganisations>()
  for (const id of projectIds) {
    const entry: ProjectOrganisations = { lead: [], partners: [], proposed: [] }
    for (const l of links.get(id) ?? []) {
      const o = orgs.get(l.organisationId)
      if (!o) continue
      if (l.status === 'confirmed') (l.role === 'lead' ? entry.lead : entry.partners).push(o)
      else if (withProposed && signedIn(actor) && ((l.requestedBy !== null && readerIs(actor, l.requestedBy)) || (await can(db, actor, 'speakFor', 'organisation', { id: o.id })))) entry.proposed.push({ ...o, role: l.role })
    }
    result.set(id, entry)
  }
  return result
}

/** An organisation's admin confirms, or declines, a request to name it on a project. */
export async function decideOrganisationRequest(db: Db, actor: Actor, project: ProjectRow, organisation: OrganisationSummary, confirm: boolean): Promise<void> {
  if (!signedIn(actor) || !(await can(db, actor, 'speakFor', 'organisation', { id: organisation.id }))) throw forbidden('Only admins of this organisation can confirm or decline')
  if (!(await decideOrganisationLink(db, project.id, organisation.id, confirm ? actor.userId : null))) throw notFound('Request')
  await audit(db, { actorId: actor.userId, action: confirm ? 'organisation.link_confirmed' : 'organisation.link_declined', subjectType: 'project', subjectId: project.id, reason: `${organisation.name} on “${project.name}”`, subjectTitle: project.name, subjectUrl: `/projects/${project.slug}` })
}

// ---------------------------------------------------------------- for other modules

export type { ProjectRow, ProjectSummary }

/** The projects among `ids` the actor may see, keyed by id. */
export async function projectsByIds(db: Db, actor: Actor, ids: string[]): Promise<Map<string, ProjectSummary>> {
  return visibleProjectsByIds(db, actor, ids)
}

/** Team members of a project, labelled by accounts, by name. Only people with a public profile are shown to others. */
export async function teamOf(db: Db, projectId: string): Promise<Array<{ userId: string; handle: string; name: string; role: string; public: boolean }>> {
  const roles = await teamRoles(db, projectId)
  const people = await peopleByIds(db, roles.map((r) => r.userId))
  return roles
    .flatMap((r) => {
      const p = people.get(r.userId)
      return p ? [{ userId: p.id, handle: p.handle, name: p.name, role: r.role, public: p.public }] : []
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** The project with this id if the actor may see it, else null (e.g. to ask whether they may act for it). */
export async function visibleProjectById(db: Db, actor: Actor, id: string): Promise<ProjectRow | null> {
  const project = id ? await findProjectById(db, id) : undefined
  return project && (await can(db, actor, 'view', 'project', project)) ? project : null
}

/** The project at this slug if the actor may see it, else null. */
export async function visibleProjectBySlug(db: Db, actor: Actor, slug: string): Promise<ProjectRow | null> {
  const project = slug ? await findProjectBySlug(db, slug) : undefined
  return project && (await can(db, actor, 'view', 'project', project)) ? project : null
}

/**
 * The projects the reader is on the team of and may see, by name (what they may name on a practical action): read as
 * a personal fact, so a page offering the choice is shared by the readers on the same teams (decision 0039).
 */
export async function readerProjects(db: Db, actor: Actor): Promise<Array<ProjectSummary & { role: string }>> {
  const teams = await readerTeams(db, actor)
  const found = await visibleProjectsByIds(db, actor, teams.map((t) => t.project_id))
  return teams.flatMap((t) => (found.has(t.project_id) ? [{ ...found.get(t.project_id)!, role: t.role }] : [])).sort((a, b) => a.name.localeCompare(b.name))
}

/** Projects whose team the person is on that the actor may see (profiles, "attach this post to" choices). */
export async function projectsOfPerson(db: Db, actor: Actor, userId: string): Promise<Array<ProjectSummary & { role: string }>> {
  return projectsOfPersonRows(db, actor, userId)
}

/** Several people's roles on the teams of projects the actor may see, by person (the directory's open data). */
export async function teamRolesOfPeople(db: Db, actor: Actor, userIds: readonly string[]): Promise<Map<string, Array<{ projectId: string; role: string }>>> {
  const out = new Map<string, Array<{ projectId: string; role: string }>>()
  for (const m of await teamRoleRowsOfPeople(db, actor, userIds)) out.set(m.userId, [...(out.get(m.userId) ?? []), { projectId: m.projectId, role: m.role }])
  return out
}

// ---------------------------------------------------------------- the directory (for the directory module)

export type { ProjectDirectoryFilter, ProjectEntry } from './directory.queries.ts'
export { PHASES } from './projects.tables.ts'

type Tagged<T> = T & { themes: string[]; technologies: string[]; places: string[] }

async function withTags<T extends { id: string }>(db: Db, rows: T[]): Promise<Array<Tagged<T>>> {
  const tags = await tagsOf(db, rows.map((r) => r.id))
  return rows.map((r) => {
    const t = tags.get(r.id)
    return { ...r, themes: t?.theme ?? [], technologies: t?.technology ?? [], places: t?.place ?? [] }
  })
}

/** A page of the projects the actor may see that match the filter, by name, with their tags. */
export async function projectDirectory(db: Db, actor: Actor, filter: ProjectDirectoryFilter, cursor: Cursor | null, limit: number): Promise<{ items: Array<Tagged<ProjectEntry>>; next: string | null }> {
  const page = paginate(await projectDirectoryPage(db, actor, filter, cursor, limit), limit, (r) => ({ at: r.name, id: r.id }))
  return { items: await withTags(db, page.items), next: page.next }
}

/** How many projects the actor may see match the filter, and counts per phase, country, region, theme and technology. */
export async function projectDirectoryFacets(db: Db, actor: Actor, filter: ProjectDirectoryFilter): Promise<Awaited<ReturnType<typeof projectFacets>>> {
  return projectFacets(db, actor, filter)
}

/** Every project the actor may see that matches the filter, with tags and confirmed organisations' ids, read in batches (exports stream it). */
export async function* projectDirectoryAll(db: Db, actor: Actor, filter: ProjectDirectoryFilter): AsyncGenerator<Tagged<ProjectEntry> & { organisationIds: Array<{ id: string; role: ProjectOrganisationRole }> }> {
  let batch: ProjectEntry[] = []
  const flush = async function* () {
    const links = await organisationLinksOf(db, batch.map((p) => p.id))
    // Only organisations the reader may see: a hidden one's id is no less a trace of it than its name.
    const visible = await organisationsByIds(db, actor, [...links.values()].flat().map((l) => l.organisationId))
    for (const p of await withTags(db, batch)) yield { ...p, organisationIds: (links.get(p.id) ?? []).filter((l) => l.status === 'confirmed' && visible.has(l.organisationId)).map((l) => ({ id: l.organisationId, role: l.role })) }
    batch = []
  }
  for await (const row of projectDirectoryRows(db, actor, filter)) {
    batch.push(row)
    if (batch.length === 500) yield* flush()
  }
  yield* flush()
}

/** Demo content only: projects with these names last changed at `at` (so some show as "may be out of date"). */
export async function backdateProjects(db: Db, names: string[], at: string): Promise<void> {
  await setUpdatedAtByNames(db, names, at)
}

// ---------------------------------------------------------------- similar work

export type { Match as SimilarProject } from './similar.ts'

/** How many projects sharing tags are read to rank by text: enough for relevance, bounded for speed. */
const SIMILAR_CANDIDATES = 60

/**
 * Projects working on similar challenges that the actor may see, best first, with what they share (themes,
 * technologies, words of summary and problem). Projects of its own organisations are left out: the point is
 * to meet someone new.
 */
export async function similarProjects(db: Db, actor: Actor, project: ProjectRow, limit = 5): Promise<SimilarProject[]> {
  const [tags, links] = await Promise.all([tagsOf(db, [project.id]), organisationLinksOf(db, [project.id])])
  const own = tags.get(project.id) ?? { theme: [], place: [], technology: [] }
  const ownOrganisations = (links.get(project.id) ?? []).filter((l) => l.status === 'confirmed').map((l) => l.organisationId)
  const rows = await projectsSharingTags(db, actor, project.id, own, ownOrganisations, SIMILAR_CANDIDATES)
  const candidateTags = await tagsOf(db, rows.map((r) => r.id))
  const candidates = rows.map((r) => ({ ...r, themes: candidateTags.get(r.id)?.theme ?? [], technologies: candidateTags.get(r.id)?.technology ?? [] }))
  return rankSimilar({ name: project.name, summary: project.summary, problem: project.problem, themes: own.theme, technologies: own.technology }, candidates, limit)
}

// ---------------------------------------------------------------- the network of organisations

export type { NetworkFilter } from './network.queries.ts'

/**
 * The strongest links between organisations the actor may see: pairs confirmed together on visible projects
 * (matching the filter), with how many. Pairs with an organisation the actor may not see are left out.
 */
export async function organisationLinks(db: Db, actor: Actor, filter: NetworkFilter, limit: number): Promise<Array<{ a: OrganisationSummary; b: OrganisationSummary; projects: number }>> {
  const pairs = await organisationPairs(db, actor, filter, limit)
  const orgs = await organisationsByIds(db, actor, pairs.flatMap((p) => [p.a, p.b]))
  return pairs.flatMap((p) => (orgs.has(p.a) && orgs.has(p.b) ? [{ a: orgs.get(p.a)!, b: orgs.get(p.b)!, projects: p.projects }] : []))
}

/** Of these organisations, those that work with another organisation on some project. */
export async function organisationsWorkingWithOthers(db: Db, actor: Actor, organisationIds: string[]): Promise<Set<string>> {
  return organisationsWithPartners(db, actor, organisationIds)
}

/** How many projects the actor may see were added each month ('2026-03'), oldest first. */
export async function projectsAddedPerMonth(db: Db, actor: Actor): Promise<Array<{ value: string; count: number }>> {
  return projectsPerMonth(db, actor)
}

/** Projects the actor may see whose names are alike (the same distinguishing words): perhaps the one being added. */
export async function likelyDuplicateProjects(db: Db, actor: Actor, name: string): Promise<Array<{ id: string; slug: string; name: string; reason: string }>> {
  const words = nameWords(name).sort((a, b) => b.length - a.length).slice(0, 2)
  const candidates = await projectsWithNameWords(db, actor, words, 50)
  return candidates.filter((p) => nameSimilarity(name, p.name) >= LIKELY_SAME).slice(0, 5).map((p) => ({ ...p, reason: 'a similar name' }))
}

/** A manager says the project is still active: its "last confirmed" date moves to now and it is no longer marked out of date. */
export async function confirmProjectCurrent(db: Db, actor: Actor, project: ProjectRow): Promise<void> {
  if (!signedIn(actor) || !(await canEditProject(db, actor, project))) throw forbidden('Only the project team and admins of its lead organisation can confirm it')
  await updateProjectRow(db, project.id, { confirmed_at: now() })
}

/** When the project last showed a sign of life (an edit or a confirmation), and whether that is longer ago than `staleDays`. */
export function projectFreshness(project: ProjectRow, staleDays: number, at = Date.now()): { lastActive: string; stale: boolean } {
  const lastActive = project.confirmed_at && project.confirmed_at > project.updated_at ? project.confirmed_at : project.updated_at
  return { lastActive, stale: Date.parse(lastActive) < at - staleDays * 86_400_000 }
}

/**
 * People with a public profile on the teams of projects similar to the person's own (up to three of theirs,
 * three matches each), the person themself and their teammates left out; each with the project and why.
 */
export async function peopleOnSimilarWork(db: Db, actor: Actor, userId: string, limit = 6): Promise<Array<{ handle: string; name: string; public: boolean; project: { slug: string; name: string }; why: string }>> {
  const own = (await projectsOfPersonRows(db, actor, userId)).slice(0, 3)
  if (own.length === 0) return []
  const ownRows = (await Promise.all(own.map((p) => findProjectById(db, p.id)))).filter((p): p is ProjectRow => p !== undefined)
  const matches = (await Promise.all(ownRows.map((p) => similarProjects(db, actor, p, 3)))).flat()
  const teams = await teamsOf(db, [...ownRows.map((p) => p.id), ...matches.map((m) => m.id)])
  const teammates = new Set(ownRows.flatMap((p) => teams.get(p.id) ?? []))
  const people = await peopleByIds(db, matches.flatMap((m) => teams.get(m.id) ?? []))
  const out: Array<{ handle: string; name: string; public: boolean; project: { slug: string; name: string }; why: string }> = []
  const seen = new Set<string>([userId, ...teammates])
  for (const m of matches) {
    for (const memberId of teams.get(m.id) ?? []) {
      const person = people.get(memberId)
      if (!person?.public || seen.has(memberId)) continue
      seen.add(memberId)
      out.push({ handle: person.handle, name: person.name, public: true, project: { slug: m.slug, name: m.name }, why: m.why })
    }
  }
  return out.slice(0, limit)
}

/**
 * The project a person names by its address (slug) or whole name, if they may see it; otherwise up to five
 * visible projects whose names share its words, as suggestions (to pick a duplicate to merge).
 */
export async function visibleProjectsNamed(db: Db, actor: Actor, text: string): Promise<{ found: ProjectRow | null; suggestions: Array<{ slug: string; name: string }> }> {
  const key = text.trim().toLowerCase()
  const bySlug = key ? await findProjectBySlug(db, key) : undefined
  if (bySlug && (await can(db, actor, 'view', 'project', bySlug))) return { found: bySlug, suggestions: [] }
  const candidates = await projectsWithNameWords(db, actor, nameWords(text).sort((a, b) => b.length - a.length).slice(0, 2), 20)
  const named = candidates.find((p) => p.name.toLowerCase() === key)
  const found = named ? await findProjectBySlug(db, named.slug) : undefined
  if (found && (await can(db, actor, 'view', 'project', found))) return { found, suggestions: [] }
  return { found: null, suggestions: candidates.slice(0, 5).map((p) => ({ slug: p.slug, name: p.name })) }
}

/** How long a project may stay in a phase before its team is gently asked whether it moved on (live and retired: for good). */
export const PHASE_PROMPT_DAYS: Partial<Record<Phase, number>> = { discovery: 90, alpha: 180, beta: 365 }

/** A gentle prompt for a project whose phase has not changed for longer than its phase usually lasts, or null. */
export interface PhasePrompt {
  phase: Phase
  since: string
  days: number
}

export function phasePrompt(project: Pick<ProjectRow, 'phase' | 'phase_changed_at' | 'created_at'>, at = Date.now()): PhasePrompt | null {
  const limit = PHASE_PROMPT_DAYS[project.phase]
  const since = project.phase_changed_at ?? project.created_at
  if (!limit) return null
  const days = Math.floor((at - Date.parse(since)) / 86_400_000)
  return days > limit ? { phase: project.phase, since, days } : null
}

// ---------------------------------------------------------------- is this still live? (nudges, decision 0024)

/**
 * Claims up to `limit` projects with no sign of life since `staleBefore` whose team was not asked since: each with
 * its team, and the gentle phase prompt when its phase has not moved for long.
 */
export async function claimStaleProjects(db: Db, staleBefore: string, limit: number): Promise<Array<{ id: string; slug: string; name: string; lastActive: string; managerIds: string[]; phasePrompt: PhasePrompt | null }>> {
  const rows = await claimStaleProjectRows(db, staleBefore, now(), limit)
  const teams = await teamsOf(db, rows.map((r) => r.id))
  return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, lastActive: r.lastActive, managerIds: teams.get(r.id) ?? [], phasePrompt: phasePrompt(r) }))
}

/** Someone named in a signed "still active" link confirms the project is still active (if they may still edit it). */
export async function confirmProjectCurrentBy(db: Db, actor: Actor, projectId: string): Promise<{ name: string; url: string }> {
  const project = await findProjectById(db, projectId)
  if (!project || !(await can(db, actor, 'view', 'project', project))) throw notFound('Project')
  await confirmProjectCurrent(db, actor, project)
  return { name: project.name, url: `/projects/${project.slug}` }
}

/** The project's name, page and phase prompt for a "still active" link, if the person may still edit it; else null. */
export async function projectForNudge(db: Db, actor: Actor, projectId: string): Promise<{ name: string; url: string; lastActive: string; phasePrompt: PhasePrompt | null } | null> {
  const project = await findProjectById(db, projectId)
  if (!project || project.hidden_at || !(await can(db, actor, 'view', 'project', project)) || !(await canEditProject(db, actor, project))) return null
  return { name: project.name, url: `/projects/${project.slug}`, lastActive: projectFreshness(project, 0).lastActive, phasePrompt: phasePrompt(project) }
}

/** A post or practical action about the project is a sign of life: it counts as confirming it still active. */
export async function noteProjectActivity(db: Db, projectId: string, at = now()): Promise<void> {
  await markProjectActive(db, projectId, at)
}

/** A vocabulary term's slug changed (organisations.renameTerm): every project's tag moves with it, counts too. Call in the same transaction. */
export async function renameProjectTerm(db: Db, kind: 'theme' | 'technology', from: string, to: string): Promise<void> {
  await renameProjectTag(db, kind, from, to)
}
