import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Actor } from '../../core/access/policy.ts'
import { invalid } from '../../core/errors.ts'
import { jsonWrite, problemSchema } from '../../core/http/api-writes.ts'
import { params, slug } from '../../core/http/schemas.ts'
import { follow, myFollows, mySettings, registriesOf, saveSettings, unfollow } from './follows.ts'
import { DELIVERIES, type Delivery } from './follows.tables.ts'

const followJson = { type: 'object', properties: { kind: { type: 'string' }, id: { type: 'string' }, title: { type: 'string' }, url: { type: 'string', format: 'uri' } } } as const
const settingJson = { type: 'object', properties: { type: { type: 'string' }, label: { type: 'string' }, delivery: { type: 'string', description: 'app, immediate, daily, weekly or off' } } } as const
const subject = Type.Object({ kind: Type.String({ maxLength: 40 }), id: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false })
const choices = Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 20 }), { maxProperties: 40 })

/**
 * One's follows and how one hears of each kind of activity, for the signed-in caller (the session cookie; JSON
 * bodies only, so no CSRF token: core/http/api-writes.ts). The same rules as /following: one follows only what
 * one may see (404 otherwise), and the list names only what one may still see.
 */
export const followsApi: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const reg = registriesOf(app.modules)
  const caller = (actor: Actor) => actor as Actor & { userId: string }
  const base = app.config.baseUrl
  const signedInOnly = { serves: 'api', signIn: true, cache: false } as const

  app.get('/following', {
    config: signedInOnly,
    schema: {
      tags: ['follows'],
      summary: 'What the caller follows and may still see (at most the 500 most recent), and how many followed things they may no longer see',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: followJson }, unseen: { type: 'integer' } } }, 401: problemSchema },
    },
  }, async (request) => {
    const { groups, unseen } = await myFollows(app.db, reg, caller(request.actor))
    return { items: groups.flatMap((g) => g.items.map((i) => ({ kind: i.kind, id: i.id, title: i.label.title, url: `${base}${i.label.url}` }))), unseen }
  })

  app.post('/following', {
    config: { signIn: true, invalidates: [] },
    preValidation: jsonWrite,
    schema: {
      tags: ['follows'],
      summary: 'Follows something the caller may see (a kind: person, project, organisation, community, tag, event, challenge…); following it again changes nothing',
      body: subject,
      response: { 201: followJson, 400: problemSchema, 401: problemSchema, 404: problemSchema, 415: problemSchema, 422: problemSchema },
    },
  }, async (request, reply) => {
    const { kind, id } = request.body
    if (!reg.followables.has(kind)) throw invalid({ kind: `Choose one of: ${[...reg.followables.keys()].join(', ')}` })
    const found = await app.db.transaction().execute((trx) => follow(trx, reg, caller(request.actor), { kind, id }))
    return reply.code(201).send({ kind, id, title: found.title, url: `${base}${found.url}` })
  })

  app.delete('/following/:kind/:id', {
    config: { signIn: true, invalidates: [] },
    preValidation: jsonWrite,
    schema: {
      tags: ['follows'],
      summary: 'Stops following something (204 whether or not it was followed)',
      params: params({ kind: Type.String({ maxLength: 40 }), id: slug }),
      response: { 204: { type: 'null' }, 401: problemSchema },
    },
  }, async (request, reply) => {
    await app.db.transaction().execute((trx) => unfollow(trx, caller(request.actor), { kind: request.params.kind, id: request.params.id }))
    return reply.code(204).send(null)
  })

  app.get('/following/settings', {
    config: signedInOnly,
    schema: {
      tags: ['follows'],
      summary: 'How the caller hears of each kind of activity: app (timeline and notifications), immediate (e-mail and notification), daily, weekly or off',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: settingJson } } }, 401: problemSchema },
    },
  }, async (request) => ({ items: await mySettings(app.db, reg, request.actor) }))

  app.put('/following/settings', {
    config: { signIn: true, invalidates: [] },
    preValidation: jsonWrite,
    schema: {
      tags: ['follows'],
      summary: 'Sets how the caller hears of the kinds of activity given (`{ "post": "immediate", "action": "app" }`); kinds left out keep their choice',
      body: choices,
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: settingJson } } }, 400: problemSchema, 401: problemSchema, 415: problemSchema, 422: problemSchema },
    },
  }, async (request) => {
    const errors: Record<string, string> = {}
    const values: Record<string, Delivery> = {}
    for (const [type, delivery] of Object.entries(request.body)) {
      if (!reg.sources.has(type)) errors[type] = `Not a kind of activity: choose among ${[...reg.sources.keys()].join(', ')}`
      else if (!(DELIVERIES as string[]).includes(delivery)) errors[type] = `Choose one of: ${DELIVERIES.join(', ')}`
      else values[type] = delivery as Delivery
    }
    if (Object.keys(errors).length) throw invalid(errors)
    const userId = caller(request.actor).userId
    await app.db.transaction().execute((trx) => saveSettings(trx, reg, userId, values))
    return { items: await mySettings(app.db, reg, request.actor) }
  })
}
