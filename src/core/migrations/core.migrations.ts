import type { OpenlyMigration } from '../db/migrations.ts'
import { migration as createUsers } from './20261123T100000_core_create_users.ts'
import { migration as createSpaces } from './20261123T100100_core_create_spaces.ts'
import { migration as createSearch } from './20261123T100200_core_create_search.ts'

/** The core's own tables: people and sessions, spaces and membership, the audit log, the search index. */
export const coreMigrations: Record<string, OpenlyMigration> = {
  '20261123T100000_core_create_users': createUsers,
  '20261123T100100_core_create_spaces': createSpaces,
  '20261123T100200_core_create_search': createSearch,
}
