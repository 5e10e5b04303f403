import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'

export const communitiesModule: AppModule = {
  id: 'communities',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
}
