import { randomInt } from 'node:crypto'
import type { Db } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { holdForApproval } from '../../core/access/trust.ts'
import { audit } from '../../core/audit.ts'
import { AppError, conflict, invalid, notFound } from '../../core/errors.ts'
import type { Values } from '../../core/http/forms.ts'
import { renderMarkdown } from '../../core/markdown/markdown.ts'
import { peopleByHandles, peopleByIds } from '../accounts/accounts.ts'
import { notify, notifyWhenShown } from '../notifications/notifications.ts'
import { organisationsByIds } from '../organisations/organisations.ts'
import { createProject, type ProjectRow } from '../projects/projects.ts'
import { challengeFacts, ideaFacts, type ChallengeFacts, type IdeaFacts } from './challenges.policy.ts'
import { findChallengeById, lockedChallenge, themesOf, type ChallengeRow } from './challenges.queries.ts'
import type { commentSchema, decisionSchema, ideaSchema, reviewSchema } from './challenges.schemas.ts'
import { indexIdea } from './challenges.search.ts'
import { SHUFFLE_PRIME, addVote, authorsOf, findIdea, findIdeaById, insertComment, insertIdea, insertRevision, lockIdea, recountVotes, removeVote, replaceAuthors, setCommentHiddenAt, setIdeaHiddenAt, updateIdeaRow, upsertReview, type IdeaRow } from './ideas.queries.ts'
import { PHASE_LABELS } from './phases.ts'

// Ideas: submitting and editing (every version kept), votes, comments, and the organisers' review, shortlist,
// winners and the project a winning idea becomes. Routes check 'view'; these check everything else.

export type IdeaInput = Values<typeof ideaSchema>
const ideaUrl = (c: ChallengeRow, id: string) => `/challenges/${c.slug}/ideas/${id}`

/** Loads an idea of the challenge the actor may see, with its authors and facts, or throws 404. */
export async function viewableIdea(db: Db, actor: Actor, challenge: ChallengeRow, facts: ChallengeFacts, id: string): Promise<{ idea: IdeaRow; facts: IdeaFacts; authorIds: string[] }> {
  const idea = await findIdea(db, challenge.id, id)
  if (!idea) throw notFound('Idea')
  const authorIds = (await authorsOf(db, [idea.id])).get(idea.id) ?? [idea.author_id]
  const f = ideaFacts(idea, authorIds, facts)
  if (!(await can(db, actor, 'view', 'challenge_idea', f))) throw notFound('Idea')
  return { idea, facts: f, authorIds }
}

/** Co-authors named by handle: the people, or a field error naming the unknown handles. */
async function coauthorIds(db: Db, actor: Actor & { userId: string }, handles: string[]): Promise<string[]> {
  const wanted = handles.map((h) => h.replace(/^@/, '').toLowerCase())
  const people = await peopleByHandles(db, wanted)
  const unknown = wanted.filter((h) => !people.has(h))
  if (unknown.length) throw invalid({ coauthors: `There is no one with the handle ${unknown.join(', ')}` })
  return [actor.userId, ...[...people.values()].map((p) => p.id).filter((id) => id !== actor.userId)]
}

/** Why ideas cannot be submitted to this challenge now, as a message for the form. */
function closedMessage(facts: ChallengeFacts): string {
  if (facts.phase === 'upcoming') return 'Ideas are not open yet: keep your text and come back when they open'
  return `Ideas for this challenge are closed (it is now “${PHASE_LABELS[facts.phase]}”): your idea was not sent. Your text is below if you want to keep it`
}

