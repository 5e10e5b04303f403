import { definePolicy } from '../../core/access/can.ts'
import { signedIn } from '../../core/access/policy.ts'
import { contentRules, type ContentFacts } from '../../core/access/spaces.policy.ts'
import { isEditor } from './digests.queries.ts'
import type { DigestRow } from './digests.queries.ts'

declare module '../../core/access/can.ts' {
  interface Resources {
    digest: ContentFacts
    /** The digest desk: composing digests. */
    digest_desk: Record<string, never>
  }
}

export const digestFacts = (d: DigestRow): ContentFacts => ({ spaceId: d.space_id, authorIds: [d.editor_id], visibleFrom: d.published_at, hiddenAt: null })

/**
 * Digests. A published digest is site content anyone reads (each reader sees only the picks they may see:
 * the use case filters them per reader, and per recipient when it mails). A draft is its editor's alone.
 * Composing takes the editor role, which platform admins grant; an editor edits only their own drafts.
 */
export const digestPolicy = definePolicy('digest', {
  view: contentRules.view,
  edit: async (actor, d, ctx) => signedIn(actor) && d.visibleFrom === null && d.authorIds.includes(actor.userId) && (await isEditor(ctx.db, actor.userId)),
})

export const digestDeskPolicy = definePolicy('digest_desk', {
  edit: async (actor, _r, ctx) => signedIn(actor) && (await isEditor(ctx.db, actor.userId)),
  /** Granting and taking back the editor role. */
  manage: (actor) => actor.isAdmin,
})
