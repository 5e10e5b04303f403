import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as createReports } from './migrations/20261123T150000_moderation_create_reports.ts'
import { migration as backfillHeld } from './migrations/20261130T120300_moderation_backfill_held.ts'
import { moderationPanel } from './moderation.panels.ts'
import { reportPolicy } from './moderation.policy.ts'
import { seedModeration } from './moderation.seed.ts'
import { moderationPages } from './routes.pages.ts'

/**
 * Reports, the moderation queue (open reports, what waits for approval, hidden content) for hosts,
 * moderators and admins; acting on any registered kind of content; suspending accounts and the audit
 * log (admins). Each content module registers its kinds in its manifest's `moderation`.
 */
export const moderationModule: AppModule = {
  id: 'moderation',
  dependsOn: ['accounts', 'notifications'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261123T150000_moderation_create_reports': createReports, '20261130T120300_moderation_backfill_held': backfillHeld },
  pages: moderationPages,
  // Report, hide or restore, suspend: on the pages of projects, organisations and people.
  panels: { project: moderationPanel('project'), organisation: moderationPanel('organisation'), person: moderationPanel('person') },
  policies: [reportPolicy],
  seed: seedModeration,
}
