import { definePolicy, registerPolicies, type Policy, type Rule, type RuleContext, type SpaceFacts } from './can.ts'
import { signedIn, type Actor } from './policy.ts'
import { noteAuthors, untrace } from './reader-trace.ts'

/**
 * Spaces, and content that lives in them: the rules every content policy builds on.
 *
 * - A space is public (anyone), signed-in (any signed-in person) or members-only (its active
 *   members). A banned member keeps only what anonymous readers have.
 * - A members-only space is a trusted place: platform admins do not read it by default. They act
 *   on reports about it through the moderation queue, or open it with an explicit, audited
 *   "access as admin" step that its hosts are shown (see spaceAdminAccess in spaces.ts).
 * - Content with no space is site content: readable by anyone once published.
 * - Unpublished content (a draft, or scheduled for later) is readable only by its authors; scheduled content held for
 *   approval (or hidden) also by those who moderate there, so it can be approved before its time.
 * - Hidden content (a moderator hid it) is readable by its authors and those who moderate there.
 * - People edit only their own words; moderators hide and restore, they do not rewrite.
 * - A new account's content with links waits for a moderator's approval (trust levels, as Discourse
 *   has them: core/access/trust.ts), except in the spaces it moderates itself.
 */

declare module './can.ts' {
  interface Resources {
    space: { id: string }
    /** Generic content facts; modules' content kinds (post, thread…) reuse `contentRules`. */
    content: ContentFacts
  }
}

export interface ContentFacts {
  spaceId: string | null
  /** Everyone who counts as an author (primary and co-authors). */
  authorIds: string[]
  /** ISO time it became visible; null for a draft; undefined when the content has no publication state. */
  visibleFrom?: string | null
  hiddenAt: string | null
}

/** May the actor read what is in a space with these facts (null facts: site content)? */
export function viewSpace(actor: Actor, facts: SpaceFacts | null): boolean {
  if (!facts) return true
  if (facts.status === 'banned') return facts.visibility === 'public'
  if (facts.visibility === 'public') return true
  if (facts.visibility === 'signed_in') return signedIn(actor)
  return facts.status === 'active' || (actor.isAdmin && facts.adminAccess)
}

const active = (facts: SpaceFacts | null) => facts?.status === 'active'

/** Hosts and moderators of the space; platform admins wherever they may read (site content included). */
export function moderateSpace(actor: Actor, facts: SpaceFacts | null): boolean {
  if (!signedIn(actor)) return false
  if (actor.isAdmin && viewSpace(actor, facts)) return true
  return active(facts) && (facts!.role === 'host' || facts!.role === 'moderator')
}

/** Take part (post, reply, comment, add to the library): active members; anyone signed in on site content. */
export function participateInSpace(actor: Actor, facts: SpaceFacts | null): boolean {
  if (!signedIn(actor)) return false
  return facts === null || active(facts)
}

const factsOf = (ctx: RuleContext, spaceId: string | null) => (spaceId ? ctx.space(spaceId) : Promise.resolve(null))
/** A shared rendering (core/cache/shared.ts) notes whom it compared the reader with, rather than depending on who they are. */
function isAuthor(traced: Actor, r: ContentFacts): boolean {
  const { actor, trace } = untrace(traced)
  noteAuthors(trace, r.authorIds)
  return actor.userId !== null && r.authorIds.includes(actor.userId)
}

export const viewContent: Rule<ContentFacts> = async (actor, r, ctx) => {
  const facts = await factsOf(ctx, r.spaceId)
  if (r.spaceId && !facts) return false
  if (!viewSpace(actor, facts)) return false
  const author = isAuthor(actor, r)
  const moderator = r.hiddenAt ? moderateSpace(actor, facts) : false
  if (r.hiddenAt && !author && !moderator) return false
  if (r.visibleFrom === undefined) return true
  const published = r.visibleFrom !== null && r.visibleFrom <= new Date().toISOString()
  // Scheduled and held (or hidden): its moderators read it to approve it before its time. Drafts stay their authors'.
  return published || author || (moderator && r.visibleFrom !== null)
}

/** The rules shared by every kind of content: spread them into a content kind's policy. */
export const contentRules = {
  view: viewContent,
  edit: async (actor: Actor, r: ContentFacts, ctx: RuleContext) => isAuthor(actor, r) && (await viewContent(actor, r, ctx)),
  moderate: async (actor: Actor, r: ContentFacts, ctx: RuleContext) => (await viewContent(actor, r, ctx)) && moderateSpace(actor, await factsOf(ctx, r.spaceId)),
  participate: async (actor: Actor, r: ContentFacts, ctx: RuleContext) => (await viewContent(actor, r, ctx)) && participateInSpace(actor, await factsOf(ctx, r.spaceId)),
  report: async (actor: Actor, r: ContentFacts, ctx: RuleContext) => signedIn(actor) && (await viewContent(actor, r, ctx)),
  publishLinks: async (actor: Actor, r: ContentFacts, ctx: RuleContext) => signedIn(actor) && (!actor.newcomer || moderateSpace(actor, await factsOf(ctx, r.spaceId))),
} satisfies Partial<Record<string, Rule<ContentFacts>>>

export const contentPolicy = definePolicy('content', contentRules)

/**
 * Site content without participation or links of its own (practical actions, the reading list): anyone reads
 * it unless a moderator hid it (then its author and platform admins); its author edits and removes it; anyone
 * signed in who reads it may report it.
 */
export const siteContentRules = { view: contentRules.view, edit: contentRules.edit, moderate: contentRules.moderate, report: contentRules.report }

export const spacePolicy = definePolicy('space', {
  view: async (actor, { id }, ctx) => {
    const facts = await ctx.space(id)
    return facts !== null && viewSpace(actor, facts)
  },
  participate: async (actor, { id }, ctx) => {
    const facts = await ctx.space(id)
    return facts !== null && participateInSpace(actor, facts)
  },
  moderate: async (actor, { id }, ctx) => {
    const facts = await ctx.space(id)
    return facts !== null && moderateSpace(actor, facts)
  },
  /** Settings, invitations and roles: the space's active hosts only. */
  host: async (actor, { id }, ctx) => {
    const facts = await ctx.space(id)
    return signedIn(actor) && active(facts) && facts!.role === 'host'
  },
})

/** Registers the core's policies and every module's (buildApp and the demo seed call this before anything asks `can`). */
export function registerAllPolicies(modules: Array<{ policies?: Array<Policy<any>> }>): void {
  registerPolicies([spacePolicy, contentPolicy, ...modules.flatMap((m) => m.policies ?? [])])
}
