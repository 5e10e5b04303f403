import type { PanelProvider } from '../../core/module.ts'
import { listReading } from './reading.ts'

/** The front page's latest reading-list links. */
export const homePanel: PanelProvider = async (request) => {
  const { items } = await listReading(request.server.db, request.actor, { limit: 5 })
  return request.server.views.render('reading/_home.njk', { items })
}
