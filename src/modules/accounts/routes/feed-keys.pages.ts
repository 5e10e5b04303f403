import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { feedKeyCreatedAt, resetFeedKey, revokeFeedKey } from '../../../core/auth/feed-keys.ts'
import { safeNext } from '../accounts.schemas.ts'
import { done, query, text } from '../../../core/http/schemas.ts'

/** Only a community's own path, or a challenge's ideas, may be named: the page shows their personal feed addresses. */
const forPath = (value: unknown): string | null => {
  const path = safeNext(value)
  return /^\/(communities\/[a-z0-9-]{1,100}|challenges\/[a-z0-9-]{1,100}\/ideas)$/.test(path) ? path : null
}

/**
 * A person's private feed address (core/auth/feed-keys.ts). The key is shown once, on the page that makes
 * it (only its hash is kept); making a new one ends the old, so a leaked address is stopped by a reset.
 */
export const feedKeyPages: FastifyPluginAsync = async (app) => {
  const render = (request: FastifyRequest, reply: FastifyReply, data: { key?: string; createdAt: string | null; forPath: string | null; flash?: string }) => {
    const base = app.config.baseUrl
    const addresses = data.key && data.forPath ? ([['atom', 'Atom feed'], ['rss', 'RSS feed'], ['json', 'JSON Feed']] as const).map(([format, label]) => ({ format, label, url: `${base}${data.forPath}/member-feed.${format}?key=${data.key}` })) : []
    // A page showing a secret must not be kept by any cache, nor sent on as a referrer.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
    return reply.render('accounts/feed-key.njk', { title: 'Your private feed address', noindex: true, ...data, addresses, example: `${base}/communities/<community>/member-feed.atom?key=${data.key ?? ''}` })
  }

  app.get('/account/feeds', { config: { serves: 'form' }, schema: { querystring: query({ for: text(200), done }) } }, async (request, reply) => {
    if (!request.user) return reply.redirect(`/sign-in?next=${encodeURIComponent('/account/feeds')}`, 303)
    const q = request.query as Record<string, unknown>
    const flash = q.done === 'revoked' ? 'Private feeds are turned off: your old address no longer works' : undefined
    return render(request, reply, { createdAt: await feedKeyCreatedAt(app.db, request.user.id), forPath: forPath(q.for), flash })
  })

  // A feed key is nobody else's business: resetting or revoking it changes no page anyone else sees.
  app.post('/account/feeds', { config: { invalidates: [], keepsSharedPages: true } }, async (request, reply) => {
    if (!request.user) return reply.redirect(`/sign-in?next=${encodeURIComponent('/account/feeds')}`, 303)
    const body = (request.body ?? {}) as Record<string, unknown>
    if (body.action === 'revoke') {
      await revokeFeedKey(app.db, request.user.id)
      return reply.redirect('/account/feeds?done=revoked', 303)
    }
    // Shown in the response itself, not after a redirect: the key is nowhere else to read it back from.
    const key = await app.db.transaction().execute((trx) => resetFeedKey(trx, request.user!.id))
    return render(request, reply, { key, createdAt: new Date().toISOString(), forPath: forPath(body.for), flash: 'Your new private feed address is ready. Copy it now: it is shown only once' })
  })
}