/** Submits an idea while ideas are open (checked in the caller's transaction, at the moment of writing). */
export async function submitIdea(db: Db, actor: Actor, challenge: ChallengeRow, input: IdeaInput): Promise<IdeaRow> {
  if (!signedIn(actor)) throw notFound()
  const facts = challengeFacts((await lockedChallenge(db, challenge.id))!)
  if (!(await can(db, actor, 'participate', 'challenge', facts))) {
    if (facts.phase !== 'ideas') throw conflict(closedMessage(facts), { body: closedMessage(facts) })
    throw new AppError('forbidden', 403, 'Only members of this challenge’s community can submit ideas')
  }
  const authors = await coauthorIds(db, actor, input.coauthors)
  const t = now()
  const id = newId()
  const heldAt = await holdForApproval(db, actor, { type: 'challenge_idea', id, spaceId: challenge.space_id, title: input.title, url: ideaUrl(challenge, id), text: `${input.body}\n${input.attachment_url}` })
  const row: IdeaRow = {
    id,
    challenge_id: challenge.id,
    space_id: challenge.space_id,
    title: input.title,
    body: input.body,
    body_html: renderMarkdown(input.body),
    attachment_url: input.attachment_url,
    author_id: actor.userId,
    status: 'submitted',
    win_reason: '',
    project_id: null,
    vote_count: 0,
    shuffle_key: randomInt(SHUFFLE_PRIME),
    revision: 1,
    hidden_at: heldAt,
    // Held: shown (and announced to followers) when a moderator approves it (decision 0038).
    shown_at: heldAt ? null : t,
    created_at: t,
    updated_at: t,
  }
  await insertIdea(db, row, authors)
  await insertRevision(db, { id: newId(), idea_id: id, revision: 1, title: row.title, body: row.body, attachment_url: row.attachment_url, edited_by: actor.userId, created_at: t })
  await indexIdea(db, challenge, row)
  return row
}

/** An author edits their idea while ideas are open; the new version joins its history. */
export async function editIdea(db: Db, actor: Actor & { userId: string }, challenge: ChallengeRow, idea: IdeaRow, input: IdeaInput): Promise<void> {
  const authorIds = (await authorsOf(db, [idea.id])).get(idea.id) ?? [idea.author_id]
  const facts = ideaFacts(idea, authorIds, challengeFacts((await lockedChallenge(db, challenge.id))!))
  if (!(await can(db, actor, 'edit', 'challenge_idea', facts))) throw conflict('Ideas can be changed only while ideas are open', { body: 'Ideas can be changed only while ideas are open: your changes were not saved' })
  // Co-authors stay as they are unless the submitter changes them.
  const authors = idea.author_id === actor.userId ? await coauthorIds(db, actor, input.coauthors) : authorIds
  const t = now()
  const revision = Number(idea.revision) + 1
  const changes = { title: input.title, body: input.body, body_html: renderMarkdown(input.body), attachment_url: input.attachment_url, revision, updated_at: t }
  await updateIdeaRow(db, idea.id, changes)
  if (idea.author_id === actor.userId) await replaceAuthors(db, idea.id, authors)
  await insertRevision(db, { id: newId(), idea_id: idea.id, revision, title: input.title, body: input.body, attachment_url: input.attachment_url, edited_by: actor.userId, created_at: t })
  await indexIdea(db, challenge, { ...idea, ...changes })
}

/**
 * Adds or withdraws the actor's vote. The idea's row lock orders racing votes, the primary key keeps one
 * vote per person, and the count is recounted under the lock: two racing requests make one vote.
 */
export async function voteOnIdea(db: Db, actor: Actor, challenge: ChallengeRow, idea: IdeaRow, add: boolean): Promise<number> {
  if (!signedIn(actor)) throw new AppError('unauthorised', 401, 'Sign in to vote')
  await lockIdea(db, idea.id)
  const current = (await findIdeaById(db, idea.id))!
  const facts = ideaFacts(current, (await authorsOf(db, [idea.id])).get(idea.id) ?? [], challengeFacts((await findChallengeById(db, challenge.id))!))
  if (!(await can(db, actor, 'vote', 'challenge_idea', facts))) throw conflict('Voting on this idea is closed')
  if (add) await addVote(db, current, actor.userId, now())
  else await removeVote(db, idea.id, actor.userId)
  return recountVotes(db, idea.id)
}

