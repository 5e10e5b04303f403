import { definePolicy, type Kind, type Resources } from '../../core/access/can.ts'
import { signedIn } from '../../core/access/policy.ts'

/** A report, as the policy sees it: the space it was filed in, and the reported item as it is now (null once it is gone). */
export interface ReportFacts {
  spaceId: string | null
  subject: { kind: Kind; resource: Resources[Kind] } | null
}

declare module '../../core/access/can.ts' {
  interface Resources {
    report: ReportFacts
  }
}

/**
 * Reports. Anyone signed in reports what they can see (each kind's own `report` rule). Acting on a
 * report (hide, restore, dismiss) is for those who moderate the reported item, with one exception:
 * platform admins act on every report, because a report is how they reach a trusted (members-only)
 * space's content, one item at a time, without reading the space.
 */
export const reportPolicy = definePolicy('report', {
  moderate: async (actor, r, ctx) => {
    if (!signedIn(actor)) return false
    if (actor.isAdmin) return true
    if (r.spaceId === null || !(await ctx.can('moderate', 'space', { id: r.spaceId }))) return false
    // The item may have moved since it was reported: the moderator must moderate it where it is now.
    return r.subject === null || ctx.can('moderate', r.subject.kind, r.subject.resource as never)
  },
})
