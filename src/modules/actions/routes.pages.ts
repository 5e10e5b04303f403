import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import type { FieldErrors } from '../../core/errors.ts'
import { notFound } from '../../core/errors.ts'
import { submitForm } from '../../core/http/forms.ts'
import { pageSize } from '../../core/http/pagination.ts'
import { cursor, done, id, limit, params, query, slug } from '../../core/http/schemas.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import { findVisiblePerson } from '../accounts/accounts.ts'
import { visibleProjectBySlug } from '../projects/projects.ts'
import { listActions, logAction, markMine, projectChoices, removeAction } from './actions.ts'
import { actionSchema } from './actions.schemas.ts'

type Query = { cursor?: string; limit?: number; author?: string; project?: string; done?: string }

const DONE: Record<string, string> = { logged: 'Practical action logged', removed: 'Practical action removed' }

/** Where the form sends the person back to: the page they logged it from (their profile, a project) or the list. */
function backTo(value: unknown): string {
  return typeof value === 'string' && /^\/(people|projects)\/[A-Za-z0-9_-]{1,100}$/.test(value) ? value : '/actions'
}

/** The site's practical actions (everyone's, a person's or a project's), logging one, and removing one's own. */
export const actionsPages: FastifyPluginAsync = async (app) => {
  const db = app.db

  async function renderList(request: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors?: FieldErrors) {
    const q = request.query as Query
    const actor = request.actor
    const author = q.author ? await findVisiblePerson(db, actor, q.author) : null
    if (q.author && !author) throw notFound('Person')
    const project = q.project ? await visibleProjectBySlug(db, actor, q.project) : null
    if (q.project && !project) throw notFound('Project')
    const page = await listActions(db, actor, { authorId: author?.id, projectId: project?.id, cursor: q.cursor, limit: pageSize(q.limit, 30, 100) })
    const filter: Record<string, string> = author ? { author: author.handle } : project ? { project: project.slug } : {}
    const title = author ? `Practical actions by ${author.name}` : project ? `Practical actions on ${project.name}` : 'Practical actions'
    return reply.code(errors ? 422 : 200).render('actions/index.njk', {
      title,
      breadcrumbs: [{ text: 'Home', href: '/' }, ...(author || project ? [{ text: 'Practical actions', href: '/actions' }] : [])],
      actions: markMine(actor, page.items),
      form: signedIn(actor) && !author && !project ? await formContext(actor, values) : null,
      errors,
      next: page.next ? `/actions?${new URLSearchParams({ ...filter, cursor: page.next })}` : null,
      noindex: Boolean(q.cursor || author || project),
      flash: q.done ? DONE[q.done] : undefined,
    })
  }

  async function formContext(actor: Actor & { userId: string }, values: Record<string, string>) {
    const choices = await projectChoices(db, actor)
    return { values, back: values.back ?? '/actions', projectItems: [{ value: '', text: 'None' }, ...choices.map((c) => ({ ...c, selected: c.value === values.project }))] }
  }

  app.get(
    '/actions',
    { config: { serves: 'page', cache: true, cacheQuery: ['cursor', 'limit', 'author', 'project', 'done'], filters: { author: 'person', project: 'project' } }, schema: { querystring: query({ cursor, limit, author: slug, project: slug, done }) } },
    (request, reply) => renderList(request, reply),
  )

  app.post('/actions', async (request, reply) => {
    if (!signedIn(request.actor)) return reply.redirect(`/sign-in?next=${encodeURIComponent('/actions')}`, 303)
    const actor = request.actor
    const body = (request.body ?? {}) as Record<string, unknown>
    const back = backTo(body.back)
    return submitForm(body, actionSchema, {
      again: (values, errors) => renderList(request, reply, { ...values, back }, errors),
      save: async (value) => {
        const { url } = await submitOnce(db, submissionTokenIn(body), actor.userId, async (trx) => {
          await logAction(trx, actor, value)
          // Back where it was logged: the list says so; a profile or project page shows it at the top of its section.
          return back === '/actions' ? '/actions?done=logged' : `${back}#practical-actions`
        })
        return reply.redirect(url, 303)
      },
    })
  })

  app.post('/actions/:id/delete', { schema: { params: params({ id }) } }, async (request, reply) => {
    if (!signedIn(request.actor)) return reply.redirect('/sign-in?next=%2Factions', 303)
    await db.transaction().execute((trx) => removeAction(trx, request.actor, (request.params as { id: string }).id))
    const back = backTo((request.body as Record<string, unknown> | undefined)?.back)
    return reply.redirect(back === '/actions' ? '/actions?done=removed' : `${back}#practical-actions`, 303)
  })
}
