import { AppError, type FieldErrors } from '../errors.ts'
import { renderMarkdown } from '../markdown/markdown.ts'
import { fromZonedLocal } from '../time.ts'

/**
 * Input schemas shared by HTML forms and the JSON API. Messages follow the GOV.UK
 * error message patterns ("Enter a title", "Title must be 120 characters or fewer").
 */
export type FieldSpec =
  | { type: 'text'; label: string; required?: boolean; max: number; min?: number }
  | { type: 'email'; label: string; required?: boolean }
  | { type: 'url'; label: string; required?: boolean }
  | { type: 'choice'; label: string; options: readonly string[]; required?: boolean }
  | { type: 'list'; label: string; max: number; itemMax: number }
  | { type: 'datetime'; label: string; required?: boolean }
  | { type: 'boolean'; label: string }

type ValueOf<F extends FieldSpec> = F extends { type: 'list' } ? string[] : F extends { type: 'boolean' } ? boolean : F extends { type: 'datetime' } ? string | null : string

export type Values<S extends Record<string, FieldSpec>> = { [K in keyof S]: ValueOf<S[K]> }

export type ParseResult<S extends Record<string, FieldSpec>> =
  | { ok: true; value: Values<S> }
  | { ok: false; errors: FieldErrors; input: Record<string, string> }

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function raw(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.map(raw).join(', ')
  if (typeof value === 'object' && 'value' in (value as object)) return raw((value as { value: unknown }).value)
  return String(value)
}

/** Splits "a, b,c" (or a JSON array) into trimmed, de-duplicated items. */
export function splitList(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(raw) : raw(value).split(/[,\n]/)
  return [...new Set(items.map((s) => s.trim()).filter(Boolean))]
}

const lower = (label: string) => label.charAt(0).toLowerCase() + label.slice(1)

/** Parses and validates a form or JSON body. On failure returns every field error and the raw input to re-display. */
export function parseInput<S extends Record<string, FieldSpec>>(schema: S, body: unknown, options: { timeZone?: string } = {}): ParseResult<S> {
  const data = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const errors: FieldErrors = {}
  const input: Record<string, string> = {}
  const value: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(schema)) {
    const text = raw(data[name]).replace(/\r\n/g, '\n')
    input[name] = text
    const trimmed = text.trim()
    switch (spec.type) {
      case 'text': {
        if (spec.required && !trimmed) errors[name] = `Enter ${lower(spec.label)}`
        else if (trimmed.length > spec.max) errors[name] = `${spec.label} must be ${spec.max} characters or fewer`
        else if (spec.min && trimmed && trimmed.length < spec.min) errors[name] = `${spec.label} must be ${spec.min} characters or more`
        value[name] = trimmed
        break
      }
      case 'email': {
        const email = trimmed.toLowerCase()
        if (!email) {
          if (spec.required) errors[name] = `Enter ${lower(spec.label)}`
        } else if (email.length > 254 || !EMAIL.test(email)) errors[name] = `Enter ${lower(spec.label)} in the correct format, like name@example.org`
        value[name] = email
        break
      }
      case 'url': {
        if (!trimmed) {
          if (spec.required) errors[name] = `Enter ${lower(spec.label)}`
        } else {
          let ok = false
          try {
            const u = new URL(trimmed)
            ok = (u.protocol === 'https:' || u.protocol === 'http:') && trimmed.length <= 500
          } catch {}
          if (!ok) errors[name] = `Enter ${lower(spec.label)} as a full web address starting with https://`
        }
        value[name] = trimmed
        break
      }
      case 'choice': {
        if (!trimmed) {
          if (spec.required) errors[name] = `Select ${lower(spec.label)}`
        } else if (!spec.options.includes(trimmed)) errors[name] = `Select ${lower(spec.label)} from the list`
        value[name] = trimmed
        break
      }
      case 'list': {
        const items = splitList(data[name])
        input[name] = items.join(', ')
        if (items.length > spec.max) errors[name] = `${spec.label}: enter ${spec.max} or fewer`
        else if (items.some((i) => i.length > spec.itemMax)) errors[name] = `${spec.label}: each must be ${spec.itemMax} characters or fewer`
        value[name] = items
        break
      }
      case 'datetime': {
        if (!trimmed) {
          if (spec.required) errors[name] = `Enter ${lower(spec.label)}`
          value[name] = null
        } else {
          // datetime-local gives "2026-11-23T09:30", the wall-clock time in the writer's zone; the API may send a full ISO string.
          const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(trimmed)
          const iso = local ? fromZonedLocal(trimmed, options.timeZone ?? 'UTC') : trimmed
          const t = iso === null ? NaN : Date.parse(iso)
          if (local && iso === null && !Number.isNaN(Date.parse(`${trimmed}:00Z`))) errors[name] = `${spec.label} does not exist in ${options.timeZone}: the clocks go forward then`
          else if (Number.isNaN(t) || trimmed.length > 40) errors[name] = `${spec.label} must be a real date and time`
          value[name] = Number.isNaN(t) ? null : new Date(t).toISOString()
        }
        break
      }
      case 'boolean': {
        value[name] = ['true', 'on', '1', 'yes'].includes(trimmed.toLowerCase())
        break
      }
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors, input }
  return { ok: true, value: value as Values<S> }
}

