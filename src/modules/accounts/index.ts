import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'

export const accountsModule: AppModule = {
  id: 'accounts',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
}
