import type { OpenlyMigration } from '../db/migrations.ts'
import { migration as createUsers } from './20261123T100000_core_create_users.ts'
import { migration as createSpaces } from './20261123T100100_core_create_spaces.ts'
import { migration as createSearch } from './20261123T100200_core_create_search.ts'
import { migration as usersSuspended } from './20261130T090000_core_users_suspended.ts'
import { migration as spaceAdminAccess } from './20261130T090200_core_create_space_admin_access.ts'
import { migration as searchScheduleIndex } from './20261130T130000_core_search_schedule_index.ts'

/** The core's own tables: people and sessions, spaces and membership, the audit log, the search index. */
export const coreMigrations: Record<string, OpenlyMigration> = {
  '20261123T100000_core_create_users': createUsers,
  '20261123T100100_core_create_spaces': createSpaces,
  '20261123T100200_core_create_search': createSearch,
  '20261130T090000_core_users_suspended': usersSuspended,
  '20261130T090200_core_create_space_admin_access': spaceAdminAccess,
  '20261130T130000_core_search_schedule_index': searchScheduleIndex,
}
