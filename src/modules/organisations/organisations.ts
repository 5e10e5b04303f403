import type { Db } from '../../core/db/database.ts'
import { freeSlug, newId, now } from '../../core/db/ids.ts'
import { AppError, forbidden, invalid, notFound, type FieldErrors } from '../../core/errors.ts'
import { countryCode, countryName } from './countries.ts'
import { LIKELY_SAME, nameSimilarity, nameWords } from './duplicates.ts'
import { organisationDirectoryPage, organisationDirectoryRows, organisationFacets, organisationsPerMonth, type OrganisationDirectoryFilter, type OrganisationEntry } from './directory.queries.ts'
import { paginate, type Cursor } from '../../core/http/pagination.ts'
import type { Values } from '../../core/http/forms.ts'
import { indexDocument, removeDocument } from '../../core/search/search.ts'
import { audit } from '../../core/audit.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { notify, type NotificationInput } from '../notifications/notifications.ts'
import { peopleByHandles, peopleByIds } from '../accounts/accounts.ts'
import {
  adminCount,
  currentOrganisationSlug,
  adminIdsOf,
  adminIdsOfMany,
  countriesInDirectory,
  invisibleOrganisationIds,
  matchingOrganisationIds,
  deleteMember,
  deleteMemberRequest,
  readerAskedToJoin,
  readerAdministersAny,
  insertMemberRequest,
  memberRequestsOf,
  findOrganisationById,
  findOrganisationBySlug,
  insertOrganisation,
  memberRoles,
  newestOrganisations,
  organisationsOfPerson as organisationsOfPersonRows,
  membershipsOfPeople as membershipRowsOfPeople,
  readerMemberships,
  recordSlugChange,
  replaceThemes,
  roleIn,
  slugsLike,
  themesOf,
  updateOrganisationRow,
  upsertMember,
  visibleOrganisationsByIds,
  visibleOrganisationsBySlugs,
  visibleOrganisationsLike,
  organisationsLikeNameOrDomain,
  visibleOrganisationsNamed,
  type OrganisationRow,
  type OrganisationSummary,
} from './organisations.queries.ts'
import type { organisationSchema } from './organisations.schemas.ts'
import { organisationFields, recordOrganisationRevision, type OrganisationFields, type WriteFields } from './revisions.ts'
import { claimStaleOrganisationRows, markOrganisationActive } from './freshness.queries.ts'
import { ORGANISATION_TYPES, type OrganisationRole } from './organisations.tables.ts'
import { canonicalTerms } from './vocabulary.ts'
import { regionCode, regionName, subdivisionsOf } from './regions.ts'
import { cityField, cityName } from './cities.ts'

/** The form's fields; `city` may be left out (callers from before cities, 0030). */
export type OrganisationInput = Omit<Values<typeof organisationSchema>, 'city'> & { city?: string }

/** The website's host without www. ('' for none): two entries with the same domain are likely one. */
export function websiteDomain(website: string): string {
  try {
    return website ? new URL(website).hostname.toLowerCase().replace(/^www\./, '') : ''
  } catch {
    return ''
  }
}

/** org-id.guide identifiers: a list prefix (country or XI/XM, then a register) and the id in that register. */
const ORG_ID = /^[A-Z]{2}-[A-Z0-9]{2,10}-[A-Za-z0-9./-]{1,60}$/

