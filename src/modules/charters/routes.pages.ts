import type { FastifyPluginAsync } from 'fastify'
import { charterPages } from './routes/charters.pages.ts'
import { amendmentPages } from './routes/amendments.pages.ts'
import { versionPages } from './routes/versions.pages.ts'
import { signaturePages } from './routes/signatures.pages.ts'
import { pilotPages } from './routes/pilots.pages.ts'

/** The charters module's HTML routes: one plugin per section of the module. */
export const chartersPages: FastifyPluginAsync = async (app) => {
  await app.register(charterPages)
  await app.register(amendmentPages)
  await app.register(versionPages)
  await app.register(signaturePages)
  await app.register(pilotPages)
}
