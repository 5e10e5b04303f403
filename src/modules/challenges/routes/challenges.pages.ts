import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { can } from '../../../core/access/can.ts'
import { signedIn, type Actor } from '../../../core/access/policy.ts'
import type { FieldErrors } from '../../../core/errors.ts'
import { feedLinks, registerFeeds } from '../../../core/feeds/feeds.ts'
import { inputOf, parseInput } from '../../../core/http/forms.ts'
import { decodeCursor } from '../../../core/http/pagination.ts'
import { cursor, done, query, text } from '../../../core/http/schemas.ts'
import { submissionTokenIn, submitOnce } from '../../../core/http/submissions.ts'
import { peopleByIds } from '../../accounts/accounts.ts'
import { organisationsBySlugs } from '../../organisations/organisations.ts'
import { challengeCards, challengeDateErrors, createChallenge, listChallenges, mayChangeOrganiser, moveChallengePhase, organisedChallenge, organiserChoices, updateChallenge, viewableChallenge, type ChallengeRow } from '../challenges.ts'
import { visibleThemes } from '../challenges.queries.ts'
import { challengeEditSchema, challengeFilterSchema, challengeSchema, IDEA_SORTS, phaseMoveSchema, type IdeaSort } from '../challenges.schemas.ts'
import { ideaCards, randomSeed, readerSeed, seedParam } from '../idea-cards.ts'
import { listIdeaRows, newestIdeas } from '../ideas.queries.ts'
import { DATE_FIELDS, PHASE_LABELS, PHASES, timelineOf, type Phase } from '../phases.ts'
import { toZonedLocal } from '../../../core/time.ts'
import { challengeCrumbs, errorStatus, fieldErrors, flashOf, queryString, signIn, type Params, type Query } from './page-helpers.ts'

const IDEAS_PER_PAGE = 25
const SORT_LABELS: Record<IdeaSort, string> = { votes: 'Most votes', newest: 'Newest', random: 'Random' }

