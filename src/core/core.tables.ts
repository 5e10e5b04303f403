import type { Executor } from './db/database.ts'
import type { AuthTables } from './auth/auth.tables.ts'
import type { AccessTables } from './access/access.tables.ts'
import type { SearchTables } from './search/search.tables.ts'
import type { HttpTables } from './http/http.tables.ts'
import type { JobsTables } from './jobs/jobs.tables.ts'

/** The core's own tables: people who can sign in and their sessions, spaces and membership, the audit log, the search index, the in-process job runner's jobs (SQLite). */
export interface CoreTables extends AuthTables, AccessTables, SearchTables, HttpTables, JobsTables {}

/** The executor core code works through: its own tables only. */
export type CoreDb = Executor<CoreTables>
