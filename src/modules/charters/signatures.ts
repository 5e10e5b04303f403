import type { Db } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import { AppError, conflict, forbidden, invalid, notFound } from '../../core/errors.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import type { Values } from '../../core/http/forms.ts'
import type { Cursor } from '../../core/http/pagination.ts'
import { peopleByIds, type Person } from '../accounts/accounts.ts'
import { administersAnyOrganisation, organisationIdsHiddenFrom, organisationIdsMatching, organisationsByIds, organisationsOfPerson, type OrganisationSummary } from '../organisations/organisations.ts'
import type { CharterRow } from './charters.queries.ts'
import type { confirmSchema, signSchema } from './charters.schemas.ts'
import type { SignatoryKind, SignatureStatus } from './charters.tables.ts'
import { reloadCharter } from './charters.ts'
import { versionNumber } from './versions.ts'
import {
  eventsOf,
  findSignature,
  findSignatureByKey,
  insertSignatureEvent,
  insertSignatureIfNew,
  kindCounts,
  registerRows,
  readerSignedAny,
  signaturesByKeys,
  updateSignatureIn,
  type SignatureEventRow,
  type SignatureRow,
} from './signatures.queries.ts'

/**
 * Signing a published charter: a person for themself, an organisation's admin for the organisation, each
 * with an optional commitment. A signature records the version signed and the newest version confirmed;
 * it can be withdrawn (kept, shown as withdrawn) and signed again. One signature per signatory: the
 * unique key settles racing requests.
 */

export type { SignatureRow, SignatureEventRow }

/** Lowercase, tidied: what the register's name search matches. */
export const nameKey = (name: string) => name.toLowerCase().replace(/\s+/g, ' ').trim()

const keyOf = (kind: SignatoryKind, id: string) => `${kind}:${id}`

/** Why a charter takes no signatures, in words; null when it does. */
export function notSignableReason(charter: CharterRow): string | null {
  if (charter.status === 'drafting') return 'This charter is still being drafted. It opens for signatures when its editors publish it.'
  if (charter.status === 'closed') return 'This charter is closed. It no longer takes signatures.'
  return null
}

export interface SignChoice {
  /** 'person' or the organisation's id. */
  value: string
  label: string
  kind: SignatoryKind
  organisation: OrganisationSummary | null
  /** Its signature of this charter, if it has one (active or withdrawn). */
  existing: SignatureRow | null
}

/** Who the actor may sign for: themself, and each organisation they are an admin of. */
export async function signChoices(db: Db, actor: Actor & { userId: string }, charter: CharterRow): Promise<SignChoice[]> {
  const organisations = (await organisationsOfPerson(db, actor, actor.userId)).filter((o) => o.role === 'admin')
  const keys = [keyOf('person', actor.userId), ...organisations.map((o) => keyOf('organisation', o.id))]
  const existing = new Map((await signaturesByKeys(db, charter.id, keys)).map((s) => [s.signatory_key, s]))
  return [
    { value: 'person', label: 'Myself', kind: 'person' as const, organisation: null, existing: existing.get(keys[0]!) ?? null },
    ...organisations.map((o) => ({ value: o.id, label: o.name, kind: 'organisation' as const, organisation: o as OrganisationSummary, existing: existing.get(keyOf('organisation', o.id)) ?? null })),
  ]
}

/**
 * What the reader signed already, for themselves or an organisation they administer. Read through two personal
 * facts (signed this charter at all, administers any organisation), so a charter page is shared between the many
 * readers for whom both are false (core/access/reader-facts.ts); for the others it is their own.
 */
export async function mySignatures(db: Db, actor: Actor, charter: CharterRow): Promise<SignChoice[]> {
  if (!signedIn(actor)) return []
  const [signed, administers] = await Promise.all([readerSignedAny(db, actor, charter.id), administersAnyOrganisation(db, actor)])
  if (!signed && !administers) return []
  return (await signChoices(db, actor, charter)).filter((c) => c.existing)
}

export type SignInput = Values<typeof signSchema>

/**
 * Signs the charter. The form carries the version the signer read: if the charter changed meanwhile, they
 * are shown what changed instead of signing unseen. Signing again after withdrawing revives the signature.
 */
