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

/** Where a migration's source is, from its name (`<timestamp>_<module>_<what>`). */
export function migrationFile(name: string): string {
  const module = name.split('_')[1] ?? ''
  return module === 'core' ? `src/core/migrations/${name}.ts` : `src/modules/${module}/migrations/${name}.ts`
}

/**
 * Runs all pending migrations; throws if one fails (it is rolled back on PostgreSQL), naming the migration, its
 * file and the database (`location`), with the database's own error.
 */
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect, sets: Array<Record<string, OpenlyMigration>>, location = 'the database'): Promise<void> {
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
  if (!error) return
  const reason = error instanceof Error ? error.message : String(error)
  if (failed) throw new Error(`Migration ${failed.migrationName} (${migrationFile(failed.migrationName)}) failed on ${location}: ${reason}`, { cause: error })
  throw new Error(`Could not migrate ${location}: ${reason}`, { cause: error })
}
