import type { Executor } from '../../core/db/database.ts'
import type { SharedCoreTables } from '../../core/access/access.tables.ts'

/**
 * A report: someone signed in flags a piece of content. Title, URL and author are a snapshot
 * taken when it was reported, so the queue is one query (the live item is loaded on its own page).
 */
export interface ReportsTable {
  id: string
  /** A key of some module's `moderation` registry ('thread', 'reply', 'post', 'document', …). */
  subject_type: string
  subject_id: string
  /** The content's space: decides which hosts and moderators see the report. */
  space_id: string | null
  subject_title: string
  subject_url: string
  subject_author_id: string | null
  reporter_id: string
  reason: string
  status: 'open' | 'resolved'
  /** 'hide' | 'restore' | 'dismiss' once resolved, else ''. */
  resolution: string
  /** The moderator's reason for the decision. */
  resolution_reason: string
  created_at: string
  resolved_by: string | null
  resolved_at: string | null
}

/** Tables owned by the moderation module. */
export interface ModerationTables {
  reports: ReportsTable
}

/** The executor the moderation module works through: its reports, and spaces' membership (whose hosts see which reports). */
export type ModerationDb = Executor<ModerationTables & SharedCoreTables>