export async function commentOnIdea(db: Db, actor: Actor, challenge: ChallengeRow, idea: IdeaRow, facts: IdeaFacts, input: Values<typeof commentSchema>, actorName: string): Promise<{ id: string; held: boolean }> {
  if (!signedIn(actor) || !(await can(db, actor, 'participate', 'challenge_idea', facts))) throw conflict('Comments on this idea are closed')
  const id = newId()
  const url = `${ideaUrl(challenge, idea.id)}#comment-${id}`
  const heldAt = await holdForApproval(db, actor, { type: 'challenge_comment', id, spaceId: challenge.space_id, title: `Comment on “${idea.title}”: ${input.comment.slice(0, 80)}`, url, text: input.comment })
  await insertComment(db, { id, idea_id: idea.id, challenge_id: challenge.id, space_id: challenge.space_id, author_id: actor.userId, body: input.comment, body_html: renderMarkdown(input.comment), hidden_at: heldAt, created_at: now() })
  await notifyWhenShown(db, { type: 'challenge_comment', id, heldAt }, facts.authorIds.map((userId) => ({ userId, kind: 'comment' as const, text: `${actorName} commented on your idea “${idea.title}”`, url, spaceId: challenge.space_id })), actor.userId)
  return { id, held: heldAt !== null }
}

/** An organiser's private note and score on an idea (one per organiser, replaced on each save). */
export async function reviewIdea(db: Db, actor: Actor, facts: IdeaFacts, idea: IdeaRow, input: Values<typeof reviewSchema>): Promise<void> {
  if (!signedIn(actor) || !(await can(db, actor, 'manage', 'challenge_idea', facts))) throw notFound()
  if (!input.score && !input.note) throw invalid({ note: 'Enter a note or choose a score' })
  const t = now()
  await upsertReview(db, { idea_id: idea.id, reviewer_id: actor.userId, challenge_id: idea.challenge_id, score: input.score ? Number(input.score) : null, note: input.note, created_at: t, updated_at: t })
}

const DECISION_TEXT = {
  shortlist: (c: ChallengeRow, i: IdeaRow) => `Your idea “${i.title}” is on the shortlist of “${c.title}”`,
  unshortlist: (c: ChallengeRow, i: IdeaRow) => `Your idea “${i.title}” is no longer on the shortlist of “${c.title}”`,
  winner: (c: ChallengeRow, i: IdeaRow) => `Your idea “${i.title}” is a winner of “${c.title}”`,
}

/**
 * Organisers shortlist ideas (in review or shortlist), and announce winners from the shortlist with a public
 * reason (from the shortlist phase on). The idea's authors are told in-app; the decision is audited.
 */
export async function decideIdea(db: Db, actor: Actor, challenge: ChallengeRow, facts: IdeaFacts, idea: IdeaRow, input: Values<typeof decisionSchema>): Promise<void> {
  if (!signedIn(actor) || !(await can(db, actor, 'manage', 'challenge_idea', facts))) throw notFound()
  await lockIdea(db, idea.id)
  const current = (await findIdeaById(db, idea.id))!
  const phase = challengeFacts((await findChallengeById(db, challenge.id))!).phase
  const decision = input.decision as keyof typeof DECISION_TEXT
  if (current.hidden_at) throw conflict('A hidden idea cannot be shortlisted or win', { decision: 'A hidden idea cannot be shortlisted or win' })
  if (decision === 'winner') {
    if (!input.reason) throw invalid({ reason: 'Enter why it wins: everyone will read it' })
    if (!['shortlist', 'winners'].includes(phase)) throw conflict('Winners are announced from the shortlist phase on', { decision: 'Winners are announced from the shortlist phase on: move the challenge to “Shortlist” first' })
    if (current.status === 'submitted') throw conflict('Only a shortlisted idea can win', { decision: 'Only a shortlisted idea can win: shortlist it first' })
  } else if (!['review', 'shortlist'].includes(phase)) throw conflict('The shortlist is made in review', { decision: 'The shortlist is made while the challenge is in review or shortlist' })
  else if (current.status === 'winner') throw conflict('This idea has already won', { decision: 'This idea has already won' })
  const status = decision === 'shortlist' ? 'shortlisted' : decision === 'winner' ? 'winner' : 'submitted'
  if (status === current.status && decision !== 'winner') return
  const t = now()
  await updateIdeaRow(db, idea.id, { status, win_reason: decision === 'winner' ? input.reason : '', updated_at: t })
  await notify(db, facts.authorIds.map((userId) => ({ userId, kind: 'challenge' as const, text: DECISION_TEXT[decision](challenge, idea), url: ideaUrl(challenge, idea.id), spaceId: challenge.space_id })), actor.userId)
  await audit(db, { actorId: actor.userId, action: `challenge.idea.${decision}`, subjectType: 'challenge_idea', subjectId: idea.id, spaceId: challenge.space_id, reason: decision === 'winner' ? input.reason : '', subjectTitle: idea.title, subjectUrl: ideaUrl(challenge, idea.id) })
}

