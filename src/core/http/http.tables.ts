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

export interface HttpTables {
  form_submissions: FormSubmissionsTable
  health_checks: HealthChecksTable
}
