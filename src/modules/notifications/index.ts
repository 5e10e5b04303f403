import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261123T130000_notifications_create.ts'
import { migration as indexUnread } from './migrations/20261123T130100_notifications_index_unread.ts'
import { migration as held } from './migrations/20261130T480000_notifications_held.ts'
import { migration as marks } from './migrations/20261201T100000_notifications_create_marks.ts'
import { unreadCount } from './notifications.ts'
import { dropStaleHeld } from './held.jobs.ts'
import { notificationsPages } from './routes.pages.ts'

/** In-app notifications: the unread count in the header and the /notifications page. */
export const notificationsModule: AppModule = {
  id: 'notifications',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: {
    '20261123T130000_notifications_create': create,
    '20261123T130100_notifications_index_unread': indexUnread,
    '20261130T480000_notifications_held': held,
    '20261201T100000_notifications_create_marks': marks,
  },
  pages: notificationsPages,
  jobs: [dropStaleHeld],
  locals: async (request) => ({ notificationCount: await unreadCount(request.server.db, request.actor) }),
}
