import { definePolicy } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { viewContent } from '../../core/access/spaces.policy.ts'
import { findOrganisationById, readerRoleIn, type OrganisationRow } from './organisations.queries.ts'

/** An organisation by id, with its row when the caller already has it (the rules load it otherwise). */
export type OrganisationRef = { id: string } & Partial<OrganisationRow>

declare module '../../core/access/can.ts' {
  interface Resources {
    organisation: OrganisationRef
  }
}

const rowOf = async (db: Parameters<typeof findOrganisationById>[0], r: OrganisationRef) => ('hidden_at' in r && r.created_at ? (r as OrganisationRow) : await findOrganisationById(db, r.id))
const roleOf = async (db: Parameters<typeof readerRoleIn>[0], r: OrganisationRef, actor: Actor) => readerRoleIn(db, actor, r.id)

/**
 * Organisations. Directory entries are site content: anyone sees them unless a moderator hid
 * them (then their creator and platform admins still do). An organisation speaks through its
 * admins: only they name it as a project's lead or partner (or confirm someone else's request to),
 * and only its members attach their posts to it.
 */
export const organisationPolicy = definePolicy('organisation', {
  view: async (actor, r, ctx) => {
    const row = await rowOf(ctx.db, r)
    return row !== undefined && viewContent(actor, { spaceId: row.space_id, authorIds: row.created_by ? [row.created_by] : [], hiddenAt: row.hidden_at }, ctx)
  },
  /** Edit the profile and manage members: its admins and platform admins. */
  manage: async (actor, r, ctx) => signedIn(actor) && (actor.isAdmin || (await roleOf(ctx.db, r, actor)) === 'admin'),
  /** Name it as lead or partner of a project, or confirm such a request: its admins only. */
  speakFor: async (actor, r, ctx) => signedIn(actor) && (await roleOf(ctx.db, r, actor)) === 'admin',
  /** Attach one's own posts to it: its members. */
  contribute: async (actor, r, ctx) => signedIn(actor) && (await roleOf(ctx.db, r, actor)) !== null,
  /** Ask to be listed as a member: anyone signed in who can see it and is not a member yet. */
  participate: async (actor, r, ctx) => signedIn(actor) && (await roleOf(ctx.db, r, actor)) === null && (await ctx.can('view', 'organisation', r)),
  moderate: (actor) => actor.isAdmin,
  report: async (actor, r, ctx) => signedIn(actor) && (await ctx.can('view', 'organisation', r)),
})

/** The directory's vocabulary of themes and technologies: one for the whole site. */
export type VocabularyRef = { site: true }

declare module '../../core/access/can.ts' {
  interface Resources {
    vocabulary: VocabularyRef
  }
}

/** Everyone reads the vocabulary (forms offer it); site admins add, rename and retire its terms. */
export const vocabularyPolicy = definePolicy('vocabulary', {
  view: () => true,
  manage: (actor) => signedIn(actor) && actor.isAdmin,
})
