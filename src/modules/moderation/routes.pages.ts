import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { signedIn } from '../../core/access/policy.ts'
import { AppError, notFound } from '../../core/errors.ts'
import { parseInput } from '../../core/http/forms.ts'
import { auditPage, decide, fileReport, hasQueue, loadVisibleSubject, moderationRegistry, queue, reportForModerator } from './moderation.ts'
import { DECISIONS, decisionSchema, reportSchema, type Decision } from './moderation.schemas.ts'

const signIn = (request: FastifyRequest, reply: FastifyReply) => reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303)
const str = (v: unknown) => (typeof v === 'string' ? v : '')
const DONE: Record<string, string> = { hide: 'The content is hidden', restore: 'The content is restored', dismiss: 'The report is dismissed' }
const DECISION_LABELS: Record<Decision, string> = { hide: 'Hide it', restore: 'Restore it', dismiss: 'Dismiss the report (leave it as it is)' }

export const moderationPages: FastifyPluginAsync = async (app) => {
  const registry = moderationRegistry(app.modules)

  // Reporting: anyone signed in, about anything they can see.
  app.get('/report', { config: { serves: 'form', shows: 'reportable' } }, async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply)
    const q = request.query as Record<string, unknown>
    const { spec, subject } = await loadVisibleSubject(app.db, registry, request.actor, q.type, q.id)
    return reply.render('moderation/report.njk', { title: q.sent ? 'Report sent' : `Report this ${spec.label}`, spec, subject, type: q.type, id: q.id, sent: Boolean(q.sent), values: {}, noindex: true })
  })

  app.post('/report', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply)
    const body = (request.body ?? {}) as Record<string, unknown>
    const type = str(body.type)
    const id = str(body.id)
    const { spec, subject } = await loadVisibleSubject(app.db, registry, request.actor, type, id)
    const parsed = parseInput(reportSchema, body)
    if (!parsed.ok) return reply.code(422).render('moderation/report.njk', { title: `Report this ${spec.label}`, spec, subject, type, id, errors: parsed.errors, values: parsed.input, noindex: true })
    await app.db.transaction().execute((trx) => fileReport(trx, registry, request.actor, { type, id, reason: parsed.value.reason }))
    return reply.redirect(`/report?type=${encodeURIComponent(type)}&id=${encodeURIComponent(id)}&sent=1`, 303)
  })

  // The queue: hosts and moderators see their spaces' open reports, platform admins all of them.
  app.get('/moderation', { config: { serves: 'page' } }, async (request, reply) => {
    const actor = request.actor
    if (!signedIn(actor)) return signIn(request, reply)
    if (!(await hasQueue(app.db, actor))) throw notFound()
    const q = request.query as Record<string, unknown>
    const page = await queue(app.db, actor, { after: q.after })
    return reply.render('moderation/queue.njk', {
      title: 'Moderation queue',
      items: page.items,
      next: page.next ? `/moderation?after=${encodeURIComponent(page.next)}` : null,
      isAdmin: actor.isAdmin,
      flash: DONE[str(q.done)],
      noindex: true,
    })
  })

  const renderReport = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    const { id } = request.params as { id: string }
    const { report, subject, spec } = await reportForModerator(app.db, registry, request.actor, id)
    const allowed = DECISIONS.filter((d) => d === 'dismiss' || (subject !== null && (d === 'hide') === !subject.hiddenAt))
    return reply.render('moderation/decide.njk', {
      title: `Report about ${spec?.label ?? report.subject_type} “${subject?.title ?? report.subject_title}”`,
      report,
      subject,
      label: spec?.label ?? report.subject_type,
      decisions: allowed.map((d) => ({ value: d, text: DECISION_LABELS[d] })),
      breadcrumbs: [{ text: 'Moderation queue', href: '/moderation' }],
      values: {},
      noindex: true,
      ...extra,
    })
  }

  app.get('/moderation/reports/:id', { config: { serves: 'form', shows: 'report' } }, async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply)
    return renderReport(request, reply)
  })

  app.post('/moderation/reports/:id', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply)
    const { id } = request.params as { id: string }
    const parsed = parseInput(decisionSchema, request.body)
    if (!parsed.ok) return renderReport(request, reply.code(422), { errors: parsed.errors, values: parsed.input })
    try {
      await app.db.transaction().execute((trx) => decide(trx, registry, request.actor, id, parsed.value.action as Decision, parsed.value.reason))
    } catch (err) {
      if (err instanceof AppError && err.status === 422 && err.fields) return renderReport(request, reply.code(422), { errors: err.fields, values: { action: parsed.value.action, reason: parsed.value.reason } })
      throw err
    }
    return reply.redirect(`/moderation?done=${parsed.value.action}`, 303)
  })

  // The audit log: platform admins only; anyone else gets 404 so it is not advertised.
  app.get('/admin/audit', { config: { serves: 'page' } }, async (request, reply) => {
    const q = request.query as Record<string, unknown>
    const page = await auditPage(app.db, request.actor, { after: q.after })
    return reply.render('moderation/audit.njk', {
      title: 'Audit log',
      items: page.items,
      next: page.next ? `/admin/audit?after=${encodeURIComponent(page.next)}` : null,
      noindex: true,
    })
  })

  // The admin home: where platform admins find the moderation queue and the audit log.
  app.get('/admin', { config: { serves: 'page' } }, async (request, reply) => {
    if (!request.actor.isAdmin) throw notFound()
    const sections = await app.panels(request, 'admin', { id: '', slug: '' })
    return reply.render('moderation/admin.njk', { title: 'Admin', sections, noindex: true })
  })
}
