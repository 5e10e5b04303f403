import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.ts'
import type { DatabaseHandle } from '../db/database.ts'
import { databaseUnavailable } from '../db/errors.ts'
import type { AppModule } from '../module.ts'
import type { Jobs } from './jobs.ts'
import { createSqliteJobs } from './sqlite-jobs.ts'
import { compactLexemesJob } from '../search/lexemes.ts'

/** The core's own jobs: the search index's word counts folded in (decision 0041). */
const coreJobs = [compactLexemesJob]

declare module 'fastify' {
  interface FastifyInstance {
    /** Background jobs (core/jobs/jobs.ts): `app.jobs.enqueue(trx, job, payload)`. */
    jobs: Jobs
  }
}

/** The jobs of this database: pg-boss on PostgreSQL, the in-process runner on SQLite. Nothing runs until `work()`. */
export async function openJobs(database: DatabaseHandle, config: Pick<Config, 'jobs'>, log: FastifyBaseLogger): Promise<Jobs> {
  if (database.dialect === 'postgres') {
    if (!database.url) throw new Error('PostgreSQL jobs need the database URL')
    // pg-boss is loaded on PostgreSQL only (as pg is: core/db/database.ts).
    const { createPgBossJobs } = await import('./pg-boss-jobs.ts')
    return createPgBossJobs(database.db, database.url, log, { run: config.jobs.run, pollSeconds: Math.max(0.5, config.jobs.pollMs / 1000) })
  }
  return createSqliteJobs(database.db, log, { pollMs: config.jobs.pollMs })
}

/**
 * `app.jobs`, and, when this process works jobs (JOBS_RUN, on by default), the workers of every job the
 * modules declare in their manifests, started once the app is ready and stopped when it closes.
 */
export const jobsPlugin = fp(
  async (app: FastifyInstance, options: { database: DatabaseHandle; modules: AppModule[] }) => {
    const jobs = await openJobs(options.database, app.config, app.log)
    app.decorate('jobs', jobs)
    // A database that is read-only, full or away at start does not stop the app from serving readers (503s for
    // writes, decision 0019): the workers start once it takes writes again, tried every half minute.
    let retry: NodeJS.Timeout | undefined
    const start = async (): Promise<void> => {
      try {
        await jobs.work([...coreJobs, ...options.modules.flatMap((m) => m.jobs ?? [])], app)
      } catch (err) {
        const why = databaseUnavailable(err)
        if (!why) throw err
        app.log.error({ err }, `jobs: not started, the database is ${why}; trying again in 30 s`)
        retry = setTimeout(() => void start().catch((e: unknown) => app.log.error({ err: e }, 'jobs: could not start')), 30_000)
        retry.unref()
      }
    }
    app.addHook('onReady', async () => {
      if (app.config.jobs.run) await start()
    })
    app.addHook('onClose', async () => {
      clearTimeout(retry)
      await jobs.close()
    })
  },
  { name: 'openly-jobs' },
)
