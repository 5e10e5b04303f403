import { definePolicy } from '../../core/access/can.ts'
import { signedIn } from '../../core/access/policy.ts'
import { readerIs } from '../../core/access/reader-facts.ts'
import type { Person } from './accounts.queries.ts'

declare module '../../core/access/can.ts' {
  interface Resources {
    person: Person
  }
}

/**
 * People. A profile is public once its address is confirmed, unless the account is suspended or a
 * moderator hid it. Whether a person is *listed* (people directory, its API, the sitemap, exports)
 * is their own choice, applied by those lists; their page and what they wrote stay reachable by link.
 */
export const personPolicy = definePolicy('person', {
  /** Everyone sees a public profile; its owner sees it while hidden; platform admins see any (they moderate). */
  view: (actor, p) => p.public || (readerIs(actor, p.id) && !p.suspended) || actor.isAdmin,
  edit: (actor, p) => readerIs(actor, p.id),
  /** Hiding and restoring a profile: platform admins. */
  moderate: (actor) => actor.isAdmin,
  /** Suspending an account: platform admins, never their own. */
  suspend: (actor, p) => actor.isAdmin && actor.userId !== p.id,
  report: (actor, p) => signedIn(actor) && p.public && !readerIs(actor, p.id),
})
