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

export interface FollowsTables {
  follows: FollowsTable
  follow_settings: FollowSettingsTable
  follow_mailings: FollowMailingsTable
}

/** The executor the follows module works through: its own tables only. */
export type FollowsDb = Executor<FollowsTables>
