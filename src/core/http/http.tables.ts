/** One-time form tokens already used (see submissions.ts). */
export interface FormSubmissionsTable {
  token: string
  user_id: string
  /** Where the first request sent the person; null while it is running. */
  result_url: string | null
  created_at: string
}

/** The row /healthz writes to (core/db/health.ts). */
export interface HealthChecksTable {
  id: number
  checked_at: string
}

/**
 * Times when a page changes by the clock alone, with no write and no search document becoming visible
 * (a challenge moving from one phase to the next): the page cache expires its entries at the next one.
 */
export interface ScheduledChangesTable {
  /** What changes, e.g. `challenge:<id>`: its rows are replaced together. */
  subject: string
  at: string
}

export interface HttpTables {
  form_submissions: FormSubmissionsTable
  health_checks: HealthChecksTable
  scheduled_changes: ScheduledChangesTable
}
