import type { Executor } from '../../core/db/database.ts'
import { newId, now, slugify } from '../../core/db/ids.ts'
import { AppError, forbidden, invalid, notFound, type FieldErrors } from '../../core/errors.ts'
import type { Values } from '../../core/http/forms.ts'
import { indexDocument, removeDocument } from '../../core/search/search.ts'
import { can, type Actor } from '../../core/access/policy.ts'
import { isAdminOfAny, organisationsByIds, organisationsBySlugs, type OrganisationSummary } from '../organisations/organisations.queries.ts'
import {
  findProjectById,
  findProjectBySlug,
  insertProject,
  isTeamMember,
  organisationRolesOf,
  projectSlugsLike,
  recordProjectSlugChange,
  replaceProjectParts,
  tagsOf,
  updateProjectRow,
  usersByHandles,
  type ProjectRow,
  type ProjectTags,
} from './projects.queries.ts'
import { MAX_LINKS, MAX_TEAM, type projectSchema } from './projects.schemas.ts'
import type { Phase, ProjectOrganisationRole, TagKind } from './projects.tables.ts'

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
export async function uniqueProjectSlug(db: Executor, name: string, selfId?: string): Promise<string> {
  const base = slugify(name).slice(0, 55).replace(/-+$/, '') || 'project'
  const taken = new Set((await projectSlugsLike(db, base)).filter((r) => r.project_id !== selfId).map((r) => r.slug))
  for (const s of RESERVED) taken.add(s)
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}

/** True when the actor may edit the project: its team, admins of its lead organisation, platform admins. */
export async function canEditProject(db: Executor, actor: Actor, projectId: string): Promise<boolean> {
  if (actor.isAdmin) return true
  if (!actor.userId) return false
  if (await isTeamMember(db, projectId, actor.userId)) return true
  const leads = ((await organisationRolesOf(db, [projectId])).get(projectId) ?? []).filter((o) => o.role === 'lead').map((o) => o.organisationId)
  return isAdminOfAny(db, actor.userId, leads)
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

/** A project's form input with organisations and people looked up: what gets written. */
interface ResolvedParts {
  tags: Array<{ kind: TagKind; value: string }>
  organisations: Array<{ organisationId: string; role: ProjectOrganisationRole }>
  team: Array<{ userId: string; role: string }>
  links: Array<{ label: string; url: string }>
  tagLists: ProjectTags
}

/** Looks up organisations by slug and people by handle; any unknown one is a field error (422). */
async function resolveParts(db: Executor, input: ProjectInput, requireTeam: boolean): Promise<ResolvedParts> {
  const errors: FieldErrors = {}
  const tagLists: ProjectTags = { theme: normaliseTags(input.themes), place: normalisePlaces(input.places), technology: normaliseTags(input.technologies) }
  const tags = (['theme', 'place', 'technology'] as const).flatMap((kind) => tagLists[kind].map((value) => ({ kind, value })))

  const lead = input.lead_organisation.trim().toLowerCase()
  const partners = input.partner_organisations.map((s) => s.toLowerCase()).filter((s) => s !== lead)
  const orgs = await organisationsBySlugs(db, lead ? [lead, ...partners] : partners)
  if (lead && !orgs.has(lead)) errors.lead_organisation = `There is no organisation with the address ${lead}`
  const missing = partners.filter((s) => !orgs.has(s))
  if (missing.length) errors.partner_organisations = `There is no organisation with the address ${missing.join(', ')}`
  const organisations = [
    ...(lead && orgs.has(lead) ? [{ organisationId: orgs.get(lead)!.id, role: 'lead' as const }] : []),
    ...[...new Set(partners)].filter((s) => orgs.has(s)).map((s) => ({ organisationId: orgs.get(s)!.id, role: 'partner' as const })),
  ]

  const { links, error: linkError } = parseLinks(input.links)
  if (linkError) errors.links = linkError

  const { team: wanted, error: teamError } = parseTeam(input.team)
  const team: Array<{ userId: string; role: string }> = []
  if (teamError) errors.team = teamError
  else {
    const people = await usersByHandles(db, wanted.map((m) => m.handle))
    const unknown = wanted.filter((m) => !people.has(m.handle.toLowerCase()))
    if (unknown.length) errors.team = `There is no one with the handle ${unknown.map((m) => m.handle).join(', ')}`
    for (const m of wanted) {
      const p = people.get(m.handle.toLowerCase())
      if (p && !team.some((t) => t.userId === p.id)) team.push({ userId: p.id, role: m.role })
    }
    if (requireTeam && wanted.length === 0) errors.team = 'Enter at least one team member'
  }
  if (Object.keys(errors).length) throw invalid(errors)
  return { tags, organisations, team, links, tagLists }
}

/** Writes the project's search document (or removes it while hidden). Call in the changing transaction. */
export async function indexProject(db: Executor, project: ProjectRow, tags: ProjectTags): Promise<void> {
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
export async function createProject(db: Executor, actor: Actor, input: ProjectInput): Promise<ProjectRow> {
  if (!actor.userId) throw new AppError('unauthorised', 401, 'Sign in to add a project')
  const parts = await resolveParts(db, input, false)
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
  return row
}

/** Edits everything about a project. A new name gets a new slug; the old one keeps answering with a redirect. */
export async function updateProject(db: Executor, actor: Actor, project: ProjectRow, input: ProjectInput): Promise<ProjectRow> {
  if (!(await canEditProject(db, actor, project.id))) throw forbidden('Only the project team and admins of its lead organisation can change it')
  const parts = await resolveParts(db, input, true)
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
  return updated
}

/** Hides or restores a project (moderation), keeping the search index in step. */
export async function setProjectHidden(db: Executor, id: string, hidden: boolean): Promise<void> {
  const project = await findProjectById(db, id)
  if (!project) return
  const hidden_at = hidden ? now() : null
  await updateProjectRow(db, id, { hidden_at })
  const tags = (await tagsOf(db, [id])).get(id) ?? { theme: [], place: [], technology: [] }
  await indexProject(db, { ...project, hidden_at }, tags)
}

/** The project at this slug if the actor may see it; otherwise throws 404 (never revealing that it exists). */
export async function findVisibleProject(db: Executor, actor: Actor, slug: string): Promise<ProjectRow> {
  const project = await findProjectBySlug(db, slug)
  if (!project) throw notFound('Project')
  const ok = await can(db, actor, 'view', { spaceId: project.space_id, hiddenAt: project.hidden_at, authorIds: project.created_by ? [project.created_by] : [] })
  if (!ok) throw notFound('Project')
  return project
}

/** Lead and partner organisations of several projects, labelled, in two queries. */
export async function projectOrganisations(db: Executor, projectIds: string[]): Promise<Map<string, { lead: OrganisationSummary[]; partners: OrganisationSummary[] }>> {
  const roles = await organisationRolesOf(db, projectIds)
  const orgs = await organisationsByIds(db, [...roles.values()].flat().map((r) => r.organisationId))
  const result = new Map<string, { lead: OrganisationSummary[]; partners: OrganisationSummary[] }>()
  for (const id of projectIds) {
    const entry = { lead: [] as OrganisationSummary[], partners: [] as OrganisationSummary[] }
    for (const r of roles.get(id) ?? []) {
      const o = orgs.get(r.organisationId)
      if (o) (r.role === 'lead' ? entry.lead : entry.partners).push(o)
    }
    result.set(id, entry)
  }
  return result
}
