import { definePolicy, type RuleContext } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { readerIs } from '../../core/access/reader-facts.ts'
import { contentRules, participateInSpace, viewContent, type ContentFacts } from '../../core/access/spaces.policy.ts'
import type { ChallengeRow } from './challenges.queries.ts'
import type { IdeaRow } from './ideas.queries.ts'
import type { OrganiserKind } from './challenges.tables.ts'
import { phaseOf, type Phase } from './phases.ts'

/** What the rules need to know about a challenge. Its creator counts as its author (they see it when hidden). */
export interface ChallengeFacts extends ContentFacts {
  id: string
  organiserKind: OrganiserKind
  organiserId: string
  /** The phase now (decided from the dates when the facts are taken). */
  phase: Phase
}

/** An idea: its authors are the submitter and co-authors; it lives where its challenge does. */
export interface IdeaFacts extends ContentFacts {
  challenge: ChallengeFacts
}

/** A comment on an idea. */
export interface IdeaCommentFacts extends ContentFacts {
  idea: IdeaFacts
}

declare module '../../core/access/can.ts' {
  interface Resources {
    challenge: ChallengeFacts
    challenge_idea: IdeaFacts
    challenge_comment: IdeaCommentFacts
  }
}

export const challengeFacts = (c: ChallengeRow, at?: string): ChallengeFacts => ({
  id: c.id,
  spaceId: c.space_id,
  authorIds: [c.created_by],
  hiddenAt: c.hidden_at,
  organiserKind: c.organiser_kind,
  organiserId: c.organiser_id,
  phase: phaseOf(c, at),
})

export const ideaFacts = (i: IdeaRow, authorIds: string[], challenge: ChallengeFacts): IdeaFacts => ({ spaceId: i.space_id, authorIds: authorIds.length ? authorIds : [i.author_id], hiddenAt: i.hidden_at, challenge })

/**
 * Organisers. A community's challenge: its hosts and moderators. An organisation's: its admins (who speak for it),
 * and the member who stated it on the organisation's behalf while they remain a member (decision 0031). Platform
 * admins moderate challenges and may hand one to another organisation, but do not read its private reviews.
 */
async function organises(actor: Actor, c: ChallengeFacts, ctx: RuleContext): Promise<boolean> {
  if (!signedIn(actor)) return false
  if (c.organiserKind === 'community') return ctx.can('moderate', 'space', { id: c.organiserId })
  if (await ctx.can('speakFor', 'organisation', { id: c.organiserId })) return true
  // readerIs notes the stater's id, so a page shared between signed-in readers is never served to them (decision 0028).
  return c.authorIds.map((id) => readerIs(actor, id)).includes(true) && ctx.can('contribute', 'organisation', { id: c.organiserId })
}

const factsOfSpace = (r: ContentFacts, ctx: RuleContext) => (r.spaceId ? ctx.space(r.spaceId) : Promise.resolve(null))
const takesPart = async (actor: Actor, r: ContentFacts, ctx: RuleContext) => participateInSpace(actor, await factsOfSpace(r, ctx))

/**
 * Challenges. A challenge is content in its space (site content, or a community's space whose visibility it
 * follows); a stranger who may not see it gets 404.
 * - Any member of an organisation may state one on its behalf; a community's hosts and moderators inside it.
 * - Organisers (see `organises`) move its phase, read and write private reviews, shortlist, announce winners
 *   and turn a winning idea into a project.
 * - People who may take part in its space (anyone signed in for site challenges; a community's active
 *   members for its own) submit ideas while ideas are open.
 */
export const challengePolicy = definePolicy('challenge', {
  view: viewContent,
  manage: async (actor, c, ctx) => (await viewContent(actor, c, ctx)) && organises(actor, c, ctx),
  participate: async (actor, c, ctx) => signedIn(actor) && c.hiddenAt === null && c.phase === 'ideas' && (await viewContent(actor, c, ctx)) && takesPart(actor, c, ctx),
  /**
   * Change its organiser to another organisation: the admins of the organisation organising it, or a platform
   * admin (the member who stated it organises it but may not take it from the organisation). Only an
   * organisation's challenge (site content): a community's belongs to the community, whose visibility it follows.
   */
  transfer: async (actor, c, ctx) => signedIn(actor) && c.organiserKind === 'organisation' && (await viewContent(actor, c, ctx)) && (actor.isAdmin || ctx.can('speakFor', 'organisation', { id: c.organiserId })),
  moderate: contentRules.moderate,
  report: contentRules.report,
})

/**
 * Ideas: seen by whoever sees their challenge (hidden ones by their authors and those who moderate there); edited by their authors while ideas are open; voted for (one vote each, withdrawable)
 * while ideas are open or in review; commented on until the challenge closes.
 */
export const ideaPolicy = definePolicy('challenge_idea', {
  view: async (actor, i, ctx) => (await ctx.can('view', 'challenge', i.challenge)) && viewContent(actor, i, ctx),
  edit: async (actor, i, ctx) => i.challenge.phase === 'ideas' && (await ctx.can('view', 'challenge_idea', i)) && contentRules.edit(actor, i, ctx),
  vote: async (actor, i, ctx) => signedIn(actor) && i.hiddenAt === null && i.challenge.hiddenAt === null && ['ideas', 'review'].includes(i.challenge.phase) && (await ctx.can('view', 'challenge_idea', i)) && takesPart(actor, i, ctx),
  participate: async (actor, i, ctx) => signedIn(actor) && i.hiddenAt === null && i.challenge.phase !== 'closed' && (await ctx.can('view', 'challenge_idea', i)) && takesPart(actor, i, ctx),
  /** Review notes and scores, the shortlist, winners and projects: the challenge's organisers. */
  manage: async (actor, i, ctx) => (await ctx.can('view', 'challenge_idea', i)) && ctx.can('manage', 'challenge', i.challenge),
  moderate: async (actor, i, ctx) => (await ctx.can('view', 'challenge_idea', i)) && contentRules.moderate(actor, i, ctx),
  report: async (actor, i, ctx) => signedIn(actor) && ctx.can('view', 'challenge_idea', i),
  publishLinks: contentRules.publishLinks,
})

/** Comments on ideas: content in the idea's space, out of reach with their idea. */
export const ideaCommentPolicy = definePolicy('challenge_comment', {
  view: async (actor, c, ctx) => (await ctx.can('view', 'challenge_idea', c.idea)) && viewContent(actor, c, ctx),
  moderate: async (actor, c, ctx) => (await ctx.can('view', 'challenge_comment', c)) && contentRules.moderate(actor, c, ctx),
  report: async (actor, c, ctx) => signedIn(actor) && ctx.can('view', 'challenge_comment', c),
})
