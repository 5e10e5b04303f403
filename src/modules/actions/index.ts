import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261130T230000_actions_create.ts'
import { migration as shownAt } from './migrations/20261130T430000_actions_shown_at.ts'
import { actionsPages } from './routes.pages.ts'
import { actionsApi } from './routes.api.ts'
import { actionPolicy } from './actions.policy.ts'
import { actionModeration } from './actions.moderation.ts'
import { homePanel, personPanel, projectPanel } from './actions.panels.ts'
import { seedActions } from './actions.seed.ts'
import { actionActivity } from './actions.follows.ts'
import { moveProjectActions } from './merge.queries.ts'

/** Practical actions: "what I did today" in one line, on profiles, projects, the front page and /actions. */
export const actionsModule: AppModule = {
  id: 'actions',
  // Rows naming a merged duplicate organisation or project move to the entry that stays (core/merge.ts).
  onMerge: { project: moveProjectActions },
  dependsOn: ['accounts', 'projects'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261130T230000_actions_create': create, '20261130T430000_actions_shown_at': shownAt },
  pages: actionsPages,
  api: actionsApi,
  nav: [],
  panels: { home: homePanel, person: personPanel, project: projectPanel },
  moderation: { practical_action: actionModeration },
  policies: [actionPolicy],
  activitySources: { action: actionActivity },
  seed: seedActions,
}
