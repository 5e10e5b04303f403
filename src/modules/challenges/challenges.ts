import type { Db } from '../../core/db/database.ts'
import { freeSlug, newId, now } from '../../core/db/ids.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { spacesByIds } from '../../core/access/spaces.ts'
import { audit } from '../../core/audit.ts'
import { scheduleChanges } from '../../core/cache/schedule.ts'
import { invalid, notFound, type FieldErrors } from '../../core/errors.ts'
import type { Values } from '../../core/http/forms.ts'
import type { Cursor } from '../../core/http/pagination.ts'
import { renderMarkdown } from '../../core/markdown/markdown.ts'
import { notifyOrganisationAdmins, organisationsByIds, organisationsBySlugs, organisationsOfPerson } from '../organisations/organisations.ts'
import { communitiesOf } from '../communities/communities.ts'
import { challengeFacts, type ChallengeFacts } from './challenges.policy.ts'
import { challengeSlugsLike, findChallengeById, findChallengeBySlug, insertChallenge, listChallengeRows, replaceThemes, setChallengeHiddenAt, themesOf, updateChallengeRow, type ChallengeRow } from './challenges.queries.ts'
import { challengeSchema, DATE_LABELS } from './challenges.schemas.ts'
import { indexChallenge, reindexChallenge } from './challenges.search.ts'
import type { OrganiserKind } from './challenges.tables.ts'
import { ideaCounts, ideaOfProject } from './ideas.queries.ts'
import { dateOrderErrors, DATE_FIELDS, PHASE_CLASSES, PHASE_LABELS, phaseOf, type Phase } from './phases.ts'

// The challenges module's public face (the only file other modules may import), and a challenge's life:
// finding one the reader may see, the cards lists show, stating one, moving its phase, hiding it.

export type ChallengeInput = Values<typeof challengeSchema>
export type { ChallengeRow, ChallengeFacts }

/** A challenge as lists, pages, feeds and the API show it. */
export interface ChallengeCard {
  id: string
  slug: string
  url: string
  title: string
  summary: string
  phase: Phase
  phaseLabel: string
  phaseClass: string
  themes: string[]
  ideas: number
  organiser: { kind: OrganiserKind; name: string; url: string } | null
  community: { name: string; path: string; visibility: string } | null
  dates: Record<(typeof DATE_FIELDS)[number], string>
  hidden: boolean
  createdAt: string
  updatedAt: string
}

/** Loads a challenge the actor may see, or throws 404. */
export async function viewableChallenge(db: Db, actor: Actor, slug: string): Promise<{ challenge: ChallengeRow; facts: ChallengeFacts }> {
  const challenge = await findChallengeBySlug(db, slug)
  if (!challenge) throw notFound('Challenge')
  const facts = challengeFacts(challenge)
  if (!(await can(db, actor, 'view', 'challenge', facts))) throw notFound('Challenge')
  return { challenge, facts }
}

/** Loads a challenge the actor organises, or throws 404 (to others its organisers' pages do not exist). */
export async function organisedChallenge(db: Db, actor: Actor, slug: string): Promise<{ challenge: ChallengeRow; facts: ChallengeFacts }> {
  const found = await viewableChallenge(db, actor, slug)
  if (!(await can(db, actor, 'manage', 'challenge', found.facts))) throw notFound('Challenge')
  return found
}

export interface ChallengeListFilter {
  phase?: Phase
  theme?: string
  organisationId?: string
  spaceId?: string
  cursor: Cursor | null
  limit: number
}

/** A page of challenges the actor may see, as cards. */
export async function listChallenges(db: Db, actor: Actor, filter: ChallengeListFilter): Promise<{ items: ChallengeCard[]; next: string | null }> {
  const page = await listChallengeRows(db, actor, { ...filter, organiser: filter.organisationId ? { kind: 'organisation', id: filter.organisationId } : undefined })
  return { items: await challengeCards(db, actor, page.items), next: page.next }
}

