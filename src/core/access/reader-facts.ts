import type { Kysely, SelectType } from 'kysely'
import type { Executor } from '../db/database.ts'
import type { Actor } from './policy.ts'
import { noteAuthors, noteFact, untrace } from './reader-trace.ts'

const NAME = /^[a-z_][a-z0-9_]*$/

type Selected<DB, T extends keyof DB, S extends keyof DB[T]> = { [C in S]: SelectType<DB[T][C]> }
type Match<DB, T extends keyof DB> = { readonly [C in keyof DB[T] & string]?: string }

/** The reader's rows in `table` matching `match`, their `select` columns (statement built from code's names only). */
async function readRows(db: Executor<any>, table: string, reader: string, userId: string, match: Record<string, string>, select: readonly string[], limit: number | null): Promise<Array<Record<string, unknown>>> {
  const columns = Object.keys(match)
  // Names go into the statement shared.ts compiles for the next reader: identifiers only (they come from code).
  if (![table, reader, ...columns, ...select].every((n) => NAME.test(n))) throw new Error(`reader facts: not a plain name in ${table}`)
  let query = (db as unknown as Kysely<any>).selectFrom(table).select(select.length > 0 ? [...select] : [reader]).where(reader, '=', userId)
  for (const column of columns) query = query.where(column, '=', match[column]!)
  if (limit === null) for (const column of select.length > 0 ? select : [reader]) query = query.orderBy(column)
  else query = query.limit(limit)
  return (await query.execute()) as Array<Record<string, unknown>>
}

/**
 * The reader's own row in `table` (their id in `reader`, and `match`'s values in its columns), or undefined: the one
 * way a rule or panel reads a personal fact — am I on this project's team, do I follow it, am I going to this event.
 *
 * Read so, the fact does not make a shared page personal (decisions 0028, 0039): while a page renders for sharing
 * (core/cache/shared.ts), what the fact found (no row, or the row's selected values) is noted, and the page is served
 * only to readers of the same standing for whom it finds the same (one statement asks every noted fact for the next
 * reader). Reading `actor.userId` instead would mark every such page personal: correct, slower. Anonymous readers
 * have no rows. `select` must not name the reader column (the page would then be one reader's own).
 */
export async function readerRow<DB, T extends keyof DB & string, S extends keyof DB[T] & string>(db: Executor<DB>, traced: Actor, table: T, reader: keyof DB[T] & string, match: Match<DB, T>, select: readonly S[]): Promise<Selected<DB, T, S> | undefined> {
  const { actor, trace } = untrace(traced)
  if (actor.userId === null) return undefined
  const rows = await readRows(db, table, reader, actor.userId, { ...(match as Record<string, string>) }, select, 1)
  noteFact(trace, { table, reader, match: { ...(match as Record<string, string>) }, select: [...select], list: false }, rows)
  return rows[0] as Selected<DB, T, S> | undefined
}

/** Whether the reader has such a row (readerRow, for a yes or no). */
export async function readerHas<DB, T extends keyof DB & string>(db: Executor<DB>, traced: Actor, table: T, reader: keyof DB[T] & string, match: Match<DB, T>): Promise<boolean> {
  return (await readerRow(db, traced, table, reader, match, [])) !== undefined
}

/**
 * All the reader's rows in `table` matching `match`, ordered by the `select` columns (the projects whose team they
 * are on): a fact like readerRow's, whose answer is every row's selected values.
 */
export async function readerRows<DB, T extends keyof DB & string, S extends keyof DB[T] & string>(db: Executor<DB>, traced: Actor, table: T, reader: keyof DB[T] & string, match: Match<DB, T>, select: readonly S[]): Promise<Array<Selected<DB, T, S>>> {
  const { actor, trace } = untrace(traced)
  if (actor.userId === null) return []
  const rows = await readRows(db, table, reader, actor.userId, { ...(match as Record<string, string>) }, select, null)
  noteFact(trace, { table, reader, match: { ...(match as Record<string, string>) }, select: [...select], list: true }, rows)
  return rows as Array<Selected<DB, T, S>>
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
  for (const value of new Set(values)) {
    const row = out.get(value)
    noteFact(trace, { table, reader, match: { [key]: value }, select: [...select], list: false }, row ? [row] : [])
  }
  return out
}

/**
 * Whether the reader is this person (their own profile, an event they organise themselves): on a shared page, noted
 * like an author (a page rendered for that person is served to them alone) rather than making the page personal.
 */
export function readerIs(traced: Actor, userId: string): boolean {
  const { actor, trace } = untrace(traced)
  noteAuthors(trace, [userId])
  return actor.userId !== null && actor.userId === userId
}
