import { defineJob } from '../../core/jobs/jobs.ts'
import { importQueued, pollFeed } from './poll.ts'
import { dueFeedIds, feedsWithQueuedItems } from './syndication.queries.ts'

/** Reads one feed (recording and importing what is new). Polling is idempotent: a second run finds nothing new. */
export const pollFeedJob = defineJob<{ feedId: string }>({
  name: 'syndication.poll-feed',
  // A poll's failures are the feed's business (poll.ts backs off and stops it); a job retry is for a crash.
  retry: { limit: 2, delaySeconds: 60, backoff: true },
  expireSeconds: 5 * 60,
  // Imported entries are posts: pages that list posts show them at once (anonymous and shared pages alike).
  changes: ['posts'],
  async run({ feedId }, { app, changed }) {
    const { imported } = await pollFeed(app.db, { allowPrivate: app.config.syndicationAllowPrivate }, feedId)
    if (imported > 0) await changed()
  },
})

/** Imports a feed's queued entries: each in its own transaction, so a crash loses and repeats nothing. */
export const importFeedJob = defineJob<{ feedId: string }>({
  name: 'syndication.import',
  changes: ['posts'],
  async run({ feedId }, { app, changed }) {
    if ((await importQueued(app.db, feedId)) > 0) await changed()
  },
})

/**
 * Every five minutes: one poll job per due feed, and an import job per feed with entries still queued (after
 * a crash, say). Keyed per feed and five-minute window, so two processes enqueue each once.
 */
export const pollDueJob = defineJob<object>({
  name: 'syndication.poll-due',
  cron: '*/5 * * * *',
  async run(_payload, { app }) {
    const window = Math.floor(Date.now() / 300_000)
    const [due, queued] = await Promise.all([dueFeedIds(app.db, new Date().toISOString(), 1000), feedsWithQueuedItems(app.db)])
    for (const feedId of due) await app.jobs.enqueue(app.db, pollFeedJob, { feedId }, { key: `${feedId}:${window}` })
    for (const feedId of queued) await app.jobs.enqueue(app.db, importFeedJob, { feedId }, { key: `${feedId}:${window}` })
  },
})