export async function signCharter(db: Db, actor: Actor, charterAsLoaded: CharterRow, input: SignInput, signerName: string): Promise<SignatureRow> {
  if (!signedIn(actor)) throw new AppError('unauthorised', 401, 'Sign in to sign the charter')
  const charter = await reloadCharter(db, charterAsLoaded.id)
  const closedReason = notSignableReason(charter)
  if (closedReason || !(await can(db, actor, 'sign', 'charter', charter))) throw conflict(closedReason ?? 'You cannot sign this charter')
  const read = versionNumber(input.version)
  if (read !== charter.current_version) throw invalid({ version: `The charter changed while you were reading it (it is now at version ${charter.current_version}). Read what changed, then sign` })

  let kind: SignatoryKind
  let organisation: OrganisationSummary | undefined
  if (input.signatory === 'person') {
    kind = 'person'
    if (!input.show_name) throw invalid({ show_name: 'Select whether to show your name in the public register' })
  } else {
    kind = 'organisation'
    organisation = (await organisationsByIds(db, actor, [input.signatory])).get(input.signatory)
    if (!organisation || !(await can(db, actor, 'speakFor', 'organisation', { id: organisation.id }))) throw invalid({ signatory: 'Select yourself or an organisation you are an admin of' })
  }
  const key = keyOf(kind, organisation?.id ?? actor.userId)
  const name = organisation?.name ?? signerName
  const t = now()
  const v = charter.current_version
  const row: SignatureRow = {
    id: newId(),
    charter_id: charter.id,
    signatory_key: key,
    kind,
    user_id: actor.userId,
    organisation_id: organisation?.id ?? null,
    show_name: kind === 'organisation' || input.show_name === 'yes' ? 1 : 0,
    commitment: input.commitment,
    status: 'active',
    version_signed: v,
    version_confirmed: v,
    signed_at: t,
    confirmed_at: t,
    withdrawn_at: null,
    updated_at: t,
    name_key: nameKey(name),
  }
  let signature = row
  if (!(await insertSignatureIfNew(db, row))) {
    const existing = await findSignatureByKey(db, charter.id, key)
    const { id: _keep, ...revived } = row
    if (!existing || !(await updateSignatureIn(db, existing.id, 'withdrawn', revived))) {
      throw invalid({ signatory: kind === 'person' ? 'You have already signed this charter' : `${name} has already signed this charter` })
    }
    signature = { ...row, id: existing.id }
  }
  await insertSignatureEvent(db, { id: newId(), signature_id: signature.id, charter_id: charter.id, action: 'signed', version: v, commitment: input.commitment, actor_id: actor.userId, created_at: t })
  return signature
}

/** Loads a signature of this charter the actor may see, else 404. */
export async function visibleSignature(db: Db, actor: Actor, charter: CharterRow, id: string): Promise<SignatureRow> {
  const signature = await findSignature(db, id)
  if (!signature || signature.charter_id !== charter.id || !(await can(db, actor, 'view', 'signature', { charter, signature }))) throw notFound('Signature')
  return signature
}

async function requireManager(db: Db, actor: Actor, charter: CharterRow, signature: SignatureRow): Promise<string> {
  if (!signedIn(actor) || !(await can(db, actor, 'manage', 'signature', { charter, signature }))) {
    throw forbidden(signature.kind === 'person' ? 'Only the person who signed can change this signature' : 'Only admins of this organisation can change its signature')
  }
  return actor.userId
}

/** Withdraws a signature (kept in the register's history, shown as withdrawn). */
export async function withdrawSignature(db: Db, actor: Actor, charter: CharterRow, signature: SignatureRow): Promise<void> {
  const actorId = await requireManager(db, actor, charter, signature)
  const t = now()
  if (!(await updateSignatureIn(db, signature.id, 'active', { status: 'withdrawn', withdrawn_at: t, updated_at: t }))) throw conflict('This signature has already been withdrawn')
  await insertSignatureEvent(db, { id: newId(), signature_id: signature.id, charter_id: charter.id, action: 'withdrawn', version: signature.version_confirmed, commitment: signature.commitment, actor_id: actorId, created_at: t })
}

/**
 * Re-consent: the signatory read what changed and confirms the current version ("our commitment stands"),
 * optionally with a new commitment. The version they read must still be the current one.
 */
export async function confirmSignature(db: Db, actor: Actor, charterAsLoaded: CharterRow, signature: SignatureRow, input: Values<typeof confirmSchema>): Promise<void> {
  const actorId = await requireManager(db, actor, charterAsLoaded, signature)
  const charter = await reloadCharter(db, charterAsLoaded.id)
  if (charter.status !== 'published') throw conflict(notSignableReason(charter) ?? 'This charter is not open for signatures')
  if (versionNumber(input.version) !== charter.current_version) throw invalid({ version: `The charter changed again while you were reading (it is now at version ${charter.current_version}). Read what changed, then confirm` })
  const t = now()
  const v = charter.current_version
  if (!(await updateSignatureIn(db, signature.id, 'active', { version_confirmed: v, confirmed_at: t, commitment: input.commitment, updated_at: t }))) throw conflict('This signature has been withdrawn: sign the charter again instead')
  await insertSignatureEvent(db, { id: newId(), signature_id: signature.id, charter_id: charter.id, action: 'confirmed', version: v, commitment: input.commitment, actor_id: actorId, created_at: t })
}

/** A signatory as pages show it: the organisation, or the person (linked only if their profile is public). */
export interface Signatory {
  kind: SignatoryKind
  name: string
  /** Organisation slug or person handle. */
  ref: string
  href: string | null
  organisation: OrganisationSummary | null
  person: Pick<Person, 'id' | 'handle' | 'name' | 'public'> | null
}

