import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261130T230400_digests_create.ts'
import { migration as deliveryClaims } from './migrations/20261130T350100_digests_delivery_claims.ts'
import { digestsPages } from './routes.pages.ts'
import { digestsApi } from './routes.api.ts'
import { digestDeskPolicy, digestPolicy } from './digests.policy.ts'
import { publicDigestPaths } from './digests.queries.ts'
import { sendBatchJob } from './digests.jobs.ts'
import { digestList } from './send.ts'
import { seedDigests } from './digests.seed.ts'

/** Editors' digests: picks from the reading list and posts with an introduction, published and e-mailed. */
export const digestsModule: AppModule = {
  id: 'digests',
  dependsOn: ['accounts', 'posts', 'reading'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261130T230400_digests_create': create, '20261130T350100_digests_delivery_claims': deliveryClaims },
  pages: digestsPages,
  api: digestsApi,
  panels: { admin: async (request) => request.server.views.render('digests/_admin.njk', {}) },
  sitemap: [{ name: 'digests', urls: (db) => publicDigestPaths(db) }],
  policies: [digestPolicy, digestDeskPolicy],
  jobs: [sendBatchJob],
  mailLists: [digestList],
  seed: seedDigests,
}
