import type { Config } from '../../src/config.ts'
import { migrate, seedIfEmpty } from '../../src/core/db/setup.ts'
import type { DatabaseHandle, Dialect } from '../../src/core/db/database.ts'
import { modules } from '../../src/modules.ts'
import { testConfig } from './app.ts'
import { createTestDatabase } from './databases.ts'

/** A fresh database, migrated and filled with the demo content as `npm start` fills it on a first start. */
export async function demoDatabase(dialect: Dialect, config: Partial<Config> = {}): Promise<DatabaseHandle> {
  const database = await createTestDatabase(dialect)
  await migrate(database, modules)
  await seedIfEmpty(database, testConfig({ demoContent: true, ...config }), modules)
  return database
}