/** Cards for rows the actor may already see: themes, idea counts, organisers and communities, batch-loaded. */
export async function challengeCards(db: Db, actor: Actor, rows: ChallengeRow[]): Promise<ChallengeCard[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const [themes, counts, organisations, spaces] = await Promise.all([
    themesOf(db, ids),
    ideaCounts(db, ids),
    organisationsByIds(db, actor, rows.filter((r) => r.organiser_kind === 'organisation').map((r) => r.organiser_id)),
    spacesByIds(db, rows.flatMap((r) => (r.space_id ? [r.space_id] : []))),
  ])
  const at = now()
  return rows.map((r) => {
    const phase = phaseOf(r, at)
    const org = r.organiser_kind === 'organisation' ? organisations.get(r.organiser_id) : undefined
    const space = r.space_id ? spaces.get(r.space_id) : undefined
    return {
      id: r.id,
      slug: r.slug,
      url: `/challenges/${r.slug}`,
      title: r.title,
      summary: r.summary,
      phase,
      phaseLabel: PHASE_LABELS[phase],
      phaseClass: PHASE_CLASSES[phase],
      themes: themes.get(r.id) ?? [],
      ideas: counts.get(r.id) ?? 0,
      organiser: org ? { kind: 'organisation', name: org.name, url: `/organisations/${org.slug}` } : space ? { kind: 'community', name: space.name, url: space.path } : null,
      community: space ? { name: space.name, path: space.path, visibility: space.visibility } : null,
      dates: { ideas_open_at: r.ideas_open_at, review_at: r.review_at, shortlist_at: r.shortlist_at, winners_at: r.winners_at, closes_at: r.closes_at },
      hidden: r.hidden_at !== null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }
  })
}

// ---------------------------------------------------------------- organisers

/** What the person may state a challenge as: organisations they belong to (any role), communities they host or moderate. */
export async function organiserChoices(db: Db, actor: Actor & { userId: string }): Promise<Array<{ value: string; text: string }>> {
  const [organisations, communities] = await Promise.all([organisationsOfPerson(db, actor, actor.userId), communitiesOf(db, actor, actor.userId)])
  return [
    ...organisations.map((o) => ({ value: `organisation:${o.id}`, text: `${o.name} (organisation)` })),
    ...communities.filter((c) => c.role === 'host' || c.role === 'moderator').map((c) => ({ value: `community:${c.id}`, text: `${c.name} (community)` })),
  ]
}

/** The organiser a form value names, if the actor may organise as it (the policy's own rule, asked of a challenge not yet saved). */
async function resolveOrganiser(db: Db, actor: Actor, value: string): Promise<{ kind: OrganiserKind; id: string; spaceId: string | null } | null> {
  const [kind, id = ''] = value.split(':') as [OrganiserKind, string]
  if (kind !== 'organisation' && kind !== 'community') return null
  const spaceId = kind === 'community' ? id : null
  // The stater is its author: an organisation's member organises what they state on its behalf.
  const facts: ChallengeFacts = { id: '', spaceId, authorIds: signedIn(actor) ? [actor.userId] : [], hiddenAt: null, organiserKind: kind, organiserId: id, phase: 'upcoming' }
  return id && (await can(db, actor, 'manage', 'challenge', facts)) ? { kind, id, spaceId } : null
}

/** Field errors of the challenge form beyond the parser's: dates in order. */
export function challengeDateErrors(input: Partial<ChallengeInput>): FieldErrors {
  return dateOrderErrors({ ideas_open_at: input.ideas_open_at ?? null, review_at: input.review_at ?? null, shortlist_at: input.shortlist_at ?? null, winners_at: input.winners_at ?? null, closes_at: input.closes_at ?? null }, DATE_LABELS)
}

const RESERVED = ['new', 'feed']
const challengeSlug = (db: Db, title: string) => freeSlug(title, (base) => challengeSlugsLike(db, base), { fallback: 'challenge', reserved: RESERVED, max: 60 })
const normaliseThemes = (themes: string[]) => [...new Set(themes.map((t) => t.toLowerCase().replace(/\s+/g, ' ').trim()).filter(Boolean))]

