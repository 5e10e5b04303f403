import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'

export const notificationsModule: AppModule = {
  id: 'notifications',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
}
