import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261130T200200_follows_create.ts'
import { followsPages } from './routes.pages.ts'
import { followPanel } from './follows.panels.ts'
import { digestList, immediateList, planDigests, sendDigests, sendImmediate } from './follows.mail.ts'
import { seedFollows } from './follows.seed.ts'
import { moveFollows } from './merge.queries.ts'

/**
 * Follow and notify: follow people, projects, organisations, communities, tags and events (every kind a module
 * declares in `followables`); a home timeline of what they do (every module's `activitySources`, read as the
 * reader); per kind of activity, the site only, e-mail as it happens, a daily or weekly digest in the reader's
 * morning, or off; one-click unsubscribe from each kind of e-mail.
 */
export const followsModule: AppModule = {
  id: 'follows',
  // Rows naming a merged duplicate organisation or project move to the entry that stays (core/merge.ts).
  onMerge: { organisation: (db, from, to) => moveFollows(db, 'organisation', from, to), project: (db, from, to) => moveFollows(db, 'project', from, to) },
  dependsOn: ['accounts', 'posts'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261130T200200_follows_create': create },
  pages: followsPages,
  panels: {
    project: followPanel('project', 'project'),
    organisation: followPanel('organisation', 'organisation'),
    person: followPanel('person', 'person'),
    community: followPanel('community', 'community'),
    event: followPanel('event', 'event'),
    tag: followPanel('tag', 'tag'),
  },
  jobs: [planDigests, sendDigests, sendImmediate],
  mailLists: [digestList, immediateList],
  seed: seedFollows,
}
