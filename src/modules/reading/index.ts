import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261130T230100_reading_create.ts'
import { migration as shownAt } from './migrations/20261130T430000_reading_shown_at.ts'
import { readingPages } from './routes.pages.ts'
import { readingApi } from './routes.api.ts'
import { readingPolicy } from './reading.policy.ts'
import { readingModeration } from './reading.moderation.ts'
import { homePanel } from './reading.panels.ts'
import { publicItemPaths } from './reading.queries.ts'
import { seedReading } from './reading.seed.ts'
import { readingActivity } from './reading.follows.ts'

/** The reading list: curated links with a summary in a member's own words, tags and feeds. */
export const readingModule: AppModule = {
  id: 'reading',
  dependsOn: ['accounts'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261130T230100_reading_create': create, '20261130T430000_reading_shown_at': shownAt },
  pages: readingPages,
  api: readingApi,
  // Reached from the front page's reading-list panel: the navigation keeps to one line at desktop widths.
  nav: [],
  // Followers of a person or a tag hear of the links added (the follows module's timeline and fan-out).
  activitySources: { reading: readingActivity },
  panels: { home: homePanel },
  sitemap: [{ name: 'reading', urls: (db) => publicItemPaths(db) }],
  moderation: { reading_item: readingModeration },
  policies: [readingPolicy],
  searchTypes: [{ type: 'reading_item', label: 'Reading list' }],
  seed: seedReading,
}
