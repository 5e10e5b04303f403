import type { FastifyRequest } from 'fastify'
import type { PanelProvider } from '../../core/module.ts'
import { listEvents } from './events.ts'
import type { OrganiserKind } from './events.tables.ts'

/** The front page's "Upcoming events". */
export const homePanel: PanelProvider = async (request) => {
  const { items } = await listEvents(request.server.db, request.actor, { when: 'upcoming', limit: 5 })
  return request.server.views.render('events/_home.njk', { events: items })
}

/** Upcoming events a subject organises (or, for a community, that are listed in it), on its page. */
export function subjectPanel(kind: OrganiserKind, feedHref: (slug: string) => string): PanelProvider {
  return async (request: FastifyRequest, subject) => {
    const filter = kind === 'community' ? { spaceId: subject.id } : { organiser: { kind, id: subject.id } }
    const { items } = await listEvents(request.server.db, request.actor, { when: 'upcoming', limit: 5, ...filter })
    // A community's page always has its events section; a person's, an organisation's or a project's only when
    // they organise something coming up.
    if (items.length === 0 && kind !== 'community') return ''
    return request.server.views.render('events/_panel.njk', { events: items, feedHref: feedHref(subject.slug), createHref: null })
  }
}
