import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.ts'
import type { DatabaseHandle } from '../db/database.ts'
import type { AppModule } from '../module.ts'
import type { Jobs } from './jobs.ts'
import { createPgBossJobs } from './pg-boss-jobs.ts'
import { createSqliteJobs } from './sqlite-jobs.ts'

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
    app.addHook('onReady', async () => {
      if (app.config.jobs.run) await jobs.work(options.modules.flatMap((m) => m.jobs ?? []), app)
    })
    app.addHook('onClose', async () => jobs.close())
  },
  { name: 'openly-jobs' },
)
