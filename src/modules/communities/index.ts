import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261123T150000_communities_create.ts'
import { communitiesPages } from './routes.pages.ts'
import { communitiesApi } from './routes.api.ts'
import { communitiesOfPerson, listCommunities, memberCounts, membersOnlyCommunities, publicSitemapEntries } from './communities.queries.ts'
import { documentModeration, replyModeration, threadModeration } from './communities.moderation.ts'
import { seedCommunities } from './communities.seed.ts'
import { communityFollowable, threadActivity } from './communities.follows.ts'
import { migration as threadsActivityIndex } from './migrations/20261130T200300_communities_threads_activity_index.ts'
import { migration as threadsCreatedIndex } from './migrations/20261130T280400_communities_threads_created_index.ts'
import { migration as threadsShownAt } from './migrations/20261130T430000_communities_shown_at.ts'
import { documentPolicy, replyPolicy, threadPolicy } from './communities.policy.ts'

/** Communities of practice: spaces with members, discussions, a library, and posts attached to them. */
export const communitiesModule: AppModule = {
  id: 'communities',
  dependsOn: ['accounts', 'notifications'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261123T150000_communities_create': create, '20261130T200300_communities_threads_activity_index': threadsActivityIndex, '20261130T280400_communities_threads_created_index': threadsCreatedIndex, '20261130T430000_communities_shown_at': threadsShownAt },
  pages: communitiesPages,
  api: communitiesApi,
  nav: [{ href: '/communities', text: 'Communities' }],
  panels: {
    // The front page: the most active communities the reader may see.
    home: async (request) => {
      const db = request.server.db
      const { items } = await listCommunities(db, request.actor, { limit: 5 })
      const counts = await memberCounts(db, items.map((c) => c.id))
      return request.server.views.render('communities/_home.njk', { communities: items.map((c) => ({ ...c, members: counts.get(c.id) ?? 0 })) })
    },
    // Communities the person is an active member of, filtered by what the viewer may see.
    person: async (request, subject) => {
      const communities = await communitiesOfPerson(request.server.db, request.actor, subject.id)
      if (communities.length === 0) return ''
      return request.server.views.render('communities/_panel.njk', { communities })
    },
    // Platform admins see which trusted spaces exist, and open one only by giving a reason.
    admin: async (request) => {
      if (!request.actor.isAdmin) return ''
      return request.server.views.render('communities/_admin_panel.njk', { communities: await membersOnlyCommunities(request.server.db) })
    },
  },
  sitemap: [{ name: 'communities', urls: publicSitemapEntries }],
  moderation: { thread: threadModeration, reply: replyModeration, document: documentModeration },
  policies: [threadPolicy, replyPolicy, documentPolicy],
  searchTypes: [
    { type: 'community', label: 'Communities' },
    { type: 'thread', label: 'Discussions' },
    { type: 'reply', label: 'Replies' },
  ],
  seed: seedCommunities,
  followables: { community: communityFollowable },
  activitySources: { thread: threadActivity },
}
