import { cityById, cityName, countryName, filterTerm } from '../organisations/organisations.ts'
import { vocabularyContext } from './form-context.ts'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, filterQuery, id, limit, params, query, slug, text } from '../../core/http/schemas.ts'
import { userOf } from '../../core/http/input.ts'
import { AppError } from '../../core/errors.ts'
import { feedLinks } from '../../core/feeds/feeds.ts'
import { parseInput, submitForm } from '../../core/http/forms.ts'
import { decodeCursor, paginate } from '../../core/http/pagination.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import { can } from '../../core/access/can.ts'
import { countryOptions, organisationsByIds, organisationsBySlugs, visibleOrganisationBySlug } from '../organisations/organisations.ts'
import { currentProjectSlug, findProjectBySlug, linksOf, listProjects, organisationIdsWithProjects, projectsOfOrganisation, tagsOf, type ProjectRow } from './projects.queries.ts'
import { canEditProject, confirmProjectCurrent, createProject, likelyDuplicateProjects, projectFreshness, phasePrompt, decideOrganisationRequest, findVisibleProject, projectOrganisations, teamOf, updateProject } from './projects.ts'
import { projectFilterSchema, projectSchema } from './projects.schemas.ts'
import { PHASES } from './projects.tables.ts'
import { revisionPages } from './revisions.pages.ts'
import { projectMergePages } from './merge.pages.ts'

/** Thrown inside a submission to roll it back (its token stays free) when likely duplicates need a look first. */
class DuplicatesFound extends Error {}

const loadVisibleProject = (request: FastifyRequest, slug: string) => findVisibleProject(request.server.db, request.actor, slug)

const PAGE_SIZE = 20
const crumbs = [
  { text: 'Home', href: '/' },
  { text: 'Projects', href: '/projects' },
]

/** Colour of each phase tag. */
export const PHASE_CLASSES: Record<string, string> = {
  discovery: 'govuk-tag--light-blue',
  alpha: 'govuk-tag--purple',
  beta: 'govuk-tag--orange',
  live: 'govuk-tag--green',
  retired: 'govuk-tag--grey',
}

const paragraphs = (text: string) => text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)

function signInRedirect(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303)
}

function queryString(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v)
  const s = q.toString()
  return s ? `?${s}` : ''
}

const formContext = {
  phases: PHASES,
  get countries() {
    return countryOptions()
  },
}


