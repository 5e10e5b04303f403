import { sql } from 'kysely'
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
  kind?: SignatoryKind
  organisationType?: string
  country?: string
  /** Words of a name (lowercase). */
  q?: string
}

/** `%text%` for LIKE with the wildcards in the text escaped (a "%" typed in the search box matches a "%"). */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * The register: signatures of a charter shown by name (organisations, and people who chose to be named),
 * newest first (keyset on signed_at, id); fetches `limit + 1`.
 */
export async function registerRows(db: ChartersDb, charterId: string, filter: RegisterFilter, cursor: Cursor | null, limit: number): Promise<SignatureRow[]> {
  let q = db.selectFrom('charter_signatures').selectAll().where('charter_id', '=', charterId).where('status', '=', filter.status).where('show_name', '=', 1)
  if (filter.kind) q = q.where('kind', '=', filter.kind)
  if (filter.organisationType) q = q.where('organisation_type', '=', filter.organisationType)
  if (filter.country) q = q.where('country', '=', filter.country)
  // LIKE with an explicit escape character, the same on both databases; name_key is lowercase, as is q.
  if (filter.q) q = q.where(sql<boolean>`name_key like ${contains(filter.q)} escape '\\'`)
  if (cursor) q = q.where((eb) => afterCursor(eb, 'charter_signatures.signed_at', 'charter_signatures.id', cursor))
  return q.orderBy('signed_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute()
}

export interface RegisterCounts {
  organisations: number
  people: number
  /** People who signed without being named in the register (counted, never listed). */
  unnamedPeople: number
  /** Active signatories who have confirmed the current version. */
  confirmedLatest: number
  withdrawn: number
}

/** The register's headline figures, in one pass over the charter's signatures. */
export async function registerCounts(db: ChartersDb, charterId: string, currentVersion: number): Promise<RegisterCounts> {
  const row = await db
    .selectFrom('charter_signatures')
    .select((eb) => [
      eb.fn.sum<number>(eb.case().when(eb.and([eb('status', '=', 'active'), eb('kind', '=', 'organisation')])).then(1).else(0).end()).as('organisations'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('status', '=', 'active'), eb('kind', '=', 'person')])).then(1).else(0).end()).as('people'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('status', '=', 'active'), eb('show_name', '=', 0)])).then(1).else(0).end()).as('unnamed'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('status', '=', 'active'), eb('version_confirmed', '>=', currentVersion)])).then(1).else(0).end()).as('confirmed'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'withdrawn').then(1).else(0).end()).as('withdrawn'),
    ])
    .where('charter_id', '=', charterId)
    .executeTakeFirst()
  return {
    organisations: Number(row?.organisations ?? 0),
    people: Number(row?.people ?? 0),
    unnamedPeople: Number(row?.unnamed ?? 0),
    confirmedLatest: Number(row?.confirmed ?? 0),
    withdrawn: Number(row?.withdrawn ?? 0),
  }
}

/** Active signatories per charter, for lists of charters. */
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

/** The choices of the register's filters: countries and organisation types among active signatories. */
export async function registerChoices(db: ChartersDb, charterId: string): Promise<{ countries: string[]; types: string[] }> {
  const base = () => db.selectFrom('charter_signatures').where('charter_id', '=', charterId).where('status', '=', 'active').where('kind', '=', 'organisation')
  const [countries, types] = await Promise.all([
    base().select('country').distinct().where('country', '!=', '').orderBy('country').limit(300).execute(),
    base().select('organisation_type').distinct().where('organisation_type', '!=', '').orderBy('organisation_type').limit(100).execute(),
  ])
  return { countries: countries.map((r) => r.country), types: types.map((r) => r.organisation_type) }
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
export async function signaturesByKeys(db: ChartersDb, charterId: string, keys: string[]): Promise<SignatureRow[]> {
  if (keys.length === 0) return []
  return db.selectFrom('charter_signatures').selectAll().where('charter_id', '=', charterId).where('signatory_key', 'in', keys).execute()
}
