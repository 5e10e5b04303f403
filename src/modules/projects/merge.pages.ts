import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { params, slug } from '../../core/http/schemas.ts'
import { AppError, forbidden, invalid } from '../../core/errors.ts'
import { parseInput } from '../../core/http/forms.ts'
import { userOf } from '../../core/http/input.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import { runMergeHooks } from '../../core/merge.ts'
import { can } from '../../core/access/can.ts'
import { canEditProject, findVisibleProject, visibleProjectsNamed, type ProjectRow } from './projects.ts'
import { mergeProjects } from './merge.ts'

const mergeSchema = {
  duplicate: { type: 'text', label: 'The duplicate', required: true, max: 120 },
  confirm: { type: 'choice', label: 'Confirmation', options: ['yes'] as const, required: true },
} as const

/** Merging a duplicate project into this one (who may edit both, or moderators). */
export const projectMergePages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const crumbs = (o: ProjectRow) => [{ text: 'Home', href: '/' }, { text: 'Projects', href: '/projects' }, { text: o.name, href: `/projects/${o.slug}` }]

  /** The project that stays: the reader must see it, and edit or moderate it, to merge anything into it. */
  async function survivor(request: FastifyRequest): Promise<ProjectRow> {
    const into = await findVisibleProject(app.db, request.actor, (request.params as { slug: string }).slug)
    if (!(await canEditProject(app.db, request.actor, into)) && !(await can(app.db, request.actor, 'moderate', 'project', into))) throw forbidden('Only its team, or moderators, can merge a duplicate into this project')
    return into
  }
  const render = (reply: FastifyReply, into: ProjectRow, values: Record<string, unknown>, errors?: Record<string, string>, suggestions: Array<{ slug: string; name: string }> = []) =>
    reply.code(errors ? 422 : 200).render('projects/merge.njk', { title: `Merge a duplicate into ${into.name}`, breadcrumbs: crumbs(into), project: into, values, errors, suggestions, noindex: true })

  app.get('/projects/:slug/merge', { config: { serves: 'form', shows: 'project', signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => render(reply, await survivor(request), {}))

  app.post('/projects/:slug/merge', { config: { signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const into = await survivor(request)
    const parsed = parseInput(mergeSchema, request.body)
    const values = { ...(parsed.ok ? parsed.value : parsed.input), _submission: submissionTokenIn(request.body) ?? undefined }
    if (!parsed.ok) return render(reply, into, values, { ...parsed.errors, ...(parsed.errors.confirm ? { confirm: 'Confirm that it is the same project, listed twice' } : {}) })
    // The duplicate is named as a person sees it: a project they may not see is "not found", never revealed.
    // Looked up inside the one-time submission: a merge sent twice answers the first's redirect, not "not found".
    let suggestions: Array<{ slug: string; name: string }> = []
    try {
      const { url } = await submitOnce(app.db, submissionTokenIn(request.body), userOf(request).id, async (trx) => {
        const named = await visibleProjectsNamed(trx, request.actor, parsed.value.duplicate)
        suggestions = named.suggestions
        if (!named.found) throw invalid({ duplicate: 'No project has that name or address: pick one of those below, or check the spelling' })
        const from = named.found
        const merged = await mergeProjects(trx, request.actor, from, into, (db) => runMergeHooks(app.modules, db, 'project', from.id, into.id))
        return `/projects/${merged.slug}/history?done=merged`
      })
      return reply.redirect(url, 303)
    } catch (err) {
      if (err instanceof AppError && (err.status === 422 || err.status === 403)) return render(reply, into, values, err.fields ?? { duplicate: err.message }, suggestions)
      throw err
    }
  })
}
