import { formContext, vocabularyContext } from './form-context.ts'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, filterQuery, params, slug } from '../../core/http/schemas.ts'
import { AppError, notFound } from '../../core/errors.ts'
import { feedLinks } from '../../core/feeds/feeds.ts'
import { parseInput, submitForm } from '../../core/http/forms.ts'
import { userOf } from '../../core/http/input.ts'
import { decodeCursor, encodeCursor, paginate } from '../../core/http/pagination.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import {
  countriesInDirectory,
  currentOrganisationSlug,
  findOrganisationBySlug,
  listOrganisations,
  themesOf,
  type OrganisationRow,
} from './organisations.queries.ts'
import { addMember, cityById, cityName, canManageOrganisation, confirmOrganisationCurrent, likelyDuplicateOrganisations, organisationFreshness, findVisibleOrganisation, changeMemberRole, createOrganisation, decideMembership, membersOf, membershipRequested, membershipRequests, filterTerm, removeMember, requestMembership, updateOrganisation } from './organisations.ts'
import { can } from '../../core/access/can.ts'
import { addMemberSchema, changeRoleSchema, memberRequestSchema, organisationFilterSchema, organisationSchema } from './organisations.schemas.ts'
import { BROKEN_AFTER } from './website-checks.ts'
import { baseRevisionOf } from '../../core/revisions/revisions.ts'
import { organisationFields } from './revisions.ts'
import { organisationRevisionPages } from './revisions.pages.ts'
import { organisationMergePages } from './merge.pages.ts'

/** Thrown inside a submission to roll it back (its token stays free) when likely duplicates need a look first. */
class DuplicatesFound extends Error {}

const PAGE_SIZE = 20
const crumbs = [
  { text: 'Home', href: '/' },
  { text: 'Organisations', href: '/organisations' },
]


/** The organisation at this slug if the reader may see it; otherwise 404. */
const loadVisibleOrganisation = (request: FastifyRequest, slug: string) => findVisibleOrganisation(request.server.db, request.actor, slug)

/** Text split into paragraphs for display (descriptions are plain text). */
export const paragraphs = (text: string) => text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)

function queryString(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v)
  const s = q.toString()
  return s ? `?${s}` : ''
}