/** States a challenge, in the caller's transaction; throws `invalid(fields)` with form messages. */
export async function createChallenge(trx: Db, actor: Actor, input: ChallengeInput): Promise<ChallengeRow> {
  if (!signedIn(actor)) throw notFound()
  const organiser = await resolveOrganiser(trx, actor, input.organiser)
  const errors: FieldErrors = { ...(organiser ? {} : { organiser: 'Select an organisation you belong to or a community you host' }), ...challengeDateErrors(input) }
  if (Object.keys(errors).length) throw invalid(errors)
  const t = now()
  const themes = normaliseThemes(input.themes)
  const row: ChallengeRow = {
    id: newId(),
    slug: await challengeSlug(trx, input.title),
    title: input.title,
    summary: input.summary,
    problem: input.problem,
    problem_html: renderMarkdown(input.problem),
    audience: input.audience,
    prize: input.prize,
    organiser_kind: organiser!.kind,
    organiser_id: organiser!.id,
    space_id: organiser!.spaceId,
    created_by: actor.userId,
    ideas_open_at: input.ideas_open_at!,
    review_at: input.review_at!,
    shortlist_at: input.shortlist_at!,
    winners_at: input.winners_at!,
    closes_at: input.closes_at!,
    moved_phase: null,
    moved_at: null,
    hidden_at: null,
    created_at: t,
    updated_at: t,
  }
  await insertChallenge(trx, row, themes)
  await indexChallenge(trx, row, themes)
  // The page cache learns when the phase will change by itself (decision 0017).
  await scheduleChanges(trx, `challenge:${row.id}`, DATE_FIELDS.map((f) => row[f]))
  return row
}

/**
 * Its organisers change a challenge (not its organiser, which decides who may see it): its words, themes and dates.
 * Its ideas' search documents name it, so they are written again when the title changes.
 */
export async function updateChallenge(trx: Db, challenge: ChallengeRow, input: Omit<ChallengeInput, 'organiser'>): Promise<ChallengeRow> {
  const errors = challengeDateErrors(input)
  if (Object.keys(errors).length) throw invalid(errors)
  const themes = normaliseThemes(input.themes)
  const changes = {
    title: input.title,
    summary: input.summary,
    problem: input.problem,
    problem_html: renderMarkdown(input.problem),
    audience: input.audience,
    prize: input.prize,
    ideas_open_at: input.ideas_open_at!,
    review_at: input.review_at!,
    shortlist_at: input.shortlist_at!,
    winners_at: input.winners_at!,
    closes_at: input.closes_at!,
    updated_at: now(),
  }
  await updateChallengeRow(trx, challenge.id, changes)
  await replaceThemes(trx, challenge.id, themes)
  const saved = { ...challenge, ...changes }
  if (saved.title !== challenge.title) await reindexChallenge(trx, saved, themes)
  else await indexChallenge(trx, saved, themes)
  await scheduleChanges(trx, `challenge:${saved.id}`, DATE_FIELDS.map((f) => saved[f]))
  return saved
}

/** An organiser moves the phase by hand: it holds until the next date passes. Audited. */
export async function moveChallengePhase(trx: Db, actor: Actor & { userId: string }, challenge: ChallengeRow, phase: Phase): Promise<void> {
  const t = now()
  await updateChallengeRow(trx, challenge.id, { moved_phase: phase, moved_at: t, updated_at: t })
  await audit(trx, { actorId: actor.userId, action: 'challenge.phase', subjectType: 'challenge', subjectId: challenge.id, spaceId: challenge.space_id, reason: `Moved to “${PHASE_LABELS[phase]}”`, subjectTitle: challenge.title, subjectUrl: `/challenges/${challenge.slug}` })
}

/** May the actor hand this challenge to another organisation (its organisers, or a platform admin)? */
export async function mayChangeOrganiser(db: Db, actor: Actor, challenge: ChallengeRow): Promise<boolean> {
  return can(db, actor, 'transfer', 'challenge', challengeFacts(challenge))
}

