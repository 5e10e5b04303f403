import type { Executor } from '../../core/db/database.ts'

/** People who asked (with the one-click link in a nudge) not to be asked whether their entries are still current. */
export interface DirectoryNudgeOptOutsTable {
  user_id: string
  created_at: string
}

/** Tables owned by the directory module (its nudges; the entries themselves belong to organisations and projects). */
export interface DirectoryNudgesTables {
  directory_nudge_optouts: DirectoryNudgeOptOutsTable
}

export type NudgesDb = Executor<DirectoryNudgesTables>