/**
 * Turns a winning idea into a project (through the projects module's own use case): pre-filled from the idea
 * and the challenge, its authors as the team, the organising organisation as lead (confirmed when an admin of it
 * acts, else proposed to its admins, as any project names an organisation); linked both ways (the idea
 * names the project, the project's page shows the idea). Once only: a second request answers the same project.
 */
export async function ideaToProject(db: Db, actor: Actor, challenge: ChallengeRow, facts: IdeaFacts, idea: IdeaRow): Promise<ProjectRow> {
  if (!signedIn(actor) || !(await can(db, actor, 'manage', 'challenge_idea', facts))) throw notFound()
  await lockIdea(db, idea.id)
  const current = (await findIdeaById(db, idea.id))!
  if (current.status !== 'winner') throw conflict('Only a winning idea can become a project', { project: 'Only a winning idea can become a project' })
  if (current.project_id) throw conflict('This idea is already a project', { project: 'This idea is already a project' })
  const [people, organisations, themes] = await Promise.all([peopleByIds(db, facts.authorIds), challenge.organiser_kind === 'organisation' ? organisationsByIds(db, actor, [challenge.organiser_id]) : Promise.resolve(new Map()), themesOf(db, [challenge.id])])
  const team = facts.authorIds.flatMap((id) => (people.get(id) ? [`${people.get(id)!.handle} | Idea author`] : []))
  const lead = organisations.get(challenge.organiser_id)?.slug ?? ''
  const project = await createProject(db, actor, {
    name: current.title.slice(0, 120),
    summary: `Winner of the challenge “${challenge.title}”`.slice(0, 300),
    phase: 'discovery',
    problem: challenge.summary.slice(0, 5000),
    audience: challenge.audience.slice(0, 2000),
    looking_for: '',
    country: '',
    themes: (themes.get(challenge.id) ?? []).slice(0, 10),
    places: [],
    technologies: [],
    lead_organisation: lead,
    partner_organisations: [],
    // The way back to the idea is the challenges panel on the project's page.
    links: '',
    team: team.join('\n'),
  })
  await updateIdeaRow(db, idea.id, { project_id: project.id, updated_at: now() })
  await notify(db, facts.authorIds.map((userId) => ({ userId, kind: 'challenge' as const, text: `Your idea “${idea.title}” is now a project: ${project.name}`, url: `/projects/${project.slug}`, spaceId: null })), actor.userId)
  return project
}

/** Moderation: hides or restores an idea, and its search document with it. */
export async function setIdeaHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  await setIdeaHiddenAt(db, id, hidden ? now() : null)
  const idea = await findIdeaById(db, id)
  const challenge = idea ? await findChallengeById(db, idea.challenge_id) : undefined
  if (idea && challenge) await indexIdea(db, challenge, idea)
}

export async function setIdeaCommentHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  await setCommentHiddenAt(db, id, hidden ? now() : null)
}
