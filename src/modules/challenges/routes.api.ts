import type { FastifyInstance } from 'fastify'
import { decodeCursor, pageSize } from '../../core/http/pagination.ts'
import { challengeCards, listChallenges, viewableChallenge, type ChallengeCard } from './challenges.ts'
import { IDEA_SORTS, type IdeaSort } from './challenges.schemas.ts'
import { ideaCards, readerSeed, seedParam, type IdeaCard } from './idea-cards.ts'
import { listIdeaRows } from './ideas.queries.ts'
import { viewableIdea } from './ideas.ts'
import { PHASES, type Phase } from './phases.ts'
import { organisationsBySlugs } from '../organisations/organisations.ts'

const problem = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } }
const nullableString = { type: ['string', 'null'] }
const dateTime = { type: 'string', format: 'date-time' }
const challengeSchema = {
  type: 'object',
  properties: {
    slug: { type: 'string' },
    url: { type: 'string' },
    title: { type: 'string' },
    summary: { type: 'string' },
    phase: { type: 'string', enum: [...PHASES], description: 'The phase now: decided from the dates when asked, unless an organiser moved it by hand since the last date passed' },
    themes: { type: 'array', items: { type: 'string' } },
    ideas: { type: 'integer', description: 'Ideas submitted (not counting hidden ones)' },
    organiser: { type: ['object', 'null'], properties: { kind: { type: 'string', enum: ['organisation', 'community'] }, name: { type: 'string' }, url: { type: 'string' } } },
    dates: { type: 'object', properties: { ideasOpen: dateTime, review: dateTime, shortlist: dateTime, winners: dateTime, closes: dateTime } },
    updatedAt: dateTime,
  },
}
const challengeDetailSchema = { type: 'object', properties: { ...challengeSchema.properties, problemHtml: { type: 'string' }, audience: { type: 'string' }, prize: { type: 'string' } } }
const ideaSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    title: { type: 'string' },
    bodyHtml: { type: 'string' },
    attachmentUrl: nullableString,
    authors: { type: 'array', items: { type: 'object', properties: { handle: { type: 'string' }, name: { type: 'string' } } } },
    status: { type: 'string', enum: ['submitted', 'shortlisted', 'winner'] },
    winReason: nullableString,
    votes: { type: 'integer' },
    comments: { type: 'integer' },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
}
const slugParams = { type: 'object', properties: { slug: { type: 'string', maxLength: 100 } }, required: ['slug'], additionalProperties: false }

