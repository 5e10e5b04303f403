import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import type { Dialect } from './database.ts'

/** A migration gets the dialect so it can branch where SQL differs (FTS5 vs tsvector, partial indexes). */
export interface OpenlyMigration {
  up(db: Kysely<any>, dialect: Dialect): Promise<void>
}

/**
 * Merges every module's migrations into one global order. Names are
 * `<UTC timestamp>_<module>_<verb_noun>`, so sorting by name sorts by time.
 */
class ModuleMigrationProvider implements MigrationProvider {
  #migrations: Record<string, Migration>
  constructor(migrations: Record<string, Migration>) {
    this.#migrations = migrations
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.#migrations
  }
}

/** Runs all pending migrations; throws if one fails (it is rolled back on PostgreSQL). */
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect, sets: Array<Record<string, OpenlyMigration>>): Promise<void> {
  const all: Record<string, Migration> = {}
  for (const set of sets) {
    for (const [name, migration] of Object.entries(set)) {
      if (all[name]) throw new Error(`Two migrations are named ${name}`)
      all[name] = { up: (db) => migration.up(db, dialect) }
    }
  }
  const migrator = new Migrator({ db, provider: new ModuleMigrationProvider(all) })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error) throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
}
