import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'

export const projectsModule: AppModule = {
  id: 'projects',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
}
