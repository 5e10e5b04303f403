import { definePolicy } from '../../core/access/can.ts'
import { signedIn } from '../../core/access/policy.ts'

declare module '../../core/access/can.ts' {
  interface Resources {
    syndicated_feed: { ownerId: string }
  }
}

/**
 * A registered feed is its owner's business: only the member who registered it sees its page (what it found,
 * how polling goes) and manages it — pauses, resumes, removes it, picks entries to import. The posts it
 * imports are ordinary posts, read under the posts' rules.
 */
export const syndicatedFeedPolicy = definePolicy('syndicated_feed', {
  view: (actor, f) => signedIn(actor) && actor.userId === f.ownerId,
  manage: (actor, f) => signedIn(actor) && actor.userId === f.ownerId,
})