/** The country, domain and identifier of the input, checked: a country must be one ISO 3166 knows. */
function placeAndIds(input: OrganisationInput): { country: string; country_code: string; region: string; region_code: string; city_id: string; website_domain: string; identifier: string } {
  const code = countryCode(input.country)
  const identifier = input.identifier.trim().toUpperCase().replace(/^([A-Z]{2}-[A-Z0-9]+-)/, (p) => p).trim()
  const errors: FieldErrors = {}
  if (!code) errors.country = 'Choose a country from the list'
  if (identifier && !ORG_ID.test(identifier)) errors.identifier = 'Enter the identifier as on org-id.guide, like GB-COH-09506232'
  // A region is one of the country's ISO 3166-2 subdivisions (by name, English name or code); free text only
  // where ISO lists none.
  const regionText = input.region.replace(/\s+/g, ' ').trim()
  const region_code = code && regionText ? regionCode(code, regionText) : null
  if (code && regionText && region_code === null && subdivisionsOf(code).length > 0) errors.region = `We do not know a region called “${regionName(regionText.toUpperCase()) || regionText}” in ${countryName(code)}: choose one from the list`
  // A city is one of the country's cities in the bundled gazetteer, kept by its GeoNames id (0030).
  const city = cityField(code, input.city ?? '', code ? countryName(code) : '')
  if ('error' in city && code) errors.city = city.error
  if (Object.keys(errors).length) throw invalid(errors)
  return { country: countryName(code!), country_code: code!, region: region_code ? regionName(region_code) : regionText, region_code: region_code ?? '', city_id: 'id' in city ? city.id : '', website_domain: websiteDomain(input.website), identifier }
}

/** Path segments under /organisations/ that a slug must never take. */
const RESERVED = new Set(['new', 'feed'])

/** Lowercases, tidies spaces and removes duplicate themes, keeping the order given. */
export function normaliseThemes(themes: string[]): string[] {
  return [...new Set(themes.map((t) => t.toLowerCase().replace(/\s+/g, ' ').trim()).filter(Boolean))]
}

/**
 * A free slug for `name`: the slugified name, or with -2, -3… when another organisation has (or had) it.
 * The organisation's own current and former slugs count as free for it.
 */
export async function uniqueOrganisationSlug(db: Db, name: string, selfId?: string): Promise<string> {
  const takenLike = async (base: string) => (await slugsLike(db, base)).filter((r) => r.organisation_id !== selfId).map((r) => r.slug)
  return freeSlug(name, takenLike, { fallback: 'organisation', reserved: RESERVED })
}

/** May the actor edit the organisation and manage its members (its admins, platform admins)? */
export async function canManageOrganisation(db: Db, actor: Actor, organisationId: string): Promise<boolean> {
  return can(db, actor, 'manage', 'organisation', { id: organisationId })
}

/** Writes the organisation's search document (or removes it while hidden). Call in the changing transaction. */
export async function indexOrganisation(db: Db, org: OrganisationRow, themes: string[]): Promise<void> {
  if (org.hidden_at) return removeDocument(db, 'organisation', org.id)
  await indexDocument(db, {
    type: 'organisation',
    id: org.id,
    title: org.name,
    body: [org.description, org.type, [org.region, org.country].filter(Boolean).join(', '), themes.join(', ')].filter(Boolean).join('\n\n'),
    url: `/organisations/${org.slug}`,
    spaceId: org.space_id,
    visibleFrom: org.created_at,
  })
}

/** Adds an organisation to the directory; its creator becomes its first admin. */
export async function createOrganisation(db: Db, actor: Actor, input: OrganisationInput): Promise<OrganisationRow> {
  if (!actor.userId) throw new AppError('unauthorised', 401, 'Sign in to add an organisation')
  const t = now()
  const row: OrganisationRow = {
    id: newId(),
    slug: await uniqueOrganisationSlug(db, input.name),
    name: input.name,
    type: input.type as OrganisationRow['type'],
    ...placeAndIds(input),
    website: input.website,
    description: input.description,
    confirmed_at: null,
    revision: 0,
    nudged_at: null,
    website_check_due: null, website_checked_at: null, website_failures: 0, website_result: '',
    space_id: null,
    hidden_at: null,
    created_by: actor.userId,
    created_at: t,
    updated_at: t,
  }
  const themes = await vocabularyThemes(db, input.themes)
  await insertOrganisation(db, row)
  await replaceThemes(db, row.id, themes)
  await upsertMember(db, row.id, actor.userId, 'admin', t)
  await indexOrganisation(db, row, themes)
  // Its first revision: everything it says, by whoever added it.
  const empty: OrganisationFields = { name: '', type: '', country: '', region: '', city: '', website: '', identifier: '', description: '', themes: [] }
  row.revision = await recordOrganisationRevision(db, row.id, 0, empty, fieldsOf(row, themes), actor.userId)
  return row
}

