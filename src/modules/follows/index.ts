import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261130T200200_follows_create.ts'
import { followsPages } from './routes.pages.ts'
import { followsApi } from './routes.api.ts'
import { followPanel } from './follows.panels.ts'
import { digestList, immediateList, planDigests, sendDigests } from './follows.mail.ts'
import { fanOut, tellFollowers } from './follows.fanout.ts'
import { migration as notices } from './migrations/20261130T280200_follows_create_notices.ts'
import { migration as markIds } from './migrations/20261130T330100_follows_mark_ids.ts'
import { seedFollows } from './follows.seed.ts'
import { moveFollows } from './merge.queries.ts'

/**
 * Follow and notify: follow people, projects, organisations, communities, tags and events (every kind a module
 * declares in `followables`); a home timeline of what they do (every module's `activitySources`, read as the
 * reader); per kind of activity, the site only (timeline and in-app notifications), e-mail as it happens (and
 * in-app), a daily or weekly digest in the reader's morning, or off — the first two fanned out to followers by
 * jobs as things are published (follows.fanout.ts); one-click unsubscribe from each kind of e-mail.
 */
export const followsModule: AppModule = {
  id: 'follows',
  // Rows naming a merged duplicate organisation or project move to the entry that stays (core/merge.ts).
  onMerge: { organisation: (db, from, to) => moveFollows(db, 'organisation', from, to), project: (db, from, to) => moveFollows(db, 'project', from, to) },
  dependsOn: ['accounts', 'notifications', 'posts'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261130T200200_follows_create': create, '20261130T280200_follows_create_notices': notices, '20261130T330100_follows_mark_ids': markIds },
  pages: followsPages,
  api: followsApi,
  panels: {
    project: followPanel('project', 'project'),
    organisation: followPanel('organisation', 'organisation'),
    person: followPanel('person', 'person'),
    community: followPanel('community', 'community'),
    event: followPanel('event', 'event'),
    tag: followPanel('tag', 'tag'),
    challenge: followPanel('challenge', 'challenge'),
  },
  jobs: [planDigests, sendDigests, fanOut, tellFollowers],
  mailLists: [digestList, immediateList],
  seed: seedFollows,
}
