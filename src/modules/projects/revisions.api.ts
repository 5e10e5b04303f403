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
import { canEditProject, findVisibleProject, normaliseTags, reindexProject, uniqueProjectSlug } from './projects.ts'
import { currentFields, decideProjectProposal, projectHistory, proposeProjectEdit } from './revisions.ts'
import { proposalSchema } from './projects.schemas.ts'
import { PHASES, type Phase } from './projects.tables.ts'

const terms = (what: string) => Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10, description: `${what} of the directory’s vocabulary (slugs or labels)` }))

const proposalBody = Type.Object(
  {
    revision: Type.Integer({ minimum: 0, description: 'The revision the edit starts from (the project’s `revision` as read): an edit from an older one is refused' }),
    name: Type.Optional(Type.String({ maxLength: 120 })),
    summary: Type.Optional(Type.String({ maxLength: 300 })),
    phase: Type.Optional(Type.Union(PHASES.map((p) => Type.Literal(p)))),
    problem: Type.Optional(Type.String({ maxLength: 5000 })),
    audience: Type.Optional(Type.String({ maxLength: 2000 })),
    lookingFor: Type.Optional(Type.String({ maxLength: 2000 })),
    themes: terms('Themes'),
    technologies: terms('Technologies'),
    note: Type.Optional(Type.String({ maxLength: 500, description: 'Why this change' })),
  },
  { additionalProperties: false },
)

/**
 * A project's revisions and proposed edits through the API, with the history page's rules: applied revisions for
 * everyone who may see the project, proposals for its team and their authors; anyone signed in who may not edit it
 * proposes, its team decides (decision 0024, as organisations' since 0030).
 */
export const projectRevisionApi: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const tags = ['projects']

  app.get('/projects/:slug/revisions', {
    // Differs per reader (proposals are for the team and their authors), like the history page.
    config: { serves: 'api', shows: 'project', cache: false },
    schema: {
      tags,
      summary: 'A project’s revisions, newest first: applied ones for everyone who may see it; proposals for its team and their authors',
      params: params({ slug }),
      response: { 200: Type.Object({ items: Type.Array(revisionJson('project')) }), 404: problemSchema },
    },
  }, async (request) => {
    const project = await findVisibleProject(app.db, request.actor, request.params.slug)
    const mayEdit = request.user ? await canEditProject(app.db, request.actor, project) : false
    return { items: revisionItems(await projectHistory(app.db, request.actor, project, mayEdit)) }
  })

  app.post('/projects/:slug/proposals', {
    config: { signIn: true, invalidates: [] },
    preValidation: jsonWrite,
    schema: {
      tags,
      summary: 'Proposes an edit to a project the caller may not edit (fields left out keep their current value); its team is told and decides. Themes and technologies must be in the vocabulary. Send an `Idempotency-Key` header to make a retry safe',
      params: params({ slug }),
      body: proposalBody,
      response: {
        201: Type.Object({ id: Type.String(), status: Type.Literal('proposed'), url: Type.String({ description: 'The project’s history page' }) }),
        400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 415: problemSchema, 422: problemSchema,
      },
    },
  }, async (request, reply) => {
    const project = await findVisibleProject(app.db, request.actor, request.params.slug)
    const b = request.body
    const now = await currentFields(app.db, project)
    const parsed = parseInput(proposalSchema, { name: b.name ?? now.name, summary: b.summary ?? now.summary, phase: b.phase ?? now.phase, problem: b.problem ?? now.problem, audience: b.audience ?? now.audience, looking_for: b.lookingFor ?? now.looking_for, themes: b.themes ?? now.themes, technologies: b.technologies ?? now.technologies, note: b.note ?? '' })
    if (!parsed.ok) throw invalid(parsed.errors)
    const v = parsed.value
    const after = { name: v.name, summary: v.summary, problem: v.problem, audience: v.audience, looking_for: v.looking_for, phase: v.phase as Phase, themes: normaliseTags(v.themes), technologies: normaliseTags(v.technologies) }
    const { url } = await submitOnce(app.db, idempotencyKey(request), userOf(request).id, async (trx) => {
      const proposal = await proposeProjectEdit(trx, request.actor, project, after, b.revision, v.note)
      return `/projects/${project.slug}/history#revision-${proposal}`
    })
    return reply.code(201).header('Location', url).send({ id: url.slice(url.indexOf('#revision-') + '#revision-'.length), status: 'proposed' as const, url: `${app.config.baseUrl}${url}` })
  })

  app.post('/projects/:slug/proposals/:id/decision', {
    config: { signIn: true },
    preValidation: jsonWrite,
    schema: {
      tags,
      summary: 'Accepts (applied as the next revision) or rejects a proposed edit: for the project’s team and the admins of its lead organisation. A proposal older than the project’s last change can only be rejected (409)',
      params: params({ slug, id }),
      body: decisionBody,
      response: {
        200: Type.Object({ status: Type.Union([Type.Literal('applied'), Type.Literal('rejected')]), project: Type.String({ description: 'The project’s slug after the change (a new name gets a new one)' }) }),
        400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 415: problemSchema,
      },
    },
  }, async (request) => {
    const project = await findVisibleProject(app.db, request.actor, request.params.slug)
    const accept = request.body.decision === 'accept'
    const updated = await app.db.transaction().execute((trx) => decideProjectProposal(trx, request.actor, project, request.params.id, accept, (updated) => reindexProject(trx, updated), (name) => uniqueProjectSlug(trx, name, project.id)))
    return { status: accept ? ('applied' as const) : ('rejected' as const), project: updated.slug }
  })
}
