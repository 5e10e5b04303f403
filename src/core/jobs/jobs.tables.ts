import type { JobState } from './jobs.ts'

/**
 * The in-process runner's jobs (SQLite only: on PostgreSQL pg-boss keeps its own tables in the `pgboss`
 * schema). Timestamps are ISO UTC text like every other table.
 */
export interface JobsTable {
  /** A UUID: random, or derived from the enqueue `key` so a second enqueue finds it taken. */
  id: string
  name: string
  /** The payload as JSON. */
  payload: string
  state: JobState
  retry_count: number
  retry_limit: number
  retry_delay: number
  retry_backoff: number
  expire_seconds: number
  start_after: string
  started_at: string | null
  completed_at: string | null
  /** The last error message. */
  error: string | null
  /** When a finished or failed job is removed. */
  keep_until: string
  created_at: string
}

/** The last run of each repeating job, so a restart neither repeats nor skips a run. */
export interface JobSchedulesTable {
  name: string
  cron: string
  last_at: string
}

export interface JobsTables {
  jobs: JobsTable
  job_schedules: JobSchedulesTable
}