export interface SignatureView extends SignatureRow {
  signatory: Signatory
  /** Has confirmed the charter's current version. */
  current: boolean
}

/**
 * Labels signatures with their signatories, in two queries. Signatures of organisations the actor may not
 * see (a moderator hid them) and of people who no longer exist are left out.
 */
export async function labelSignatures(db: Db, actor: Actor, charter: CharterRow, rows: SignatureRow[]): Promise<SignatureView[]> {
  const [orgs, people] = await Promise.all([
    organisationsByIds(db, actor, rows.flatMap((r) => (r.organisation_id ? [r.organisation_id] : []))),
    peopleByIds(db, rows.filter((r) => r.kind === 'person').map((r) => r.user_id)),
  ])
  return rows.flatMap((r) => {
    let signatory: Signatory
    if (r.kind === 'organisation') {
      const o = orgs.get(r.organisation_id ?? '')
      if (!o) return []
      signatory = { kind: 'organisation', name: o.name, ref: o.slug, href: `/organisations/${o.slug}`, organisation: o, person: null }
    } else {
      const p = people.get(r.user_id)
      if (!p) return []
      signatory = { kind: 'person', name: p.name, ref: p.handle, href: p.public ? `/people/${p.handle}` : null, organisation: null, person: { id: p.id, handle: p.handle, name: p.name, public: p.public } }
    }
    return [{ ...r, signatory, current: r.version_confirmed >= charter.current_version }]
  })
}

/** The register's headline figures, counted as the reader may see them. */
export interface RegisterCounts {
  organisations: number
  people: number
  /** People who signed without being named in the register (counted, never listed). */
  unnamedPeople: number
  /** Active signatories who have confirmed the current version. */
  confirmedLatest: number
  withdrawn: number
}

/**
 * The register's figures for this reader: organisations a moderator hid are left out of the counts as of the
 * lists (the organisations module says which; usually none).
 */
export async function registerCounts(db: Db, actor: Actor, charter: CharterRow): Promise<RegisterCounts> {
  const hidden = await organisationIdsHiddenFrom(db, actor)
  const [orgs, people] = await Promise.all([kindCounts(db, charter.id, 'organisation', charter.current_version, hidden), kindCounts(db, charter.id, 'person', charter.current_version)])
  return { organisations: orgs.active, people: people.active, unnamedPeople: people.unnamed, confirmedLatest: orgs.confirmed + people.confirmed, withdrawn: orgs.withdrawn + people.withdrawn }
}

export interface RegisterQuery {
  status: SignatureStatus
  kind?: SignatoryKind
  /** Of organisations (people have none: filtering by them lists organisations only). */
  type?: string
  country?: string
  /** Words of a name. */
  q?: string
}

/**
 * One page of the register (named signatories), labelled. Organisations are filtered as they are now, through
 * the organisations module; people by the name they signed with.
 */
export async function registerPage(db: Db, actor: Actor, charter: CharterRow, query: RegisterQuery, cursor: Cursor | null, limit: number): Promise<{ items: SignatureView[]; next: SignatureRow | null }> {
  const q = query.q ? nameKey(query.q) : ''
  const filtersOrganisations = Boolean(query.country || query.type || q)
  const [hidden, only] = await Promise.all([
    organisationIdsHiddenFrom(db, actor),
    filtersOrganisations && query.kind !== 'person' ? organisationIdsMatching(db, actor, { country: query.country, type: query.type, name: q }) : Promise.resolve(undefined),
  ])
  const rows = await registerRows(
    db,
    charter.id,
    {
      status: query.status,
      organisations: query.kind === 'person' ? false : { hidden, only },
      people: query.kind !== 'organisation' && !query.country && !query.type ? { q: q || undefined } : false,
    },
    cursor,
    limit,
  )
  const page = rows.slice(0, limit)
  return { items: await labelSignatures(db, actor, charter, page), next: rows.length > limit ? page[page.length - 1]! : null }
}

/** A signature's history, with who acted (named only where their profile is public). */
export async function historyOf(db: Db, signatureId: string): Promise<Array<SignatureEventRow & { actor: Pick<Person, 'handle' | 'name' | 'public'> | null }>> {
  const events = await eventsOf(db, signatureId)
  const people = await peopleByIds(db, events.flatMap((e) => (e.actor_id ? [e.actor_id] : [])))
  return events.map((e) => {
    const p = e.actor_id ? people.get(e.actor_id) : undefined
    return { ...e, actor: p ? { handle: p.handle, name: p.name, public: p.public } : null }
  })
}

/** The signature of an organisation for a charter (the badge), or undefined. */
export async function organisationSignature(db: Db, charterId: string, organisationId: string): Promise<SignatureRow | undefined> {
  return findSignatureByKey(db, charterId, keyOf('organisation', organisationId))
}

export const STATUS_WORDS: Record<SignatureStatus, string> = { active: 'Signed', withdrawn: 'Withdrawn' }
