import type { Kysely, SelectType } from 'kysely'
import type { Executor } from '../db/database.ts'
import type { Actor } from './policy.ts'
import { noteAuthors, noteFact, untrace } from './reader-trace.ts'

const NAME = /^[a-z_][a-z0-9_]*$/

/**
 * The reader's own row in `table` (their id in `reader`, and `match`'s values in its columns), or undefined: the one
 * way a rule or panel reads a personal fact — am I on this project's team, do I follow it, am I going to this event.
 *
 * Read so, the fact does not make a shared page personal (decision 0028): while a page renders for sharing
 * (core/cache/shared.ts), a fact found false is noted, and the page is served only to readers of the same standing
 * for whom it is false too (one statement checks every noted fact for the next reader); found true, the page is
 * rendered for that reader alone. Reading `actor.userId` instead would mark every such page personal: correct, slower.
 * Anonymous readers have no rows.
 */
export async function readerRow<DB, T extends keyof DB & string, S extends keyof DB[T] & string>(
  db: Executor<DB>,
  traced: Actor,
  table: T,
  reader: keyof DB[T] & string,
  match: { readonly [C in keyof DB[T] & string]?: string },
  select: readonly S[],
): Promise<{ [C in S]: SelectType<DB[T][C]> } | undefined> {
  const { actor, trace } = untrace(traced)
  if (actor.userId === null) return undefined
  const columns = Object.keys(match) as string[]
  // Names go into the statement shared.ts compiles for the next reader: identifiers only (they come from code).
  if (![table, reader, ...columns, ...select].every((n) => NAME.test(n))) throw new Error(`readerRow: not a plain name in ${table}`)
  const from = (db as unknown as Kysely<any>).selectFrom(table as string)
  let query = from.select(select as unknown as string[]).where(reader as string, '=', actor.userId)
  for (const column of columns) query = query.where(column, '=', (match as Record<string, string>)[column]!)
  const row = (await query.limit(1).executeTakeFirst()) as { [C in S]: SelectType<DB[T][C]> } | undefined
  noteFact(trace, { table, reader, match: { ...(match as Record<string, string>) } }, row !== undefined)
  return row
}

/** Whether the reader has such a row (readerRow, for a yes or no). */
export async function readerHas<DB, T extends keyof DB & string>(db: Executor<DB>, traced: Actor, table: T, reader: keyof DB[T] & string, match: { readonly [C in keyof DB[T] & string]?: string }): Promise<boolean> {
  return (await readerRow(db, traced, table, reader, match, [reader])) !== undefined
}

/**
 * The reader's rows in `table` for each of `values` in column `key` (their replies to these 20 events), keyed by that
 * value: one statement, and one fact per value (readerRow).
 */
export async function readerRowsIn<DB, T extends keyof DB & string, K extends keyof DB[T] & string, S extends keyof DB[T] & string>(
  db: Executor<DB>,
  traced: Actor,
  table: T,
  reader: keyof DB[T] & string,
  key: K,
  values: readonly string[],
  select: readonly S[],
): Promise<Map<string, { [C in S | K]: SelectType<DB[T][C]> }>> {
  const { actor, trace } = untrace(traced)
  const out = new Map<string, { [C in S | K]: SelectType<DB[T][C]> }>()
  if (actor.userId === null || values.length === 0) return out
  if (![table, reader, key, ...select].every((n) => NAME.test(n))) throw new Error(`readerRowsIn: not a plain name in ${table}`)
  const from = (db as unknown as Kysely<any>).selectFrom(table as string)
  const rows = (await from
    .select([key, ...select] as unknown as string[])
    .where(reader as string, '=', actor.userId)
    .where(key as string, 'in', [...new Set(values)])
    .execute()) as Array<{ [C in S | K]: SelectType<DB[T][C]> }>
  for (const row of rows) out.set(String(row[key]), row)
  for (const value of new Set(values)) noteFact(trace, { table, reader, match: { [key]: value } }, out.has(value))
  return out
}

/**
 * Whether the reader is this person (their own profile, an event they organise themselves): on a shared page, noted
 * like an author (that person is not served it) rather than making the page personal.
 */
export function readerIs(traced: Actor, userId: string): boolean {
  const { actor, trace } = untrace(traced)
  noteAuthors(trace, [userId])
  return actor.userId !== null && actor.userId === userId
}
