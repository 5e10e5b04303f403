import type { Actor, ContentColumns } from './policy.ts'

/**
 * Tracing a rendering to learn whether it depended on who the reader is (decision 0023).
 *
 * A page rendered for a signed-in reader may be shared with other signed-in readers only if it depended on the
 * reader through the access filter alone, and the filter gives them the same rows. Two readers with the same
 * standing in spaces (the same memberships, roles and states; core/cache/shared.ts keys pages by it) and neither an
 * admin get the same filter (`visibleTo`, `spaceVisible`, `moderatedBy`, `spaceFacts`) but for its author clause: a
 * reader sees their own drafts and hidden items. So while a shareable page renders, the request's actor and user are
 * proxies that note every author clause the filter applied, and mark the rendering personal on any other read of
 * who the reader is (their id, handle, name, e-mail, trust): a `can()` rule that looks up a team, a follow button, a
 * "you wrote this" link all read the id, and such a page is never shared.
 */
export interface ReaderTrace {
  /** The filters the rendering applied that have an author clause, by their columns (`author|visibleFrom|hidden`). */
  filters: Map<string, ContentColumns>
  /** Authors of the things a rule asked about (`isAuthor`): a reader among them may see an edit link, say. */
  authorIds: Set<string>
  /** Facts about the reader the rendering read, by `factKey` (reader-facts.ts), with what it found (`answerOf`). */
  facts: Map<string, { fact: ReaderFact; answer: string }>
  /** Why the rendering depended on the reader beyond the filter (first reason), or null. */
  personal: string | null
}

/**
 * A personal fact: the reader's row in `table` whose `reader` column holds their id and whose `match` columns hold
 * these values (on this project's team, following this project, going to this event), and of it the `select`
 * columns the page was given (their role, their reply); with `list`, all such rows (the projects they are on). A page
 * rendered for a reader is the page of every reader of the same standing for whom each fact it read has the same
 * answer (no row; or a row with the same selected values): core/cache/shared.ts asks the next reader in one statement.
 */
export interface ReaderFact {
  table: string
  reader: string
  match: Readonly<Record<string, string>>
  select: readonly string[]
  list: boolean
}

const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0)

/** One fact, one key: its table, reader column, matched columns with their values, and what it selected. */
export const factKey = (f: ReaderFact): string => JSON.stringify([f.table, f.reader, Object.entries(f.match).sort(byName), f.select, f.list])

/**
 * What a fact found, as one string compared between readers: '' for no row; else the selected values of the row (of
 * every row, in order, for a list). The reader's own id is never among them (reader-facts.ts does not select it).
 */
export function answerOf(fact: ReaderFact, rows: ReadonlyArray<Record<string, unknown>>): string {
  if (rows.length === 0) return ''
  return JSON.stringify(rows.map((row) => fact.select.map((c) => row[c] ?? null)))
}

const TRACE = Symbol('openly.readerTrace')
const RAW = Symbol('openly.rawActor')

/** What a trace lets through without marking: what readers of one shared page have alike (time zone: in the key). */
const SHARED_ACTOR_FIELDS = new Set<PropertyKey>(['isAdmin'])
// Admins and bounced addresses are never shared (shared.ts), and the time zone is in the key.
const SHARED_USER_FIELDS = new Set<PropertyKey>(['isAdmin', 'timeZone', 'mailBouncedAt', 'then', 'toJSON'])

function traced<T extends object>(target: T, trace: ReaderTrace, shared: Set<PropertyKey>, what: string): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (prop === RAW) return t
      if (prop === TRACE) return trace
      if (typeof prop === 'string' && !shared.has(prop) && trace.personal === null) trace.personal = `${what}.${prop}`
      return Reflect.get(t, prop, receiver)
    },
    ownKeys(t) {
      trace.personal ??= `${what} (all fields)`
      return Reflect.ownKeys(t)
    },
  })
}

/** A trace that has noted nothing yet. */
export const emptyTrace = (): ReaderTrace => ({ filters: new Map(), authorIds: new Set(), facts: new Map(), personal: null })

/** Whether a rendering traced with this read nothing of the reader but the fields readers of a shared page have alike. */
export const readNothingPersonal = (trace: ReaderTrace): boolean => trace.personal === null && trace.filters.size === 0 && trace.authorIds.size === 0 && trace.facts.size === 0

/**
 * The values of the user's fields a trace lets through unnoted (SHARED_USER_FIELDS but the plumbing ones): what a
 * part rendered once for signed-in readers may depend on, so it is kept under them (core/views/plugin.ts).
 */
export const sharedFieldsKey = (user: { isAdmin: boolean; timeZone?: string | null; mailBouncedAt?: string | null }): string => JSON.stringify([user.isAdmin, user.timeZone ?? null, user.mailBouncedAt ?? null])

/** The actor and user a shareable rendering sees: the reader's own, traced. */
export function traceReader<A extends Actor, U extends object>(actor: A, user: U, trace: ReaderTrace): { actor: A; user: U } {
  return { actor: traced(actor, trace, SHARED_ACTOR_FIELDS, 'actor'), user: traced(user, trace, SHARED_USER_FIELDS, 'user') }
}

/** The actor behind a traced one (the access filter reads it without marking), and the trace if any. */
export function untrace(actor: Actor): { actor: Actor; trace: ReaderTrace | null } {
  const raw = (actor as unknown as Record<symbol, unknown>)[RAW] as Actor | undefined
  if (!raw) return { actor, trace: null }
  return { actor: raw, trace: (actor as unknown as Record<symbol, unknown>)[TRACE] as ReaderTrace }
}

/**
 * Notes a filter whose author clause matters (drafts, scheduled or hidden rows are shown to their authors): the
 * only way the filter differs between readers of the same standing. Without a publication or hidden column it does not.
 */
export function noteFilter(trace: ReaderTrace | null, columns: ContentColumns): void {
  if (trace && columns.author && (columns.visibleFrom || columns.hidden)) {
    trace.filters.set(`${columns.author}|${columns.visibleFrom ?? ''}|${columns.hidden ?? ''}`, { space: columns.space, author: columns.author, visibleFrom: columns.visibleFrom, hidden: columns.hidden })
  }
}

/** Notes the authors a rule compared the reader with (a reader among them is not served the shared page). */
export function noteAuthors(trace: ReaderTrace | null, authorIds: readonly string[]): void {
  if (trace) for (const id of authorIds) trace.authorIds.add(id)
}

/**
 * Notes a personal fact the rendering read (reader-facts.ts) and what it found: the page is served only to readers
 * for whom the fact finds the same (decision 0039's variants: the team's view of a project is shared by its team).
 */
export function noteFact(trace: ReaderTrace | null, fact: ReaderFact, rows: ReadonlyArray<Record<string, unknown>>): void {
  if (trace) trace.facts.set(factKey(fact), { fact, answer: answerOf(fact, rows) })
}

/**
 * Says that this rendering depends on something the shared page cache cannot check for the next reader (a time that is
 * in no schedule: a held post's scheduled time passing): it is then served to this request only, never kept.
 */
export function notShareable(traced: Actor, why: string): void {
  const { trace } = untrace(traced)
  if (trace) trace.personal ??= why
}
