import type { Db } from './db/database.ts'
import type { AppModule } from './module.ts'

/** Kinds of directory entry that can be merged (a duplicate into the entry that stays). */
export type MergeKind = 'organisation' | 'project'

/**
 * Moves a module's own rows that name the duplicate (`fromId`) onto the entry that stays (`toId`), resolving
 * conflicts without losing anything (a person following both follows the survivor once). Runs in the merge's
 * transaction, before the duplicate is removed.
 */
export type MergeHook = (db: Db, fromId: string, toId: string) => Promise<void>

/** Every module's hook for this kind, in dependency order: each moves its own rows, never another module's (0024). */
export async function runMergeHooks(modules: readonly AppModule[], db: Db, kind: MergeKind, fromId: string, toId: string): Promise<void> {
  for (const m of modules) await m.onMerge?.[kind]?.(db, fromId, toId)
}
