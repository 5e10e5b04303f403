import type { Db } from '../../core/db/database.ts'
import { freeSlug, newId, now } from '../../core/db/ids.ts'
import { AppError, forbidden, invalid, notFound, type FieldErrors } from '../../core/errors.ts'
import { audit } from '../../core/audit.ts'
import type { Values } from '../../core/http/forms.ts'
import { indexDocument, removeDocument } from '../../core/search/search.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { notifyOrganisationAdmins, organisationsByIds, organisationsBySlugs, type OrganisationSummary } from '../organisations/organisations.ts'
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
  recordProjectSlugChange,
  replaceProjectParts,
  tagsOf,
  teamRoles,
  updateProjectRow,
  visibleProjectsByIds,
  type ProjectRow,
  type ProjectSummary,
  type ProjectTags,
} from './projects.queries.ts'
import { MAX_LINKS, MAX_TEAM, type projectSchema } from './projects.schemas.ts'
import type { AffiliationStatus, Phase, ProjectOrganisationRole, TagKind } from './projects.tables.ts'

export type ProjectInput = Values<typeof projectSchema>

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
  const tagLists: ProjectTags = { theme: normaliseTags(input.themes), place: normalisePlaces(input.places), technology: normaliseTags(input.technologies) }
  const tags = (['theme', 'place', 'technology'] as const).flatMap((kind) => tagLists[kind].map((value) => ({ kind, value })))

  const lead = input.lead_organisation.trim().toLowerCase()
  const partners = input.partner_organisations.map((s) => s.toLowerCase()).filter((s) => s !== lead)
  const orgs = await organisationsBySlugs(db, actor, lead ? [lead, ...partners] : partners)
  if (lead && !orgs.has(lead)) errors.lead_organisation = `There is no organisation with the address ${lead}`
  const missing = partners.filter((s) => !orgs.has(s))
  if (missing.length) errors.partner_organisations = `There is no organisation with the address ${missing.join(', ')}`
  const named = [
    ...(lead && orgs.has(lead) ? [{ org: orgs.get(lead)!, role: 'lead' as const }] : []),
    ...[...new Set(partners)].filter((s) => orgs.has(s)).map((s) => ({ org: orgs.get(s)!, role: 'partner' as const })),
  ]
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
  return { tags, organisations, team, links, tagLists, requested }
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
    space_id: null,
    hidden_at: null,
    created_by: actor.userId,
    created_at: t,
    updated_at: t,
  }
  await insertProject(db, row)
  await replaceProjectParts(db, row.id, parts, t)
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
export async function updateProject(db: Db, actor: Actor, project: ProjectRow, input: ProjectInput): Promise<ProjectRow> {
  if (!signedIn(actor) || !(await canEditProject(db, actor, project))) throw forbidden('Only the project team and admins of its lead organisation can change it')
  const parts = await resolveParts(db, actor, input, true, project.id)
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
    updated_at: t,
  }
  await updateProjectRow(db, project.id, changes)
  await replaceProjectParts(db, project.id, parts, t)
  const updated = { ...project, ...changes }
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
      else if (withProposed && signedIn(actor) && (l.requestedBy === actor.userId || (await can(db, actor, 'speakFor', 'organisation', { id: o.id })))) entry.proposed.push({ ...o, role: l.role })
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

/** Projects whose team the person is on that the actor may see (profiles, "attach this post to" choices). */
export async function projectsOfPerson(db: Db, actor: Actor, userId: string): Promise<Array<ProjectSummary & { role: string }>> {
  return projectsOfPersonRows(db, actor, userId)
}
