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
  /** Organisations to list (those the reader may see that match the filters); none when absent. */
  organisationIds: string[]
  /** Whether to list people (named ones), and the words of their names to match (lowercase). */
  people: boolean
  q?: string
}

/** `%text%` for LIKE with the wildcards in the text escaped (a "%" typed in the search box matches a "%"). */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * The register: signatures of a charter shown by name (the given organisations, and people who chose to be
 * named), newest first (keyset on signed_at, id); fetches `limit + 1`. The organisations come from the caller,
 * who asked the organisations module which the reader may see and which match (a hidden organisation, or one
 * that moved country, is decided by what it is now, not when it signed). At most a few thousand ids in practice;
 * both databases take tens of thousands of parameters.
 */
export async function registerRows(db: ChartersDb, charterId: string, filter: RegisterFilter, cursor: Cursor | null, limit: number): Promise<SignatureRow[]> {
  let q = db.selectFrom('charter_signatures').selectAll().where('charter_id', '=', charterId).where('status', '=', filter.status).where('show_name', '=', 1)
  const orgIds = filter.organisationIds
  q = q.where((eb) => {
    const branches = []
    if (orgIds.length) branches.push(eb.and([eb('kind', '=', 'organisation'), eb('organisation_id', 'in', orgIds)]))
    // LIKE with an explicit escape character, the same on both databases; name_key is lowercase, as is q.
    if (filter.people) branches.push(filter.q ? eb.and([eb('kind', '=', 'person'), sql<boolean>`name_key like ${contains(filter.q)} escape '\\'`]) : eb('kind', '=', 'person'))
    return branches.length ? eb.or(branches) : sql<boolean>`1 = 0`
  })
  if (cursor) q = q.where((eb) => afterCursor(eb, 'charter_signatures.signed_at', 'charter_signatures.id', cursor))
  return q.orderBy('signed_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute()
}

/** People's signatures of a charter, counted in one pass: active, unnamed, confirmed the current version, withdrawn. */
export async function personCounts(db: ChartersDb, charterId: string, currentVersion: number): Promise<{ active: number; unnamed: number; confirmed: number; withdrawn: number }> {
  const row = await db
    .selectFrom('charter_signatures')
    .select((eb) => [
      eb.fn.sum<number>(eb.case().when('status', '=', 'active').then(1).else(0).end()).as('active'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('status', '=', 'active'), eb('show_name', '=', 0)])).then(1).else(0).end()).as('unnamed'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('status', '=', 'active'), eb('version_confirmed', '>=', currentVersion)])).then(1).else(0).end()).as('confirmed'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'withdrawn').then(1).else(0).end()).as('withdrawn'),
    ])
    .where('charter_id', '=', charterId)
    .where('kind', '=', 'person')
    .executeTakeFirst()
  return { active: Number(row?.active ?? 0), unnamed: Number(row?.unnamed ?? 0), confirmed: Number(row?.confirmed ?? 0), withdrawn: Number(row?.withdrawn ?? 0) }
}

/** Every organisation's signature of a charter, briefly: who, in which state, agreeing to which version. */
export async function organisationSignatures(db: ChartersDb, charterId: string): Promise<Array<{ organisation_id: string; status: SignatureStatus; version_confirmed: number }>> {
  const rows = await db
    .selectFrom('charter_signatures')
    .select(['organisation_id', 'status', 'version_confirmed'])
    .where('charter_id', '=', charterId)
    .where('kind', '=', 'organisation')
    .execute()
  return rows.map((r) => ({ organisation_id: r.organisation_id!, status: r.status, version_confirmed: Number(r.version_confirmed) }))
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
export async function signaturesByKeys(db: ChartersDb, charterId: string, keys: string[]): Promise<SignatureRow[]> {
  if (keys.length === 0) return []
  return db.selectFrom('charter_signatures').selectAll().where('charter_id', '=', charterId).where('signatory_key', 'in', keys).execute()
}
