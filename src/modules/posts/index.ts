import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'

export const postsModule: AppModule = {
  id: 'posts',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
}
