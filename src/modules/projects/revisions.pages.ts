import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { id, params, query, slug, text } from '../../core/http/schemas.ts'
import { AppError } from '../../core/errors.ts'
import { parseInput } from '../../core/http/forms.ts'
import { userOf } from '../../core/http/input.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import { baseRevisionOf } from '../../core/revisions/revisions.ts'
import { can } from '../../core/access/can.ts'
import { canEditProject, findVisibleProject, normaliseTags, reindexProject, uniqueProjectSlug, type ProjectRow } from './projects.ts'
import { currentFields, decideProjectProposal, projectHistory, proposeProjectEdit, revertProjectTo, type RevisionFields } from './revisions.ts'
import { proposalSchema } from './projects.schemas.ts'
import { vocabularyContext } from './form-context.ts'
import { PHASES, type Phase } from './projects.tables.ts'

const crumbsFor = (p: ProjectRow) => [{ text: 'Home', href: '/' }, { text: 'Projects', href: '/projects' }, { text: p.name, href: `/projects/${p.slug}` }]
const FLASH: Record<string, string> = { proposed: 'Your edit was sent to the project’s team: you will be told when they decide', accepted: 'Accepted: the project now reads as proposed', rejected: 'Rejected: the author has been told', reverted: 'Reverted', merged: 'Merged: everything the duplicate had is now here, and its address leads here' }

/** History, proposals and reverts of a project's description (every change is a revision). */
export const revisionPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const load = (request: FastifyRequest) => findVisibleProject(app.db, request.actor, (request.params as { slug: string }).slug)
  const slugFor = (project: ProjectRow) => (name: string) => uniqueProjectSlug(app.db, name, project.id)
  const reindex = (db: typeof app.db) => (updated: ProjectRow) => reindexProject(db, updated)

  app.get('/projects/:slug/history', { config: { serves: 'page', shows: 'project' }, schema: { params: params({ slug }), querystring: query({ done: text(20) }) } }, async (request, reply) => {
    const project = await load(request)
    const mayEdit = request.user ? await canEditProject(app.db, request.actor, project) : false
    const mayModerate = request.user ? await can(app.db, request.actor, 'moderate', 'project', project) : false
    const revisions = await projectHistory(app.db, request.actor, project, mayEdit)
    return reply.render('projects/history.njk', { title: `History of ${project.name}`, breadcrumbs: crumbsFor(project), project, revisions, mayEdit, mayModerate, signedIn: request.user !== null, flash: FLASH[request.query.done ?? ''], noindex: true })
  })

  const proposeForm = async (request: FastifyRequest, project: ProjectRow) => {
    const f = await currentFields(app.db, project)
    return { ...f, themes: f.themes.join(', '), technologies: f.technologies.join(', '), note: '', revision: String(project.revision) }
  }

  app.get('/projects/:slug/propose', { config: { serves: 'form', shows: 'project', signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const project = await load(request)
    if (await canEditProject(app.db, request.actor, project)) return reply.redirect(`/projects/${project.slug}/edit`, 303)
    const values = await proposeForm(request, project)
    return reply.render('projects/propose.njk', { title: `Propose an edit to ${project.name}`, breadcrumbs: crumbsFor(project), project, values, phases: PHASES, ...(await vocabularyContext(app.db, values)) })
  })

  app.post('/projects/:slug/propose', { config: { signIn: true, invalidates: [] }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const project = await load(request)
    const body = (request.body ?? {}) as Record<string, string>
    const again = async (errors: Record<string, string>) => {
      // The author's text is kept; the form now starts from the project's current revision.
      const values = { ...body, revision: String(project.revision) }
      return reply.code(422).render('projects/propose.njk', { title: `Propose an edit to ${project.name}`, breadcrumbs: crumbsFor(project), project, values, errors, phases: PHASES, current: await proposeForm(request, project), ...(await vocabularyContext(app.db, values)) })
    }
    const parsed = parseInput(proposalSchema, body)
    if (!parsed.ok) return again(parsed.errors)
    const v = parsed.value
    const after: RevisionFields = { name: v.name, summary: v.summary, problem: v.problem, audience: v.audience, looking_for: v.looking_for, phase: v.phase as Phase, themes: normaliseTags(v.themes), technologies: normaliseTags(v.technologies) }
    try {
      // Sent twice (a double click, a retry), the form proposes once: the second gets the first's answer.
      const { url } = await submitOnce(app.db, submissionTokenIn(request.body), userOf(request).id, async (trx) => {
        await proposeProjectEdit(trx, request.actor, project, after, baseRevisionOf(request.body, project.revision), v.note)
        return `/projects/${project.slug}/history?done=proposed`
      })
      return reply.redirect(url, 303)
    } catch (err) {
      if (err instanceof AppError && err.status === 422 && err.fields) return again(err.fields)
      throw err
    }
  })

  app.post('/projects/:slug/revisions/:id/decide', { config: { signIn: true }, schema: { params: params({ slug, id }) } }, async (request, reply) => {
    const project = await load(request)
    const accept = ((request.body ?? {}) as Record<string, string>).decision === 'accept'
    const updated = await app.db.transaction().execute((trx) => decideProjectProposal(trx, request.actor, project, request.params.id, accept, reindex(trx), slugFor(project)))
    return reply.redirect(`/projects/${updated.slug}/history?done=${accept ? 'accepted' : 'rejected'}`, 303)
  })

  app.post('/projects/:slug/revisions/:id/revert', { config: { signIn: true }, schema: { params: params({ slug, id }) } }, async (request, reply) => {
    const project = await load(request)
    const updated = await app.db.transaction().execute((trx) => revertProjectTo(trx, request.actor, project, request.params.id, reindex(trx), slugFor(project)))
    return reply.redirect(`/projects/${updated.slug}/history?done=reverted`, 303)
  })
}