/** The list, stating a challenge, the challenge page, moving its phase, and the feeds of its ideas. */
export const challengePages: FastifyPluginAsync = async (app) => {
  const db = app.db

  // ------------------------------------------------------------ list

  app.get('/challenges', { config: { serves: 'page', cache: true, cacheQuery: ['phase', 'theme', 'organisation', 'cursor', 'done'], filters: { organisation: 'organisation' } }, schema: { querystring: query({ phase: text(20), theme: text(40), organisation: text(100), cursor, done }) } }, async (request, reply) => {
    const q = request.query as Query
    const parsed = parseInput(challengeFilterSchema, q)
    const themes = await visibleThemes(db, request.actor)
    const base = { title: 'Challenges', breadcrumbs: [{ text: 'Home', href: '/' }], phaseItems: [{ value: '', text: 'Any phase' }, ...PHASES.map((p) => ({ value: p, text: PHASE_LABELS[p] }))], themeItems: [{ value: '', text: 'Any theme' }, ...themes.map((t) => ({ value: t, text: t }))] }
    if (!parsed.ok) return reply.code(400).render('challenges/index.njk', { ...base, errors: parsed.errors, values: parsed.input, challenges: [], noindex: true })
    const v = parsed.value
    const organisation = v.organisation ? (await organisationsBySlugs(db, request.actor, [v.organisation.toLowerCase()])).get(v.organisation.toLowerCase()) : undefined
    const page = v.organisation && !organisation ? { items: [], next: null } : await listChallenges(db, request.actor, { phase: (v.phase || undefined) as Phase | undefined, theme: v.theme.toLowerCase() || undefined, organisationId: organisation?.id, cursor: decodeCursor(q.cursor), limit: 20 })
    // An organisation the reader cannot see is not echoed back (its name may be all they know of it).
    const params = { phase: v.phase, theme: v.theme, organisation: organisation ? organisation.slug : '' }
    const filtered = Boolean(v.phase || v.theme || v.organisation)
    return reply.render('challenges/index.njk', {
      ...base,
      values: params,
      challenges: page.items,
      organisation,
      unknownOrganisation: Boolean(v.organisation && !organisation),
      filtered,
      next: page.next ? `/challenges${queryString({ ...params, cursor: page.next })}` : null,
      first: q.cursor ? `/challenges${queryString(params)}` : null,
      flash: flashOf(request),
      noindex: filtered || Boolean(q.cursor),
    })
  })

  // ------------------------------------------------------------ stating a challenge

  async function renderForm(request: FastifyRequest, reply: FastifyReply, values: Record<string, unknown>, errors?: FieldErrors, status = 422, editing?: ChallengeRow) {
    const choices = editing ? [] : await organiserChoices(db, request.actor as Actor & { userId: string })
    return reply.code(errors ? status : 200).render('challenges/form.njk', {
      title: editing ? `Edit “${editing.title}”` : 'State a challenge',
      heading: editing ? 'Edit the challenge' : 'State a challenge',
      action: editing ? `/challenges/${editing.slug}/edit` : '/challenges/new',
      editing,
      breadcrumbs: challengeCrumbs(editing),
      values,
      errors,
      organiserItems: [{ value: '', text: 'Choose who states it' }, ...choices.map((o) => ({ ...o, selected: o.value === values.organiser }))],
      noOrganiser: !editing && choices.length === 0,
      timeZone: request.user!.timeZone,
      noindex: true,
    })
  }

  app.get('/challenges/new', { config: { serves: 'form' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    return renderForm(request, reply, {})
  })

  app.post('/challenges/new', async (request, reply) => {
    if (!signedIn(request.actor) || !request.user) return signIn(request, reply, '/challenges/new')
    const actor = request.actor
    const token = submissionTokenIn(request.body)
    const timeZone = request.user.timeZone
    const parsed = parseInput(challengeSchema, request.body, { timeZone })
    if (!parsed.ok) {
      // Every problem at once: the parser's, and the order of the dates the parser could read.
      const dates = parseInput(Object.fromEntries(Object.entries(challengeSchema).filter(([, s]) => s.type === 'datetime')) as typeof challengeSchema, request.body, { timeZone })
      const order = dates.ok ? challengeDateErrors(dates.value) : {}
      return renderForm(request, reply, { ...parsed.input, _submission: token ?? '' }, { ...order, ...parsed.errors })
    }
    try {
      const { url } = await submitOnce(db, token, actor.userId, async (trx) => `/challenges/${(await createChallenge(trx, actor, parsed.value)).slug}?done=created`)
      return reply.redirect(url, 303)
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return renderForm(request, reply, { ...inputOf(challengeSchema, request.body), _submission: token ?? '' }, errors, errorStatus(err))
      throw err
    }
  })

  app.get('/challenges/:slug/edit', { config: { serves: 'form', shows: 'challenge' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { challenge } = await organisedChallenge(db, request.actor, (request.params as Params).slug)
    const zone = request.user.timeZone
    const themes = (await challengeCards(db, request.actor, [challenge]))[0]!.themes
    const dates = Object.fromEntries(DATE_FIELDS.map((f) => [f, toZonedLocal(challenge[f], zone)]))
    return renderForm(request, reply, { title: challenge.title, summary: challenge.summary, problem: challenge.problem, audience: challenge.audience, prize: challenge.prize, themes: themes.join(', '), ...dates }, undefined, 200, challenge)
  })

  app.post('/challenges/:slug/edit', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor) || !request.user) return signIn(request, reply, `/challenges/${slug}/edit`)
    const actor = request.actor
    const { challenge } = await organisedChallenge(db, actor, slug)
    const timeZone = request.user.timeZone
    const again = (errors: FieldErrors, status = 422) => renderForm(request, reply, inputOf(challengeEditSchema, request.body), errors, status, challenge)
    const parsed = parseInput(challengeEditSchema, request.body, { timeZone })
    if (!parsed.ok) return again(parsed.errors)
    try {
      await db.transaction().execute(async (trx) => updateChallenge(trx, (await organisedChallenge(trx, actor, slug)).challenge, parsed.value))
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return again(errors, errorStatus(err))
      throw err
    }
    return reply.redirect(`/challenges/${challenge.slug}?done=saved`, 303)
  })

  // ------------------------------------------------------------ the challenge page

  app.get('/challenges/:slug', { config: { serves: 'page', cache: true, cacheQuery: ['sort', 'seed', 'cursor', 'done'], shows: 'challenge' }, schema: { querystring: query({ sort: text(10), seed: text(10), cursor, done }) } }, async (request, reply) => {
    const actor = request.actor
    const { challenge, facts } = await viewableChallenge(db, actor, (request.params as Params).slug)
    const q = request.query as Query
    const sort: IdeaSort = (IDEA_SORTS as readonly string[]).includes(q.sort ?? '') ? (q.sort as IdeaSort) : 'votes'
    let seed = seedParam(q.seed)
    if (sort === 'random' && !seed) {
      // Signed-in readers have their own order; an anonymous reader gets a seed kept in the address from now on.
      if (actor.userId) seed = readerSeed(actor.userId, challenge.id)
      else return reply.redirect(`/challenges/${challenge.slug}${queryString({ sort, seed: randomSeed() })}`, 303)
    }
    const [cards, page, winnerRows, manage, participate, canVote, transfer, sections] = await Promise.all([
      challengeCards(db, actor, [challenge]),
      listIdeaRows(db, actor, challenge.id, { sort, seed: seed ?? 1, cursor: decodeCursor(q.cursor), limit: IDEAS_PER_PAGE }),
      ['shortlist', 'winners', 'closed'].includes(facts.phase) ? listIdeaRows(db, actor, challenge.id, { sort: 'votes', seed: 1, cursor: null, limit: 100, status: 'shortlisted' }) : Promise.resolve({ items: [], next: null }),
      can(db, actor, 'manage', 'challenge', facts),
      can(db, actor, 'participate', 'challenge', facts),
      // Voting is decided per challenge for the list (the idea page asks per idea): hidden ideas show no button.
      can(db, actor, 'vote', 'challenge_idea', { spaceId: challenge.space_id, authorIds: [], hiddenAt: null, challenge: facts }),
      signedIn(actor) ? mayChangeOrganiser(db, actor, challenge) : false,
      // Other modules' sections (the Follow button).
      app.panels(request, 'challenge', { id: challenge.id, slug: challenge.slug }),
    ])
    const [ideas, decided, creator] = await Promise.all([ideaCards(db, actor, challenge.slug, page.items), ideaCards(db, actor, challenge.slug, winnerRows.items), peopleByIds(db, [challenge.created_by])])
    const keep = { sort: sort === 'votes' ? undefined : sort, seed: sort === 'random' && !signedIn(actor) ? seed : undefined }
    return reply.render('challenges/show.njk', {
      title: challenge.title,
      breadcrumbs: challengeCrumbs(),
      canonicalUrl: `${app.config.baseUrl}/challenges/${challenge.slug}`,
      noindex: challenge.space_id !== null || challenge.hidden_at !== null || Boolean(q.sort || q.cursor),
      metaDescription: challenge.summary,
      c: cards[0],
      challenge,
      timeline: timelineOf(challenge),
      ideas,
      winners: decided.filter((i) => i.status === 'winner'),
      shortlist: decided.filter((i) => i.status === 'shortlisted'),
      sort,
      sorts: IDEA_SORTS.map((s) => ({ value: s, text: SORT_LABELS[s], href: `/challenges/${challenge.slug}${queryString({ sort: s === 'votes' ? undefined : s })}#ideas`, current: s === sort })),
      sortQuery: queryString(keep),
      next: page.next ? `/challenges/${challenge.slug}${queryString({ ...keep, cursor: page.next })}#ideas` : null,
      first: q.cursor ? `/challenges/${challenge.slug}${queryString(keep)}#ideas` : null,
      manage,
      transfer,
      participate,
      canVote,
      sections,
      phaseItems: PHASES.filter((p) => p !== 'upcoming').map((p) => ({ value: p, text: PHASE_LABELS[p], checked: p === facts.phase })),
      creator: creator.get(challenge.created_by),
      feeds: feedLinks(`/challenges/${challenge.slug}/ideas`, `Ideas for ${challenge.title}`),
      flash: flashOf(request),
    })
  })

  app.post('/challenges/:slug/phase', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/challenges/${slug}`)
    const actor = request.actor
    const { challenge } = await organisedChallenge(db, actor, slug)
    const parsed = parseInput(phaseMoveSchema, request.body)
    if (!parsed.ok) return reply.redirect(`/challenges/${challenge.slug}#phase`, 303)
    await db.transaction().execute(async (trx) => moveChallengePhase(trx, actor, (await organisedChallenge(trx, actor, slug)).challenge, parsed.value.phase as Phase))
    return reply.redirect(`/challenges/${challenge.slug}?done=moved`, 303)
  })

  // ------------------------------------------------------------ feeds of a challenge's ideas

  registerFeeds(
    app,
    '/challenges/:slug/ideas',
    async (request, actor) => {
      let found: { challenge: ChallengeRow } | null = null
      try {
        found = await viewableChallenge(db, actor, request.params.slug ?? '')
      } catch {
        return null
      }
      const c = found.challenge
      const rows = await newestIdeas(db, actor, c.id, 50)
      const cards = await ideaCards(db, actor, c.slug, rows)
      const base = app.config.baseUrl
      return {
        title: `Ideas for ${c.title}`,
        description: c.summary,
        link: `${base}/challenges/${c.slug}`,
        items: cards.map((i) => ({ id: `${base}${i.url}`, title: i.title, link: `${base}${i.url}`, contentHtml: i.bodyHtml, published: i.createdAt, updated: i.updatedAt, authors: i.authors.map((p) => ({ name: p.name })) })),
      }
    },
    // A community's challenge that is not public has personal feed addresses too (core/feeds/feeds.ts).
    { shows: 'challenge', personal: true },
  )
}