/** The themes as the vocabulary's slugs; a theme it does not know (and the entry did not have) is refused. */
async function vocabularyThemes(db: Db, themes: string[], kept: string[] = []): Promise<string[]> {
  const { slugs, unknown } = await canonicalTerms(db, 'theme', normaliseThemes(themes), kept)
  if (unknown.length) throw invalid({ themes: `${unknown.map((u) => `“${u}”`).join(', ')} ${unknown.length === 1 ? 'is not a theme' : 'are not themes'} of the directory: choose from the list (site admins can add themes)` })
  return slugs
}

/** The directory fields of a row and its themes, as a revision records them. */
const fieldsOf = (org: OrganisationRow, themes: string[]): OrganisationFields => ({ name: org.name, type: org.type, country: org.country, region: org.region, city: cityName(org.city_id), website: org.website, identifier: org.identifier, description: org.description, themes })

/** A revision's fields as the form's input (the country named, as the form may name it too). */
const inputOf = (f: OrganisationFields): OrganisationInput => ({ name: f.name, type: f.type as OrganisationInput['type'], country: f.country, region: f.region, city: f.city ?? '', website: f.website, identifier: f.identifier, description: f.description, themes: f.themes })

/**
 * Edits an organisation, as a new revision from `base` (refused, with a message on `revision`, when someone changed
 * it since). A new name gets a new slug; the old one keeps answering with a redirect.
 */
export async function updateOrganisation(db: Db, actor: Actor, org: OrganisationRow, input: OrganisationInput, base = org.revision): Promise<OrganisationRow> {
  if (!(await canManageOrganisation(db, actor, org.id))) throw forbidden('Only admins of this organisation can change it')
  // The revision records the themes as they will be stored: the vocabulary's slugs (an unknown one is refused first).
  const themes = await vocabularyThemes(db, input.themes, (await themesOf(db, [org.id])).get(org.id) ?? [])
  const place = placeAndIds(input)
  const revision = await recordOrganisationRevision(db, org.id, base, await organisationFields(db, org), fieldsOf({ ...org, ...input, ...place, type: input.type as OrganisationRow['type'] }, themes), actor.userId)
  return writeOrganisationFields(db, { ...org, revision }, { ...input, themes })
}

/**
 * A proposed edit's fields, checked as an edit is (a country from the list, a region of it, an identifier in
 * org-id.guide's form, themes from the vocabulary) and in the form they would be stored: refused now with
 * `invalid(fields)`, not later when an admin accepts it.
 */
export async function proposedFields(db: Db, org: OrganisationRow, input: OrganisationInput): Promise<OrganisationFields> {
  // Every field's problem at once (place and themes), as a form shows them.
  const errors: FieldErrors = {}
  const checked = async <T>(check: () => T | Promise<T>): Promise<T | null> => {
    try {
      return await check()
    } catch (err) {
      if (!(err instanceof AppError && err.status === 422 && err.fields)) throw err
      Object.assign(errors, err.fields)
      return null
    }
  }
  const place = await checked(() => placeAndIds(input))
  const themes = await checked(async () => vocabularyThemes(db, input.themes, (await themesOf(db, [org.id])).get(org.id) ?? []))
  if (!place || !themes) throw invalid(errors)
  return { name: input.name, type: input.type, country: place.country, region: place.region, city: cityName(place.city_id), website: input.website, identifier: place.identifier, description: input.description, themes }
}

/** Writes the fields of a revision onto the organisation (accepting a proposal, a revert). */
export const writeRevisionFields: WriteFields = (db, org, fields) => writeOrganisationFields(db, org, inputOf(fields))

