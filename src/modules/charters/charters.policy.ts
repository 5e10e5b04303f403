import { definePolicy, type RuleContext } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { moderateSpace, viewContent } from '../../core/access/spaces.policy.ts'
import { readerIs } from '../../core/access/reader-facts.ts'
import { isEditor, type CharterRow } from './charters.queries.ts'
import type { AmendmentRow, AmendmentCommentRow } from './amendments.queries.ts'
import type { SignatureRow } from './signatures.queries.ts'

/** An amendment with the charter it belongs to. */
export interface AmendmentFacts {
  charter: CharterRow
  amendment: Pick<AmendmentRow, 'id' | 'author_id' | 'status' | 'hidden_at'>
}

/** A comment on an amendment, with the amendment and its charter. */
export interface AmendmentCommentFacts extends AmendmentFacts {
  comment: Pick<AmendmentCommentRow, 'author_id' | 'hidden_at'>
}

export interface SignatureFacts {
  charter: CharterRow
  signature: Pick<SignatureRow, 'kind' | 'user_id' | 'organisation_id' | 'show_name' | 'status'>
}

declare module '../../core/access/can.ts' {
  interface Resources {
    /** Starting charters at all (the collection). */
    charters: Record<string, never>
    charter: CharterRow
    amendment: AmendmentFacts
    amendmentComment: AmendmentCommentFacts
    signature: SignatureFacts
    /** An organisation's pilot of a charter. */
    pilot: { charter: CharterRow; organisationId: string }
  }
}

const viewCharter = (actor: Actor, c: CharterRow, ctx: RuleContext) => viewContent(actor, { spaceId: c.space_id, authorIds: [], hiddenAt: null }, ctx)
const editor = async (actor: Actor, c: CharterRow, ctx: RuleContext) => signedIn(actor) && (await isEditor(ctx.db, actor, c.id))
const open = (c: CharterRow) => c.status !== 'closed'

/**
 * Charters are site content, read by anyone. A platform admin starts one and names its editors (its
 * owners), who decide amendments, edit its introduction, publish and close it; platform admins keep that
 * power so a charter is never orphaned. Anyone signed in proposes amendments, comments and votes while the
 * charter is not closed, and signs it while it is published.
 */
export const chartersPolicy = definePolicy('charters', {
  manage: (actor) => signedIn(actor) && actor.isAdmin,
})

export const charterPolicy = definePolicy('charter', {
  view: viewCharter,
  /** Decide amendments, edit the introduction and editors, publish and close: its editors and platform admins. */
  manage: async (actor, c, ctx) => (await viewCharter(actor, c, ctx)) && (actor.isAdmin || (await editor(actor, c, ctx))),
  /** Propose amendments: anyone signed in, until it is closed. */
  participate: async (actor, c, ctx) => signedIn(actor) && open(c) && (await viewCharter(actor, c, ctx)),
  /** Sign for oneself: anyone signed in, while it is published. */
  sign: async (actor, c, ctx) => signedIn(actor) && c.status === 'published' && (await viewCharter(actor, c, ctx)),
})

const author = (actor: Actor, a: AmendmentFacts['amendment']) => readerIs(actor, a.author_id)

/** Seen where its charter is, unless a moderator hid it (then by its author and platform admins). */
const viewAmendment = async (actor: Actor, r: AmendmentFacts, ctx: RuleContext) =>
  (await viewCharter(actor, r.charter, ctx)) && (r.amendment.hidden_at === null || author(actor, r.amendment) || moderateSpace(actor, null))

/**
 * Amendments: their author revises or withdraws them while open; anyone signed in votes (one vote each,
 * changeable) and comments while it is open and shown and the charter is not closed; the charter's editors
 * decide it. Moderators (platform admins, for site content) hide and restore.
 */
export const amendmentPolicy = definePolicy('amendment', {
  view: viewAmendment,
  edit: async (actor, r, ctx) => author(actor, r.amendment) && r.amendment.status === 'open' && r.amendment.hidden_at === null && open(r.charter) && (await viewAmendment(actor, r, ctx)),
  vote: async (actor, r, ctx) => signedIn(actor) && r.amendment.status === 'open' && r.amendment.hidden_at === null && open(r.charter) && (await viewAmendment(actor, r, ctx)),
  participate: async (actor, r, ctx) => signedIn(actor) && r.amendment.hidden_at === null && open(r.charter) && (await viewAmendment(actor, r, ctx)),
  /** Accept or reject: the charter's editors, while it is open and shown. */
  manage: async (actor, r, ctx) => r.amendment.status === 'open' && r.amendment.hidden_at === null && open(r.charter) && (await ctx.can('manage', 'charter', r.charter)),
  moderate: async (actor, r, ctx) => (await viewCharter(actor, r.charter, ctx)) && moderateSpace(actor, null),
  report: async (actor, r, ctx) => signedIn(actor) && (await viewAmendment(actor, r, ctx)),
})

const viewComment = async (actor: Actor, r: AmendmentCommentFacts, ctx: RuleContext) =>
  (await viewAmendment(actor, r, ctx)) && (r.comment.hidden_at === null || readerIs(actor, r.comment.author_id) || moderateSpace(actor, null))

export const amendmentCommentPolicy = definePolicy('amendmentComment', {
  view: viewComment,
  moderate: async (actor, r, ctx) => (await viewCharter(actor, r.charter, ctx)) && moderateSpace(actor, null),
  report: async (actor, r, ctx) => signedIn(actor) && (await viewComment(actor, r, ctx)),
})

/**
 * Signatures: public for organisations and for people who chose to be named (a person who did not is
 * counted, and only they see their signature). A person manages their own; an organisation's signature
 * is managed by whoever may speak for the organisation (its admins), not only the one who signed.
 */
export const signaturePolicy = definePolicy('signature', {
  view: async (actor, { charter, signature }, ctx) =>
    (await viewCharter(actor, charter, ctx)) && (signature.kind === 'organisation' || signature.show_name === 1 || readerIs(actor, signature.user_id)),
  manage: async (actor, { charter, signature }, ctx) => {
    if (!signedIn(actor) || !(await viewCharter(actor, charter, ctx))) return false
    if (signature.kind === 'person') return readerIs(actor, signature.user_id)
    return ctx.can('speakFor', 'organisation', { id: signature.organisation_id! })
  },
})

/** Pilots: the organisation's admins volunteer it, keep its goals and contact, and link progress posts. */
export const pilotPolicy = definePolicy('pilot', {
  view: (actor, { charter }, ctx) => viewCharter(actor, charter, ctx),
  manage: async (actor, { charter, organisationId }, ctx) => signedIn(actor) && open(charter) && (await ctx.can('speakFor', 'organisation', { id: organisationId })),
})
