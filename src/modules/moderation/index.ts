import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as createReports } from './migrations/20261123T150000_moderation_create_reports.ts'
import { moderationPages } from './routes.pages.ts'

/** Reports, the moderation queue (hosts, moderators, admins) and the audit log (admins). */
export const moderationModule: AppModule = {
  id: 'moderation',
  dependsOn: ['accounts', 'notifications'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261123T150000_moderation_create_reports': createReports },
  pages: moderationPages,
}
