import type { Executor } from './db/database.ts'
import type { AuthTables } from './auth/auth.tables.ts'
import type { AccessTables } from './access/access.tables.ts'
import type { SearchTables } from './search/search.tables.ts'

/** The core's own tables: people who can sign in and their sessions, spaces and membership, the audit log, the search index. */
export interface CoreTables extends AuthTables, AccessTables, SearchTables {}

/** The executor core code works through: its own tables only. */
export type CoreDb = Executor<CoreTables>

/**
 * Core tables a feature module may declare in its own executor type. Spaces and their membership
 * are shared by design (a community is a space); everything else of the core's is reached through
 * core functions, and people through the accounts module.
 */
export type SharedCoreTables = Pick<CoreTables, 'spaces' | 'space_members'>
