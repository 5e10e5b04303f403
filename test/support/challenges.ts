import assert from 'node:assert/strict'
import type { TestApp } from './app.ts'
import { localIn, person, type Person } from './events.ts'
import { errorsIn, location } from './client.ts'

/** What the challenges tests share: an organisation with its admin, valid challenge fields, ideas through the forms. */

export { localIn, person, type Person }

export { location }

/** An organisation made through its form; its creator is its admin (and so may state challenges for it). */
export async function organisation(t: TestApp, admin: Person, name = 'Northshire Council'): Promise<{ id: string; slug: string }> {
  const res = await admin.client.submit('/organisations/new', { name, type: 'local government', country: 'Wales', region: '', website: '', description: `About ${name}.`, themes: '' })
  assert.equal(res.statusCode, 303, `create organisation: ${errorsIn(res)}`)
  const slug = /^\/organisations\/([^/?]+)/.exec(location(res))![1]!
  const row = await t.db.selectFrom('organisations').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()
  return { id: row.id, slug }
}

/** Phase start dates (days from now, UTC) that make `phase` current. */
export const PHASE_DAYS = {
  ideas: [-1, 10, 20, 30, 40],
  review: [-10, -1, 10, 20, 30],
  shortlist: [-20, -10, -1, 10, 20],
  closed: [-40, -30, -20, -10, -1],
} as const

/** The fields of a valid challenge form (the writer's zone is Europe/London; dates are given at noon). */
export function challengeFields(organiser: string, phase: keyof typeof PHASE_DAYS = 'ideas', overrides: Record<string, string> = {}): Record<string, string> {
  const d = PHASE_DAYS[phase]
  return {
    title: 'Fewer missed bins',
    summary: 'Help us miss no assisted collections.',
    problem: 'About 1 in 20 **assisted collections** is missed.',
    audience: 'People on assisted collection.',
    prize: 'A 12-week discovery with us.',
    themes: 'environment, health',
    organiser,
    ideas_open_at: localIn(d[0], '12:00'),
    review_at: localIn(d[1], '12:00'),
    shortlist_at: localIn(d[2], '12:00'),
    winners_at: localIn(d[3], '12:00'),
    closes_at: localIn(d[4], '12:00'),
    ...overrides,
  }
}

/** States a challenge through the form and returns its slug and id. */
export async function stateChallenge(t: TestApp, organiser: Person, fields: Record<string, string>): Promise<{ slug: string; id: string }> {
  const res = await organiser.client.submit('/challenges/new', fields)
  assert.equal(res.statusCode, 303, `state a challenge: ${res.statusCode} ${errorsIn(res)}`)
  const slug = /^\/challenges\/([^/?#]+)/.exec(location(res))![1]!
  const row = await t.db.selectFrom('challenges').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()
  return { slug, id: row.id }
}

/** Submits an idea through the form and returns its id. */
export async function submitIdea(p: Person, slug: string, fields: Record<string, string> = {}): Promise<string> {
  const res = await p.client.submit(`/challenges/${slug}/ideas/new`, { title: 'Text the evening before', body: 'A text at 6pm the day before.', coauthors: '', attachment_url: '', ...fields })
  assert.equal(res.statusCode, 303, `submit an idea: ${res.statusCode} ${errorsIn(res)}`)
  return /\/ideas\/([^/?#]+)/.exec(location(res))![1]!
}

/** Moves a challenge's dates so that `phase` is current (as time passing would). */
export async function setPhase(t: TestApp, challengeId: string, phase: keyof typeof PHASE_DAYS): Promise<void> {
  const at = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()
  const d = PHASE_DAYS[phase]
  await t.db.updateTable('challenges').set({ ideas_open_at: at(d[0]), review_at: at(d[1]), shortlist_at: at(d[2]), winners_at: at(d[3]), closes_at: at(d[4]), moved_phase: null, moved_at: null }).where('id', '=', challengeId).execute()
  await t.app.pageCache.invalidate()
}
