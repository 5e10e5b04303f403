import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { readerIs } from '../../../core/access/reader-facts.ts'
import { can } from '../../../core/access/can.ts'
import { heldStateOf, heldStatesOf } from '../../../core/access/held.ts'
import { signedIn, type Actor } from '../../../core/access/policy.ts'
import { invalid, type FieldErrors } from '../../../core/errors.ts'
import { inputOf, parseInput } from '../../../core/http/forms.ts'
import { done, query } from '../../../core/http/schemas.ts'
import { renderMarkdown } from '../../../core/markdown/markdown.ts'
import { submissionTokenIn, submitOnce } from '../../../core/http/submissions.ts'
import { peopleByIds } from '../../accounts/accounts.ts'
import { projectsByIds } from '../../projects/projects.ts'
import { viewableChallenge, type ChallengeFacts, type ChallengeRow } from '../challenges.ts'
import { commentSchema, decisionSchema, ideaSchema, reviewSchema, voteSchema } from '../challenges.schemas.ts'
import { ideaCards } from '../idea-cards.ts'
import { commentRows, reviewsOf, revisionsOf, type IdeaRow } from '../ideas.queries.ts'
import { commentOnIdea, decideIdea, editIdea, ideaToProject, reviewIdea, submitIdea, viewableIdea, voteOnIdea } from '../ideas.ts'
import { PHASE_LABELS } from '../phases.ts'
import { challengeCrumbs, errorStatus, fieldErrors, flashOf, signIn, type Params } from './page-helpers.ts'

const ideaPath = (c: ChallengeRow, id: string) => `/challenges/${c.slug}/ideas/${id}`

/** The challenge and idea in the URL, if the reader may see them (else 404). */
async function load(request: FastifyRequest) {
  const db = request.server.db
  const { slug, id } = request.params as Params
  const { challenge, facts: challengeFacts } = await viewableChallenge(db, request.actor, slug)
  const found = await viewableIdea(db, request.actor, challenge, challengeFacts, id)
  return { challenge, challengeFacts, ...found }
}

