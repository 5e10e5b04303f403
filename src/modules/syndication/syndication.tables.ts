import type { Executor } from '../../core/db/database.ts'

export type FeedStatus = 'active' | 'paused' | 'stopped'
export type ItemState = 'new' | 'queued' | 'imported' | 'skipped'

/** An external blog's feed, registered by a member for themself or a project they are on. */
export interface SyndicatedFeedsTable {
  id: string
  url: string
  owner_id: string
  project_id: string | null
  /** The feed's own title and site, from the last successful poll. */
  title: string
  site_url: string
  /** active: polled; paused: by its owner; stopped: after repeated failures (its owner was told). */
  status: FeedStatus
  /** Import entries published after registration without asking (the back catalogue is always picked). */
  auto_import: number
  etag: string | null
  last_modified: string | null
  /** Failed polls in a row. */
  failures: number
  last_error: string
  polled_at: string | null
  next_poll_at: string
  created_at: string
  updated_at: string
}

/** One entry seen in a feed. */
export interface SyndicatedItemsTable {
  id: string
  feed_id: string
  /** GUID, Atom id or JSON Feed id; the link when there is none. */
  key: string
  link: string
  title: string
  /** As the feed gave it: sanitised when imported. */
  html: string
  author: string
  published_at: string
  state: ItemState
  post_id: string | null
  seen_at: string
}

export interface SyndicationTables {
  syndicated_feeds: SyndicatedFeedsTable
  syndicated_items: SyndicatedItemsTable
}

/** The executor the syndication module works through: its own tables only. */
export type SyndicationDb = Executor<SyndicationTables>
