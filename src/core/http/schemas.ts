import { Type, type TProperties } from 'typebox'

/**
 * Building blocks of route schemas (TypeBox: JSON Schema for Fastify's validator, and the handler's types
 * through the type provider). Every bound is generous for real use and small enough to refuse abuse.
 */

/** A query string's parameters, each optional: anything else is dropped. */
export const query = <P extends TProperties>(properties: P) => Type.Partial(Type.Object(properties, { additionalProperties: false }))

/** A path's parameters. */
export const params = <P extends TProperties>(properties: P) => Type.Object(properties, { additionalProperties: false })

/** Text of at most `max` characters. */
export const text = (max: number) => Type.String({ maxLength: max })

/** A URL slug, a handle or a tag. */
export const slug = Type.String({ maxLength: 100 })

/** An id made by newId() (22 characters), with room for older or test ids. */
export const id = Type.String({ maxLength: 64 })

/** A keyset cursor (base64url of the last row's sort key): decodeCursor refuses any other with a 400. */
export const cursor = Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]*$' })

/** A page size. */
export const limit = Type.Integer({ minimum: 1, maximum: 100 })

/** A ?done= flag naming what just happened (a flash message). */
export const done = Type.String({ maxLength: 40 })

/**
 * The query-string schema of a filter form: one bounded text value per field of its FieldSpec schema
 * (the form's own parser then gives the friendly GOV.UK messages), plus any extra parameters.
 */
export function filterQuery<E extends TProperties>(fields: Record<string, { type: string; max?: number }>, extra: E) {
  const props: TProperties = {}
  for (const [name, spec] of Object.entries(fields)) props[name] = spec.type === 'list' ? Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 }) : Type.String({ maxLength: spec.max ?? 200 })
  return Type.Partial(Type.Object({ ...(props as Record<string, ReturnType<typeof Type.String>>), ...extra }, { additionalProperties: false }))
}
