import type { FastifyPluginAsync } from 'fastify'
import { challengePages } from './routes/challenges.pages.ts'
import { ideaPages } from './routes/ideas.pages.ts'
import { organiserPages } from './routes/organiser.pages.ts'

/** The challenges module's HTML routes and feeds: one plugin per section. */
export const challengesPages: FastifyPluginAsync = async (app) => {
  await app.register(challengePages)
  await app.register(ideaPages)
  await app.register(organiserPages)
}