/** Writes an organisation's fields, its slug, themes and search document; returns it as it is now. */
async function writeOrganisationFields(db: Db, org: OrganisationRow, input: OrganisationInput): Promise<OrganisationRow> {
  const place = placeAndIds(input)
  const themes = await vocabularyThemes(db, input.themes, (await themesOf(db, [org.id])).get(org.id) ?? [])
  const t = now()
  let slug = org.slug
  if (input.name !== org.name) {
    slug = await uniqueOrganisationSlug(db, input.name, org.id)
    if (slug !== org.slug) await recordSlugChange(db, org.id, org.slug, slug, t)
  }
  // A new website address is checked again soon, from a clean slate.
  const recheck = input.website !== org.website ? { website_check_due: null, website_failures: 0, website_result: '' } : {}
  const changes = {
    slug,
    name: input.name,
    type: input.type as OrganisationRow['type'],
    ...place,
    ...recheck,
    website: input.website,
    description: input.description,
    updated_at: t,
  }
  await updateOrganisationRow(db, org.id, changes)
  await replaceThemes(db, org.id, themes)
  const updated = { ...org, ...changes }
  await indexOrganisation(db, updated, themes)
  return updated
}

async function requireManager(db: Db, actor: Actor, org: OrganisationRow): Promise<string> {
  if (!actor.userId || !(await canManageOrganisation(db, actor, org.id))) throw forbidden('Only admins of this organisation can manage its members')
  return actor.userId
}

/** Adds a person (by handle) to the organisation. */
export async function addMember(db: Db, actor: Actor, org: OrganisationRow, handle: string, role: OrganisationRole): Promise<void> {
  const actorId = await requireManager(db, actor, org)
  const person = (await peopleByHandles(db, [handle])).get(handle.trim().replace(/^@/, '').toLowerCase())
  if (!person) throw invalid({ handle: `There is no one with the handle ${handle.trim()}` })
  if (await roleIn(db, org.id, person.id)) throw invalid({ handle: `${person.name} is already a member` })
  await upsertMember(db, org.id, person.id, role, now())
  await audit(db, { actorId, action: 'organisation.member_added', subjectType: 'organisation', subjectId: org.id, subjectTitle: org.name, subjectUrl: `/organisations/${org.slug}`, reason: `${person.handle} as ${role}` })
}

/** Changes a member's role; the last admin cannot stop being one. */
export async function changeMemberRole(db: Db, actor: Actor, org: OrganisationRow, userId: string, role: OrganisationRole): Promise<void> {
  const actorId = await requireManager(db, actor, org)
  const current = await roleIn(db, org.id, userId)
  if (!current) throw new AppError('not_found', 404, 'Member not found')
  if (current === 'admin' && role !== 'admin' && (await adminCount(db, org.id)) <= 1) {
    throw invalid({ role: 'An organisation must have at least one admin. Make someone else an admin first' })
  }
  await upsertMember(db, org.id, userId, role, now())
  await audit(db, { actorId, action: 'organisation.member_role_changed', subjectType: 'organisation', subjectId: org.id, subjectTitle: org.name, subjectUrl: `/organisations/${org.slug}`, reason: `${userId} to ${role}` })
}

/** Removes a member; the last admin cannot be removed. */
export async function removeMember(db: Db, actor: Actor, org: OrganisationRow, userId: string): Promise<void> {
  const actorId = await requireManager(db, actor, org)
  const current = await roleIn(db, org.id, userId)
  if (!current) throw new AppError('not_found', 404, 'Member not found')
  if (current === 'admin' && (await adminCount(db, org.id)) <= 1) {
    throw invalid({ handle: 'You cannot remove the last admin. Make someone else an admin first' })
  }
  await deleteMember(db, org.id, userId)
  await audit(db, { actorId, action: 'organisation.member_removed', subjectType: 'organisation', subjectId: org.id, subjectTitle: org.name, subjectUrl: `/organisations/${org.slug}`, reason: userId })
}

/** Hides or restores an organisation (moderation), keeping the search index in step. */
export async function setOrganisationHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  const org = await findOrganisationById(db, id)
  if (!org) return
  const hidden_at = hidden ? now() : null
  await updateOrganisationRow(db, id, { hidden_at })
  const themes = (await themesOf(db, [id])).get(id) ?? []
  await indexOrganisation(db, { ...org, hidden_at }, themes)
}

/** The organisation at this slug if the actor may see it; otherwise throws 404 (never revealing that it exists). */
export async function findVisibleOrganisation(db: Db, actor: Actor, slug: string): Promise<OrganisationRow> {
  const org = await findOrganisationBySlug(db, slug)
  if (!org) throw notFound('Organisation')
  if (!(await can(db, actor, 'view', 'organisation', org))) throw notFound('Organisation')
  return org
}

