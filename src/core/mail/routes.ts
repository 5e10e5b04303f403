import type { FastifyInstance, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { done, params, query, text } from '../http/schemas.ts'
import { notFound } from '../errors.ts'
import { userOf } from '../http/input.ts'
import { bounceOf, clearBounce } from './bounces.ts'
import { readUnsubscribeToken, type MailList } from './unsubscribe.ts'

const token = params({ token: Type.String({ maxLength: 400 }) })

/** A `next` that stays on this site. */
const safeNext = (next: unknown) => (typeof next === 'string' && next.length <= 500 && /^\/(?![/\\])[^\s\\]*$/.test(next) ? next : '/')

/**
 * One-click unsubscribe (RFC 8058) and mail delivery:
 * - `GET /unsubscribe/:token`: what the link in every list mail opens, without signing in: a page with one button
 *   (a GET changes nothing, because mail scanners follow links);
 * - `POST /unsubscribe/:token`: the button, or the mail client's one-click POST (`List-Unsubscribe=One-Click`). The
 *   signed token is the credential, so no session or CSRF token is asked for;
 * - `/mail/delivery`: a signed-in person whose address bounced is told, and can resume list mail.
 */
export async function mailRoutes(plain: FastifyInstance): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const lists = new Map<string, MailList>(app.modules.flatMap((m) => m.mailLists ?? []).map((l) => [l.id, l]))

  const listOf = (value: string) => {
    const named = readUnsubscribeToken(app.config.sessionSecret, value)
    const list = named && lists.get(named.listId)
    if (!named || !list) throw notFound()
    return { userId: named.userId, list }
  }
  // The page is for whoever holds the link: it names the list, never the person or the address.
  const personal = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')

  app.get('/unsubscribe/:token', { config: { serves: 'page', shows: 'unsubscribe' }, schema: { params: token, querystring: query({ done }) } }, async (request, reply) => {
    const { list } = listOf(request.params.token)
    return personal(reply).render('mail/unsubscribe.njk', {
      title: request.query.done ? 'You are unsubscribed' : 'Unsubscribe',
      list,
      done: request.query.done === 'unsubscribed',
      action: `/unsubscribe/${request.params.token}`,
      noindex: true,
    })
  })

  app.post('/unsubscribe/:token', { config: { csrf: false, invalidates: [], keepsSharedPages: true }, schema: { params: token } }, async (request, reply) => {
    const { userId, list } = listOf(request.params.token)
    await app.db.transaction().execute((trx) => list.unsubscribe(trx, userId))
    const body = (request.body ?? {}) as Record<string, unknown>
    // RFC 8058: the mail client posts `List-Unsubscribe=One-Click` and reads only the status.
    if (body['List-Unsubscribe'] === 'One-Click') return personal(reply).type('text/plain; charset=utf-8').send(`Unsubscribed from ${list.label}.\n`)
    return reply.redirect(`/unsubscribe/${request.params.token}?done=unsubscribed`, 303)
  })

  app.get('/mail/delivery', { config: { serves: 'page', signIn: true }, schema: { querystring: query({ next: text(500), done }) } }, async (request, reply) => {
    const user = userOf(request)
    return reply.render('mail/delivery.njk', {
      title: 'E-mail delivery',
      email: user.email,
      bounce: await bounceOf(app.db, user.email),
      next: safeNext(request.query.next),
      flash: request.query.done === 'resumed' ? 'We will send you e-mail again' : undefined,
      noindex: true,
    })
  })

  app.post('/mail/delivery/resume', { config: { signIn: true, invalidates: [], keepsSharedPages: true } }, async (request, reply) => {
    await clearBounce(app.db, userOf(request).email)
    const next = safeNext(((request.body ?? {}) as Record<string, unknown>).next)
    return reply.redirect(`/mail/delivery?done=resumed&next=${encodeURIComponent(next)}`, 303)
  })
}