/** The organisations the actor may hand the challenge to by choosing from a list: those they belong to, but its own. */
export async function organisationsToHandTo(db: Db, actor: Actor & { userId: string }, challenge: ChallengeRow): Promise<Array<{ value: string; text: string }>> {
  const mine = await organisationsOfPerson(db, actor, actor.userId)
  return mine.filter((o) => o.id !== challenge.organiser_id).map((o) => ({ value: o.slug, text: o.name }))
}

/**
 * Hands a challenge to another organisation: one the acting admin belongs to (as they could state one there), or
 * any a platform admin names.
 * Audited; the admins of the old and the new organisation are told in-app. Its ideas, votes and reviews stay.
 */
export async function changeChallengeOrganiser(trx: Db, actor: Actor & { userId: string }, challenge: ChallengeRow, organisationSlug: string): Promise<{ from: string; to: string }> {
  if (!(await mayChangeOrganiser(trx, actor, challenge))) throw notFound('Challenge')
  const slug = organisationSlug.trim().toLowerCase()
  const target = (await organisationsBySlugs(trx, actor, [slug])).get(slug)
  if (!target) throw invalid({ organisation: 'Enter the address name of an organisation on Openly' })
  if (target.id === challenge.organiser_id) throw invalid({ organisation: 'The challenge is organised by this organisation already: choose another one' })
  if (!actor.isAdmin && !(await can(trx, actor, 'contribute', 'organisation', { id: target.id }))) throw invalid({ organisation: 'Choose an organisation you belong to' })
  const previous = (await organisationsByIds(trx, actor, [challenge.organiser_id])).get(challenge.organiser_id)
  const fromName = previous?.name ?? 'an organisation'
  const t = now()
  await updateChallengeRow(trx, challenge.id, { organiser_id: target.id, updated_at: t })
  await indexChallenge(trx, { ...challenge, organiser_id: target.id, updated_at: t }, (await themesOf(trx, [challenge.id])).get(challenge.id) ?? [])
  const url = `/challenges/${challenge.slug}`
  await audit(trx, { actorId: actor.userId, action: 'challenge.organiser', subjectType: 'challenge', subjectId: challenge.id, spaceId: null, reason: `Organiser changed from “${fromName}” to “${target.name}”`, subjectTitle: challenge.title, subjectUrl: url })
  if (previous) await notifyOrganisationAdmins(trx, previous.id, { kind: 'challenge', text: `“${challenge.title}” is now organised by ${target.name}, not ${previous.name}`, url, spaceId: null }, actor.userId)
  await notifyOrganisationAdmins(trx, target.id, { kind: 'challenge', text: `${target.name} now organises the challenge “${challenge.title}” (it was ${fromName}’s)`, url, spaceId: null }, actor.userId)
  return { from: fromName, to: target.name }
}

/** Moderation: hides or restores a challenge, its ideas following it out of search. */
export async function setChallengeHidden(trx: Db, id: string, hidden: boolean): Promise<void> {
  await setChallengeHiddenAt(trx, id, hidden ? now() : null)
  const c = await findChallengeById(trx, id)
  if (c) await reindexChallenge(trx, c, (await themesOf(trx, [c.id])).get(c.id) ?? [])
}

/** The challenge idea a project was made from, if the actor may see both (the project page's panel). */
export async function challengeIdeaOfProject(trx: Db, actor: Actor, projectId: string): Promise<{ challenge: ChallengeRow; idea: { id: string; title: string; url: string } } | null> {
  const idea = await ideaOfProject(trx, projectId)
  const challenge = idea ? await findChallengeById(trx, idea.challenge_id) : undefined
  if (!idea || idea.hidden_at || !challenge || !(await can(trx, actor, 'view', 'challenge', challengeFacts(challenge)))) return null
  return { challenge, idea: { id: idea.id, title: idea.title, url: `/challenges/${challenge.slug}/ideas/${idea.id}` } }
}