export type { OrganisationRow, OrganisationSummary }

// ---------------------------------------------------------------- for other modules

/** The organisations among `ids` the actor may see (hidden ones only for those allowed), keyed by id. */
export async function organisationsByIds(db: Db, actor: Actor, ids: string[]): Promise<Map<string, OrganisationSummary>> {
  return visibleOrganisationsByIds(db, actor, ids)
}

/** The organisations the actor may see among these slugs, keyed by slug. */
export async function organisationsBySlugs(db: Db, actor: Actor, slugs: string[]): Promise<Map<string, OrganisationSummary>> {
  return visibleOrganisationsBySlugs(db, actor, slugs)
}

export { countryCode, countryName, countryNumeric, countryOptions } from './countries.ts'
export { cityById, cityField, cityName, citiesByIds, citySuggestions, type City } from './cities.ts'
export { regionChoices, regionCode, regionName, subdivisionsOf, type Subdivision } from './regions.ts'
export { ORGANISATION_TYPES, VOCABULARY_KINDS, type VocabularyKind } from './organisations.tables.ts'
export { addTerm, canonicalTerms, filterTerm, renameTerm, retireTerm, slugOfLabel, vocabularyChoices, vocabularyResolver, vocabularyTerms, type Term } from './vocabulary.ts'

/**
 * Organisations picked by name: each text is matched to a visible organisation by its address (slug) or its
 * whole name, ignoring case. Texts matching none get up to five suggestions whose names contain its words.
 */
export async function organisationsByName(db: Db, actor: Actor, texts: string[]): Promise<{ found: Map<string, OrganisationSummary>; suggestions: Map<string, OrganisationSummary[]> }> {
  const rows = await visibleOrganisationsNamed(db, actor, texts)
  const found = new Map<string, OrganisationSummary>()
  const suggestions = new Map<string, OrganisationSummary[]>()
  for (const text of texts) {
    const key = text.trim().toLowerCase()
    const hit = rows.find((r) => r.slug === key) ?? rows.find((r) => r.name.toLowerCase() === key)
    if (hit) found.set(text, hit)
    else suggestions.set(text, await visibleOrganisationsLike(db, actor, text, 5))
  }
  return { found, suggestions }
}

/** Organisations whose names contain the words of `text`, for a search-as-you-type list. */
export async function organisationSuggestions(db: Db, actor: Actor, text: string, limit = 10): Promise<OrganisationSummary[]> {
  return visibleOrganisationsLike(db, actor, text, limit)
}

/** Organisations the person belongs to that the actor may see, with the person's role. */
/** Whether the reader administers any organisation (noted, not personal, on a shared page: core/access/reader-facts.ts). */
export async function administersAnyOrganisation(db: Db, actor: Actor): Promise<boolean> {
  return readerAdministersAny(db, actor)
}

export async function organisationsOfPerson(db: Db, actor: Actor, userId: string): Promise<Array<OrganisationSummary & { role: OrganisationRole }>> {
  return organisationsOfPersonRows(db, actor, userId)
}

/**
 * The organisations the reader belongs to and may see, by name (a new post's "from" choices): read as a personal fact,
 * so the form is shared by readers in the same organisations (decision 0042).
 */
export async function readerOrganisations(db: Db, actor: Actor): Promise<OrganisationSummary[]> {
  const memberships = await readerMemberships(db, actor)
  const found = await visibleOrganisationsByIds(db, actor, memberships.map((m) => m.organisation_id))
  return memberships.flatMap((m) => (found.has(m.organisation_id) ? [found.get(m.organisation_id)!] : [])).sort((a, b) => a.name.localeCompare(b.name))
}

/** Several people's memberships of organisations the actor may see, by person (the directory's open data). */
export async function membershipsOfPeople(db: Db, actor: Actor, userIds: readonly string[]): Promise<Map<string, Array<{ organisationId: string; role: OrganisationRole }>>> {
  const out = new Map<string, Array<{ organisationId: string; role: OrganisationRole }>>()
  for (const m of await membershipRowsOfPeople(db, actor, userIds)) out.set(m.userId, [...(out.get(m.userId) ?? []), { organisationId: m.organisationId, role: m.role }])
  return out
}