/** Submitting, the idea page and its forms (votes, comments, organisers' review and decisions), edits and history. */
export const ideaPages: FastifyPluginAsync = async (app) => {
  const db = app.db

  // ------------------------------------------------------------ submitting and editing

  async function renderIdeaForm(request: FastifyRequest, reply: FastifyReply, challenge: ChallengeRow, facts: ChallengeFacts, o: { idea?: IdeaRow; values: Record<string, unknown>; errors?: FieldErrors; status?: number }) {
    const open = o.idea ? true : await can(db, request.actor, 'participate', 'challenge', facts)
    return reply.code(o.errors ? (o.status ?? 422) : 200).render('challenges/idea-form.njk', {
      title: o.idea ? `Edit “${o.idea.title}”` : `Submit an idea to “${challenge.title}”`,
      heading: o.idea ? 'Edit your idea' : 'Submit an idea',
      breadcrumbs: challengeCrumbs(challenge),
      challenge,
      idea: o.idea,
      action: o.idea ? `${ideaPath(challenge, o.idea.id)}/edit` : `/challenges/${challenge.slug}/ideas/new`,
      values: o.values,
      errors: o.errors,
      // Closed meanwhile: the form stays, with the person's words, and says why it cannot be sent.
      closed: !open && !o.errors ? (facts.phase === 'upcoming' ? 'Ideas are not open yet.' : `Ideas are closed: this challenge is now “${PHASE_LABELS[facts.phase]}”.`) : null,
      noindex: true,
    })
  }

  app.get('/challenges/:slug/ideas/new', { config: { serves: 'form', shows: 'challenge' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { challenge, facts } = await viewableChallenge(db, request.actor, (request.params as Params).slug)
    return renderIdeaForm(request, reply, challenge, facts, { values: {} })
  })

  app.post('/challenges/:slug/ideas/new', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/challenges/${slug}/ideas/new`)
    const actor = request.actor
    const { challenge, facts } = await viewableChallenge(db, actor, slug)
    const token = submissionTokenIn(request.body)
    const again = (errors: FieldErrors, status = 422) => renderIdeaForm(request, reply, challenge, facts, { values: { ...inputOf(ideaSchema, request.body), _submission: token ?? '' }, errors, status })
    const parsed = parseInput(ideaSchema, request.body)
    if (!parsed.ok) return again(parsed.errors)
    try {
      const { url } = await submitOnce(db, token, actor.userId, async (trx) => {
        const idea = await submitIdea(trx, actor, challenge, parsed.value)
        return `${ideaPath(challenge, idea.id)}?done=${idea.hidden_at ? 'held' : 'submitted'}`
      })
      return reply.redirect(url, 303)
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return again(errors, errorStatus(err))
      throw err
    }
  })

  app.get('/challenges/:slug/ideas/:id/edit', { config: { serves: 'form', shows: 'challenge_idea' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { challenge, challengeFacts, idea, facts, authorIds } = await load(request)
    if (!(await can(db, request.actor, 'edit', 'challenge_idea', facts))) return reply.callNotFound()
    const people = await peopleByIds(db, authorIds.slice(1))
    return renderIdeaForm(request, reply, challenge, challengeFacts, { idea, values: { title: idea.title, body: idea.body, attachment_url: idea.attachment_url, coauthors: [...people.values()].map((p) => p.handle).join(', ') } })
  })

  app.post('/challenges/:slug/ideas/:id/edit', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply)
    const actor = request.actor
    const { challenge, challengeFacts, idea, facts } = await load(request)
    if (!(await can(db, actor, 'view', 'challenge_idea', facts)) || !facts.authorIds.includes(actor.userId)) return reply.callNotFound()
    const again = (errors: FieldErrors, status = 422) => renderIdeaForm(request, reply, challenge, challengeFacts, { idea, values: inputOf(ideaSchema, request.body), errors, status })
    const parsed = parseInput(ideaSchema, request.body)
    if (!parsed.ok) return again(parsed.errors)
    try {
      await db.transaction().execute((trx) => editIdea(trx, actor, challenge, idea, parsed.value))
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return again(errors, errorStatus(err))
      throw err
    }
    return reply.redirect(`${ideaPath(challenge, idea.id)}?done=edited`, 303)
  })

  app.get('/challenges/:slug/ideas/:id/history', { config: { serves: 'page', cache: true, cacheQuery: [], shows: 'challenge_idea' }, schema: { querystring: query({}) } }, async (request, reply) => {
    const { challenge, idea } = await load(request)
    const revisions = await revisionsOf(db, idea.id)
    const editors = await peopleByIds(db, revisions.map((r) => r.edited_by))
    return reply.render('challenges/history.njk', { title: `History of “${idea.title}”`, breadcrumbs: [...challengeCrumbs(challenge), { text: idea.title, href: ideaPath(challenge, idea.id) }], challenge, idea, revisions: revisions.map((r) => ({ ...r, html: renderMarkdown(r.body), editor: editors.get(r.edited_by) })), noindex: true })
  })

  // ------------------------------------------------------------ the idea page

  async function ideaPage(request: FastifyRequest, reply: FastifyReply, found: Awaited<ReturnType<typeof load>>, extra: { errors?: FieldErrors; values?: Record<string, unknown>; status?: number } = {}) {
    const actor = request.actor
    const { challenge, idea, facts } = found
    const [[card], canVote, canComment, canEdit, manage, comments, held] = await Promise.all([
      ideaCards(db, actor, challenge.slug, [idea]),
      can(db, actor, 'vote', 'challenge_idea', facts),
      can(db, actor, 'participate', 'challenge_idea', facts),
      can(db, actor, 'edit', 'challenge_idea', facts),
      can(db, actor, 'manage', 'challenge_idea', facts),
      commentRows(db, actor, idea.id),
      idea.hidden_at ? heldStateOf(db, 'challenge_idea', idea.id) : Promise.resolve(null),
    ])
    // Review notes and scores: read only for the challenge's organisers, in this one place.
    const reviews = manage ? await reviewsOf(db, idea.id) : []
    const [people, heldComments, projects] = await Promise.all([
      peopleByIds(db, [...comments.map((c) => c.author_id), ...reviews.map((r) => r.reviewer_id)]),
      heldStatesOf(db, 'challenge_comment', comments.filter((c) => c.hidden_at).map((c) => c.id)),
      idea.project_id ? projectsByIds(db, actor, [idea.project_id]) : Promise.resolve(new Map()),
    ])
    const project = idea.project_id ? projects.get(idea.project_id) : undefined
    // Only organisers read reviews (their page is their own): readerIs keeps the others' pages shared.
    const mine = reviews.find((r) => readerIs(actor, r.reviewer_id))
    return reply.code(extra.status ?? 200).render('challenges/idea.njk', {
      title: `${idea.title} – ${challenge.title}`,
      breadcrumbs: challengeCrumbs(challenge),
      canonicalUrl: `${app.config.baseUrl}${ideaPath(challenge, idea.id)}`,
      noindex: challenge.space_id !== null || idea.hidden_at !== null,
      metaDescription: `An idea for the challenge “${challenge.title}”`,
      challenge,
      phase: found.challengeFacts.phase,
      phaseLabel: PHASE_LABELS[found.challengeFacts.phase],
      i: card,
      pending: held === 'pending',
      canVote,
      canComment,
      canEdit,
      manage,
      project: project ? { name: project.name, url: `/projects/${project.slug}` } : null,
      comments: comments.map((c) => ({ ...c, author: people.get(c.author_id), pending: heldComments.get(c.id) === 'pending' })),
      reviews: reviews.map((r) => ({ ...r, reviewer: people.get(r.reviewer_id) })),
      scoreItems: ['1', '2', '3', '4', '5'].map((s) => ({ value: s, text: s, checked: String(extra.values?.score ?? mine?.score ?? '') === s })),
      values: extra.values ?? { note: mine?.note ?? '' },
      errors: extra.errors,
      flash: flashOf(request),
    })
  }

  app.get('/challenges/:slug/ideas/:id', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'challenge_idea' }, schema: { querystring: query({ done }) } }, async (request, reply) => ideaPage(request, reply, await load(request)))

  /** Runs one of the idea page's forms; a refusal (closed meanwhile) or a field error comes back on the page. */
  async function onIdea(request: FastifyRequest, reply: FastifyReply, work: (found: Awaited<ReturnType<typeof load>>, actor: Actor & { userId: string }) => Promise<string>) {
    if (!signedIn(request.actor)) return signIn(request, reply, request.url.replace(/\/[a-z]+$/, ''))
    const actor = request.actor
    const found = await load(request)
    try {
      return reply.redirect(await work(found, actor), 303)
    } catch (err) {
      const errors = fieldErrors(err) ?? (errorStatus(err) === 409 ? { vote: (err as Error).message } : null)
      if (errors) return ideaPage(request, reply, found, { errors, values: request.body as Record<string, unknown>, status: errorStatus(err) })
      throw err
    }
  }

  app.post('/challenges/:slug/ideas/:id/vote', (request, reply) =>
    onIdea(request, reply, async ({ challenge, idea }, actor) => {
      const parsed = parseInput(voteSchema, request.body)
      if (!parsed.ok) throw invalid({ vote: parsed.errors.vote! })
      const add = parsed.value.vote === 'add'
      await db.transaction().execute((trx) => voteOnIdea(trx, actor, challenge, idea, add))
      // Back to where the person voted: the list (its order kept) or the idea page.
      const back = /^list((\?sort=(newest|random)(&seed=\d{1,5})?)?)$/.exec(String((request.body as Record<string, unknown>).back ?? ''))?.[1]
      const list = back !== undefined ? `/challenges/${challenge.slug}${back}${back ? '&' : '?'}done=${add ? 'voted' : 'unvoted'}#idea-${idea.id}` : null
      return list ?? `${ideaPath(challenge, idea.id)}?done=${add ? 'voted' : 'unvoted'}#votes`
    }),
  )

  app.post('/challenges/:slug/ideas/:id/comments', (request, reply) =>
    onIdea(request, reply, async ({ challenge, idea, facts }, actor) => {
      const parsed = parseInput(commentSchema, request.body)
      if (!parsed.ok) throw invalid(parsed.errors)
      const { url } = await submitOnce(db, submissionTokenIn(request.body), actor.userId, async (trx) => {
        const { id, held } = await commentOnIdea(trx, actor, challenge, idea, facts, parsed.value, request.user!.name)
        return `${ideaPath(challenge, idea.id)}?done=${held ? 'comment_held' : 'commented'}#comment-${id}`
      })
      return url
    }),
  )

  // ------------------------------------------------------------ organisers: review, shortlist, winners, project

  app.post('/challenges/:slug/ideas/:id/review', { config: { invalidates: [] } }, (request, reply) =>
    onIdea(request, reply, async ({ challenge, idea, facts }, actor) => {
      const parsed = parseInput(reviewSchema, request.body)
      if (!parsed.ok) throw invalid(parsed.errors)
      await db.transaction().execute((trx) => reviewIdea(trx, actor, facts, idea, parsed.value))
      return `${ideaPath(challenge, idea.id)}?done=reviewed#review`
    }),
  )

  app.post('/challenges/:slug/ideas/:id/decision', (request, reply) =>
    onIdea(request, reply, async ({ challenge, idea, facts }, actor) => {
      const parsed = parseInput(decisionSchema, request.body)
      if (!parsed.ok) throw invalid(parsed.errors)
      await db.transaction().execute((trx) => decideIdea(trx, actor, challenge, facts, idea, parsed.value))
      return `${ideaPath(challenge, idea.id)}?done=${parsed.value.decision}`
    }),
  )

  app.post('/challenges/:slug/ideas/:id/project', (request, reply) =>
    onIdea(request, reply, async ({ challenge, idea, facts }, actor) => {
      const project = await db.transaction().execute((trx) => ideaToProject(trx, actor, challenge, facts, idea))
      return `/projects/${project.slug}`
    }),
  )
}