/** JSON API for challenges and their ideas: the same access rules as the pages; never a review. */
export async function challengesApi(app: FastifyInstance): Promise<void> {
  const base = app.config.baseUrl
  const db = app.db
  const challengeJson = (c: ChallengeCard) => ({
    slug: c.slug,
    url: `${base}${c.url}`,
    title: c.title,
    summary: c.summary,
    phase: c.phase,
    themes: c.themes,
    ideas: c.ideas,
    organiser: c.organiser ? { ...c.organiser, url: `${base}${c.organiser.url}` } : null,
    dates: { ideasOpen: c.dates.ideas_open_at, review: c.dates.review_at, shortlist: c.dates.shortlist_at, winners: c.dates.winners_at, closes: c.dates.closes_at },
    updatedAt: c.updatedAt,
  })
  const ideaJson = (i: IdeaCard) => ({
    id: i.id,
    url: `${base}${i.url}`,
    title: i.title,
    bodyHtml: i.bodyHtml,
    attachmentUrl: i.attachmentUrl || null,
    authors: i.authors.map((p) => ({ handle: p.handle, name: p.name })),
    status: i.status,
    winReason: i.status === 'winner' ? i.winReason : null,
    votes: i.votes,
    comments: i.comments,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  })

  app.get<{ Querystring: { phase?: Phase; theme?: string; organisation?: string; limit?: number; cursor?: string } }>(
    '/challenges',
    {
      config: { serves: 'api', filters: { organisation: 'organisation' } },
      schema: {
        tags: ['challenges'],
        summary: 'Challenges the caller may see, newest first',
        querystring: { type: 'object', additionalProperties: false, properties: { phase: { type: 'string', enum: [...PHASES] }, theme: { type: 'string', maxLength: 40 }, organisation: { type: 'string', maxLength: 100, description: 'An organisation’s slug' }, limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, cursor: { type: 'string', maxLength: 200 } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: challengeSchema }, next: nullableString } }, 400: problem },
      },
    },
    async (request) => {
      const q = request.query
      const org = q.organisation ? (await organisationsBySlugs(db, request.actor, [q.organisation.toLowerCase()])).get(q.organisation.toLowerCase()) : undefined
      if (q.organisation && !org) return { items: [], next: null }
      const page = await listChallenges(db, request.actor, { phase: q.phase, theme: q.theme?.toLowerCase() || undefined, organisationId: org?.id, cursor: decodeCursor(q.cursor), limit: pageSize(q.limit) })
      return { items: page.items.map(challengeJson), next: page.next }
    },
  )

  app.get<{ Params: { slug: string } }>(
    '/challenges/:slug',
    { config: { serves: 'api', shows: 'challenge' }, schema: { tags: ['challenges'], summary: 'One challenge', params: slugParams, querystring: { type: 'object', additionalProperties: false, properties: {} }, response: { 200: challengeDetailSchema, 404: problem } } },
    async (request) => {
      const { challenge } = await viewableChallenge(db, request.actor, request.params.slug)
      const [card] = await challengeCards(db, request.actor, [challenge])
      return { ...challengeJson(card!), problemHtml: challenge.problem_html, audience: challenge.audience, prize: challenge.prize }
    },
  )

  app.get<{ Params: { slug: string }; Querystring: { sort?: IdeaSort; seed?: string; limit?: number; cursor?: string } }>(
    '/challenges/:slug/ideas',
    {
      config: { serves: 'api', shows: 'challenge' },
      schema: {
        tags: ['challenges'],
        summary: 'A challenge’s ideas the caller may see: most votes, newest, or random (a stable order per seed; signed-in callers get their own)',
        params: slugParams,
        querystring: { type: 'object', additionalProperties: false, properties: { sort: { type: 'string', enum: [...IDEA_SORTS], default: 'votes' }, seed: { type: 'string', maxLength: 5, pattern: '^[0-9]+$' }, limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, cursor: { type: 'string', maxLength: 200 } } },
        response: { 200: { type: 'object', properties: { challenge: { type: 'object', properties: { slug: { type: 'string' }, title: { type: 'string' } } }, items: { type: 'array', items: ideaSchema }, next: nullableString } }, 400: problem, 404: problem },
      },
    },
    async (request) => {
      const { challenge } = await viewableChallenge(db, request.actor, request.params.slug)
      const q = request.query
      const seed = seedParam(q.seed) ?? (request.actor.userId ? readerSeed(request.actor.userId, challenge.id) : 1)
      const page = await listIdeaRows(db, request.actor, challenge.id, { sort: q.sort ?? 'votes', seed, cursor: decodeCursor(q.cursor), limit: pageSize(q.limit) })
      return { challenge: { slug: challenge.slug, title: challenge.title }, items: (await ideaCards(db, request.actor, challenge.slug, page.items)).map(ideaJson), next: page.next }
    },
  )

  app.get<{ Params: { slug: string; id: string } }>(
    '/challenges/:slug/ideas/:id',
    {
      config: { serves: 'api', shows: 'challenge_idea' },
      schema: { tags: ['challenges'], summary: 'One idea', params: { type: 'object', properties: { slug: { type: 'string', maxLength: 100 }, id: { type: 'string', maxLength: 64 } }, required: ['slug', 'id'], additionalProperties: false }, querystring: { type: 'object', additionalProperties: false, properties: {} }, response: { 200: ideaSchema, 404: problem } },
    },
    async (request) => {
      const { challenge, facts } = await viewableChallenge(db, request.actor, request.params.slug)
      const { idea } = await viewableIdea(db, request.actor, challenge, facts, request.params.id)
      const [card] = await ideaCards(db, request.actor, challenge.slug, [idea])
      return ideaJson(card!)
    },
  )
}
