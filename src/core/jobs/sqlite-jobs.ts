import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { CronExpressionParser } from 'cron-parser'
import type { Kysely } from 'kysely'
import type { Executor } from '../db/database.ts'
import type { JobsTable, JobsTables } from './jobs.tables.ts'
import { afterCursor } from '../http/pagination.ts'
import {
  defaultExpireSeconds, defaultRetry, errorText, jobRun, keepSeconds, keyedId, listStates, retryDelaySeconds,
  type JobDefinition, type JobList, type Jobs, type JobSummary,
} from './jobs.ts'

type JobsDb = Executor<JobsTables>

const later = (seconds: number, from = Date.now()) => new Date(from + seconds * 1000).toISOString()

/**
 * The in-process runner for SQLite: jobs are rows of `jobs`, written in the caller's transaction; a poll loop
 * claims due ones (one statement, so never twice), runs up to `concurrency` at a time, retries with back-off
 * and keeps the failed ones listed. One process owns an SQLite file, so on start every job still marked active
 * was cut off by a stop or a crash: it is put back to run again.
 */
export function createSqliteJobs(database: Kysely<{}>, log: FastifyBaseLogger, options: { pollMs: number; concurrency?: number }): Jobs {
  const db: JobsDb = database
  const concurrency = options.concurrency ?? 4
  const definitions = new Map<string, JobDefinition<any>>()
  const running = new Set<Promise<void>>()
  let app: FastifyInstance | null = null
  let timer: NodeJS.Timeout | null = null
  let ticking = false
  let again = false
  let stopped = false

  async function recoverInterrupted(): Promise<void> {
    const at = new Date().toISOString()
    const interrupted = 'Interrupted: the process stopped while the job ran'
    await db.updateTable('jobs').set((eb) => ({ state: 'failed', error: interrupted, completed_at: at, retry_count: eb('retry_count', '+', 1) }))
      .where('state', '=', 'active').whereRef('retry_count', '>=', 'retry_limit').execute()
    await db.updateTable('jobs').set((eb) => ({ state: 'retry', error: interrupted, start_after: at, retry_count: eb('retry_count', '+', 1) }))
      .where('state', '=', 'active').execute()
  }

  /** Enqueues each repeating job whose latest cron time passed since its last run (once, however many were missed). */
  async function fireSchedules(): Promise<void> {
    const due = [...definitions.values()].filter((d) => d.cron)
    if (!due.length) return
    const rows = await db.selectFrom('job_schedules').selectAll().execute()
    const last = new Map(rows.map((r) => [r.name, r.last_at]))
    for (const def of due) {
      const latest = CronExpressionParser.parse(def.cron!, { currentDate: new Date(), tz: 'UTC' }).prev().toDate().toISOString()
      const before = last.get(def.name)
      if (!before || latest <= before) continue
      await database.transaction().execute(async (trx) => {
        const moved = await (trx as JobsDb).updateTable('job_schedules').set({ last_at: latest }).where('name', '=', def.name).where('last_at', '=', before).executeTakeFirst()
        if (Number(moved.numUpdatedRows) === 1) await jobs.enqueue(trx, def, {}, { key: `cron:${latest}` })
      })
    }
  }

  /** A run that outlived its time is counted as a failed attempt (as pg-boss's supervisor does). */
  async function expireLost(): Promise<void> {
    const active = await db.selectFrom('jobs').selectAll().where('state', '=', 'active').execute()
    const nowMs = Date.now()
    for (const job of active) {
      if (Date.parse(job.started_at!) + job.expire_seconds * 1000 < nowMs) await settle(job, new Error(`Timed out after ${job.expire_seconds} seconds`))
    }
  }

  async function claim(): Promise<JobsTable | undefined> {
    const names = [...definitions.keys()]
    if (!names.length) return undefined
    const at = new Date().toISOString()
    return db
      .updateTable('jobs')
      .set({ state: 'active', started_at: at })
      .where('id', '=', (eb) =>
        eb.selectFrom('jobs').select('id').where('state', 'in', ['created', 'retry']).where('start_after', '<=', at).where('name', 'in', names).orderBy('start_after').orderBy('id').limit(1),
      )
      .where('state', 'in', ['created', 'retry'])
      .returningAll()
      .executeTakeFirst()
  }

  /** Records the outcome of one run: done, retry later, or failed for good. Only if the run still owns the job. */
  async function settle(job: JobsTable, err: unknown): Promise<void> {
    const at = new Date().toISOString()
    let q = db.updateTable('jobs').where('id', '=', job.id).where('state', '=', 'active').where('started_at', '=', job.started_at)
    const keep = definitions.get(job.name)?.keepSeconds ?? keepSeconds
    if (err === null) {
      q = q.set({ state: 'completed', completed_at: at, keep_until: later(keep) })
    } else if (job.retry_count < job.retry_limit) {
      const policy = { limit: job.retry_limit, delaySeconds: job.retry_delay, backoff: job.retry_backoff === 1 }
      q = q.set({ state: 'retry', retry_count: job.retry_count + 1, start_after: later(retryDelaySeconds(policy, job.retry_count)), error: errorText(err) })
    } else {
      q = q.set({ state: 'failed', completed_at: at, keep_until: later(keep), error: errorText(err) })
    }
    await q.execute()
  }

  async function run(job: JobsTable): Promise<void> {
    const def = definitions.get(job.name)!
    let outcome: unknown = null
    try {
      await def.run(JSON.parse(job.payload), jobRun(def, job.id, job.retry_count, app!))
    } catch (err) {
      outcome = err ?? new Error('failed')
      log.warn({ err, job: job.name, id: job.id }, 'job failed')
    }
    if (!stopped) await settle(job, outcome).catch((err) => log.error({ err }, 'recording a job outcome failed'))
  }

  async function tick(): Promise<void> {
    if (stopped) return
    if (ticking) {
      again = true
      return
    }
    ticking = true
    try {
      do {
        again = false
        await fireSchedules()
        await expireLost()
        while (!stopped && running.size < concurrency) {
          const job = await claim()
          if (!job) break
          const p = run(job).finally(() => {
            running.delete(p)
            nudge()
          })
          running.add(p)
        }
        await db.deleteFrom('jobs').where('state', 'in', ['completed', 'cancelled', 'failed']).where('keep_until', '<', new Date().toISOString()).execute()
      } while (again && !stopped)
    } catch (err) {
      if (!stopped) log.error({ err }, 'job runner poll failed')
    } finally {
      ticking = false
    }
  }

  function nudge(): void {
    if (timer && !stopped) setImmediate(() => void tick())
  }

  const jobs: Jobs = {
    async enqueue(executor, job, payload, options = {}) {
      const retry = job.retry ?? defaultRetry
      const id = options.key ? keyedId(job.name, options.key) : randomUUID()
      const at = new Date().toISOString()
      const result = await (executor as JobsDb)
        .insertInto('jobs')
        .values({
          id, name: job.name, payload: JSON.stringify(payload), state: 'created', retry_count: 0,
          retry_limit: retry.limit, retry_delay: retry.delaySeconds, retry_backoff: retry.backoff ? 1 : 0,
          expire_seconds: job.expireSeconds ?? defaultExpireSeconds, start_after: (options.startAfter ?? new Date()).toISOString(),
          started_at: null, completed_at: null, error: null, keep_until: later(job.keepSeconds ?? keepSeconds), created_at: at,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst()
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return null
      nudge()
      return id
    },

    async work(defs, builtApp) {
      if (timer) throw new Error('jobs.work() runs once per process')
      app = builtApp
      for (const def of defs) {
        if (definitions.has(def.name)) throw new Error(`Two jobs named "${def.name}"`)
        definitions.set(def.name, def)
      }
      await recoverInterrupted()
      const at = new Date().toISOString()
      for (const def of defs) {
        if (def.cron) await db.insertInto('job_schedules').values({ name: def.name, cron: def.cron, last_at: at }).onConflict((oc) => oc.column('name').doUpdateSet({ cron: def.cron! })).execute()
      }
      timer = setInterval(() => void tick(), options.pollMs)
      timer.unref()
      nudge()
    },

    async close() {
      stopped = true
      if (timer) clearInterval(timer)
      // A job still running after this is left active: the next start runs it again.
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, 5000).unref())])
    },

    async counts() {
      const rows = await db.selectFrom('jobs').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute()
      const retried = await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('retry_count', '>', 0).executeTakeFirstOrThrow()
      const by = new Map(rows.map((r) => [r.state, Number(r.n)]))
      const sum = (list: JobList) => listStates[list].reduce((n, s) => n + (by.get(s) ?? 0), 0)
      return { queued: sum('queued'), active: sum('active'), failed: sum('failed'), completed: sum('completed'), retried: Number(retried.n) }
    },

    async list(list, { cursor, limit }) {
      let q = db.selectFrom('jobs').selectAll().where('state', 'in', listStates[list])
      if (list === 'retried') q = q.where('retry_count', '>', 0)
      if (cursor) q = q.where((eb) => afterCursor(eb, 'created_at', 'id', cursor))
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute()
      return rows.map(summary)
    },

    async find(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? summary(row) : null
    },

    async retry(id) {
      // As pg-boss: one more attempt, now.
      const r = await db.updateTable('jobs').set((eb) => ({ state: 'retry', retry_count: eb('retry_count', '+', 1), retry_limit: eb('retry_limit', '+', 1), completed_at: null, start_after: new Date().toISOString() }))
        .where('id', '=', id).where('state', '=', 'failed').executeTakeFirst()
      nudge()
      return Number(r.numUpdatedRows) === 1
    },

    async discard(id) {
      const r = await db.deleteFrom('jobs').where('id', '=', id).where('state', '!=', 'active').executeTakeFirst()
      return Number(r.numDeletedRows) === 1
    },
  }
  return jobs
}

function summary(row: JobsTable): JobSummary {
  return {
    id: row.id, name: row.name, state: row.state, payload: JSON.parse(row.payload), retryCount: row.retry_count, retryLimit: row.retry_limit,
    error: row.error, createdAt: row.created_at, startAfter: row.start_after, startedAt: row.started_at, completedAt: row.completed_at,
  }
}
