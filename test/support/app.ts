import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { wholeDatabase, type Database } from '../../src/database.ts'
import { buildApp } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import type { Dialect, DatabaseHandle } from '../../src/core/db/database.ts'
import { migrate } from '../../src/core/db/setup.ts'
import type { AppModule } from '../../src/core/module.ts'
import { modules as allModules } from '../../src/modules.ts'
import { createTestDatabase } from './databases.ts'

export interface TestApp {
  app: FastifyInstance
  /** The whole database, typed, for tests that set up or check rows across modules. */
  db: Kysely<Database>
  database: DatabaseHandle
  config: Config
  close(): Promise<void>
}

/**
 * Test configuration: real components, smaller password-hash cost (PASSWORD_COST) so suites stay quick.
 * Trust levels are off (every test account is brand new): their own tests turn them on.
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig({}, { baseUrl: 'http://openly.test', sessionSecret: 'test-session-secret-at-least-32-chars!!', demoContent: false, logMail: false, passwordCost: 12, trust: { newAccountDays: 0, approvals: 2 }, jobs: { run: true, pollMs: 100 }, ...overrides })
}

/** Builds the whole app over a fresh database of the given dialect, migrated. */
export async function buildTestApp(dialect: Dialect, options: { config?: Partial<Config>; modules?: AppModule[] } = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect)
  const modules = options.modules ?? allModules
  await migrate(database, modules)
  const config = testConfig(options.config)
  const app = await buildApp(config, database, { modules, logger: false })
  await app.ready()
  return {
    app,
    db: wholeDatabase(database),
    database,
    config,
    async close() {
      await app.close()
      await database.close()
    },
  }
}
