import { definePolicy, type RuleContext } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { contentRules, moderateSpace, viewContent, type ContentFacts } from '../../core/access/spaces.policy.ts'
import type { EntryRow } from './entries.queries.ts'

/** What the rules need to know about a wiki page. */
export type EntryFacts = Pick<EntryRow, 'id' | 'kind' | 'space_id' | 'created_by' | 'hidden_at'>

/** A link from a wiki page, with who made it. */
export interface WikiLinkFacts {
  entry: EntryFacts
  createdBy: string | null
}

declare module '../../core/access/can.ts' {
  interface Resources {
    barrier: EntryFacts
    solution: EntryFacts
    wikiLink: WikiLinkFacts
  }
}

const content = (e: EntryFacts): ContentFacts => ({ spaceId: e.space_id, authorIds: e.created_by ? [e.created_by] : [], hiddenAt: e.hidden_at })
const view = (actor: Actor, e: EntryFacts, ctx: RuleContext) => viewContent(actor, content(e), ctx)
const shownTo = async (actor: Actor, e: EntryFacts, ctx: RuleContext) => signedIn(actor) && e.hidden_at === null && (await view(actor, e, ctx))

/**
 * Barriers and solutions are a wiki of site content: anyone reads them; anyone signed in writes a page,
 * edits any page (every edit is a revision, with its author, so nothing is lost), endorses it and links
 * it; moderators (platform admins) hide, restore and revert. A page a moderator hid (or that waits for
 * approval) is seen by its creator and moderators, and nobody edits, endorses or links it meanwhile.
 */
const wikiRules = {
  view,
  /** Edit the text: anyone signed in, while the page is shown. */
  edit: shownTo,
  /** Endorse it, link it to other pages: anyone signed in, while it is shown. */
  participate: shownTo,
  /** Hide, restore and revert to an earlier revision: moderators of site content. */
  moderate: async (actor: Actor, e: EntryFacts, ctx: RuleContext) => (await view(actor, e, ctx)) && moderateSpace(actor, null),
  report: (actor: Actor, e: EntryFacts, ctx: RuleContext) => contentRules.report(actor, content(e), ctx),
}

export const barrierPolicy = definePolicy('barrier', wikiRules)
export const solutionPolicy = definePolicy('solution', wikiRules)

/** A link is removed by whoever made it, or a moderator. */
export const wikiLinkPolicy = definePolicy('wikiLink', {
  edit: async (actor, { entry, createdBy }, ctx) =>
    signedIn(actor) && ((createdBy !== null && createdBy === actor.userId && (await shownTo(actor, entry, ctx))) || (await ctx.can('moderate', entry.kind, entry))),
})
