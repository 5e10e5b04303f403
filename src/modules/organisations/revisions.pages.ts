import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { id, params, query, slug, text } from '../../core/http/schemas.ts'
import { AppError } from '../../core/errors.ts'
import { parseInput } from '../../core/http/forms.ts'
import { userOf } from '../../core/http/input.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import { can } from '../../core/access/can.ts'
import { baseRevisionOf } from '../../core/revisions/revisions.ts'
import { canManageOrganisation, findVisibleOrganisation, proposedFields, writeRevisionFields, type OrganisationRow } from './organisations.ts'
import { decideOrganisationProposal, organisationFields, organisationHistory, proposeOrganisationEdit, revertOrganisationTo, type OrganisationFields } from './revisions.ts'
import { organisationProposalSchema } from './organisations.schemas.ts'
import { countryCode } from './countries.ts'
import { formContext, vocabularyContext } from './form-context.ts'

const crumbsFor = (o: OrganisationRow) => [{ text: 'Home', href: '/' }, { text: 'Organisations', href: '/organisations' }, { text: o.name, href: `/organisations/${o.slug}` }]
const FLASH: Record<string, string> = { proposed: 'Your edit was sent to the organisation’s admins: you will be told when they decide', accepted: 'Accepted: the organisation now reads as proposed', rejected: 'Rejected: the author has been told', reverted: 'Reverted', merged: 'Merged: everything the duplicate had is now here, and its address leads here' }

/** History, proposed edits and reverts of an organisation's directory fields (every change is a revision). */
export const organisationRevisionPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const load = (request: FastifyRequest) => findVisibleOrganisation(app.db, request.actor, (request.params as { slug: string }).slug)

  app.get('/organisations/:slug/history', { config: { serves: 'page', shows: 'organisation' }, schema: { params: params({ slug }), querystring: query({ done: text(20) }) } }, async (request, reply) => {
    const org = await load(request)
    const mayDecide = request.user ? await canManageOrganisation(app.db, request.actor, org.id) : false
    const mayModerate = request.user ? await can(app.db, request.actor, 'moderate', 'organisation', org) : false
    const revisions = await organisationHistory(app.db, request.actor, org, mayDecide)
    return reply.render('organisations/history.njk', { title: `History of ${org.name}`, breadcrumbs: crumbsFor(org), org, revisions, mayDecide, mayModerate, signedIn: request.user !== null, flash: FLASH[request.query.done ?? ''], noindex: true })
  })

  const formValues = (f: OrganisationFields, revision: number) => ({ ...f, country: countryCode(f.country) ?? f.country, themes: f.themes.join(', '), note: '', revision: String(revision) })
  const renderForm = async (reply: FastifyReply, org: OrganisationRow, values: Record<string, unknown>, errors?: Record<string, string>) =>
    reply.code(errors ? 422 : 200).render('organisations/propose.njk', { title: `Propose an edit to ${org.name}`, breadcrumbs: crumbsFor(org), org, values, errors, current: errors?.revision ? await organisationFields(app.db, org) : undefined, ...formContext, ...(await vocabularyContext(app.db, values)) })

  app.get('/organisations/:slug/propose', { config: { serves: 'form', shows: 'organisation', signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const org = await load(request)
    if (await canManageOrganisation(app.db, request.actor, org.id)) return reply.redirect(`/organisations/${org.slug}/edit`, 303)
    return renderForm(reply, org, formValues(await organisationFields(app.db, org), org.revision))
  })

  app.post('/organisations/:slug/propose', { config: { signIn: true, invalidates: [] }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const org = await load(request)
    // The author's text is kept; after a conflict the form starts from the organisation's current revision.
    const again = (errors: Record<string, string>, input: Record<string, unknown>) => renderForm(reply, org, { ...input, revision: String(org.revision) }, errors)
    const parsed = parseInput(organisationProposalSchema, request.body)
    if (!parsed.ok) return again(parsed.errors, { ...parsed.input, _submission: submissionTokenIn(request.body) ?? undefined })
    const v = parsed.value
    try {
      const after = await proposedFields(app.db, org, v)
      // Sent twice (a double click, a retry), the form proposes once: the second gets the first's answer.
      const { url } = await submitOnce(app.db, submissionTokenIn(request.body), userOf(request).id, async (trx) => {
        await proposeOrganisationEdit(trx, request.actor, org, after, baseRevisionOf(request.body, org.revision), v.note)
        return `/organisations/${org.slug}/history?done=proposed`
      })
      return reply.redirect(url, 303)
    } catch (err) {
      if (err instanceof AppError && err.status === 422 && err.fields) return again(err.fields, { ...v, themes: v.themes.join(', '), _submission: submissionTokenIn(request.body) ?? undefined })
      throw err
    }
  })

  app.post('/organisations/:slug/revisions/:id/decide', { config: { signIn: true }, schema: { params: params({ slug, id }) } }, async (request, reply) => {
    const org = await load(request)
    const accept = parseInput({ decision: { type: 'choice', label: 'Decision', options: ['accept', 'reject'] as const, required: true } }, request.body)
    if (!accept.ok) throw new AppError('invalid', 422, 'Choose to accept or reject the edit')
    const updated = await app.db.transaction().execute((trx) => decideOrganisationProposal(trx, request.actor, org, request.params.id, accept.value.decision === 'accept', writeRevisionFields))
    return reply.redirect(`/organisations/${updated.slug}/history?done=${accept.value.decision === 'accept' ? 'accepted' : 'rejected'}`, 303)
  })

  app.post('/organisations/:slug/revisions/:id/revert', { config: { signIn: true }, schema: { params: params({ slug, id }) } }, async (request, reply) => {
    const org = await load(request)
    const updated = await app.db.transaction().execute((trx) => revertOrganisationTo(trx, request.actor, org, request.params.id, writeRevisionFields))
    return reply.redirect(`/organisations/${updated.slug}/history?done=reverted`, 303)
  })
}
