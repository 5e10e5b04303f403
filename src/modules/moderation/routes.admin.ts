import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, done, id, params, query, slug, text } from '../../core/http/schemas.ts'
import { userOf } from '../../core/http/input.ts'
import { signedIn } from '../../core/access/policy.ts'
import { AppError, notFound } from '../../core/errors.ts'
import { parseInput } from '../../core/http/forms.ts'
import { decodeCursor, paginate } from '../../core/http/pagination.ts'
import { personForAdmin, suspendAccount, suspendedAccounts } from '../accounts/accounts.ts'
import { auditPage } from './moderation.audit.ts'
import { suspensionSchema } from './moderation.schemas.ts'
import { queueNav, signIn, str } from './routes.support.ts'

const SUSPENDED_PAGE = 25

/** Platform admins' pages: the admin home, the audit log, suspending and reinstating accounts. Everyone else gets 404. */
export async function adminRoutes(plain: FastifyInstance): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  app.get('/admin', { config: { serves: 'page' } }, async (request, reply) => {
    if (!request.actor.isAdmin) throw notFound()
    const sections = await app.panels(request, 'admin', { id: '', slug: '' })
    return reply.render('moderation/admin.njk', { title: 'Admin', sections, noindex: true })
  })

  app.get('/admin/audit', { config: { serves: 'page' }, schema: { querystring: query({ after: cursor }) } }, async (request, reply) => {
    const q = request.query
    const page = await auditPage(app.db, request.actor, { after: q.after })
    return reply.render('moderation/audit.njk', {
      title: 'Audit log',
      items: page.items,
      next: page.next ? `/admin/audit?after=${encodeURIComponent(page.next)}` : null,
      nav: await queueNav(app.db, request.actor, 'audit'),
      noindex: true,
    })
  })

  app.get('/admin/suspended', { config: { serves: 'page' }, schema: { querystring: query({ after: cursor, done }) } }, async (request, reply) => {
    const q = request.query
    const rows = await suspendedAccounts(app.db, request.actor, { cursor: decodeCursor(q.after), limit: SUSPENDED_PAGE })
    const page = paginate(rows, SUSPENDED_PAGE, (p) => ({ at: p.suspendedAt!, id: p.id }))
    return reply.render('moderation/suspended.njk', {
      title: 'Suspended accounts',
      people: page.items,
      next: page.next ? `/admin/suspended?after=${encodeURIComponent(page.next)}` : null,
      nav: await queueNav(app.db, request.actor, 'suspended'),
      flash: q.done === 'reinstate' ? 'The account is reinstated and its owner has been told by e-mail' : undefined,
      noindex: true,
    })
  })

  // Suspending or reinstating one account: the form says which, from the account's state.
  const renderSuspension = async (request: FastifyRequest, reply: FastifyReply, handle: unknown, extra: Record<string, unknown> = {}) => {
    if (typeof handle !== 'string' || !handle) throw notFound()
    const person = await personForAdmin(app.db, request.actor, handle)
    return reply.render('moderation/suspension.njk', {
      title: person.suspended ? `Reinstate ${person.name}` : `Suspend ${person.name}`,
      person,
      self: person.id === request.actor.userId,
      breadcrumbs: [{ text: 'Admin', href: '/admin' }, { text: 'Suspended accounts', href: '/admin/suspended' }],
      values: {},
      noindex: true,
      ...extra,
    })
  }

  app.get('/admin/suspension', { config: { serves: 'form', signIn: true }, schema: { querystring: query({ person: slug, done }) } }, async (request, reply) => {
    const q = request.query
    const flash = q.done === 'suspend' ? 'The account is suspended: it is signed out everywhere and its owner has been told by e-mail' : undefined
    return renderSuspension(request, reply, q.person, { flash })
  })

  app.post('/admin/suspension', { config: { signIn: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const handle = str(body.person)
    const person = await personForAdmin(app.db, request.actor, handle)
    const parsed = parseInput(suspensionSchema, body)
    if (!parsed.ok) return renderSuspension(request, reply.code(422), handle, { errors: parsed.errors, values: parsed.input })
    // The form was for one state: act on that, so a second click or a stale tab does not undo the first.
    const choice = str(body.suspend)
    if (choice !== 'yes' && choice !== 'no') throw new AppError('invalid', 400, 'Choose to suspend or to reinstate the account')
    const suspend = choice === 'yes'
    let mail
    try {
      mail = await app.db.transaction().execute((trx) => suspendAccount(trx, app.config.baseUrl, request.actor, person, suspend, parsed.value.reason))
    } catch (err) {
      if (err instanceof AppError && err.status === 403) return renderSuspension(request, reply.code(403), handle, { errors: { reason: 'You cannot suspend your own account' }, values: parsed.value })
      throw err
    }
    if (mail) app.mailer.send(mail).catch((err) => app.log.error({ err }, 'sending mail failed'))
    return reply.redirect(suspend ? `/admin/suspension?person=${encodeURIComponent(person.handle)}&done=suspend` : '/admin/suspended?done=reinstate', 303)
  })
}
