import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, done, id, params, query, slug, text } from '../../../core/http/schemas.ts'
import { userOf } from '../../../core/http/input.ts'
import { signedIn } from '../../../core/access/policy.ts'
import { AppError, notFound, type FieldErrors } from '../../../core/errors.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { loadCommunity, type CommunityAccess } from '../communities.ts'
import { acceptInvitation, adminAccessLog, cancelInvitation, declineInvitation, inviteMember, joinCommunity, leaveCommunity, loadInvitation, memberAction, membersOf, openAsAdmin, type Member } from '../membership.ts'
import { findCommunityBySlug } from '../communities.queries.ts'
import { openInvitations } from '../membership.queries.ts'
import { adminAccessSchema, inviteSchema, memberActionSchema } from '../communities.schemas.ts'
import { DONE, communityCrumbs, fieldErrors, fieldsOf, loadHost, signIn, type Params, type Query } from './page-helpers.ts'

/** Joining and leaving, invitations, the members page and hosts' actions on members, and a platform admin's "access as admin". */
export const membershipPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  // ------------------------------------------------------------ join, leave, invitations

  app.post('/communities/:slug/join', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}`)
    const outcome = await app.db.transaction().execute(async (trx) => joinCommunity(trx, request.actor, await loadCommunity(trx, request.actor, slug)))
    return reply.redirect(`/communities/${slug}?done=${outcome === 'requested' ? 'requested' : 'joined'}`, 303)
  })

  app.post('/communities/:slug/leave', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}`)
    const visible = await app.db.transaction().execute(async (trx) => {
      const access = await loadCommunity(trx, request.actor, slug)
      await leaveCommunity(trx, request.actor, access)
      return access.community.visibility !== 'members'
    })
    return reply.redirect(visible ? `/communities/${slug}?done=left` : '/communities', 303)
  })

  app.get('/communities/:slug/invitation', { config: { serves: 'form', shows: 'community' } , schema: { querystring: query({ token: text(200) }) } }, async (request, reply) => {
    const { slug } = request.params as Params
    const token = (request.query as Query).token ?? null
    if (!request.user) return signIn(request, reply)
    const { community, valid, elsewhere } = await loadInvitation(app.db, request.actor, slug, token, { days: app.config.invitationDays })
    return reply.render('communities/invitation.njk', {
      title: valid ? `Join ${community.name}` : 'Invitation not valid',
      c: community,
      valid,
      elsewhere,
      token,
      noindex: true,
    })
  })

  app.post('/communities/:slug/invitation', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}/invitation`)
    const body = fieldsOf(request.body)
    const token = typeof body.token === 'string' && body.token ? body.token : null
    const decline = body.action === 'decline'
    await app.db.transaction().execute(async (trx) => {
      const rules = { days: app.config.invitationDays }
      const { community } = await loadInvitation(trx, request.actor, slug, token, rules)
      if (decline) await declineInvitation(trx, request.actor, community)
      else await acceptInvitation(trx, request.actor, community, token, rules)
    })
    return reply.redirect(decline ? '/communities?done=declined' : `/communities/${slug}?done=joined`, 303)
  })

  // ------------------------------------------------------------ access as admin

  /**
   * A trusted space is not read by platform admins by default: an admin opens a members-only
   * community only by giving a reason, which is audit-logged and shown to its hosts.
   */
  const adminAccessForm = async (request: FastifyRequest) => {
    const community = await findCommunityBySlug(app.db, (request.params as Params).slug)
    if (!request.actor.isAdmin || !community) throw notFound()
    return community
  }
  const renderAdminAccess = (reply: FastifyReply, c: { name: string; slug: string }, values: Record<string, unknown> = {}, errors?: FieldErrors) =>
    reply.code(errors ? 422 : 200).render('communities/admin-access.njk', { title: `Access ${c.name} as an admin`, c, values, errors, noindex: true, breadcrumbs: [{ text: 'Admin', href: '/admin' }] })

  app.get('/communities/:slug/admin-access', { config: { serves: 'form', shows: 'community' } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    return renderAdminAccess(reply, await adminAccessForm(request))
  })

  app.post('/communities/:slug/admin-access', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply)
    const c = await adminAccessForm(request)
    const parsed = parseInput(adminAccessSchema, request.body)
    if (!parsed.ok) return renderAdminAccess(reply, c, parsed.input, parsed.errors)
    await app.db.transaction().execute((trx) => openAsAdmin(trx, request.actor, c, parsed.value.reason))
    return reply.redirect(`/communities/${c.slug}`, 303)
  })

  // ------------------------------------------------------------ members

  /**
   * The hosts' list of open invitations, each with a Cancel button: by e-mail (with when it expires) and in-app;
   * people marked invited whose invitation row predates this list are shown without one.
   */
  const invitationRows = (invited: Member[], invitations: Awaited<ReturnType<typeof openInvitations>>) => {
    const byId = new Map(invited.map((m) => [m.userId, m]))
    const rows = invitations.flatMap((i) => {
      const person = i.userId ? byId.get(i.userId) : undefined
      if (i.userId && !person) return []
      const expiresAt = i.email ? new Date(Date.parse(i.createdAt) + app.config.invitationDays * 86_400_000).toISOString() : null
      return [{ id: i.id, person: person ?? null, email: i.email, createdAt: i.createdAt, expiresAt, expired: expiresAt !== null && expiresAt < new Date().toISOString() }]
    })
    const withRow = new Set(rows.flatMap((r) => (r.person ? [r.person.userId] : [])))
    return { invitationRows: rows, invitedWithoutRow: invited.filter((m) => !withRow.has(m.userId)) }
  }

  const renderMembers = async (request: FastifyRequest, reply: FastifyReply, access: CommunityAccess, extra: { values?: Record<string, unknown>; errors?: FieldErrors; status?: number } = {}) => {
    const c = access.community
    const active = await membersOf(app.db, c.id, ['active'])
    const host = access.isHost
    const [requested, invited, banned, invitations, adminAccess] = host
      ? await Promise.all([membersOf(app.db, c.id, ['requested']), membersOf(app.db, c.id, ['invited']), membersOf(app.db, c.id, ['banned']), openInvitations(app.db, c.id), adminAccessLog(app.db, c.id)])
      : [[], [], [], [], []]
    return reply.code(extra.status ?? (extra.errors ? 422 : 200)).render('communities/members.njk', {
      title: `Members of ${c.name}`,
      breadcrumbs: communityCrumbs(c),
      c,
      access,
      active,
      requested,
      invited,
      banned,
      ...invitationRows(invited, invitations),
      adminAccess,
      me: request.actor.userId,
      values: extra.values ?? {},
      errors: extra.errors,
      flash: (request.query as Query).done ? DONE[(request.query as Query).done!] : undefined,
      noindex: true,
    })
  }

  app.get('/communities/:slug/members', { config: { serves: 'page', shows: 'community' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    const access = await loadCommunity(app.db, request.actor, (request.params as Params).slug)
    return renderMembers(request, reply, access)
  })

  app.post('/communities/:slug/members/invite', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}/members`)
    const access = await loadHost(request, slug)
    const parsed = parseInput(inviteSchema, request.body)
    if (!parsed.ok) return renderMembers(request, reply, access, { values: parsed.input, errors: parsed.errors })
    let result
    try {
      result = await app.db.transaction().execute(async (trx) => inviteMember(trx, request.actor, await loadHost(request, slug, trx), parsed.value.invitee, app.config.baseUrl))
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return renderMembers(request, reply, access, { values: parsed.value, errors })
      throw err
    }
    // Mail goes out after the commit, so a mail failure never undoes the invitation.
    if (result.mail) await app.mailer.send(result.mail)
    return reply.redirect(`/communities/${slug}/members?done=invited`, 303)
  })

  app.post('/communities/:slug/invitations/:id/cancel', { config: { signIn: true, invalidates: [] } }, async (request, reply) => {
    const { slug, id } = request.params as Params
    await app.db.transaction().execute(async (trx) => cancelInvitation(trx, request.actor, await loadHost(request, slug, trx), id))
    return reply.redirect(`/communities/${slug}/members?done=cancelled`, 303)
  })

  app.post('/communities/:slug/members/:userId', async (request, reply) => {
    const { slug, userId } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}/members`)
    const parsed = parseInput(memberActionSchema, request.body)
    const access = await loadHost(request, slug)
    if (!parsed.ok) return renderMembers(request, reply, access, { errors: parsed.errors })
    try {
      await app.db.transaction().execute(async (trx) => memberAction(trx, request.actor, await loadHost(request, slug, trx), userId, parsed.value.action, parsed.value.role))
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return renderMembers(request, reply, access, { errors: { action: err.message }, status: 409 })
      throw err
    }
    return reply.redirect(`/communities/${slug}/members?done=member`, 303)
  })
}
