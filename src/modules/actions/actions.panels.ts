import type { PanelProvider } from '../../core/module.ts'
import { signedIn } from '../../core/access/policy.ts'
import { readerIs } from '../../core/access/reader-facts.ts'
import { DEFAULT_TIME_ZONE } from '../../core/time.ts'
import { actionCounts, listActions, markMine, projectChoices } from './actions.ts'

/** The front page's latest practical actions. */
export const homePanel: PanelProvider = async (request) => {
  const { items } = await listActions(request.server.db, request.actor, { limit: 5 })
  return request.server.views.render('actions/_home.njk', { actions: items })
}

/**
 * A person's practical actions on their profile: counts for this week and this month (the reader's calendar), the latest few and, on
 * their own profile, the one-line form to log another.
 */
export const personPanel: PanelProvider = async (request, person) => {
  const db = request.server.db
  const actor = request.actor
  const self = signedIn(actor) && readerIs(actor, person.id)
  const [{ items }, counts, choices] = await Promise.all([listActions(db, actor, { authorId: person.id, limit: 5 }), actionCounts(db, person.id, request.user?.timeZone ?? DEFAULT_TIME_ZONE), self ? projectChoices(db, actor) : null])
  if (!self && items.length === 0) return ''
  return request.server.views.render('actions/_panel.njk', {
    actions: markMine(actor, items),
    counts,
    moreHref: `/actions?author=${encodeURIComponent(person.slug)}`,
    form: self ? { back: `/people/${person.slug}`, values: {}, projectItems: [{ value: '', text: 'None' }, ...choices!] } : null,
    csrfToken: self ? request.formToken!() : null,
  })
}

/** A project's practical actions, logged by its team, on its page. */
export const projectPanel: PanelProvider = async (request, project) => {
  const { items } = await listActions(request.server.db, request.actor, { projectId: project.id, limit: 5 })
  if (items.length === 0) return ''
  return request.server.views.render('actions/_panel.njk', { actions: markMine(request.actor, items), counts: null, moreHref: `/actions?project=${encodeURIComponent(project.slug)}`, form: null })
}
