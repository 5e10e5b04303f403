import { definePolicy } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { viewContent } from '../../core/access/spaces.policy.ts'
import { readerOnTeam, organisationLinksOf, type ProjectRow } from './projects.queries.ts'
import type { ProjectsDb } from './projects.tables.ts'

declare module '../../core/access/can.ts' {
  interface Resources {
    project: ProjectRow
  }
}

const onTeam = (db: ProjectsDb, actor: Actor, p: ProjectRow) => readerOnTeam(db, actor, p.id)

/**
 * Projects. Like organisations, directory entries are site content that a moderator may hide.
 * The team keeps a project current; so may the admins of its confirmed lead organisation.
 * Only team members attach their posts to it (they then show on its page).
 */
export const projectPolicy = definePolicy('project', {
  view: (actor, p, ctx) => viewContent(actor, { spaceId: p.space_id, authorIds: p.created_by ? [p.created_by] : [], hiddenAt: p.hidden_at }, ctx),
  edit: async (actor, p, ctx) => {
    if (!signedIn(actor)) return false
    if (actor.isAdmin || (await onTeam(ctx.db, actor, p))) return true
    const leads = ((await organisationLinksOf(ctx.db, [p.id])).get(p.id) ?? []).filter((o) => o.role === 'lead' && o.status === 'confirmed')
    for (const lead of leads) if (await ctx.can('manage', 'organisation', { id: lead.organisationId })) return true
    return false
  },
  contribute: (actor, p, ctx) => onTeam(ctx.db, actor, p),
  moderate: (actor) => actor.isAdmin,
  report: async (actor, p, ctx) => signedIn(actor) && (await ctx.can('view', 'project', p)),
})
