import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/database.ts'
import type { Cursor } from '../http/pagination.ts'
import { READERS_TOPIC, type Topics } from '../cache/page-cache.ts'

/**
 * Background jobs: one interface, two runners (docs/decisions/0018).
 * - PostgreSQL: pg-boss. Jobs are rows in its schema, shared by every app process, kept across restarts.
 * - SQLite: an in-process runner over the `jobs` table, with the same guarantees within the one process.
 *
 * A module declares its jobs in its manifest (`jobs: [sendDigest]`, each made by `defineJob`) and enqueues
 * them with `app.jobs.enqueue(trx, sendDigest, payload)` in the transaction of the change that calls for them:
 * if that transaction rolls back, the job never existed.
 *
 * Delivery is at least once: a handler may run again after a crash or a retry, so it records what it has
 * done (in its own tables, in its own transaction) and skips that on the next run.
 */

/** What a handler gets besides its payload. */
export interface JobRun {
  /** The job's id (a UUID). */
  id: string
  /** 0 on the first run, then 1, 2… on retries (and after a crash). */
  retryCount: number
  /** The built app: `app.db`, `app.mailer`, `app.views`, `app.jobs`, `app.config`, `app.log`. */
  app: FastifyInstance
  /**
   * Tells the page cache that this run changed what readers see (the job's `changes`): cached anonymous pages that
   * show it and pages shared between signed-in readers are voided in every process, as a write route's are. Call it
   * after the transaction that made the change committed, and only when something changed (a poll that found
   * nothing new voids nothing).
   */
  changed(): Promise<void>
}

export interface RetryPolicy {
  /** Retries after the first failure before the job goes to the failed list (the dead letters). */
  limit: number
  /** Seconds before the first retry. */
  delaySeconds: number
  /** Doubles the delay after each failure (exponential back-off). */
  backoff: boolean
}

export interface JobDefinition<P extends object = object> {
  /** `<module>.<what-it-does>`, e.g. `follows.send-digest`: letters, digits, `.`, `-` and `_`. */
  name: string
  run(payload: P, job: JobRun): Promise<void>
  /** Default: 3 retries, from 30 s, doubling. */
  retry?: RetryPolicy
  /** Seconds a run may take before it counts as lost and is retried (default 15 minutes). */
  expireSeconds?: number
  /** Repeat on a cron pattern (five fields, UTC): enqueued with `{}` at each match, once across processes. */
  cron?: string
  /** Seconds a finished or failed run stays listed (and its `key` taken); default 14 days. Frequent jobs keep less. */
  keepSeconds?: number
  /**
   * What a run may change that readers see, as page-cache topics (`'*'`, the default: anything), voided when the run
   * calls `changed()`: a job that imports posts or flags a broken website says so, as a write route's `invalidates` does.
   */
  changes?: Topics
}

/** Declares a job (the payload type travels with it, so `enqueue` is checked against it). */
export function defineJob<P extends object>(definition: JobDefinition<P>): JobDefinition<P> {
  if (!/^[a-z0-9][a-z0-9._-]{0,99}$/i.test(definition.name)) throw new Error(`Job name "${definition.name}" must be letters, digits, ".", "-" and "_"`)
  return definition
}

export const defaultRetry: RetryPolicy = { limit: 3, delaySeconds: 30, backoff: true }
export const defaultExpireSeconds = 15 * 60
/** How long finished and failed jobs stay listed (and a `key` keeps refusing a duplicate), unless a job says. */
export const keepSeconds = 14 * 24 * 3600

export interface EnqueueOptions {
  /** Run at or after this time (schedule at a time); default: now. */
  startAfter?: Date
  /**
   * Enqueue at most once for this key (per job name), while the first job is kept (14 days): a second
   * enqueue with the same key returns null. E.g. `digest:<person>:<date>`.
   */
  key?: string
}

/** The states a job moves through (pg-boss's names). */
export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed'

/** The lists of the admin page: waiting to run, failed for good (dead letters), run more than once. */
export type JobList = 'queued' | 'active' | 'failed' | 'retried' | 'completed'

/** The states in each list. */
export const listStates: Record<JobList, JobState[]> = {
  queued: ['created', 'retry'],
  active: ['active'],
  failed: ['failed'],
  retried: ['created', 'retry', 'active', 'completed', 'failed'],
  completed: ['completed'],
}

/** One job as the admin page shows it. */
export interface JobSummary {
  id: string
  name: string
  state: JobState
  payload: unknown
  retryCount: number
  retryLimit: number
  /** The last error (failed and retrying jobs). */
  error: string | null
  createdAt: string
  startAfter: string
  startedAt: string | null
  completedAt: string | null
}

export interface Jobs {
  /**
   * Adds a job. Pass the transaction of the change that calls for it (`trx`): the job is written in it,
   * so it runs only if that transaction commits. Returns the job's id, or null when `key` was taken.
   */
  enqueue<P extends object>(db: Db, job: JobDefinition<P>, payload: P, options?: EnqueueOptions): Promise<string | null>
  /** Starts running the given jobs in this process: workers, repeats, retries. Once per process. */
  work(definitions: Array<JobDefinition<any>>, app: FastifyInstance): Promise<void>
  /** Stops taking jobs, waits briefly for running ones, releases connections. */
  close(): Promise<void>
  /** Admin: how many jobs in each list. */
  counts(): Promise<Record<JobList, number>>
  /** Admin: one list, newest first, keyset-paginated (limit + 1 rows). */
  list(list: JobList, options: { cursor: Cursor | null; limit: number }): Promise<JobSummary[]>
  find(id: string): Promise<JobSummary | null>
  /** Admin: runs a failed job again (fresh retries). False when it is not failed any more. */
  retry(id: string): Promise<boolean>
  /** Admin: removes a queued or failed job. False when it is running or gone. */
  discard(id: string): Promise<boolean>
}

/** What a handler gets: the run, and `changed()` voiding the pages of the job's `changes` (and every shared page). */
export function jobRun(definition: JobDefinition<any>, id: string, retryCount: number, app: FastifyInstance): JobRun {
  const changes = definition.changes ?? '*'
  return { id, retryCount, app, changed: () => app.pageCache.changed(changes === '*' ? changes : [...changes, READERS_TOPIC]) }
}

/** A stable UUID for (job name, key): the same key gives the same id, so the second enqueue finds it taken. */
export function keyedId(name: string, key: string): string {
  const h = createHash('sha256').update(`${name}\u0000${key}`).digest('hex')
  // Shaped as a version-5-like UUID (pg-boss stores ids as uuid).
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** Seconds before retry number `retryCount + 1` (pg-boss's rule without its jitter). */
export function retryDelaySeconds(policy: RetryPolicy, retryCount: number): number {
  return policy.backoff ? policy.delaySeconds * 2 ** Math.min(16, retryCount) : policy.delaySeconds
}

/** The error of a failed run as it is stored and shown: its message, never a stack. */
export function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 1000)
}
