import type { PanelProvider } from '../../core/module.ts'
import { challengeIdeaOfProject, listChallenges } from './challenges.ts'

/** The front page's "Challenges": the newest the reader may see that still take ideas or are being decided. */
export const homePanel: PanelProvider = async (request) => {
  const { items } = await listChallenges(request.server.db, request.actor, { cursor: null, limit: 10 })
  const open = items.filter((c) => c.phase !== 'closed' && c.phase !== 'upcoming').slice(0, 3)
  return request.server.views.render('challenges/_home.njk', { challenges: open })
}

/** On a project's page: the winning idea it was made from (the way back from project to idea). */
export const projectPanel: PanelProvider = async (request, { id }) => {
  const found = await challengeIdeaOfProject(request.server.db, request.actor, id)
  return found ? request.server.views.render('challenges/_project.njk', { challenge: found.challenge, idea: found.idea }) : ''
}

/** On a community's page: its challenges. */
export const communityPanel: PanelProvider = async (request, { id }) => {
  const { items } = await listChallenges(request.server.db, request.actor, { spaceId: id, cursor: null, limit: 5 })
  return items.length ? request.server.views.render('challenges/_panel.njk', { challenges: items, heading: 'Challenges' }) : ''
}

/** On an organisation's page: the challenges it states. */
export const organisationPanel: PanelProvider = async (request, { id }) => {
  const { items } = await listChallenges(request.server.db, request.actor, { organisationId: id, cursor: null, limit: 5 })
  return items.length ? request.server.views.render('challenges/_panel.njk', { challenges: items, heading: 'Challenges' }) : ''
}
