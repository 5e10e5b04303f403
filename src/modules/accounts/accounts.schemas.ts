import type { FieldSpec } from '../../core/http/forms.ts'
import type { FieldErrors } from '../../core/errors.ts'
import { timeZones } from '../../core/time.ts'

export const PASSWORD_MIN = 12
export const PASSWORD_MAX = 200
export const HANDLE_PATTERN = /^[a-z0-9](?:[a-z0-9-]{1,28})[a-z0-9]$/

/** Sign-up fields other than the password (checked by `checkPassword`, never trimmed or re-displayed). */
export const signUpSchema = {
  name: { type: 'text', label: 'Full name', required: true, max: 100 },
  email: { type: 'email', label: 'Email address', required: true },
  handle: { type: 'text', label: 'Handle', required: true, max: 30 },
} as const satisfies Record<string, FieldSpec>

export const emailSchema = {
  email: { type: 'email', label: 'Email address', required: true },
} as const satisfies Record<string, FieldSpec>

/** Profile fields a person edits at /account/profile. Skills and interests are comma-separated lists. */
export const profileSchema = {
  name: { type: 'text', label: 'Full name', required: true, max: 100 },
  handle: { type: 'text', label: 'Handle', required: true, max: 30 },
  role: { type: 'text', label: 'Role', max: 120 },
  bio: { type: 'text', label: 'Bio', max: 2000 },
  skills: { type: 'list', label: 'Skills', max: 20, itemMax: 50 },
  interests: { type: 'list', label: 'Interests', max: 20, itemMax: 50 },
  listed: { type: 'boolean', label: 'List me in the people directory' },
  timeZone: { type: 'choice', label: 'Time zone', options: timeZones() },
} as const satisfies Record<string, FieldSpec>

/** Lowercases a typed handle; people often type "Priya-N". */
export const normaliseHandle = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : '')

/** A handle error message, or null when the handle has the right shape. */
export function checkHandle(handle: string): string | null {
  if (!handle) return 'Enter a handle'
  if (!HANDLE_PATTERN.test(handle)) return 'Handle must be 3 to 30 characters: lowercase letters, digits and hyphens, starting and ending with a letter or digit'
  return null
}

/** A password error message, or null. Passwords are taken exactly as typed (no trimming). */
export function checkPassword(value: unknown, label = 'password'): string | null {
  const password = typeof value === 'string' ? value : ''
  if (!password) return `Enter a ${label}`
  if (password.length < PASSWORD_MIN) return `${label.charAt(0).toUpperCase()}${label.slice(1)} must be ${PASSWORD_MIN} characters or more`
  if (password.length > PASSWORD_MAX) return `${label.charAt(0).toUpperCase()}${label.slice(1)} must be ${PASSWORD_MAX} characters or fewer`
  return null
}

/** Merges errors in the order the fields appear on the form, so the error summary follows the page. */
export function orderErrors(order: string[], ...sets: FieldErrors[]): FieldErrors {
  const all: FieldErrors = Object.assign({}, ...sets)
  const out: FieldErrors = {}
  for (const k of order) if (all[k]) out[k] = all[k]
  for (const k of Object.keys(all)) if (!out[k]) out[k] = all[k]!
  return out
}

/** Only local paths may follow sign-in, so a link cannot bounce someone to another site. */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500 || !value.startsWith('/') || /[\s\\]/.test(value)) return '/'
  // Resolved as a browser would, against a placeholder origin: anything that leaves it ("//host", "/\\host")
  // goes home. What stays is sent percent-encoded, so odd characters ("/。evil.example") cannot break the header.
  const base = 'http://next.invalid'
  let url: URL
  try {
    url = new URL(value, base)
  } catch {
    return '/'
  }
  if (url.origin !== base) return '/'
  const path = url.pathname + url.search + url.hash
  return path.startsWith('//') ? '/' : path
}
