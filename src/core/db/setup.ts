import type { Config } from '../../config.ts'
import type { AppModule, SeedContext } from '../module.ts'
import type { CoreDb } from '../core.tables.ts'
import { coreMigrations } from '../migrations/core.migrations.ts'
import { registerAllPolicies } from '../access/spaces.policy.ts'
import type { DatabaseHandle } from './database.ts'
import { migrateToLatest } from './migrations.ts'

/** Migrates the core and every module, in one global order. */
export async function migrate(database: DatabaseHandle, modules: AppModule[]): Promise<void> {
  await migrateToLatest(database.db, database.dialect, [coreMigrations, ...modules.map((m) => m.migrations ?? {})], database.location)
}

/**
 * Loads demo content into an empty database (no people yet), all in one transaction,
 * and returns the demo accounts' sign-in details. Returns null when nothing was seeded.
 */
export async function seedIfEmpty(database: DatabaseHandle, config: Config, modules: AppModule[]): Promise<SeedContext['accounts'] | null> {
  if (!config.demoContent) return null
  const core: CoreDb = database.db
  const { n } = await core.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  if (Number(n) > 0) return null
  const accounts: SeedContext['accounts'] = []
  registerAllPolicies(modules)
  await database.db.transaction().execute(async (trx) => {
    for (const m of modules) if (m.seed) await m.seed({ db: trx, config, accounts, modules })
  })
  return accounts
}
