import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'

export const homeModule: AppModule = {
  id: 'home',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
}
