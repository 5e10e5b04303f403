import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { signedIn, type Actor } from '../../../core/access/policy.ts'
import { notFound, type FieldErrors } from '../../../core/errors.ts'
import { inputOf, parseInput } from '../../../core/http/forms.ts'
import { changeChallengeOrganiser, challengeCards, mayChangeOrganiser, organisationsToHandTo, viewableChallenge, type ChallengeRow } from '../challenges.ts'
import { organiserChangeSchema } from '../challenges.schemas.ts'
import { challengeCrumbs, errorStatus, fieldErrors, signIn, type Params } from './page-helpers.ts'

/** Handing a challenge to another organisation: the organising organisation's admins choose one they belong to; a platform admin names any. */
export const organiserPages: FastifyPluginAsync = async (app) => {
  const db = app.db

  /** The challenge, if the actor may change its organiser; else 404, as for any organisers' page. */
  const transferable = async (actor: Actor, slug: string, on: typeof db = db): Promise<ChallengeRow> => {
    const { challenge } = await viewableChallenge(on, actor, slug)
    if (!(await mayChangeOrganiser(on, actor, challenge))) throw notFound('Challenge')
    return challenge
  }

  const render = async (request: FastifyRequest, reply: FastifyReply, challenge: ChallengeRow, values: Record<string, unknown>, errors?: FieldErrors, status = 200) => {
    const actor = request.actor as Actor & { userId: string }
    const [card, choices] = await Promise.all([challengeCards(db, actor, [challenge]), organisationsToHandTo(db, actor, challenge)])
    const chosen = typeof values.organisation === 'string' ? values.organisation : ''
    return reply.code(status).render('challenges/organiser.njk', {
      title: `Change the organiser of “${challenge.title}”`,
      breadcrumbs: [...challengeCrumbs(), { text: challenge.title, href: `/challenges/${challenge.slug}` }],
      challenge,
      current: card[0]?.organiser ?? null,
      isAdmin: actor.isAdmin,
      items: [{ value: '', text: 'Choose an organisation' }, ...choices.map((c) => ({ ...c, selected: c.value === chosen }))],
      values,
      errors,
      noindex: true,
    })
  }

  app.get('/challenges/:slug/organiser', { config: { serves: 'form', shows: 'challenge' } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const challenge = await transferable(request.actor, (request.params as Params).slug)
    return render(request, reply, challenge, {})
  })

  app.post('/challenges/:slug/organiser', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor) || !request.user) return signIn(request, reply, `/challenges/${slug}/organiser`)
    const actor = request.actor
    const challenge = await transferable(actor, slug)
    const again = (errors: FieldErrors, status = 422) => render(request, reply, challenge, inputOf(organiserChangeSchema, request.body), errors, status)
    const parsed = parseInput(organiserChangeSchema, request.body)
    if (!parsed.ok) return again({ organisation: 'Choose the organisation that organises the challenge from now on' })
    try {
      await db.transaction().execute(async (trx) => changeChallengeOrganiser(trx, actor, await transferable(actor, slug, trx), parsed.value.organisation))
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return again(errors, errorStatus(err))
      throw err
    }
    return reply.redirect(`/challenges/${challenge.slug}?done=organiser`, 303)
  })
}
