import { sql, type Kysely } from 'kysely'
import type { Cursor } from '../http/pagination.ts'
import { AppError } from '../errors.ts'
import { listStates, type JobList, type JobState, type JobSummary } from './jobs.ts'

/**
 * The admin page's reads of pg-boss's own table (`pgboss.job`). Raw SQL because the table is pg-boss's, not
 * ours (no Kysely type), and pg-boss's own finders work one queue at a time, oldest first, without states.
 */

interface JobRow {
  id: string
  name: string
  state: JobState
  data: unknown
  retry_count: number
  retry_limit: number
  output: unknown
  /** created_on to the microsecond, as ISO text: the list's keyset cursor must not lose precision. */
  created_key: string
  start_after: Date
  started_on: Date | null
  completed_on: Date | null
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const columns = sql.raw('id::text as id, name, state::text as state, data, retry_count, retry_limit, output, to_char(created_on at time zone \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\') as created_key, start_after, started_on, completed_on')

function summary(row: JobRow): JobSummary {
  const output = row.output as { message?: unknown } | null
  return {
    id: row.id, name: row.name, state: row.state, payload: row.data, retryCount: row.retry_count, retryLimit: row.retry_limit,
    error: output && typeof output.message === 'string' ? output.message.slice(0, 1000) : null,
    createdAt: row.created_key, startAfter: row.start_after.toISOString(),
    startedAt: row.started_on?.toISOString() ?? null, completedAt: row.completed_on?.toISOString() ?? null,
  }
}

/** pg-boss's job rows of one admin list, newest first, from a keyset cursor (limit + 1 rows). */
export async function listJobs(db: Kysely<{}>, list: JobList, options: { cursor: Cursor | null; limit: number }): Promise<JobSummary[]> {
  const states = sql.join(listStates[list].map((s) => sql.lit(s)))
  const retried = list === 'retried' ? sql`and retry_count > 0` : sql``
  const c = options.cursor
  if (c && (!uuid.test(c.id) || Number.isNaN(Date.parse(c.at)))) throw new AppError('bad_cursor', 400, 'This page link is not valid. Go back to the first page of the list.')
  const after = c ? sql`and (created_on < ${c.at}::timestamptz or (created_on = ${c.at}::timestamptz and id < ${c.id}::uuid))` : sql``
  const { rows } = await sql<JobRow>`select ${columns} from pgboss.job where state::text in (${states}) ${retried} ${after} order by created_on desc, id desc limit ${options.limit + 1}`.execute(db)
  return rows.map(summary)
}

export async function findJob(db: Kysely<{}>, id: string): Promise<JobSummary | null> {
  if (!uuid.test(id)) return null
  const { rows } = await sql<JobRow>`select ${columns} from pgboss.job where id = ${id}::uuid`.execute(db)
  return rows[0] ? summary(rows[0]) : null
}

export async function countJobs(db: Kysely<{}>): Promise<Record<JobList, number>> {
  const { rows } = await sql<{ state: JobState; n: number; retried: number }>`select state::text as state, count(*)::int as n, count(*) filter (where retry_count > 0)::int as retried from pgboss.job group by state`.execute(db)
  const by = new Map(rows.map((r) => [r.state, Number(r.n)]))
  const sum = (list: JobList) => listStates[list].reduce((n, s) => n + (by.get(s) ?? 0), 0)
  return { queued: sum('queued'), active: sum('active'), failed: sum('failed'), completed: sum('completed'), retried: rows.reduce((n, r) => n + Number(r.retried), 0) }
}