/** GOV.UK error summary items from field errors, linking to each field. */
export function errorList(errors: FieldErrors): Array<{ text: string; href: string }> {
  return Object.entries(errors).map(([field, text]) => ({ text, href: `#${field}` }))
}

/**
 * The one place a form's validation error becomes the form again: parses `body` with `schema` and
 * runs `save` with the values; a field error — from the schema, or thrown by the use case as
 * `invalid(fields)` (an AppError with fields) — calls `again` with what the person typed (their one-time
 * submission token included) and the errors, for the route to render with status 422 and the GOV.UK
 * error summary. Anything else propagates to the error handler.
 */
export async function submitForm<S extends Record<string, FieldSpec>, R>(
  body: unknown,
  schema: S,
  handlers: { again: (values: Record<string, string>, errors: FieldErrors) => R | Promise<R>; save: (value: Values<S>) => Promise<R> },
  options: { timeZone?: string } = {},
): Promise<R> {
  const parsed = parseInput(schema, body, options)
  const typed = (input: Record<string, string>) => withToken(input, body)
  if (!parsed.ok) return handlers.again(typed(parsed.input), parsed.errors)
  try {
    return await handlers.save(parsed.value)
  } catch (err) {
    if (err instanceof AppError && err.fields) return handlers.again(typed(inputOf(schema, body)), err.fields)
    throw err
  }
}

/** The form's one-time submission token kept beside what was typed, so a re-rendered form still creates once. */
function withToken(input: Record<string, string>, body: unknown): Record<string, string> {
  const token = (body as Record<string, unknown> | null | undefined)?._submission
  return typeof token === 'string' ? { ...input, _submission: token } : input
}

/**
 * When the writer pressed a form's Preview button (`action=preview`, the no-JavaScript path of the live
 * preview): what they typed, to show the form again, and their Markdown `field` rendered as readers will see it.
 */
export function previewOf(schema: Record<string, FieldSpec>, body: unknown, field = 'body'): { values: Record<string, string>; html: string } | null {
  if ((body as Record<string, unknown> | null | undefined)?.action !== 'preview') return null
  const values = withToken(inputOf(schema, body), body)
  return { values, html: renderMarkdown((values[field] ?? '').slice(0, 50_000)) }
}

/** What the person typed in each field of the schema, as text (for re-displaying a form). */
export function inputOf(schema: Record<string, FieldSpec>, body: unknown): Record<string, string> {
  const data = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  return Object.fromEntries(Object.keys(schema).map((name) => [name, schema[name]!.type === 'list' ? splitList(data[name]).join(', ') : raw(data[name]).replace(/\r\n/g, '\n')]))
}
