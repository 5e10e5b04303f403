import type { Executor } from '../../core/db/database.ts'

/** How a person hears of one kind of activity from what they follow. */
export type Delivery = 'app' | 'immediate' | 'daily' | 'weekly' | 'off'
export const DELIVERIES: Delivery[] = ['app', 'immediate', 'daily', 'weekly', 'off']
/** What a person gets until they choose: the timeline, and a digest each morning. */
export const DEFAULT_DELIVERY: Delivery = 'daily'

/** The `activity_type` of a person's choice for every kind they did not choose one for (set by unsubscribing). */
export const ANY_TYPE = '*'

/** A mailing's period: an e-mail as things happen, or a daily or weekly digest. */
export type Period = 'immediate' | 'daily' | 'weekly'

/** One person following one thing (a kind registered by a module in its manifest's `followables`). */
export interface FollowsTable {
  user_id: string
  subject_kind: string
  /** The subject's id (a tag: the tag itself). */
  subject_id: string
  created_at: string
}

/** A person's choice for one kind of activity (a module's `activitySources` key); none means DEFAULT_DELIVERY. */
export interface FollowSettingsTable {
  user_id: string
  activity_type: string
  delivery: Delivery
  updated_at: string
}

/**
 * One e-mail (or a digest found empty) to one person: claimed before it is sent, so that two runs never both send
 * it, and marked sent after. `until` is the end of the window it covered: the next one starts there.
 */
export interface FollowMailingsTable {
  user_id: string
  period: Period
  /** The person's local date of a digest, or the run of an immediate mailing. */
  day: string
  status: 'sending' | 'sent' | 'empty' | 'bounced' | 'suppressed'
  /** The job that claimed it: only a retry of that job may send a mailing left 'sending' by a crash. */
  job_id: string
  until: string
  created_at: string
}

/**
 * One person told of one item of followed activity (in-app, and by e-mail when they chose it): written once, so
 * a retried or duplicated fan-out job never tells anyone twice. `mail` is 'pending' from the notice until the
 * SMTP server took the e-mail (a retry sends only those), 'none' when the person hears of it in-app only.
 */
export interface FollowNoticesTable {
  user_id: string
  activity_type: string
  item_id: string
  mail: 'none' | 'pending' | 'sent' | 'bounced' | 'suppressed' | 'withdrawn'
  created_at: string
}

/** How far the fan-out has read each kind of activity ('*': where a kind never read before starts). */
export interface FollowMarksTable {
  activity_type: string
  until: string
  /** The last item read at `until`; null when every item up to `until` was read. */
  after_id: string | null
}

export interface FollowsTables {
  follows: FollowsTable
  follow_settings: FollowSettingsTable
  follow_mailings: FollowMailingsTable
  follow_notices: FollowNoticesTable
  follow_marks: FollowMarksTable
}

/** The executor the follows module works through: its own tables only. */
export type FollowsDb = Executor<FollowsTables>