/** Tells an organisation's admins about something that needs them (a request to speak for it). */
export async function notifyOrganisationAdmins(db: Db, organisationId: string, note: Omit<NotificationInput, 'userId'>, actorId: string | null): Promise<void> {
  const admins = await adminIdsOf(db, organisationId)
  await notify(db, admins.map((userId) => ({ ...note, userId })), actorId)
}

/**
 * The organisations the actor may not see (a moderator hid them), by id: for another module that keeps
 * organisations' ids (a charter's signatories) to leave them out of its lists and counts. Usually empty.
 */
export async function organisationIdsHiddenFrom(db: Db, actor: Actor): Promise<string[]> {
  return invisibleOrganisationIds(db, actor)
}

/** Ids of the organisations the actor may see that match a country, a type and words of the name (each optional): to filter another module's lists by organisations as they are now. */
export async function organisationIdsMatching(db: Db, actor: Actor, filter: { country?: string; type?: string; name?: string }): Promise<string[]> {
  return matchingOrganisationIds(db, actor, filter)
}

/** The countries and types of organisation in the directory, for other modules' filters. */
export async function directoryFacets(db: Db, actor: Actor): Promise<{ countries: string[]; types: readonly string[] }> {
  return { countries: await countriesInDirectory(db, actor), types: ORGANISATION_TYPES }
}

/** The admins of several organisations (who speak for them), keyed by organisation id: to tell many organisations at once. */
export async function adminsOfOrganisations(db: Db, organisationIds: string[]): Promise<Map<string, string[]>> {
  return adminIdsOfMany(db, organisationIds)
}

export interface OrganisationMember {
  userId: string
  handle: string
  name: string
  role: OrganisationRole
  /** The person has a public profile (only those are shown on public pages). */
  public: boolean
}

/** Members of an organisation, admins first, then by name. */
export async function membersOf(db: Db, organisationId: string): Promise<OrganisationMember[]> {
  const roles = await memberRoles(db, organisationId)
  const people = await peopleByIds(db, roles.map((r) => r.userId))
  return roles
    .flatMap((r) => {
      const p = people.get(r.userId)
      return p ? [{ userId: p.id, handle: p.handle, name: p.name, role: r.role, public: p.public }] : []
    })
    .sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'admin' ? -1 : 1))
}


/** The organisation at this slug if the actor may see it, else null. */
export async function visibleOrganisationBySlug(db: Db, actor: Actor, slug: string): Promise<OrganisationRow | null> {
  const org = slug ? await findOrganisationBySlug(db, slug) : undefined
  return org && (await can(db, actor, 'view', 'organisation', org)) ? org : null
}

/** The current slug of an organisation renamed from `oldSlug`, if the actor may see it (for 301s of its feeds). */
export async function movedOrganisationSlug(db: Db, actor: Actor, oldSlug: string): Promise<string | null> {
  const current = await currentOrganisationSlug(db, oldSlug)
  return current && (await visibleOrganisationBySlug(db, actor, current)) ? current : null
}

// ---------------------------------------------------------------- asking to be listed as a member

/** A person asks to be listed as a member; the organisation's admins are told and decide. */
export async function requestMembership(db: Db, actor: Actor, org: OrganisationRow, message: string): Promise<void> {
  if (!actor.userId || !(await can(db, actor, 'participate', 'organisation', org))) throw forbidden('You cannot ask to join this organisation')
  await insertMemberRequest(db, org.id, actor.userId, message, now())
  const name = (await peopleByIds(db, [actor.userId])).get(actor.userId)?.name ?? 'Someone'
  await notifyOrganisationAdmins(db, org.id, { kind: 'organisation_request', text: `${name} asks to be listed as a member of ${org.name}`, url: `/organisations/${org.slug}/members#requests`, spaceId: null }, actor.userId)
}

