import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'

export const organisationsModule: AppModule = {
  id: 'organisations',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
}