/** HTML routes of the organisations directory. */
export const organisationPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  await app.register(organisationRevisionPages)
  await app.register(organisationMergePages)
  app.get('/organisations', { config: { serves: 'page', cache: true }, schema: { querystring: filterQuery(organisationFilterSchema, { cursor }) } }, async (request, reply) => {
    const query = request.query
    const countries = await countriesInDirectory(app.db, request.actor)
    const parsed = parseInput(organisationFilterSchema, query)
    const base = { title: 'Organisations', breadcrumbs: [crumbs[0]], countries, types: formContext.types, suggestedThemes: formContext.suggestedThemes }
    if (!parsed.ok) return reply.code(400).render('organisations/index.njk', { ...base, errors: parsed.errors, values: parsed.input, items: [] })
    const filter = { country: parsed.value.country || undefined, type: parsed.value.type || undefined, theme: await filterTerm(app.db, 'theme', parsed.value.theme) }
    const cursor = decodeCursor(query.cursor)
    const rows = await listOrganisations(app.db, request.actor, filter, cursor, PAGE_SIZE)
    const page = paginate(rows, PAGE_SIZE, (r) => ({ at: r.name, id: r.id }))
    const themes = await themesOf(app.db, page.items.map((o) => o.id))
    const items = page.items.map((o) => ({ ...o, themes: themes.get(o.id) ?? [] }))
    const filtered = Boolean(filter.country || filter.type || filter.theme)
    const pagination = {
      next: page.next ? { href: `/organisations${queryString({ ...filter, cursor: page.next })}` } : undefined,
      previous: cursor ? { href: `/organisations${queryString(filter)}`, labelText: 'First page' } : undefined,
    }
    return reply.render('organisations/index.njk', { ...base, values: { country: filter.country ?? '', type: filter.type ?? '', theme: filter.theme ?? '' }, items, filtered, pagination, noindex: filtered || cursor !== null, metaDescription: 'Councils, agencies and public bodies working in the open on Openly.' })
  })

  app.get('/organisations/new', { config: { serves: 'form', signIn: true } }, async (request, reply) => {
    return reply.render('organisations/new.njk', { title: 'Add an organisation', breadcrumbs: crumbs, values: {}, ...formContext, ...(await vocabularyContext(app.db, {})) })
  })

  app.post('/organisations/new', { config: { signIn: true } }, async (request, reply) =>
    submitForm(request.body, organisationSchema, {
      again: async (values, errors) => reply.code(422).render('organisations/new.njk', { title: 'Add an organisation', breadcrumbs: crumbs, errors, values, ...formContext, ...(await vocabularyContext(app.db, values)) }),
      save: async (value) => {
        // Likely duplicates are shown first; adding goes ahead once the person says it is a different one. The check
        // runs inside the one-time submission, so a form sent twice at once is checked once and adds one entry.
        const confirmed = (request.body as Record<string, unknown>).not_duplicate === 'yes'
        let duplicates: Awaited<ReturnType<typeof likelyDuplicateOrganisations>> = []
        try {
          const { url } = await submitOnce(app.db, submissionTokenIn(request.body), userOf(request).id, async (trx) => {
            duplicates = confirmed ? [] : await likelyDuplicateOrganisations(trx, request.actor, value.name, value.website)
            if (duplicates.length) throw new DuplicatesFound()
            return `/organisations/${(await createOrganisation(trx, request.actor, value)).slug}`
          })
          return reply.redirect(url, 303)
        } catch (err) {
          if (!(err instanceof DuplicatesFound)) throw err
          return reply.code(422).render('organisations/new.njk', { title: 'Add an organisation', breadcrumbs: crumbs, errors: { not_duplicate: 'It may already be listed: check the organisations below, then confirm this is a different organisation' }, values: request.body, duplicates, ...formContext, ...(await vocabularyContext(app.db, request.body)) })
        }
      },
    }),
  )

  app.get('/organisations/:slug', { config: { serves: 'page', cache: true, shows: 'organisation', cacheQuery: [] }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const { slug } = request.params
    const found = await findOrganisationBySlug(app.db, slug)
    if (!found) {
      const current = await currentOrganisationSlug(app.db, slug)
      if (current) return reply.redirect(`/organisations/${current}`, 301)
    }
    const org = await loadVisibleOrganisation(request, slug)
    const [themes, members, canManage, canAsk, asked, panelsHtml] = await Promise.all([
      themesOf(app.db, [org.id]),
      membersOf(app.db, org.id).then((all) => all.filter((m) => m.public)),
      request.user ? canManageOrganisation(app.db, request.actor, org.id) : Promise.resolve(false),
      request.user ? can(app.db, request.actor, 'participate', 'organisation', org) : Promise.resolve(false),
      request.user ? membershipRequested(app.db, request.actor, org.id) : Promise.resolve(false),
      app.panels(request, 'organisation', { id: org.id, slug: org.slug }),
    ])
    return reply.render('organisations/show.njk', {
      title: org.name,
      breadcrumbs: crumbs,
      org,
      city: org.city_id ? cityById(org.city_id) : null,
      description: paragraphs(org.description),
      metaDescription: org.description || `${org.name}: ${org.type} in ${org.country}`,
      ogType: 'profile',
      themes: themes.get(org.id) ?? [],
      members,
      canManage,
      freshness: organisationFreshness(org, app.config.directoryStaleDays),
      websiteBroken: org.website_failures >= BROKEN_AFTER,
      canAsk,
      asked,
      signedIn: request.user !== null,
      panelsHtml,
      feeds: feedLinks(`/organisations/${org.slug}`, org.name),
      canonicalUrl: `${app.config.baseUrl}/organisations/${org.slug}`,
    })
  })

  /** Loads an organisation the signed-in person manages, or answers 404/403. */
  async function managed(request: FastifyRequest): Promise<OrganisationRow> {
    const { slug } = request.params as { slug: string }
    const org = await loadVisibleOrganisation(request, slug)
    if (!(await canManageOrganisation(app.db, request.actor, org.id))) throw new AppError('forbidden', 403, 'Only admins of this organisation can change it.')
    return org
  }

  const editCrumbs = (org: OrganisationRow) => [...crumbs, { text: org.name, href: `/organisations/${org.slug}` }]

  app.get('/organisations/:slug/edit', { config: { serves: 'form', shows: 'organisation', signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const org = await managed(request)
    const themes = (await themesOf(app.db, [org.id])).get(org.id) ?? []
    const values = { name: org.name, type: org.type, country: org.country_code || org.country, region: org.region, city: cityName(org.city_id), website: org.website, identifier: org.identifier, description: org.description, themes: themes.join(', '), revision: String(org.revision) }
    return reply.render('organisations/edit.njk', { title: `Edit ${org.name}`, breadcrumbs: editCrumbs(org), org, values, ...formContext, ...(await vocabularyContext(app.db, values)) })
  })

  app.post('/organisations/:slug/still-active', { config: { signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const org = await loadVisibleOrganisation(request, request.params.slug)
    await app.db.transaction().execute((trx) => confirmOrganisationCurrent(trx, request.actor, org))
    return reply.redirect(`/organisations/${org.slug}`, 303)
  })

  app.post('/organisations/:slug/edit', { config: { signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const org = await managed(request)
    const parsed = parseInput(organisationSchema, request.body)
    const base = baseRevisionOf(request.body, org.revision)
    const again = async (errors: Record<string, string>, values: Record<string, unknown>) =>
      reply.code(422).render('organisations/edit.njk', { title: `Edit ${org.name}`, breadcrumbs: editCrumbs(org), org, errors, values, current: errors.revision ? await organisationFields(app.db, org) : undefined, ...formContext, ...(await vocabularyContext(app.db, values)) })
    if (!parsed.ok) return again(parsed.errors, { ...parsed.input, revision: String(base) })
    try {
      const updated = await app.db.transaction().execute((trx) => updateOrganisation(trx, request.actor, org, parsed.value, base))
      return reply.redirect(`/organisations/${updated.slug}`, 303)
    } catch (err) {
      // The person's text is kept; after a conflict the form starts from the organisation's current revision.
      if (err instanceof AppError && err.status === 422 && err.fields) return again(err.fields, { ...parsed.value, themes: parsed.value.themes.join(', '), revision: String(err.fields.revision ? org.revision : base) })
      throw err
    }
  })

  async function renderMembers(request: FastifyRequest, reply: FastifyReply, org: OrganisationRow, extra: Record<string, unknown> = {}, status = 200) {
    const [members, requests] = await Promise.all([membersOf(app.db, org.id), membershipRequests(app.db, org.id)])
    return reply.code(status).render('organisations/members.njk', {
      title: `Members of ${org.name}`,
      breadcrumbs: editCrumbs(org),
      org,
      members,
      requests,
      values: { role: 'member' },
      ...extra,
    })
  }

  /** Runs a member change; a validation failure re-renders the members page with the error summary. */
  async function memberChange(request: FastifyRequest, reply: FastifyReply, org: OrganisationRow, values: Record<string, unknown>, change: (trx: any) => Promise<void>) {
    try {
      await app.db.transaction().execute(change)
    } catch (err) {
      if (err instanceof AppError && err.status === 422 && err.fields) return renderMembers(request, reply, org, { errors: err.fields, values }, 422)
      throw err
    }
    return reply.redirect(`/organisations/${org.slug}/members`, 303)
  }

  app.get('/organisations/:slug/members', { config: { serves: 'form', shows: 'organisation', signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const org = await managed(request)
    return renderMembers(request, reply, org)
  })

  app.post('/organisations/:slug/members', { config: { signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const org = await managed(request)
    const parsed = parseInput(addMemberSchema, request.body)
    if (!parsed.ok) return renderMembers(request, reply, org, { errors: parsed.errors, values: parsed.input }, 422)
    return memberChange(request, reply, org, parsed.value, (trx) => addMember(trx, request.actor, org, parsed.value.handle, parsed.value.role as 'admin' | 'member'))
  })

  /** The member named in the URL (by handle), or 404. */
  async function targetMember(request: FastifyRequest, org: OrganisationRow): Promise<string> {
    const { handle } = request.params as { handle: string }
    const member = (await membersOf(app.db, org.id)).find((m) => m.handle === handle.toLowerCase())
    if (!member) throw notFound('Member')
    return member.userId
  }

  app.post('/organisations/:slug/members/:handle/role', { config: { signIn: true }, schema: { params: params({ slug, handle: slug }) } }, async (request, reply) => {
    const org = await managed(request)
    const userId = await targetMember(request, org)
    const parsed = parseInput(changeRoleSchema, request.body)
    if (!parsed.ok) return renderMembers(request, reply, org, { errors: parsed.errors }, 422)
    return memberChange(request, reply, org, {}, (trx) => changeMemberRole(trx, request.actor, org, userId, parsed.value.role as 'admin' | 'member'))
  })

  app.post('/organisations/:slug/members/:handle/remove', { config: { signIn: true }, schema: { params: params({ slug, handle: slug }) } }, async (request, reply) => {
    const org = await managed(request)
    const userId = await targetMember(request, org)
    return memberChange(request, reply, org, {}, (trx) => removeMember(trx, request.actor, org, userId))
  })

  // ---------- Asking to be listed as a member (the organisation's admins decide) ----------

  app.post('/organisations/:slug/membership-requests', { config: { signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const org = await loadVisibleOrganisation(request, request.params.slug)
    const parsed = parseInput(memberRequestSchema, request.body)
    if (!parsed.ok) throw new AppError('invalid', 422, parsed.errors.message ?? 'Check your message')
    await app.db.transaction().execute((trx) => requestMembership(trx, request.actor, org, parsed.value.message))
    return reply.redirect(`/organisations/${org.slug}#membership`, 303)
  })

  app.post('/organisations/:slug/membership-requests/:handle', { config: { signIn: true }, schema: { params: params({ slug, handle: slug }) } }, async (request, reply) => {
    const org = await managed(request)
    const { handle } = request.params
    const asked = (await membershipRequests(app.db, org.id)).find((r) => r.handle === handle.toLowerCase())
    if (!asked) throw notFound('Request')
    const confirm = (request.body as { decision?: unknown } | undefined)?.decision === 'confirm'
    await app.db.transaction().execute((trx) => decideMembership(trx, request.actor, org, asked.userId, confirm))
    return reply.redirect(`/organisations/${org.slug}/members`, 303)
  })
}
