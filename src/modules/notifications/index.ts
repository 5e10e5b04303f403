import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261123T130000_notifications_create.ts'

export const notificationsModule: AppModule = {
  id: 'notifications',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261123T130000_notifications_create': create },
}
