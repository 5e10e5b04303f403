import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'

export const moderationModule: AppModule = {
  id: 'moderation',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
}
