import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { done, params, query } from '../../core/http/schemas.ts'
import { notFound } from '../../core/errors.ts'
import { mailRecipients } from '../accounts/accounts.ts'
import { confirmOrganisationCurrentBy, organisationForNudge } from '../organisations/organisations.ts'
import { confirmProjectCurrentBy, projectForNudge } from '../projects/projects.ts'
import { readStillActiveToken } from './still-active.ts'

const token = params({ token: Type.String({ maxLength: 400 }) })

/**
 * The one-click "still active" link of a nudge (decision 0024). As with one-click unsubscribe, the signed token is
 * the credential (no sign-in, no CSRF token), and the GET only shows one button: mail scanners follow links, and a
 * scanner must not confirm an entry nobody looked at. The person named in the token must still manage the entry.
 */
export const nudgePages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const personal = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')

  /** The entry and its manager a token names, if it is genuine and they still manage it; otherwise 404. */
  async function named(value: string) {
    const link = readStillActiveToken(app.config.sessionSecret, value)
    const person = link && (await mailRecipients(app.db, [link.userId])).get(link.userId)
    const entry = link && person && (link.kind === 'organisation' ? await organisationForNudge(app.db, person.actor, link.id) : await projectForNudge(app.db, person.actor, link.id))
    if (!link || !person || !entry) throw notFound()
    return { link, person, entry }
  }

  app.get('/directory/still-active/:token', { config: { serves: 'page', shows: 'still_active' }, schema: { params: token, querystring: query({ done }) } }, async (request, reply) => {
    const { link, entry } = await named(request.params.token)
    const confirmed = request.query.done === 'confirmed'
    return personal(reply).render('directory/still-active.njk', {
      title: confirmed ? `Thank you: ${entry.name} is confirmed` : `Is ${entry.name} still ${link.kind === 'project' ? 'active' : 'current'}?`,
      entry,
      kind: link.kind,
      confirmed,
      action: `/directory/still-active/${request.params.token}`,
      noindex: true,
    })
  })

  app.post('/directory/still-active/:token', { config: { csrf: false }, schema: { params: token } }, async (request, reply) => {
    const { link, person } = await named(request.params.token)
    await app.db.transaction().execute((trx) => (link.kind === 'organisation' ? confirmOrganisationCurrentBy(trx, person.actor, link.id) : confirmProjectCurrentBy(trx, person.actor, link.id)))
    return reply.redirect(`/directory/still-active/${request.params.token}?done=confirmed`, 303)
  })
}
