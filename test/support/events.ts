import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import type { TestApp } from './app.ts'
import { TestClient, location } from './client.ts'
import { createUser, signInAs, type TestUser } from './factories.ts'

/** What the events tests share: valid event form fields, and people with their own signed-in clients. */

const DAY = 86_400_000

/** "YYYY-MM-DDTHH:MM" in UTC, `days` from now at `time` (tests use the UTC zone unless they say). */
export function localIn(days: number, time: string): string {
  return `${new Date(Date.now() + days * DAY).toISOString().slice(0, 10)}T${time}`
}

/** The fields of a valid event form: in person, in a week, UTC, no limit, organised by the person. */
export function eventFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    title: 'Show and tell',
    description: 'We show what we made this month.',
    starts_at: localIn(7, '10:00'),
    ends_at: localIn(7, '12:00'),
    time_zone: 'UTC',
    format: 'in_person',
    venue: '1 Market Street, Northshire',
    online_url: '',
    capacity: '',
    organiser: 'person',
    community: '',
    votes_per_person: '3',
    ...overrides,
  }
}

export interface Person {
  user: TestUser
  client: TestClient
}

/** A verified person with a signed-in client. */
export async function person(t: TestApp, name?: string): Promise<Person> {
  const user = await createUser(t.db, name ? { name } : {})
  const client = new TestClient(t.app)
  await signInAs(t.db, client, user.id)
  return { user, client }
}

export { location }

/** Creates an event through the form and returns its slug. */
export async function createEvent(organiser: Person, overrides: Record<string, string> = {}): Promise<string> {
  const res = await organiser.client.submit('/events/new', eventFields(overrides))
  assert.equal(res.statusCode, 303, `create event: ${res.statusCode} ${(res.body.match(/govuk-error-message[^]*?<\/p>/g) ?? []).join(' ')}`)
  return /^\/events\/([^/?#]+)/.exec(location(res))![1]!
}

/** Replies going or not going through the event page's form. */
export function rsvp(p: Person, slug: string, answer: 'going' | 'not_going'): Promise<LightMyRequestResponse> {
  return p.client.submit(`/events/${slug}`, { answer }, `/events/${slug}/rsvp`)
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

/** The values a form on this page would send as it is: inputs, checked boxes and radios, textareas, selected options. */
export function formValuesIn(html: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of html.matchAll(/<input\b([^>]*)>/g)) {
    const attrs = Object.fromEntries([...m[1]!.matchAll(/([a-z-]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!, a[2] ?? '']))
    if (!attrs.name || attrs.name === '_csrf') continue
    if ((attrs.type === 'radio' || attrs.type === 'checkbox') && !('checked' in attrs)) continue
    out[attrs.name] = unescape(attrs.value ?? '')
  }
  for (const m of html.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^]*?)<\/textarea>/g)) out[m[1]!] = unescape(m[2]!.replace(/^\n/, ''))
  for (const m of html.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([^]*?)<\/select>/g)) out[m[1]!] = unescape(/<option value="([^"]*)"[^>]*selected/.exec(m[2]!)?.[1] ?? '')
  return out
}
