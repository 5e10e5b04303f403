import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { RevisionView } from './revisions.ts'

/** A revision or proposed edit as the API gives it (organisations and projects alike). */
export const revisionJson = (what: string) =>
  Type.Object({
    id: Type.String(),
    number: Type.Union([Type.Integer(), Type.Null()], { description: 'Its number once applied; null while proposed or when rejected' }),
    status: Type.Union([Type.Literal('applied'), Type.Literal('proposed'), Type.Literal('rejected')]),
    note: Type.String({ description: 'Why, in its author’s words' }),
    createdAt: Type.String({ format: 'date-time' }),
    author: Type.Union([Type.Object({ name: Type.String(), handle: Type.Union([Type.String(), Type.Null()], { description: 'Only when their profile is public' }) }), Type.Null()]),
    changes: Type.Array(Type.Object({ field: Type.String(), diff: Type.String({ description: 'A word diff as HTML: insertions in <ins>, deletions in <del>' }) })),
    outdated: Type.Boolean({ description: `A proposal based on an older revision than the ${what}’s current one: it can only be rejected` }),
  })

/** Revisions as `revisionJson` describes them (an author's handle only when their profile is public). */
export const revisionItems = (revisions: RevisionView[]) =>
  revisions.map((r) => ({
    id: r.id,
    number: r.number,
    status: r.status,
    note: r.note,
    createdAt: r.createdAt,
    author: r.author ? { name: r.author.name, handle: r.author.public ? r.author.handle : null } : null,
    changes: r.changes.map((c) => ({ field: c.label, diff: c.html })),
    outdated: r.outdated,
  }))

/** A decision on a proposed edit. */
export const decisionBody = Type.Object({ decision: Type.Union([Type.Literal('accept'), Type.Literal('reject')]) }, { additionalProperties: false })

/** An `Idempotency-Key` header (16–64 URL-safe characters): sent again, the same write is not made twice. */
export function idempotencyKey(request: FastifyRequest): string | null {
  const key = request.headers['idempotency-key']
  return typeof key === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(key) ? key : null
}
