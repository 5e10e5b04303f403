import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261130T230300_syndication_create.ts'
import { syndicationPages } from './routes.pages.ts'
import { syndicationApi } from './routes.api.ts'
import { syndicatedFeedPolicy } from './syndication.policy.ts'
import { adminPanel } from './syndication.panels.ts'
import { seedSyndication } from './syndication.seed.ts'
import { importFeedJob, pollDueJob, pollFeedJob } from './syndication.jobs.ts'

/** Feeds in: members' external blogs read politely and imported as posts credited to their source. */
export const syndicationModule: AppModule = {
  id: 'syndication',
  dependsOn: ['accounts', 'notifications', 'projects', 'posts'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261130T230300_syndication_create': create },
  pages: syndicationPages,
  api: syndicationApi,
  panels: { admin: adminPanel },
  policies: [syndicatedFeedPolicy],
  jobs: [pollDueJob, pollFeedJob, importFeedJob],
  seed: seedSyndication,
}
