import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261130T160000_events_create.ts'
import { migration as createUnconference } from './migrations/20261130T160100_events_create_unconference.ts'
import { migration as createdIndex } from './migrations/20261130T280300_events_created_index.ts'
import { migration as shownAt } from './migrations/20261130T430000_events_shown_at.ts'
import { eventsPages } from './routes.pages.ts'
import { eventsApi } from './routes.api.ts'
import { publicEventPaths } from './events.queries.ts'
import { eventPolicy, notesPolicy, sessionPolicy } from './events.policy.ts'
import { eventModeration, notesModeration, sessionModeration } from './events.moderation.ts'
import { homePanel, subjectPanel } from './events.panels.ts'
import { seedEvents } from './events.seed.ts'
import { eventActivity, eventFollowable } from './events.follows.ts'

/** Events: in person, online or hybrid, with replies and a waiting list, calendars, notes afterwards, and unconference mode. */
export const eventsModule: AppModule = {
  id: 'events',
  dependsOn: ['accounts', 'notifications', 'organisations', 'projects', 'posts', 'communities'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: {
    '20261130T160000_events_create': create,
    '20261130T160100_events_create_unconference': createUnconference,
    '20261130T280300_events_created_index': createdIndex,
    '20261130T430000_events_shown_at': shownAt,
  },
  pages: eventsPages,
  api: eventsApi,
  nav: [{ href: '/events', text: 'Events' }],
  panels: {
    home: homePanel,
    community: subjectPanel('community', (slug) => `/communities/${slug}/events.ics`),
    organisation: subjectPanel('organisation', (slug) => `/organisations/${slug}/events.ics`),
    project: subjectPanel('project', (slug) => `/projects/${slug}/events.ics`),
    person: subjectPanel('person', (slug) => `/people/${slug}/events.ics`),
  },
  sitemap: [{ name: 'events', urls: publicEventPaths }],
  moderation: { event: eventModeration, event_session: sessionModeration, session_notes: notesModeration },
  policies: [eventPolicy, sessionPolicy, notesPolicy],
  searchTypes: [
    { type: 'event', label: 'Events' },
    { type: 'event_session', label: 'Sessions' },
    { type: 'session_notes', label: 'Session notes' },
  ],
  seed: seedEvents,
  followables: { event: eventFollowable },
  activitySources: { event: eventActivity },
}
