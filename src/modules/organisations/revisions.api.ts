import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { id, params, slug } from '../../core/http/schemas.ts'
import { invalid } from '../../core/errors.ts'
import { parseInput } from '../../core/http/forms.ts'
import { userOf } from '../../core/http/input.ts'
import { jsonWrite, problemSchema } from '../../core/http/api-writes.ts'
import { submitOnce } from '../../core/http/submissions.ts'
import { decisionBody, idempotencyKey, revisionItems, revisionJson } from '../../core/revisions/api.ts'
import { canManageOrganisation, findVisibleOrganisation, proposedFields, writeRevisionFields } from './organisations.ts'
import { decideOrganisationProposal, organisationFields, organisationHistory, proposeOrganisationEdit } from './revisions.ts'
import { organisationProposalSchema } from './organisations.schemas.ts'
import { ORGANISATION_TYPES } from './organisations.tables.ts'

const proposalBody = Type.Object(
  {
    revision: Type.Integer({ minimum: 0, description: 'The revision the edit starts from (the organisation’s `revision` as read): an edit from an older one is refused' }),
    name: Type.Optional(Type.String({ maxLength: 120 })),
    type: Type.Optional(Type.Union(ORGANISATION_TYPES.map((t) => Type.Literal(t)))),
    country: Type.Optional(Type.String({ maxLength: 80, description: 'ISO 3166-1 alpha-2 code or English name' })),
    region: Type.Optional(Type.String({ maxLength: 80, description: 'One of the country’s ISO 3166-2 regions: code or name' })),
    city: Type.Optional(Type.String({ maxLength: 100, description: 'One of the country’s cities in the bundled GeoNames gazetteer: GeoNames id or English name' })),
    website: Type.Optional(Type.String({ maxLength: 2000 })),
    identifier: Type.Optional(Type.String({ maxLength: 80, description: 'An org-id.guide identifier, such as GB-COH-09506232' })),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    themes: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10, description: 'Themes of the directory’s vocabulary (slugs or labels)' })),
    note: Type.Optional(Type.String({ maxLength: 500, description: 'Why this change' })),
  },
  { additionalProperties: false },
)

/** An organisation's revisions and proposed edits through the API, with the pages' rules (0024, 0030). */
export const organisationRevisionApi: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const tags = ['organisations']

  app.get('/organisations/:slug/revisions', {
    // Differs per reader (proposals are for the organisation's admins and their authors), like the history page.
    config: { serves: 'api', shows: 'organisation', cache: false },
    schema: {
      tags,
      summary: 'An organisation’s revisions, newest first: applied ones for everyone; proposals for its admins and their authors',
      params: params({ slug }),
      response: { 200: Type.Object({ items: Type.Array(revisionJson('organisation')) }), 404: problemSchema },
    },
  }, async (request) => {
    const org = await findVisibleOrganisation(app.db, request.actor, request.params.slug)
    const mayDecide = request.user ? await canManageOrganisation(app.db, request.actor, org.id) : false
    const revisions = await organisationHistory(app.db, request.actor, org, mayDecide)
    return { items: revisionItems(revisions) }
  })

  app.post('/organisations/:slug/proposals', {
    config: { signIn: true, invalidates: [] },
    preValidation: jsonWrite,
    schema: {
      tags,
      summary: 'Proposes an edit to an organisation the caller does not manage (fields left out keep their current value); its admins are told and decide. Checked as an edit is (a country, a region and city of it, themes from the vocabulary). Send an `Idempotency-Key` header to make a retry safe',
      params: params({ slug }),
      body: proposalBody,
      response: {
        201: Type.Object({ id: Type.String(), status: Type.Literal('proposed'), url: Type.String({ description: 'The organisation’s history page, at this proposal' }) }),
        400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 415: problemSchema, 422: problemSchema,
      },
    },
  }, async (request, reply) => {
    const org = await findVisibleOrganisation(app.db, request.actor, request.params.slug)
    const b = request.body
    // A field left out keeps its current value: a proposal names what it changes.
    const now = await organisationFields(app.db, org)
    const parsed = parseInput(organisationProposalSchema, { name: b.name ?? now.name, type: b.type ?? now.type, country: b.country ?? org.country_code, region: b.region ?? now.region, city: b.city ?? now.city ?? '', website: b.website ?? now.website, identifier: b.identifier ?? now.identifier, description: b.description ?? now.description, themes: b.themes ?? now.themes, note: b.note ?? '' })
    if (!parsed.ok) throw invalid(parsed.errors)
    const after = await proposedFields(app.db, org, parsed.value)
    const { url } = await submitOnce(app.db, idempotencyKey(request), userOf(request).id, async (trx) => {
      const proposal = await proposeOrganisationEdit(trx, request.actor, org, after, b.revision, parsed.value.note)
      return `/organisations/${org.slug}/history#revision-${proposal}`
    })
    return reply.code(201).header('Location', url).send({ id: url.slice(url.indexOf('#revision-') + '#revision-'.length), status: 'proposed' as const, url: `${app.config.baseUrl}${url}` })
  })

  app.post('/organisations/:slug/proposals/:id/decision', {
    config: { signIn: true },
    preValidation: jsonWrite,
    schema: {
      tags,
      summary: 'Accepts (applied as the next revision) or rejects a proposed edit: for the organisation’s admins. A proposal older than the organisation’s last change can only be rejected (409)',
      params: params({ slug, id }),
      body: decisionBody,
      response: {
        200: Type.Object({ status: Type.Union([Type.Literal('applied'), Type.Literal('rejected')]), organisation: Type.String({ description: 'The organisation’s slug after the change (a new name gets a new one)' }) }),
        400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 415: problemSchema,
      },
    },
  }, async (request) => {
    const org = await findVisibleOrganisation(app.db, request.actor, request.params.slug)
    const accept = request.body.decision === 'accept'
    const updated = await app.db.transaction().execute((trx) => decideOrganisationProposal(trx, request.actor, org, request.params.id, accept, writeRevisionFields))
    return { status: accept ? ('applied' as const) : ('rejected' as const), organisation: updated.slug }
  })
}
