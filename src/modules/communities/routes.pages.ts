import type { FastifyPluginAsync } from 'fastify'
import { writesIn } from '../../core/cache/plugin.ts'
import { findCommunityBySlug } from './communities.queries.ts'
import { communityPages } from './routes/communities.pages.ts'
import { membershipPages } from './routes/membership.pages.ts'
import { discussionPages } from './routes/discussions.pages.ts'
import { libraryPages } from './routes/library.pages.ts'

/** The communities module's HTML routes: one plugin per section of the module. */
export const communitiesPages: FastifyPluginAsync = async (app) => {
  // A write inside a community (threads, replies, documents, members) changes that space only: nothing anonymous
  // readers see when they cannot see the community. Editing a community may change its visibility: not here.
  app.addHook('preHandler', async (request) => {
    const { slug } = request.params as { slug?: string }
    if (request.method !== 'POST' || !slug || request.routeOptions.url === '/communities/:slug/edit') return
    const community = await findCommunityBySlug(app.db, slug)
    if (community) writesIn(request, community)
  })
  await app.register(communityPages)
  await app.register(membershipPages)
  await app.register(discussionPages)
  await app.register(libraryPages)
}
