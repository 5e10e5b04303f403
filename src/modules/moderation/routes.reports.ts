import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, done, id, params, query, slug, text } from '../../core/http/schemas.ts'
import { signedIn } from '../../core/access/policy.ts'
import { AppError, notFound } from '../../core/errors.ts'
import { parseInput } from '../../core/http/forms.ts'
import { mayModerate, type ModerationRegistry } from './moderation.ts'
import { decide, decisionsFor, fileReport, hasQueue, queue, reportableTarget, reportForModerator, type Decision } from './moderation.reports.ts'
import { decisionSchema, reportSchema } from './moderation.schemas.ts'
import { queueNav, signIn, str } from './routes.support.ts'

const DONE: Record<string, string> = {
  hide: 'The content is hidden',
  restore: 'The content is restored',
  approve: 'The content is approved and published',
  reject: 'The content stays hidden: it was not approved',
  dismiss: 'The report is dismissed',
}
export const DECISION_LABELS: Record<Decision, string> = {
  hide: 'Hide it',
  restore: 'Restore it',
  approve: 'Approve it (publish it)',
  reject: 'Do not approve it (keep it hidden)',
  dismiss: 'Dismiss the report (leave it as it is)',
}

/** Reporting (anyone signed in), the queue of open reports, and deciding on one. */
export async function reportRoutes(plain: FastifyInstance, registry: ModerationRegistry): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  app.get('/report', { config: { serves: 'form', shows: 'reportable', signIn: true }, schema: { querystring: query({ type: slug, id, sent: text(5) }) } }, async (request, reply) => {
    const q = request.query as Record<string, unknown>
    const target = await reportableTarget(app.db, registry, request.actor, q.type, q.id)
    // Someone who moderates the item can act on it straight away instead of asking others to.
    const moderates = await mayModerate(app.db, request.actor, target)
    return reply.render('moderation/report.njk', {
      title: q.sent ? 'Report sent' : `Report this ${target.spec.label}`,
      spec: target.spec,
      subject: target.subject,
      type: target.kind,
      id: target.id,
      sent: Boolean(q.sent),
      moderates,
      values: {},
      noindex: true,
    })
  })

  // A report is seen only by moderators: filing one keeps every cached page.
  app.post('/report', { config: { signIn: true, invalidates: [] } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const type = str(body.type)
    const id = str(body.id)
    const target = await reportableTarget(app.db, registry, request.actor, type, id)
    const parsed = parseInput(reportSchema, body)
    if (!parsed.ok) {
      return reply.code(422).render('moderation/report.njk', { title: `Report this ${target.spec.label}`, spec: target.spec, subject: target.subject, type, id, errors: parsed.errors, values: parsed.input, noindex: true })
    }
    await app.db.transaction().execute((trx) => fileReport(trx, registry, request.actor, { type, id, reason: parsed.value.reason }))
    return reply.redirect(`/report?type=${encodeURIComponent(type)}&id=${encodeURIComponent(id)}&sent=1`, 303)
  })

  // The queue: hosts and moderators see their spaces' open reports, platform admins all of them.
  // Shared by moderators of the same standing (admins with admins: every open report; hosts and moderators by the
  // spaces they moderate, which their standing holds): nothing here reads who they are (decision 0042).
  app.get('/moderation', { config: { serves: 'page', signIn: true, cache: true, cacheQuery: ['after', 'done'] }, schema: { querystring: query({ after: cursor, done }) } }, async (request, reply) => {
    const actor = request.actor
    if (!signedIn(actor) || !(await hasQueue(app.db, actor))) throw notFound()
    const q = request.query
    const [page, nav] = await Promise.all([queue(app.db, actor, { after: q.after }), queueNav(app.db, actor, 'reports')])
    return reply.render('moderation/queue.njk', {
      title: 'Moderation queue',
      items: page.items,
      next: page.next ? `/moderation?after=${encodeURIComponent(page.next)}` : null,
      isAdmin: actor.isAdmin,
      nav,
      flash: DONE[str(q.done)],
      noindex: true,
    })
  })

  const renderReport = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    const { id } = request.params as { id: string }
    const found = await reportForModerator(app.db, registry, request.actor, id)
    const { report, target } = found
    const label = target?.spec.label ?? report.subject_type
    return reply.render('moderation/decide.njk', {
      title: `Report about ${label} “${target?.subject.title ?? report.subject_title}”`,
      report,
      subject: target?.subject ?? null,
      state: found.state,
      label,
      decisions: decisionsFor(found).map((d) => ({ value: d, text: DECISION_LABELS[d] })),
      breadcrumbs: [{ text: 'Moderation queue', href: '/moderation' }],
      values: {},
      noindex: true,
      ...extra,
    })
  }

  app.get('/moderation/reports/:id', { config: { serves: 'form', shows: 'report', signIn: true }, schema: { params: params({ id }) } }, async (request, reply) => {
    return renderReport(request, reply)
  })

  app.post('/moderation/reports/:id', { config: { signIn: true }, schema: { params: params({ id }) } }, async (request, reply) => {
    const { id } = request.params
    const parsed = parseInput(decisionSchema, request.body)
    if (!parsed.ok) return renderReport(request, reply.code(422), { errors: parsed.errors, values: parsed.input })
    const decision = parsed.value.action as Decision
    try {
      await app.db.transaction().execute((trx) => decide(trx, registry, request.actor, id, decision, parsed.value.reason, app.config.trust))
    } catch (err) {
      if (err instanceof AppError && err.status === 422 && err.fields) return renderReport(request, reply.code(422), { errors: err.fields, values: parsed.value })
      throw err
    }
    return reply.redirect(`/moderation?done=${decision}`, 303)
  })
}
