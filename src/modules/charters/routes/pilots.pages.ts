import { done, query, text } from '../../../core/http/schemas.ts'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { can } from '../../../core/access/can.ts'
import type { Actor } from '../../../core/access/policy.ts'
import { notFound } from '../../../core/errors.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { submissionTokenIn, submitOnce } from '../../../core/http/submissions.ts'
import { peopleByIds } from '../../accounts/accounts.ts'
import { visibleOrganisationBySlug } from '../../organisations/organisations.ts'
import type { CharterRow } from '../charters.queries.ts'
import { pilotEditSchema, pilotSchema, pilotUpdateSchema } from '../charters.schemas.ts'
import { editPilot, findPilotOf, linkProgressPost, pilotsView, unlinkProgressPost, volunteerAsPilot } from '../pilots.ts'
import type { PilotRow } from '../pilots.queries.ts'
import { signChoices } from '../signatures.ts'
import { charterCrumbs, doneMessage, fieldErrors, loadCharter, refusal, signIn, type Params } from './page-helpers.ts'

const pilotsCrumbs = (charter: CharterRow) => [...charterCrumbs(charter), { text: 'Pilots', href: `/charters/${charter.slug}/pilots` }]

/** Organisations the person may volunteer: those they are an admin of that sign the charter and are not pilots yet. */
async function volunteerChoices(request: FastifyRequest, charter: CharterRow) {
  const choices = await signChoices(request.server.db, request.actor as Actor & { userId: string }, charter)
  const pilots = new Set((await pilotsView(request.server.db, request.actor, charter, { updatesEach: 0 })).map((p) => p.organisation.id))
  return choices.filter((c) => c.kind === 'organisation' && c.existing?.status === 'active' && !pilots.has(c.value))
}

