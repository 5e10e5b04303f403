import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, done, id, params, query, slug, text } from '../../core/http/schemas.ts'
import { userOf } from '../../core/http/input.ts'
import { signedIn } from '../../core/access/policy.ts'
import { AppError, notFound } from '../../core/errors.ts'
import { parseInput } from '../../core/http/forms.ts'
import { actionsFor, heldPage, heldState, moderatableTarget, moderateItem, type ItemAction, type ModerationRegistry } from './moderation.ts'
import { hasQueue } from './moderation.reports.ts'
import { itemSchema } from './moderation.schemas.ts'
import { DECISION_LABELS } from './routes.reports.ts'
import { queueNav, signIn, str } from './routes.support.ts'

const DONE: Record<string, string> = {
  hide: 'It is hidden. Its author has been told why.',
  restore: 'It is restored. Its author has been told.',
  approve: 'It is approved and published. Its author has been told.',
  reject: 'It was not approved and stays hidden. Its author has been told why.',
}
const STATUS: Record<string, string> = { pending: 'Waiting for approval (a new account’s content with links)', hidden: 'Hidden by a moderator', approved: 'Visible (approved by a moderator)' }

/** Acting on an item without a report, and the queue's lists of what waits for approval and what is hidden. */
export async function itemRoutes(plain: FastifyInstance, registry: ModerationRegistry): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const list = (state: 'pending' | 'hidden') => async (request: FastifyRequest, reply: FastifyReply) => {
    const actor = request.actor
    if (!signedIn(actor)) return signIn(request, reply)
    if (!(await hasQueue(app.db, actor))) throw notFound()
    const q = request.query as Record<string, unknown>
    const [page, nav] = await Promise.all([heldPage(app.db, registry, actor, state, { after: q.after }), queueNav(app.db, actor, state)])
    return reply.render('moderation/held.njk', {
      title: state === 'pending' ? 'Waiting for approval' : 'Hidden content',
      state,
      items: page.items,
      next: page.next ? `/moderation/${state}?after=${encodeURIComponent(page.next)}` : null,
      nav,
      isAdmin: actor.isAdmin,
      flash: DONE[str(q.done)],
      noindex: true,
    })
  }
  app.get('/moderation/pending', { config: { serves: 'page' }, schema: { querystring: query({ after: cursor, done }) } }, list('pending'))
  app.get('/moderation/hidden', { config: { serves: 'page' }, schema: { querystring: query({ after: cursor, done }) } }, list('hidden'))

  const renderItem = async (request: FastifyRequest, reply: FastifyReply, type: unknown, id: unknown, extra: Record<string, unknown> = {}) => {
    const target = await moderatableTarget(app.db, registry, request.actor, type, id)
    const state = await heldState(app.db, target)
    return reply.render('moderation/item.njk', {
      title: `Moderate this ${target.spec.label}`,
      label: target.spec.label,
      subject: target.subject,
      type: target.kind,
      id: target.id,
      status: state === 'pending' || state === 'hidden' ? STATUS[state] : 'Visible',
      actions: actionsFor(state).map((a) => ({ value: a, text: DECISION_LABELS[a] })),
      breadcrumbs: [{ text: 'Moderation queue', href: '/moderation' }],
      values: {},
      noindex: true,
      ...extra,
    })
  }

  app.get('/moderation/item', { config: { serves: 'form', shows: 'reportable', signIn: true }, schema: { querystring: query({ type: slug, id, done }) } }, async (request, reply) => {
    const q = request.query as Record<string, unknown>
    return renderItem(request, reply, q.type, q.id, { flash: DONE[str(q.done)] })
  })

  app.post('/moderation/item', { config: { signIn: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const type = str(body.type)
    const id = str(body.id)
    const parsed = parseInput(itemSchema, body)
    const errors = parsed.ok ? {} : { ...parsed.errors }
    // Approving needs no reason; anything that keeps content from its author's readers does.
    if (parsed.ok && parsed.value.action !== 'approve' && !parsed.value.reason) errors.reason = 'Enter reason for your decision'
    if (!parsed.ok || Object.keys(errors).length) return renderItem(request, reply.code(422), type, id, { errors, values: parsed.ok ? parsed.value : parsed.input })
    const action = parsed.value.action as ItemAction
    try {
      await app.db.transaction().execute((trx) => moderateItem(trx, registry, request.actor, { type, id, action, reason: parsed.value.reason }, app.config.trust))
    } catch (err) {
      if (err instanceof AppError && err.status === 422 && err.fields) return renderItem(request, reply.code(422), type, id, { errors: err.fields, values: parsed.value })
      throw err
    }
    return reply.redirect(`/moderation/item?type=${encodeURIComponent(type)}&id=${encodeURIComponent(id)}&done=${action}`, 303)
  })

  // One-click approval from the list of what waits (rejecting needs a reason, so it goes through the item's page).
  app.post('/moderation/approve', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply)
    const body = (request.body ?? {}) as Record<string, unknown>
    const type = str(body.type)
    const id = str(body.id)
    try {
      await app.db.transaction().execute((trx) => moderateItem(trx, registry, request.actor, { type, id, action: 'approve', reason: '' }, app.config.trust))
    } catch (err) {
      // Someone else decided first: the list shows where things are now.
      if (err instanceof AppError && err.status === 422) return reply.redirect('/moderation/pending', 303)
      throw err
    }
    return reply.redirect('/moderation/pending?done=approve', 303)
  })}
