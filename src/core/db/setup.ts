import type { Config } from '../../config.ts'
import type { AppModule, SeedContext } from '../module.ts'
import type { CoreDb } from '../core.tables.ts'
import { coreMigrations } from '../migrations/core.migrations.ts'
import { registerAllPolicies } from '../access/spaces.policy.ts'
import type { DatabaseHandle } from './database.ts'
import { migrateToLatest } from './migrations.ts'
import { openJobs } from '../jobs/plugin.ts'
import type { FastifyBaseLogger } from 'fastify'

/** Migrates the core and every module, in one global order. */
export async function migrate(database: DatabaseHandle, modules: AppModule[]): Promise<void> {
  await migrateToLatest(database.db, database.dialect, [coreMigrations, ...modules.map((m) => m.migrations ?? {})])
}

/**
 * Loads demo content into an empty database (no people yet), all in one transaction,
 * and returns the demo accounts' sign-in details. Returns null when nothing was seeded.
 */
export async function seedIfEmpty(database: DatabaseHandle, config: Config, modules: AppModule[], log: FastifyBaseLogger = silentLog): Promise<SeedContext['accounts'] | null> {
  if (!config.demoContent) return null
  const core: CoreDb = database.db
  const { n } = await core.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  if (Number(n) > 0) return null
  const accounts: SeedContext['accounts'] = []
  registerAllPolicies(modules)
  // Demo jobs are only enqueued here (in the seed's transaction); the app's workers run them once it starts.
  const jobs = await openJobs(database, { jobs: { ...config.jobs, run: false } }, log)
  try {
    await database.db.transaction().execute(async (trx) => {
      for (const m of modules) if (m.seed) await m.seed({ db: trx, config, accounts, modules, jobs })
    })
  } finally {
    await jobs.close()
  }
  return accounts
}

const noop = () => {}
/** A logger that says nothing (seeding and tools outside the app). */
export const silentLog = { info: noop, warn: noop, error: noop, debug: noop, trace: noop, fatal: noop, level: 'silent', silent: noop, child: () => silentLog } as unknown as FastifyBaseLogger
