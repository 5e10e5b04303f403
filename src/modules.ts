import type { AppModule } from './core/module.ts'
import { accountsModule } from './modules/accounts/index.ts'
import { organisationsModule } from './modules/organisations/index.ts'
import { projectsModule } from './modules/projects/index.ts'
import { postsModule } from './modules/posts/index.ts'
import { notificationsModule } from './modules/notifications/index.ts'
import { communitiesModule } from './modules/communities/index.ts'
import { chartersModule } from './modules/charters/index.ts'
import { eventsModule } from './modules/events/index.ts'
import { moderationModule } from './modules/moderation/index.ts'
import { directoryModule } from './modules/directory/index.ts'
import { homeModule } from './modules/home/index.ts'

/** Openly's feature modules, in dependency order: the product at a glance. */
export const modules: AppModule[] = [accountsModule, notificationsModule, organisationsModule, projectsModule, postsModule, communitiesModule, chartersModule, eventsModule, directoryModule, moderationModule, homeModule]
