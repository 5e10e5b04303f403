import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261130T180000_barriers_create.ts'
import { barrierPolicy, solutionPolicy, wikiLinkPolicy } from './barriers.policy.ts'
import { barrierModeration, solutionModeration } from './barriers.moderation.ts'
import { charterPanel, homePanel, projectPanel } from './barriers.panels.ts'
import { publicEntryPaths } from './entries.queries.ts'
import { seedBarriers } from './barriers.seed.ts'
import { barriersApi } from './routes.api.ts'
import { barriersPages } from './routes.pages.ts'
import { moveOrganisationEndorsements, moveProjectLinks } from './merge.queries.ts'

/** The barriers and solutions wiki: pages with revisions, diffs and reverts, themes, endorsements, and links to each other, charter sections and projects. */
export const barriersModule: AppModule = {
  id: 'barriers',
  // Rows naming a merged duplicate organisation or project move to the entry that stays (core/merge.ts).
  onMerge: { organisation: moveOrganisationEndorsements, project: moveProjectLinks },
  dependsOn: ['accounts', 'organisations', 'projects', 'charters'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261130T180000_barriers_create': create },
  pages: barriersPages,
  api: barriersApi,
  nav: [{ href: '/barriers', text: 'Barriers' }],
  panels: { home: homePanel, project: projectPanel, charter: charterPanel },
  sitemap: [
    {
      name: 'wiki',
      urls: async (db) => [
        { path: '/barriers' },
        { path: '/solutions' },
        ...(await publicEntryPaths(db)).map((e) => ({ path: `/${e.kind}s/${e.slug}`, updated: e.updated_at })),
      ],
    },
  ],
  moderation: { barrier: barrierModeration, solution: solutionModeration },
  policies: [barrierPolicy, solutionPolicy, wikiLinkPolicy],
  searchTypes: [
    { type: 'barrier', label: 'Barriers' },
    { type: 'solution', label: 'Solutions' },
  ],
  seed: seedBarriers,
}
