import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { homePages } from './routes.pages.ts'

/** Home page, site search, about and accessibility statement. Last in the list: it shows other modules' panels. */
export const homeModule: AppModule = {
  id: 'home',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  pages: homePages,
  sitemap: [{ name: 'home', urls: async () => [{ path: '/' }, { path: '/about' }, { path: '/accessibility' }] }],
}