/** HTML routes of projects. */
export const projectPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  await app.register(revisionPages)
  await app.register(projectMergePages)
  app.get('/projects', { config: { serves: 'page', cache: true, filters: { organisation: 'organisation' } }, schema: { querystring: filterQuery(projectFilterSchema, { cursor }) } }, async (request, reply) => {
    const query = request.query
    const orgOptions = [...(await organisationsByIds(app.db, request.actor, await organisationIdsWithProjects(app.db))).values()].sort((a, b) => a.name.localeCompare(b.name))
    const base = { title: 'Projects', breadcrumbs: [crumbs[0]], phases: PHASES, organisations: orgOptions }
    const parsed = parseInput(projectFilterSchema, query)
    if (!parsed.ok) return reply.code(400).render('projects/index.njk', { ...base, errors: parsed.errors, values: parsed.input, items: [] })
    const v = parsed.value
    const filter = {
      phase: v.phase || undefined,
      // A renamed term's former slug finds it (0025).
      theme: await filterTerm(app.db, 'theme', v.theme),
      place: v.place || undefined,
      technology: await filterTerm(app.db, 'technology', v.technology),
      organisation: v.organisation.toLowerCase() || undefined,
    }
    let organisationId: string | undefined
    if (filter.organisation) {
      // An unknown organisation matches nothing rather than everything.
      organisationId = (await organisationsBySlugs(app.db, request.actor, [filter.organisation])).get(filter.organisation)?.id ?? '-'
    }
    const cursor = decodeCursor(query.cursor)
    const rows = await listProjects(app.db, request.actor, { ...filter, organisationId }, cursor, PAGE_SIZE)
    const page = paginate(rows, PAGE_SIZE, (r) => ({ at: r.updated_at, id: r.id }))
    const ids = page.items.map((p) => p.id)
    const [tags, orgs] = await Promise.all([tagsOf(app.db, ids), projectOrganisations(app.db, request.actor, ids)])
    const items = page.items.map((p) => ({ ...p, tags: tags.get(p.id), organisations: orgs.get(p.id), phaseClass: PHASE_CLASSES[p.phase] }))
    const filtered = Object.values(filter).some(Boolean)
    const pagination = {
      next: page.next ? { href: `/projects${queryString({ ...filter, cursor: page.next })}` } : undefined,
      previous: cursor ? { href: `/projects${queryString(filter)}`, labelText: 'First page' } : undefined,
    }
    const values = { phase: filter.phase ?? '', theme: filter.theme ?? '', place: filter.place ?? '', technology: filter.technology ?? '', organisation: filter.organisation ?? '' }
    // Filtered and later pages are variants of /projects: not indexed, canonical /projects.
    return reply.render('projects/index.njk', { ...base, values, items, filtered, pagination, noindex: filtered || cursor !== null, metaDescription: 'Public-sector projects working in the open: what they are for, who is on the team and what they have learned.' })
  })

  app.get('/projects/new', { config: { serves: 'form', signIn: true } }, async (request, reply) => {
    return reply.render('projects/new.njk', { title: 'Add a project', breadcrumbs: crumbs, values: { phase: 'discovery' }, ...formContext, ...(await vocabularyContext(app.db, { phase: 'discovery' })) })
  })

  app.post('/projects/new', { config: { signIn: true } }, async (request, reply) =>
    submitForm(request.body, projectSchema, {
      again: async (values, errors) => reply.code(422).render('projects/new.njk', { title: 'Add a project', breadcrumbs: crumbs, errors, values, ...formContext, ...(await vocabularyContext(app.db, values)) }),
      save: async (value) => {
        // Likely duplicates are shown first; adding goes ahead once the person says it is a different one. The check
        // runs inside the one-time submission, so a form sent twice at once is checked once and adds one entry.
        const confirmed = (request.body as Record<string, unknown>).not_duplicate === 'yes'
        let duplicates: Awaited<ReturnType<typeof likelyDuplicateProjects>> = []
        try {
          const { url } = await submitOnce(app.db, submissionTokenIn(request.body), userOf(request).id, async (trx) => {
            duplicates = confirmed ? [] : await likelyDuplicateProjects(trx, request.actor, value.name)
            if (duplicates.length) throw new DuplicatesFound()
            return `/projects/${(await createProject(trx, request.actor, value)).slug}`
          })
          return reply.redirect(url, 303)
        } catch (err) {
          if (!(err instanceof DuplicatesFound)) throw err
          return reply.code(422).render('projects/new.njk', { title: 'Add a project', breadcrumbs: crumbs, errors: { not_duplicate: 'It may already be listed: check the projects below, then confirm this is a different project' }, values: request.body, duplicates, ...formContext, ...(await vocabularyContext(app.db, request.body)) })
        }
      },
    }),
  )

  app.get('/projects/:slug', { config: { serves: 'page', cache: true, shows: 'project', cacheQuery: [] }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const { slug } = request.params
    if (!(await findProjectBySlug(app.db, slug))) {
      const current = await currentProjectSlug(app.db, slug)
      if (current) return reply.redirect(`/projects/${current}`, 301)
    }
    const project = await loadVisibleProject(request, slug)
    const [tags, orgs, team, links, canEdit, panelsHtml] = await Promise.all([
      tagsOf(app.db, [project.id]),
      projectOrganisations(app.db, request.actor, [project.id], true),
      teamOf(app.db, project.id).then((team) => team.filter((m) => m.public)),
      linksOf(app.db, project.id),
      request.user ? canEditProject(app.db, request.actor, project) : Promise.resolve(false),
      app.panels(request, 'project', { id: project.id, slug: project.slug }),
    ])
    return reply.render('projects/show.njk', {
      title: project.name,
      breadcrumbs: crumbs,
      project,
      city: project.city_id ? cityById(project.city_id) : null,
      countryName: project.country_code ? countryName(project.country_code) : '',
      phaseClass: PHASE_CLASSES[project.phase],
      problem: paragraphs(project.problem),
      audience: paragraphs(project.audience),
      lookingFor: paragraphs(project.looking_for),
      tags: tags.get(project.id),
      organisations: orgs.get(project.id),
      team,
      links,
      canEdit,
      freshness: projectFreshness(project, app.config.directoryStaleDays),
      phasePrompt: canEdit ? phasePrompt(project) : null,
      panelsHtml,
      feeds: feedLinks(`/projects/${project.slug}`, project.name),
      canonicalUrl: `${app.config.baseUrl}/projects/${project.slug}`,
      metaDescription: project.summary,
    })
  })

  async function editable(request: FastifyRequest): Promise<ProjectRow> {
    const { slug } = request.params as { slug: string }
    const project = await loadVisibleProject(request, slug)
    if (!(await canEditProject(app.db, request.actor, project))) {
      throw new AppError('forbidden', 403, 'Only the project team and admins of its lead organisation can change this project.')
    }
    return project
  }

  const editCrumbs = (p: ProjectRow) => [...crumbs, { text: p.name, href: `/projects/${p.slug}` }]

  app.get('/projects/:slug/edit', { config: { serves: 'form', shows: 'project', signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const project = await editable(request)
    const [tags, orgs, team, links] = await Promise.all([tagsOf(app.db, [project.id]), projectOrganisations(app.db, request.actor, [project.id], true), teamOf(app.db, project.id), linksOf(app.db, project.id)])
    const t = tags.get(project.id)!
    const o = orgs.get(project.id)!
    const values = {
      name: project.name,
      summary: project.summary,
      phase: project.phase,
      problem: project.problem,
      audience: project.audience,
      looking_for: project.looking_for,
      themes: t.theme.join(', '),
      places: t.place.join(', '),
      technologies: t.technology.join(', '),
      lead_organisation: o.lead[0]?.name ?? o.proposed.find((p) => p.role === 'lead')?.name ?? '',
      partner_organisations: [...o.partners, ...o.proposed.filter((p) => p.role === 'partner')].map((p) => p.name).join(', '),
      country: project.country_code,
      city: cityName(project.city_id),
      revision: String(project.revision),
      links: links.map((l) => `${l.label} | ${l.url}`).join('\n'),
      team: team.map((m) => (m.role ? `${m.handle} | ${m.role}` : m.handle)).join('\n'),
    }
    return reply.render('projects/edit.njk', { title: `Edit ${project.name}`, breadcrumbs: editCrumbs(project), project, values, ...formContext, ...(await vocabularyContext(app.db, values)) })
  })

  app.post('/projects/:slug/still-active', { config: { signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const project = await loadVisibleProject(request, request.params.slug)
    await app.db.transaction().execute((trx) => confirmProjectCurrent(trx, request.actor, project))
    return reply.redirect(`/projects/${project.slug}`, 303)
  })

  app.post('/projects/:slug/edit', { config: { signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const project = await editable(request)
    const parsed = parseInput(projectSchema, request.body)
    const again = async (errors: Record<string, string>, values: unknown) =>
      reply.code(422).render('projects/edit.njk', { title: `Edit ${project.name}`, breadcrumbs: editCrumbs(project), project, errors, values, ...formContext, ...(await vocabularyContext(app.db, values)) })
    if (!parsed.ok) return again(parsed.errors, parsed.input)
    try {
      const base = Number.parseInt(String((request.body as Record<string, unknown>).revision ?? ''), 10)
      const updated = await app.db.transaction().execute((trx) => updateProject(trx, request.actor, project, parsed.value, Number.isInteger(base) ? base : project.revision))
      return reply.redirect(`/projects/${updated.slug}`, 303)
    } catch (err) {
      if (err instanceof AppError && err.status === 422 && err.fields) return again(err.fields, { ...(request.body as object), revision: String(project.revision) })
      throw err
    }
  })

  // ---------- Requests to name an organisation on a project (its admins confirm or decline) ----------

  /** The organisation at :slug if the signed-in actor may speak for it; 404 otherwise (never revealing requests). */
  async function spokenFor(request: FastifyRequest) {
    const org = await visibleOrganisationBySlug(app.db, request.actor, (request.params as { slug: string }).slug)
    if (!org || !(await can(app.db, request.actor, 'speakFor', 'organisation', org))) throw new AppError('not_found', 404, 'Page not found')
    return org
  }

  app.get('/organisations/:slug/project-requests', { config: { serves: 'form', shows: 'organisation', signIn: true }, schema: { params: params({ slug }), querystring: query({ done: text(20) }) } }, async (request, reply) => {
    const org = await spokenFor(request)
    const requests = await projectsOfOrganisation(app.db, request.actor, org.id, 100, 'proposed')
    return reply.render('projects/requests.njk', {
      title: `Projects that name ${org.name}`,
      org,
      requests,
      flash: request.query.done === 'confirmed' ? 'Confirmed: the project now shows your organisation' : request.query.done === 'declined' ? 'Declined: the project no longer names your organisation' : undefined,
      breadcrumbs: [{ text: 'Organisations', href: '/organisations' }, { text: org.name, href: `/organisations/${org.slug}` }],
      noindex: true,
    })
  })

  app.post('/organisations/:slug/project-requests/:project', { config: { signIn: true }, schema: { params: params({ slug, project: slug }) } }, async (request, reply) => {
    const org = await spokenFor(request)
    const project = await findVisibleProject(app.db, request.actor, request.params.project)
    const confirm = (request.body as { decision?: unknown } | undefined)?.decision === 'confirm'
    await app.db.transaction().execute((trx) => decideOrganisationRequest(trx, request.actor, project, org, confirm))
    return reply.redirect(`/organisations/${org.slug}/project-requests?done=${confirm ? 'confirmed' : 'declined'}`, 303)
  })
}
