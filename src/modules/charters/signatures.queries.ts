import { sql } from 'kysely'
import type { Actor } from '../../core/access/policy.ts'
import { readerHas } from '../../core/access/reader-facts.ts'
import { afterCursor, type Cursor } from '../../core/http/pagination.ts'
import type { ChartersDb, CharterSignaturesTable, CharterSignatureEventsTable, SignatoryKind, SignatureStatus } from './charters.tables.ts'

export type SignatureRow = CharterSignaturesTable
export type SignatureEventRow = CharterSignatureEventsTable

/**
 * Adds a signature unless the signatory already has one for this charter (the unique key decides, so of
 * two racing requests exactly one inserts). True when this call inserted it.
 */
export async function insertSignatureIfNew(db: ChartersDb, row: SignatureRow): Promise<boolean> {
  const result = await db
    .insertInto('charter_signatures')
    .values(row)
    .onConflict((oc) => oc.columns(['charter_id', 'signatory_key']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
}

export async function findSignatureByKey(db: ChartersDb, charterId: string, key: string): Promise<SignatureRow | undefined> {
  return db.selectFrom('charter_signatures').selectAll().where('charter_id', '=', charterId).where('signatory_key', '=', key).executeTakeFirst()
}

export async function findSignature(db: ChartersDb, id: string): Promise<SignatureRow | undefined> {
  if (!id || id.length > 100) return undefined
  return db.selectFrom('charter_signatures').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Changes a signature only if it is in status `from` (racing withdraw/confirm/sign-again requests: one wins). */
export async function updateSignatureIn(db: ChartersDb, id: string, from: SignatureStatus, changes: Partial<Omit<SignatureRow, 'id'>>): Promise<boolean> {
  const result = await db.updateTable('charter_signatures').set(changes).where('id', '=', id).where('status', '=', from).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function insertSignatureEvent(db: ChartersDb, row: SignatureEventRow): Promise<void> {
  await db.insertInto('charter_signature_events').values(row).execute()
}

export async function eventsOf(db: ChartersDb, signatureId: string): Promise<SignatureEventRow[]> {
  return db.selectFrom('charter_signature_events').selectAll().where('signature_id', '=', signatureId).orderBy('created_at').orderBy('id').limit(500).execute()
}

export interface RegisterFilter {
  status: SignatureStatus
  /** List organisations: all of them but the `hidden` ones, or only `only` (matching the filters). */
  organisations: false | { hidden: string[]; only?: string[] }
  /** List people (named ones), optionally matching words of their names (lowercase). */
  people: false | { q?: string }
}

/** `%text%` for LIKE with the wildcards in the text escaped (a "%" typed in the search box matches a "%"). */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * The register: signatures of a charter shown by name (organisations, and people who chose to be named),
 * newest first (keyset on signed_at, id); fetches `limit + 1`. Which organisations to show comes from the
 * organisations module (as they are now: a hidden one is left out, a filter matches its current country).
 */
export async function registerRows(db: ChartersDb, charterId: string, filter: RegisterFilter, cursor: Cursor | null, limit: number): Promise<SignatureRow[]> {
  let q = db.selectFrom('charter_signatures').selectAll().where('charter_id', '=', charterId).where('status', '=', filter.status).where('show_name', '=', 1)
  const { organisations, people } = filter
  q = q.where((eb) => {
    const branches = []
    if (organisations && (!organisations.only || organisations.only.length)) {
      const conditions = [eb('kind', '=', 'organisation')]
      if (organisations.only) conditions.push(eb('organisation_id', 'in', organisations.only))
      if (organisations.hidden.length) conditions.push(eb('organisation_id', 'not in', organisations.hidden))
      branches.push(eb.and(conditions))
    }
    // LIKE with an explicit escape character, the same on both databases; name_key is lowercase, as is q.
    if (people) branches.push(people.q ? eb.and([eb('kind', '=', 'person'), sql<boolean>`name_key like ${contains(people.q)} escape '\\'`]) : eb('kind', '=', 'person'))
    return branches.length ? eb.or(branches) : sql<boolean>`1 = 0`
  })
  if (cursor) q = q.where((eb) => afterCursor(eb, 'charter_signatures.signed_at', 'charter_signatures.id', cursor))
  return q.orderBy('signed_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute()
}

export interface KindCounts {
  active: number
  /** Active and not named in the register. */
  unnamed: number
  /** Active and agreeing to the current version. */
  confirmed: number
  withdrawn: number
}

/**
 * A charter's signatures of one kind, counted from a covering index in its own order (grouping by the indexed
 * columns streams; per-row arithmetic in SQL cost twice as much at 20,000 signatures), summed here, leaving out
 * the given organisations (those the reader may not see).
 */
export async function kindCounts(db: ChartersDb, charterId: string, kind: SignatoryKind, currentVersion: number, excludeOrganisations: string[] = []): Promise<KindCounts> {
  let q = db
    .selectFrom('charter_signatures')
    .select((eb) => ['status', 'show_name', 'version_confirmed', eb.fn.countAll<number>().as('n')])
    .where('charter_id', '=', charterId)
    .where('kind', '=', kind)
    .groupBy(['status', 'show_name', 'version_confirmed'])
  if (excludeOrganisations.length) q = q.where('organisation_id', 'not in', excludeOrganisations)
  const counts: KindCounts = { active: 0, unnamed: 0, confirmed: 0, withdrawn: 0 }
  for (const r of await q.execute()) {
    const n = Number(r.n)
    if (r.status === 'withdrawn') counts.withdrawn += n
    else {
      counts.active += n
      if (Number(r.show_name) === 0) counts.unnamed += n
      if (Number(r.version_confirmed) >= currentVersion) counts.confirmed += n
    }
  }
  return counts
}

/** Active signatures per charter, for lists of charters (counted as signed; the register counts what each reader may see). */
export async function activeCountsOf(db: ChartersDb, charterIds: string[]): Promise<Map<string, { organisations: number; people: number }>> {
  const out = new Map<string, { organisations: number; people: number }>(charterIds.map((id) => [id, { organisations: 0, people: 0 }]))
  if (charterIds.length === 0) return out
  const rows = await db
    .selectFrom('charter_signatures')
    .select((eb) => ['charter_id', 'kind', eb.fn.countAll<number>().as('n')])
    .where('charter_id', 'in', charterIds)
    .where('status', '=', 'active')
    .groupBy(['charter_id', 'kind'])
    .execute()
  for (const r of rows) {
    const entry = out.get(r.charter_id)
    if (entry) entry[r.kind === 'organisation' ? 'organisations' : 'people'] = Number(r.n)
  }
  return out
}

/** Every signature of a charter (both statuses) for the export, in batches (keyset on signed_at, id, oldest first). */
export async function exportBatch(db: ChartersDb, charterId: string, cursor: Cursor | null, limit: number): Promise<SignatureRow[]> {
  let q = db.selectFrom('charter_signatures').selectAll().where('charter_id', '=', charterId).where('show_name', '=', 1)
  if (cursor) q = q.where((eb) => afterCursor(eb, 'charter_signatures.signed_at', 'charter_signatures.id', cursor, 'asc'))
  return q.orderBy('signed_at').orderBy('id').limit(limit).execute()
}

/** Who is asked to re-confirm a new version: active signatories, people and organisations. */
export async function activeSignatories(db: ChartersDb, charterId: string): Promise<Array<{ id: string; kind: SignatoryKind; user_id: string; organisation_id: string | null }>> {
  return db.selectFrom('charter_signatures').select(['id', 'kind', 'user_id', 'organisation_id']).where('charter_id', '=', charterId).where('status', '=', 'active').execute()
}

/** An organisation's signatures of any charter (its page's panel, the badge). */
export async function signaturesOfOrganisation(db: ChartersDb, organisationId: string): Promise<SignatureRow[]> {
  return db.selectFrom('charter_signatures').selectAll().where('organisation_id', '=', organisationId).orderBy('signed_at', 'desc').limit(50).execute()
}

/** A person's own signatures (for themself), named ones only unless `all`. */
export async function signaturesOfPerson(db: ChartersDb, userId: string, all: boolean): Promise<SignatureRow[]> {
  let q = db.selectFrom('charter_signatures').selectAll().where('user_id', '=', userId).where('kind', '=', 'person')
  if (!all) q = q.where('show_name', '=', 1)
  return q.orderBy('signed_at', 'desc').limit(50).execute()
}

/** The signatures these keys hold on a charter (the sign form shows which of the person's choices have signed). */
/** Whether the reader signed this charter, for themselves or an organisation (withdrawn too): a personal fact (core/access/reader-facts.ts). */
export async function readerSignedAny(db: ChartersDb, actor: Actor, charterId: string): Promise<boolean> {
  return readerHas(db, actor, 'charter_signatures', 'user_id', { charter_id: charterId })
}

export async function signaturesByKeys(db: ChartersDb, charterId: string, keys: string[]): Promise<SignatureRow[]> {
  if (keys.length === 0) return []
  return db.selectFrom('charter_signatures').selectAll().where('charter_id', '=', charterId).where('signatory_key', 'in', keys).execute()
}
