import type { FastifyPluginAsync } from 'fastify'
import { communityPages } from './routes/communities.pages.ts'
import { membershipPages } from './routes/membership.pages.ts'
import { discussionPages } from './routes/discussions.pages.ts'
import { libraryPages } from './routes/library.pages.ts'

/** The communities module's HTML routes: one plugin per section of the module. */
export const communitiesPages: FastifyPluginAsync = async (app) => {
  await app.register(communityPages)
  await app.register(membershipPages)
  await app.register(discussionPages)
  await app.register(libraryPages)
}