/** Pilots: the list, volunteering, one pilot's page with its progress posts, and its admins' forms. */
export const pilotPages: FastifyPluginAsync = async (app) => {
  app.get('/charters/:slug/pilots', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'charter' } }, async (request, reply) => {
    const charter = await loadCharter(request)
    const pilots = await pilotsView(app.db, request.actor, charter, { updatesEach: 3 })
    return reply.render('charters/pilots.njk', { title: `Pilots of ${charter.title}`, breadcrumbs: charterCrumbs(charter), charter, pilots, flash: doneMessage(request) })
  })

  async function newForm(request: FastifyRequest, reply: FastifyReply, charter: CharterRow, values: Record<string, unknown>, errors?: Record<string, string>) {
    const choices = await volunteerChoices(request, charter)
    return reply.code(errors ? 422 : 200).render('charters/pilot-new.njk', {
      title: `Volunteer as a pilot of ${charter.title}`,
      breadcrumbs: pilotsCrumbs(charter),
      charter,
      organisations: choices.map((c) => ({ value: c.value, text: c.label, checked: values.organisation === c.value || choices.length === 1 })),
      values,
      errors,
      noindex: true,
    })
  }

  app.get('/charters/:slug/pilots/new', { config: { serves: 'form', shows: 'charter' } , schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const charter = await loadCharter(request)
    return newForm(request, reply, charter, {})
  })

  app.post('/charters/:slug/pilots/new', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const charter = await loadCharter(request)
    const token = submissionTokenIn(request.body)
    const parsed = parseInput(pilotSchema, request.body)
    if (!parsed.ok) return newForm(request, reply, charter, { ...parsed.input, _submission: token ?? '' }, parsed.errors)
    try {
      const { url } = await submitOnce(app.db, token, request.user.id, async (trx) => `/charters/${charter.slug}/pilots/${(await volunteerAsPilot(trx, request.actor, charter, parsed.value)).slug}?done=pilot`)
      return reply.redirect(url, 303)
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return newForm(request, reply, charter, { ...parsed.value, _submission: token ?? '' }, errors)
      throw err
    }
  })

  async function loadPilot(request: FastifyRequest) {
    const charter = await loadCharter(request)
    const organisation = await visibleOrganisationBySlug(app.db, request.actor, (request.params as Params).organisation)
    if (!organisation) throw notFound('Pilot')
    const pilot = await findPilotOf(app.db, request.actor, charter, organisation)
    return { charter, organisation, pilot }
  }

  async function pilotPage(request: FastifyRequest, reply: FastifyReply, loaded: { charter: CharterRow; pilot: PilotRow }, extra: { values?: Record<string, unknown>; errors?: Record<string, string>; status?: number } = {}) {
    const { charter, pilot } = loaded
    const [view] = await pilotsView(app.db, request.actor, charter, { organisationId: pilot.organisation_id, updatesEach: 100 })
    if (!view) throw notFound('Pilot')
    const canManage = request.user ? await can(app.db, request.actor, 'manage', 'pilot', { charter, organisationId: pilot.organisation_id }) : false
    return reply.code(extra.status ?? 200).render('charters/pilot.njk', {
      title: `${view.organisation.name}: pilot of ${charter.title}`,
      breadcrumbs: pilotsCrumbs(charter),
      charter,
      pilot: view,
      canManage,
      values: extra.values ?? {},
      errors: extra.errors,
      flash: doneMessage(request),
    })
  }

  app.get('/charters/:slug/pilots/:organisation', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'pilot' } }, async (request, reply) => pilotPage(request, reply, await loadPilot(request)))

  async function managedPilot(request: FastifyRequest) {
    const loaded = await loadPilot(request)
    if (!(await can(app.db, request.actor, 'manage', 'pilot', { charter: loaded.charter, organisationId: loaded.organisation.id }))) throw notFound('Pilot')
    return loaded
  }

  async function editForm(request: FastifyRequest, reply: FastifyReply, loaded: { charter: CharterRow; organisation: { name: string; slug: string } }, values: Record<string, unknown>, errors?: Record<string, string>) {
    return reply.code(errors ? 422 : 200).render('charters/pilot-edit.njk', {
      title: `Edit the pilot of ${loaded.organisation.name}`,
      breadcrumbs: [...pilotsCrumbs(loaded.charter), { text: loaded.organisation.name, href: `/charters/${loaded.charter.slug}/pilots/${loaded.organisation.slug}` }],
      charter: loaded.charter,
      organisation: loaded.organisation,
      values,
      errors,
      noindex: true,
    })
  }

  app.get('/charters/:slug/pilots/:organisation/edit', { config: { serves: 'form', shows: 'pilot' } , schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const loaded = await managedPilot(request)
    const contact = loaded.pilot.contact_id ? (await peopleByIds(app.db, [loaded.pilot.contact_id])).get(loaded.pilot.contact_id) : undefined
    return editForm(request, reply, loaded, { contact: contact?.handle ?? '', goals: loaded.pilot.goals })
  })

  app.post('/charters/:slug/pilots/:organisation/edit', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const loaded = await managedPilot(request)
    const parsed = parseInput(pilotEditSchema, request.body)
    if (!parsed.ok) return editForm(request, reply, loaded, parsed.input, parsed.errors)
    try {
      await app.db.transaction().execute((trx) => editPilot(trx, request.actor, loaded.charter, loaded.pilot, parsed.value))
      return reply.redirect(`/charters/${loaded.charter.slug}/pilots/${loaded.organisation.slug}?done=pilot-saved`, 303)
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return editForm(request, reply, loaded, parsed.value, errors)
      throw err
    }
  })

  app.post('/charters/:slug/pilots/:organisation/updates', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const loaded = await managedPilot(request)
    const parsed = parseInput(pilotUpdateSchema, request.body)
    if (!parsed.ok) return pilotPage(request, reply, loaded, { values: parsed.input, errors: parsed.errors, status: 422 })
    try {
      await app.db.transaction().execute((trx) => linkProgressPost(trx, request.actor, loaded.charter, loaded.pilot, parsed.value.post))
      return reply.redirect(`/charters/${loaded.charter.slug}/pilots/${loaded.organisation.slug}?done=update`, 303)
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return pilotPage(request, reply, loaded, { values: parsed.value, errors, status: 422 })
      throw err
    }
  })

  app.post('/charters/:slug/pilots/:organisation/updates/:postId/remove', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const loaded = await managedPilot(request)
    try {
      await app.db.transaction().execute((trx) => unlinkProgressPost(trx, request.actor, loaded.charter, loaded.pilot, (request.params as Params).postId))
    } catch (err) {
      if (!refusal(err)) throw err
    }
    return reply.redirect(`/charters/${loaded.charter.slug}/pilots/${loaded.organisation.slug}?done=update-removed`, 303)
  })
}
