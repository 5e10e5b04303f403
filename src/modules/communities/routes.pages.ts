import type { FastifyPluginAsync } from 'fastify'
import multipart from '@fastify/multipart'
import { communityPages } from './routes/communities.pages.ts'
import { membershipPages } from './routes/membership.pages.ts'
import { discussionPages } from './routes/discussions.pages.ts'
import { libraryPages } from './routes/library.pages.ts'

/** The communities module's HTML routes: one plugin per section of the module. */
export const communitiesPages: FastifyPluginAsync = async (app) => {
  // Multipart only in this module: fields are parsed before core's CSRF preHandler reads `_csrf`;
  // an oversized file is cut off (truncated) rather than thrown, so the form can say so and keep the input.
  // Registered here for every section, not only the library's upload routes, because every communities
  // form accepts a multipart body today (a multipart post elsewhere would otherwise become a 415).
  await app.register(multipart, {
    attachFieldsToBody: true,
    throwFileSizeLimit: false,
    limits: { fileSize: app.config.uploadMaxBytes, files: 1, fields: 20, fieldSize: 100_000, parts: 25 },
  })

  await app.register(communityPages)
  await app.register(membershipPages)
  await app.register(discussionPages)
  await app.register(libraryPages)
}