/** Whether the person has a request waiting with the organisation. */
/** Whether the reader asked to join (noted, not personal, on a shared page: core/access/reader-facts.ts). */
export async function membershipRequested(db: Db, actor: Actor, organisationId: string): Promise<boolean> {
  return readerAskedToJoin(db, actor, organisationId)
}

/** Requests waiting with an organisation, with the people who asked (for its admins). */
export async function membershipRequests(db: Db, organisationId: string): Promise<Array<{ userId: string; handle: string; name: string; public: boolean; message: string; createdAt: string }>> {
  const requests = await memberRequestsOf(db, organisationId)
  const people = await peopleByIds(db, requests.map((r) => r.userId))
  return requests.flatMap((r) => {
    const p = people.get(r.userId)
    return p ? [{ ...r, handle: p.handle, name: p.name, public: p.public }] : []
  })
}

/** An admin confirms (the person becomes a member) or declines a request; the person is told. */
export async function decideMembership(db: Db, actor: Actor, org: OrganisationRow, userId: string, confirm: boolean): Promise<void> {
  const actorId = await requireManager(db, actor, org)
  if (!(await deleteMemberRequest(db, org.id, userId))) throw notFound('Request')
  if (confirm) await upsertMember(db, org.id, userId, 'member', now())
  await notify(db, [{ userId, kind: 'organisation_request', text: confirm ? `You are now listed as a member of ${org.name}` : `Your request to be listed as a member of ${org.name} was declined`, url: `/organisations/${org.slug}`, spaceId: null }], actorId)
  await audit(db, { actorId, action: confirm ? 'organisation.member_confirmed' : 'organisation.member_declined', subjectType: 'organisation', subjectId: org.id, subjectTitle: org.name, subjectUrl: `/organisations/${org.slug}`, reason: org.name })
}

/** The front page's view of the directory: the newest organisations and the directory's size. */
export async function directorySummary(db: Db, actor: Actor, limit: number): Promise<{ organisations: OrganisationSummary[]; total: number; countries: number }> {
  const { newest, total, countries } = await newestOrganisations(db, actor, limit)
  return { organisations: newest, total, countries }
}

// ---------------------------------------------------------------- the directory (for the directory module)

export type { Facet, OrganisationDirectoryFilter, OrganisationEntry } from './directory.queries.ts'

/** A page of the organisations the actor may see that match the filter, by name, with their themes. */
export async function organisationDirectory(db: Db, actor: Actor, filter: OrganisationDirectoryFilter, cursor: Cursor | null, limit: number): Promise<{ items: Array<OrganisationEntry & { themes: string[] }>; next: string | null }> {
  const page = paginate(await organisationDirectoryPage(db, actor, filter, cursor, limit), limit, (r) => ({ at: r.name, id: r.id }))
  const themes = await themesOf(db, page.items.map((o) => o.id))
  return { items: page.items.map((o) => ({ ...o, themes: themes.get(o.id) ?? [] })), next: page.next }
}

/** How many organisations the actor may see match the filter, and counts per type, country, region and theme. */
export async function organisationDirectoryFacets(db: Db, actor: Actor, filter: OrganisationDirectoryFilter): Promise<Awaited<ReturnType<typeof organisationFacets>>> {
  return organisationFacets(db, actor, filter)
}

/** Every organisation the actor may see that matches the filter, read in batches (exports stream it). */
export async function* organisationDirectoryAll(db: Db, actor: Actor, filter: OrganisationDirectoryFilter): AsyncGenerator<OrganisationEntry & { themes: string[] }> {
  let batch: OrganisationEntry[] = []
  const flush = async function* () {
    const themes = await themesOf(db, batch.map((o) => o.id))
    for (const o of batch) yield { ...o, themes: themes.get(o.id) ?? [] }
    batch = []
  }
  for await (const row of organisationDirectoryRows(db, actor, filter)) {
    batch.push(row)
    if (batch.length === 500) yield* flush()
  }
  yield* flush()
}

/** How many organisations the actor may see were added each month ('2026-03'), oldest first. */
export async function organisationsAddedPerMonth(db: Db, actor: Actor): Promise<Array<{ value: string; count: number }>> {
  return organisationsPerMonth(db, actor)
}

