import type { FastifyRequest } from 'fastify'
import { can, type Kind } from '../../core/access/can.ts'
import type { PanelProvider } from '../../core/module.ts'
import { loadTarget, mayModerate, moderationRegistry, type ModerationRegistry } from './moderation.ts'

const registries = new WeakMap<object, ModerationRegistry>()
const registryOf = (request: FastifyRequest) => {
  let registry = registries.get(request.server.modules)
  if (!registry) registries.set(request.server.modules, (registry = moderationRegistry(request.server.modules)))
  return registry
}

/**
 * The moderation links on the page of a project, an organisation or a person: "Report" for signed-in
 * readers, "Hide" or "Restore" for those who moderate it, and for
 * platform admins on a person's page, "Suspend" or "Reinstate" the account.
 */
export function moderationPanel(kind: Kind): PanelProvider {
  return async (request, { id }) => {
    const views = request.server.views
    const reportHref = `/report?type=${kind}&id=${encodeURIComponent(id)}`
    // Reporting needs an account: anonymous readers (whose pages are cached) get nothing, and no lookups.
    if (!request.user) return ''
    const db = request.server.db
    const target = await loadTarget(db, registryOf(request), kind, id).catch(() => null)
    if (!target) return ''
    const [canReport, moderates, suspends] = await Promise.all([
      can(db, request.actor, 'report', kind, target.subject.resource as never),
      mayModerate(db, request.actor, target),
      kind === 'person' ? can(db, request.actor, 'suspend', 'person', target.subject.resource) : Promise.resolve(false),
    ])
    return views.render('moderation/_panel.njk', {
      kind,
      label: target.spec.label,
      reportHref,
      canReport,
      moderateHref: moderates ? `/moderation/item?type=${kind}&id=${encodeURIComponent(id)}` : null,
      hidden: Boolean(target.subject.hiddenAt),
      suspension: suspends ? { href: `/admin/suspension?person=${encodeURIComponent((target.subject.resource as { handle: string }).handle)}`, suspended: (target.subject.resource as { suspended: boolean }).suspended } : null,
    })
  }
}
