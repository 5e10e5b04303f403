import type { FastifyBaseLogger } from 'fastify'
import { PgBoss, fromKysely } from 'pg-boss'
import type { Kysely } from 'kysely'
import type { Db } from '../db/database.ts'
import {
  defaultExpireSeconds, defaultRetry, jobRun, keepSeconds, keyedId,
  type JobDefinition, type Jobs,
} from './jobs.ts'
import { countJobs, findJob, listJobs } from './pg-boss.queries.ts'

/**
 * Jobs on PostgreSQL through pg-boss: rows in its `pgboss` schema (created and migrated by pg-boss when it
 * starts, under an advisory lock, so several processes may start at once). Enqueueing writes through the
 * caller's Kysely transaction (pg-boss's `fromKysely` adapter), so a rolled-back change leaves no job.
 * Any process that works jobs fetches with `FOR UPDATE SKIP LOCKED` (each job runs once at a time), and its
 * supervisor retries jobs whose process died (after their `expireSeconds`) and fires cron schedules once.
 */
export async function createPgBossJobs(database: Kysely<{}>, connectionString: string, log: FastifyBaseLogger, options: { run: boolean; pollSeconds: number }): Promise<Jobs> {
  const boss = new PgBoss({
    connectionString,
    max: 4,
    application_name: 'openly-jobs',
    // Maintenance (expiring lost jobs, deleting old ones) and cron only in processes that work jobs.
    supervise: options.run,
    schedule: options.run,
    // How soon a job whose process died is retried, after its expireSeconds.
    superviseIntervalSeconds: Math.max(1, Math.min(60, options.pollSeconds * 4)),
    monitorIntervalSeconds: Math.max(1, Math.min(60, options.pollSeconds * 4)),
  })
  boss.on('error', (err) => log.error({ err }, 'pg-boss error'))
  await boss.start()

  const queues = new Map<string, Promise<void>>()
  const ensureQueue = (job: JobDefinition<any>) => {
    let ready = queues.get(job.name)
    if (!ready) {
      const retry = job.retry ?? defaultRetry
      ready = boss.createQueue(job.name, {
        retryLimit: retry.limit,
        retryDelay: retry.delaySeconds,
        retryBackoff: retry.backoff,
        expireInSeconds: job.expireSeconds ?? defaultExpireSeconds,
        deleteAfterSeconds: job.keepSeconds ?? keepSeconds,
      })
      ready.catch(() => queues.delete(job.name))
      queues.set(job.name, ready)
    }
    return ready
  }

  let working = false
  return {
    async enqueue(executor, job, payload, options = {}) {
      await ensureQueue(job)
      return boss.send(job.name, payload, {
        ...(options.key ? { id: keyedId(job.name, options.key) } : {}),
        ...(options.startAfter ? { startAfter: options.startAfter } : {}),
        // The caller's connection (and so its transaction, if it is one).
        db: fromKysely(executor as Db),
      })
    },

    async work(defs, app) {
      if (working) throw new Error('jobs.work() runs once per process')
      working = true
      for (const def of defs) {
        await ensureQueue(def)
        await boss.work<object>(def.name, { pollingIntervalSeconds: options.pollSeconds, batchSize: 1 }, async ([job]) => {
          await def.run(job!.data, jobRun(def, job!.id, job!.retryCount ?? 0, app))
        })
        if (def.cron) await boss.schedule(def.name, def.cron, {}, { tz: 'UTC' })
      }
    },

    async close() {
      // Running jobs get a few seconds; one still running is retried after its expiry by any process.
      await boss.stop({ graceful: true, timeout: 5000, close: true }).catch((err) => log.error({ err }, 'stopping pg-boss failed'))
    },

    counts: () => countJobs(database),
    list: (list, page) => listJobs(database, list, page),
    find: (id) => findJob(database, id),

    async retry(id) {
      const job = await findJob(database, id)
      if (!job || job.state !== 'failed') return false
      const r = await boss.retry(job.name, id)
      return affected(r) === 1
    },

    async discard(id) {
      const job = await findJob(database, id)
      if (!job || job.state === 'active') return false
      const r = await boss.deleteJob(job.name, id)
      return affected(r) === 1
    },
  }
}

/** pg-boss answers commands with `{ affected }` (its published type leaves it out). */
const affected = (response: object) => (response as { affected?: number }).affected ?? 0