// ---------------------------------------------------------------- likely duplicates

export { nameSimilarity, nameWords, LIKELY_SAME } from './duplicates.ts'

/**
 * Organisations that may be the one being added: the same website domain, or a name alike (the same
 * distinguishing words, "Northshire Council" for "Northshire County Council"). Each says why.
 */
export async function likelyDuplicateOrganisations(db: Db, actor: Actor, name: string, website: string, exceptId?: string): Promise<Array<OrganisationSummary & { reason: string }>> {
  const domain = websiteDomain(website)
  const words = nameWords(name).sort((a, b) => b.length - a.length).slice(0, 2)
  const candidates = await organisationsLikeNameOrDomain(db, actor, words, domain, 50)
  return candidates.flatMap((o) => {
    if (o.id === exceptId) return []
    if (domain && o.website_domain === domain) return [{ ...o, reason: `the same website (${domain})` }]
    return nameSimilarity(name, o.name) >= LIKELY_SAME ? [{ ...o, reason: 'a similar name' }] : []
  }).slice(0, 5)
}

/** An admin says the organisation's entry is current: its "last confirmed" date moves to now and it is no longer marked out of date. */
export async function confirmOrganisationCurrent(db: Db, actor: Actor, org: OrganisationRow): Promise<void> {
  if (!(await canManageOrganisation(db, actor, org.id))) throw forbidden('Only admins of this organisation can confirm it')
  await updateOrganisationRow(db, org.id, { confirmed_at: now() })
}

/** When the entry last showed a sign of life (an edit or a confirmation), and whether that is longer ago than `staleDays`. */
export function organisationFreshness(org: OrganisationRow, staleDays: number, at = Date.now()): { lastActive: string; stale: boolean } {
  const lastActive = org.confirmed_at && org.confirmed_at > org.updated_at ? org.confirmed_at : org.updated_at
  return { lastActive, stale: Date.parse(lastActive) < at - staleDays * 86_400_000 }
}

// ---------------------------------------------------------------- is this still live? (nudges, decision 0024)

/**
 * Claims up to `limit` organisations with no sign of life since `staleBefore` whose admins were not asked since:
 * each with its admins, to be asked once this period whether the entry is still current.
 */
export async function claimStaleOrganisations(db: Db, staleBefore: string, limit: number): Promise<Array<{ id: string; slug: string; name: string; lastActive: string; managerIds: string[] }>> {
  const rows = await claimStaleOrganisationRows(db, staleBefore, now(), limit)
  const admins = await adminIdsOfMany(db, rows.map((r) => r.id))
  return rows.map((r) => ({ ...r, managerIds: admins.get(r.id) ?? [] }))
}

/**
 * Someone named in a signed "still active" link confirms the organisation as current. They must still be able to
 * manage it (an admin who left it since the e-mail cannot); answers what was confirmed.
 */
export async function confirmOrganisationCurrentBy(db: Db, actor: Actor, organisationId: string): Promise<{ name: string; url: string }> {
  const org = await findOrganisationById(db, organisationId)
  if (!org || !(await can(db, actor, 'view', 'organisation', org))) throw notFound('Organisation')
  await confirmOrganisationCurrent(db, actor, org)
  return { name: org.name, url: `/organisations/${org.slug}` }
}

/** The organisation's name and page for a "still active" link, if the person may still manage it; else null. */
export async function organisationForNudge(db: Db, actor: Actor, organisationId: string): Promise<{ name: string; url: string; lastActive: string } | null> {
  const org = await findOrganisationById(db, organisationId)
  if (!org || org.hidden_at || !(await can(db, actor, 'view', 'organisation', org)) || !(await canManageOrganisation(db, actor, org.id))) return null
  return { name: org.name, url: `/organisations/${org.slug}`, lastActive: organisationFreshness(org, 0).lastActive }
}

/** A post or practical action about the organisation is a sign of life: it counts as confirming the entry current. */
export async function noteOrganisationActivity(db: Db, organisationId: string, at = now()): Promise<void> {
  await markOrganisationActive(db, organisationId, at)
}
