import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, done, id, params, query, slug, text } from '../../core/http/schemas.ts'
import { userOf } from '../../core/http/input.ts'
import { signedIn } from '../../core/access/policy.ts'
import { markAllAsRead, notificationsPage } from './notifications.ts'

const KIND_LABELS: Record<string, string> = {
  reply: 'Reply',
  mention: 'Mention',
  join_request: 'Join request',
  join_outcome: 'Membership',
  invite: 'Invitation',
  moderation: 'Moderation',
  comment: 'Comment',
  organisation_request: 'Organisation',
  project_proposal: 'Proposed edit',
  charter_amendment: 'Charter amendment',
  charter_version: 'Charter changed',
  event_place: 'Event place',
  event_change: 'Event update',
  challenge: 'Challenge',
  feed_stopped: 'Blog feed',
  followed: 'Something you follow',
}

/** Only local paths are linked, so a stored URL can never send someone off-site. */
const safePath = (url: string) => (url.startsWith('/') && !url.startsWith('//') ? url : '/')

export const notificationsPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  // Kept for its reader alone until their mark or standing changes (notificationsPage; decision 0045).
  app.get('/notifications', { config: { serves: 'page', signIn: true, cache: true, cacheQuery: ['after', 'done'] }, schema: { querystring: query({ after: cursor, done }) } }, async (request, reply) => {
    const query = request.query
    const page = await notificationsPage(app.db, request.actor, { after: query.after })
    const items = page.items.map((n) => ({ ...n, url: safePath(n.url), kindLabel: KIND_LABELS[n.kind] ?? 'Update', unread: n.read_at === null }))
    return reply.render('notifications/index.njk', {
      title: 'Notifications',
      items,
      anyUnread: items.some((i) => i.unread),
      next: page.next ? `/notifications?after=${encodeURIComponent(page.next)}` : null,
      isLaterPage: typeof query.after === 'string',
      flash: query.done === 'read' ? 'All notifications marked as read' : undefined,
      noindex: true,
    })
  })

  app.post('/notifications/read-all', { config: { invalidates: [], keepsSharedPages: true } }, async (request, reply) => {
    const actor = request.actor
    if (!signedIn(actor)) return reply.redirect('/sign-in?next=%2Fnotifications', 303)
    await app.db.transaction().execute((trx) => markAllAsRead(trx, actor.userId))
    return reply.redirect('/notifications?done=read', 303)
  })
}
