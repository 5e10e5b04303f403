import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Actor } from '../../core/access/policy.ts'
import { invalid } from '../../core/errors.ts'
import { jsonWrite, problemSchema } from '../../core/http/api-writes.ts'
import { parseInput } from '../../core/http/forms.ts'
import { id, params } from '../../core/http/schemas.ts'
import { managedFeed, myFeeds, registerFeed, removeFeed, setFeedPaused, type FeedRow } from './syndication.ts'
import { feedSchema } from './syndication.schemas.ts'

const feedJson = Type.Object({
  id: Type.String(),
  url: Type.String(),
  title: Type.String(),
  siteUrl: Type.String(),
  status: Type.String({ description: 'active, paused (by its owner) or stopped (after repeated failures)' }),
  autoImport: Type.Boolean(),
  project: Type.Union([Type.Object({ slug: Type.String(), name: Type.String() }), Type.Null()]),
  lastError: Type.String(),
  polledAt: Type.Union([Type.String(), Type.Null()]),
  page: Type.String({ format: 'uri' }),
})

/**
 * Feeds in: the caller's registered blog feeds (a feed is its owner's alone: anyone else's is a 404), registering
 * one, pausing or resuming it, removing it. Session cookie, JSON only (core/http/api-writes.ts).
 */
export const syndicationApi: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const base = app.config.baseUrl
  const allowPrivate = app.config.syndicationAllowPrivate
  const caller = (actor: Actor) => actor as Actor & { userId: string }
  const json = (f: FeedRow, project: { slug: string; name: string } | null) => ({ id: f.id, url: f.url, title: f.title, siteUrl: f.site_url, status: f.status, autoImport: f.auto_import === 1, project, lastError: f.last_error, polledAt: f.polled_at, page: `${base}/syndication/${f.id}` })
  const one = async (actor: Actor & { userId: string }, feedId: string) => {
    const feed = (await myFeeds(app.db, actor)).find((f) => f.id === feedId)
    return feed ? json(feed, feed.project) : null
  }

  app.get('/feeds-in', {
    config: { serves: 'api', signIn: true, cache: false },
    schema: { tags: ['syndication'], summary: 'The blog feeds the caller registered, newest first', response: { 200: Type.Object({ items: Type.Array(feedJson) }), 401: problemSchema } },
  }, async (request) => ({ items: (await myFeeds(app.db, caller(request.actor))).map((f) => json(f, f.project)) }))

  app.post('/feeds-in', {
    config: { signIn: true, invalidates: [] },
    preValidation: jsonWrite,
    schema: {
      tags: ['syndication'],
      summary: 'Registers a blog’s feed (RSS, Atom or JSON Feed) for the caller or a project they are on; it is read within minutes',
      body: Type.Object({ url: Type.String({ maxLength: 2000 }), project: Type.Optional(Type.String({ maxLength: 64 })), autoImport: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 201: feedJson, 400: problemSchema, 401: problemSchema, 415: problemSchema, 422: problemSchema },
    },
  }, async (request, reply) => {
    const parsed = parseInput(feedSchema, { url: request.body.url, project: request.body.project ?? '', auto_import: request.body.autoImport === false ? '' : 'true' })
    if (!parsed.ok) throw invalid(parsed.errors)
    const actor = caller(request.actor)
    const feed = await app.db.transaction().execute((trx) => registerFeed(trx, actor, parsed.value, allowPrivate))
    return reply.code(201).send((await one(actor, feed.id))!)
  })

  app.patch('/feeds-in/:id', {
    config: { signIn: true, invalidates: [] },
    preValidation: jsonWrite,
    schema: {
      tags: ['syndication'],
      summary: 'Pauses a feed (`{ "paused": true }`) or resumes it (`false`: a stopped feed starts again, read at once)',
      params: params({ id }),
      body: Type.Object({ paused: Type.Boolean() }, { additionalProperties: false }),
      response: { 200: feedJson, 400: problemSchema, 401: problemSchema, 404: problemSchema, 415: problemSchema },
    },
  }, async (request) => {
    const actor = caller(request.actor)
    const feed = await managedFeed(app.db, actor, request.params.id)
    await setFeedPaused(app.db, feed, request.body.paused)
    return (await one(actor, feed.id))!
  })

  app.delete('/feeds-in/:id', {
    config: { signIn: true, invalidates: [] },
    preValidation: jsonWrite,
    schema: { tags: ['syndication'], summary: 'Removes a feed and what it found (posts already imported stay)', params: params({ id }), response: { 204: { type: 'null' }, 401: problemSchema, 404: problemSchema } },
  }, async (request, reply) => {
    const feed = await managedFeed(app.db, caller(request.actor), request.params.id)
    await app.db.transaction().execute((trx) => removeFeed(trx, feed))
    return reply.code(204).send(null)
  })
}
