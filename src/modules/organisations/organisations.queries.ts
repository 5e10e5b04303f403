import { readerHas, readerRow, readerRows } from '../../core/access/reader-facts.ts'
import { trackOrganisation } from './directory-counts.queries.ts'
import { sql, type Selectable } from 'kysely'
import { visibleTo, publiclyVisible, type Actor } from '../../core/access/policy.ts'
import { afterCursor, type Cursor } from '../../core/http/pagination.ts'
import type { OrganisationRole, OrganisationsDb, OrganisationsTable, OrganisationType } from './organisations.tables.ts'

/** One organisation row as stored. */
export type OrganisationRow = Selectable<OrganisationsTable>

/** What other modules need to label and link an organisation. */
export interface OrganisationSummary {
  id: string
  slug: string
  name: string
  type: OrganisationType
  country: string
  country_code: string
  region: string
}

const SUMMARY = ['organisations.id', 'organisations.slug', 'organisations.name', 'organisations.type', 'organisations.country', 'organisations.country_code', 'organisations.region'] as const

/** The access columns of the organisations table, for `visibleTo`. */
export const ORGANISATION_ACCESS = { space: 'organisations.space_id', hidden: 'organisations.hidden_at', author: 'organisations.created_by' }

/** The organisation with this (current) slug, or undefined. Does not apply the access policy: use `can` on the result. */
export async function findOrganisationBySlug(db: OrganisationsDb, slug: string): Promise<OrganisationRow | undefined> {
  if (slug.length > 100) return undefined
  return db.selectFrom('organisations').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export async function findOrganisationById(db: OrganisationsDb, id: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The current slug of an organisation that used to have `oldSlug`, for 301s. */
export async function currentOrganisationSlug(db: OrganisationsDb, oldSlug: string): Promise<string | undefined> {
  if (oldSlug.length > 100) return undefined
  const row = await db
    .selectFrom('organisation_slug_redirects')
    .innerJoin('organisations', 'organisations.id', 'organisation_slug_redirects.organisation_id')
    .select('organisations.slug')
    .where('organisation_slug_redirects.old_slug', '=', oldSlug)
    .executeTakeFirst()
  return row?.slug
}

/** Slugs already used (now or formerly) that start with `base`, to pick a free one. */
export async function slugsLike(db: OrganisationsDb, base: string): Promise<Array<{ slug: string; organisation_id: string }>> {
  const live = await db
    .selectFrom('organisations')
    .select(['slug', 'id as organisation_id'])
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .execute()
  const old = await db
    .selectFrom('organisation_slug_redirects')
    .select(['old_slug as slug', 'organisation_id'])
    .where((eb) => eb.or([eb('old_slug', '=', base), eb('old_slug', 'like', `${base}-%`)]))
    .execute()
  return [...live, ...old]
}

export interface OrganisationFilter {
  country?: string
  type?: string
  theme?: string
}

/** A page of organisations the actor may see, alphabetically (keyset on name, id); fetches `limit + 1`. */
export async function listOrganisations(db: OrganisationsDb, actor: Actor, filter: OrganisationFilter, cursor: Cursor | null, limit: number): Promise<OrganisationRow[]> {
  // A forged cursor with NUL would make PostgreSQL fail: start from the first page instead.
  if (cursor && (cursor.at + cursor.id).includes('\u0000')) cursor = null
  let q = db
    .selectFrom('organisations')
    .selectAll('organisations')
    .where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
  if (filter.country) q = q.where('organisations.country', '=', filter.country)
  if (filter.type) q = q.where('organisations.type', '=', filter.type as OrganisationType)
  if (filter.theme) {
    const theme = filter.theme
    q = q.where('organisations.id', 'in', (eb) => eb.selectFrom('organisation_themes').select('organisation_themes.organisation_id').where('organisation_themes.theme', '=', theme))
  }
  if (cursor) {
    q = q.where((eb) =>
      afterCursor(eb, 'organisations.name', 'organisations.id', cursor, 'asc'),
    )
  }
  return q.orderBy('organisations.name').orderBy('organisations.id').limit(limit + 1).execute()
}

/** Themes of several organisations in one query. */
export async function themesOf(db: OrganisationsDb, organisationIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(organisationIds.map((id) => [id, []]))
  if (organisationIds.length === 0) return map
  const rows = await db
    .selectFrom('organisation_themes')
    .select(['organisation_id', 'theme'])
    .where('organisation_id', 'in', [...new Set(organisationIds)])
    .orderBy('theme')
    .execute()
  for (const r of rows) map.get(r.organisation_id)?.push(r.theme)
  return map
}

/** Members of an organisation (ids and roles; accounts labels them). */
export async function memberRoles(db: OrganisationsDb, organisationId: string): Promise<Array<{ userId: string; role: OrganisationRole }>> {
  const rows = await db.selectFrom('organisation_members').select(['user_id', 'role']).where('organisation_id', '=', organisationId).limit(1000).execute()
  return rows.map((r) => ({ userId: r.user_id, role: r.role }))
}

/** Ids of an organisation's admins (to ask them to confirm a request). */
export async function adminIdsOf(db: OrganisationsDb, organisationId: string): Promise<string[]> {
  const rows = await db.selectFrom('organisation_members').select('user_id').where('organisation_id', '=', organisationId).where('role', '=', 'admin').execute()
  return rows.map((r) => r.user_id)
}

/** The admins of several organisations in one query, keyed by organisation id. */
export async function adminIdsOfMany(db: OrganisationsDb, organisationIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>()
  const unique = [...new Set(organisationIds)]
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db.selectFrom('organisation_members').select(['organisation_id', 'user_id']).where('organisation_id', 'in', unique.slice(i, i + 500)).where('role', '=', 'admin').execute()
    for (const r of rows) map.set(r.organisation_id, [...(map.get(r.organisation_id) ?? []), r.user_id])
  }
  return map
}

/** The person's role in the organisation, or null. */
/** The reader's role in an organisation: a personal fact, read so that a shared page can note it (core/access/reader-facts.ts). */
export async function readerRoleIn(db: OrganisationsDb, actor: Actor, organisationId: string): Promise<OrganisationRole | null> {
  return (await readerRow(db, actor, 'organisation_members', 'user_id', { organisation_id: organisationId }, ['role']))?.role ?? null
}

export async function roleIn(db: OrganisationsDb, organisationId: string, userId: string): Promise<OrganisationRole | null> {
  const row = await db
    .selectFrom('organisation_members')
    .select('role')
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return row?.role ?? null
}

/** How many admins an organisation has (to protect the last one). */
export async function adminCount(db: OrganisationsDb, organisationId: string): Promise<number> {
  const row = await db
    .selectFrom('organisation_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The organisations the reader belongs to (a personal fact whose answer is the list: shared by readers in the same ones). */
export async function readerMemberships(db: OrganisationsDb, actor: Actor): Promise<Array<{ organisation_id: string }>> {
  return readerRows(db, actor, 'organisation_members', 'user_id', {}, ['organisation_id'])
}

/** Names and slugs of the organisations among `ids` that the actor may see, keyed by id. */
export async function visibleOrganisationsByIds(db: OrganisationsDb, actor: Actor, ids: string[]): Promise<Map<string, OrganisationSummary>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('organisations')
    .select(SUMMARY)
    .where('organisations.id', 'in', [...new Set(ids)])
    .where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
    .execute()
  return new Map(rows.map((r) => [r.id, r]))
}

/** The organisations the actor may see among these current slugs, keyed by slug. */
export async function visibleOrganisationsBySlugs(db: OrganisationsDb, actor: Actor, slugs: string[]): Promise<Map<string, OrganisationSummary>> {
  const wanted = [...new Set(slugs)].filter((s) => s.length <= 100)
  if (wanted.length === 0) return new Map()
  const rows = await db
    .selectFrom('organisations')
    .select(SUMMARY)
    .where('organisations.slug', 'in', wanted)
    .where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
    .execute()
  return new Map(rows.map((r) => [r.slug, r]))
}

/** Escapes LIKE's wildcards; used with `escape '\\'` (the same on both databases). */
export const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

/** The organisations the actor may see whose current slug is one of `texts` or whose name is one of them, ignoring case. */
export async function visibleOrganisationsNamed(db: OrganisationsDb, actor: Actor, texts: string[]): Promise<OrganisationSummary[]> {
  const wanted = [...new Set(texts.map((t) => t.trim().toLowerCase()))].filter((t) => t && t.length <= 120)
  if (wanted.length === 0) return []
  return db
    .selectFrom('organisations')
    .select(SUMMARY)
    .where((eb) => eb.or([eb('organisations.slug', 'in', wanted), eb(sql<string>`lower(organisations.name)`, 'in', wanted)]))
    .where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
    .limit(200)
    .execute()
}

/** Organisations the actor may see whose name contains `text`, by name: suggestions when a name matches none exactly. */
export async function visibleOrganisationsLike(db: OrganisationsDb, actor: Actor, text: string, limit: number): Promise<OrganisationSummary[]> {
  const words = text.trim().toLowerCase().split(/\s+/).filter((w) => w.length >= 2).slice(0, 5)
  if (words.length === 0) return []
  let q = db.selectFrom('organisations').select(SUMMARY).where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
  for (const w of words) q = q.where(sql<boolean>`lower(organisations.name) like ${`%${likeEscape(w)}%`} escape '\\'`)
  return q.orderBy('organisations.name').limit(limit).execute()
}

/** Organisations the person belongs to that the actor may see, with the person's role, by name (profiles, "attach this post to" choices). */
export async function organisationsOfPerson(db: OrganisationsDb, actor: Actor, userId: string): Promise<Array<OrganisationSummary & { role: OrganisationRole }>> {
  return db
    .selectFrom('organisation_members')
    .innerJoin('organisations', 'organisations.id', 'organisation_members.organisation_id')
    .select([...SUMMARY, 'organisation_members.role'])
    .where('organisation_members.user_id', '=', userId)
    .where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
    .orderBy('organisations.name')
    .execute()
}

/** Several people's memberships of organisations the actor may see (the directory's open data). */
export async function membershipsOfPeople(db: OrganisationsDb, actor: Actor, userIds: readonly string[]): Promise<Array<{ userId: string; organisationId: string; role: OrganisationRole }>> {
  if (userIds.length === 0) return []
  return db
    .selectFrom('organisation_members')
    .innerJoin('organisations', 'organisations.id', 'organisation_members.organisation_id')
    .select(['organisation_members.user_id as userId', 'organisations.id as organisationId', 'organisation_members.role as role'])
    .where('organisation_members.user_id', 'in', [...userIds])
    .where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
    .orderBy('organisations.name')
    .execute()
}

/** Distinct countries in the directory, for the filter. */
export async function countriesInDirectory(db: OrganisationsDb, actor: Actor): Promise<string[]> {
  const rows = await db
    .selectFrom('organisations')
    .select('country')
    .distinct()
    .where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
    .where('country', '<>', '')
    .orderBy('country')
    .execute()
  return rows.map((r) => r.country)
}

/** Ids of the organisations that exist but the actor may not see (a moderator hid them): usually none or a few. */
export async function invisibleOrganisationIds(db: OrganisationsDb, actor: Actor): Promise<string[]> {
  const rows = await db
    .selectFrom('organisations')
    .select('id')
    .where('hidden_at', 'is not', null)
    .where((eb) => eb.not(visibleTo(actor, eb, ORGANISATION_ACCESS)))
    .execute()
  return rows.map((r) => r.id)
}

/** Ids of the organisations the actor may see with this country, type and words in the name (each optional). */
export async function matchingOrganisationIds(db: OrganisationsDb, actor: Actor, filter: { country?: string; type?: string; name?: string }): Promise<string[]> {
  let q = db
    .selectFrom('organisations')
    .select('id')
    .where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
  if (filter.country) q = q.where('country', '=', filter.country)
  if (filter.type) q = q.where('type', '=', filter.type as OrganisationType)
  // LIKE with an explicit escape character (the same on both databases); lower() on both sides for case.
  if (filter.name) q = q.where(sql<boolean>`lower(name) like ${`%${filter.name.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`)
  return (await q.execute()).map((r) => r.id)
}

/** Every organisation an anonymous reader may see, for the sitemap. */
export async function publicOrganisationPaths(db: OrganisationsDb): Promise<Array<{ slug: string; updated_at: string }>> {
  return db
    .selectFrom('organisations')
    .select(['slug', 'updated_at'])
    .where((eb) => publiclyVisible(eb, ORGANISATION_ACCESS))
    .orderBy('slug')
    .execute()
}

export async function insertOrganisation(db: OrganisationsDb, row: OrganisationRow): Promise<void> {
  await trackOrganisation(db, row.id, () => db.insertInto('organisations').values(row).execute())
}

/** Columns the directory's pre-aggregated counts depend on (0025). */
const COUNTED: ReadonlyArray<keyof OrganisationRow> = ['type', 'country_code', 'city_id', 'space_id', 'hidden_at']

export async function updateOrganisationRow(db: OrganisationsDb, id: string, changes: Partial<Omit<OrganisationRow, 'id'>>): Promise<void> {
  const write = () => db.updateTable('organisations').set(changes).where('id', '=', id).execute()
  if (COUNTED.some((c) => c in changes)) await trackOrganisation(db, id, write)
  else await write()
}

/** Replaces an organisation's themes. */
export async function replaceThemes(db: OrganisationsDb, organisationId: string, themes: string[]): Promise<void> {
  await trackOrganisation(db, organisationId, async () => {
    await db.deleteFrom('organisation_themes').where('organisation_id', '=', organisationId).execute()
    if (themes.length) await db.insertInto('organisation_themes').values(themes.map((theme) => ({ organisation_id: organisationId, theme }))).execute()
  })
}

/** Remembers an old slug; a slug taken back by its own organisation stops redirecting. */
export async function recordSlugChange(db: OrganisationsDb, organisationId: string, oldSlug: string, newSlug: string, at: string): Promise<void> {
  await db.deleteFrom('organisation_slug_redirects').where('old_slug', '=', newSlug).execute()
  await db
    .insertInto('organisation_slug_redirects')
    .values({ old_slug: oldSlug, organisation_id: organisationId, created_at: at })
    .onConflict((oc) => oc.column('old_slug').doUpdateSet({ organisation_id: organisationId, created_at: at }))
    .execute()
}

export async function upsertMember(db: OrganisationsDb, organisationId: string, userId: string, role: OrganisationRole, at: string): Promise<void> {
  await db
    .insertInto('organisation_members')
    .values({ organisation_id: organisationId, user_id: userId, role, created_at: at })
    .onConflict((oc) => oc.columns(['organisation_id', 'user_id']).doUpdateSet({ role }))
    .execute()
}

export async function deleteMember(db: OrganisationsDb, organisationId: string, userId: string): Promise<void> {
  await db.deleteFrom('organisation_members').where('organisation_id', '=', organisationId).where('user_id', '=', userId).execute()
}



// --- Requests to be listed as a member ---

export async function insertMemberRequest(db: OrganisationsDb, organisationId: string, userId: string, message: string, at: string): Promise<void> {
  await db
    .insertInto('organisation_member_requests')
    .values({ organisation_id: organisationId, user_id: userId, message, created_at: at })
    .onConflict((oc) => oc.columns(['organisation_id', 'user_id']).doUpdateSet({ message }))
    .execute()
}

/** True when the person has a request waiting with this organisation. */
/** Whether the reader is an admin of any organisation: a personal fact (core/access/reader-facts.ts). */
export async function readerAdministersAny(db: OrganisationsDb, actor: Actor): Promise<boolean> {
  return readerHas(db, actor, 'organisation_members', 'user_id', { role: 'admin' })
}

/** Whether the reader asked to join: a personal fact, read so that a shared page can note it (core/access/reader-facts.ts). */
export async function readerAskedToJoin(db: OrganisationsDb, actor: Actor, organisationId: string): Promise<boolean> {
  return readerHas(db, actor, 'organisation_member_requests', 'user_id', { organisation_id: organisationId })
}

export async function hasMemberRequest(db: OrganisationsDb, organisationId: string, userId: string): Promise<boolean> {
  return (await db.selectFrom('organisation_member_requests').select('user_id').where('organisation_id', '=', organisationId).where('user_id', '=', userId).executeTakeFirst()) !== undefined
}

/** Requests waiting with an organisation, oldest first. */
export async function memberRequestsOf(db: OrganisationsDb, organisationId: string): Promise<Array<{ userId: string; message: string; createdAt: string }>> {
  const rows = await db.selectFrom('organisation_member_requests').select(['user_id', 'message', 'created_at']).where('organisation_id', '=', organisationId).orderBy('created_at').limit(200).execute()
  return rows.map((r) => ({ userId: r.user_id, message: r.message, createdAt: r.created_at }))
}

/** Removes a request; true when there was one. */
export async function deleteMemberRequest(db: OrganisationsDb, organisationId: string, userId: string): Promise<boolean> {
  const r = await db.deleteFrom('organisation_member_requests').where('organisation_id', '=', organisationId).where('user_id', '=', userId).executeTakeFirst()
  return Number(r.numDeletedRows) === 1
}

/** The newest organisations the actor may see, and how many there are in how many countries (front page). */
export async function newestOrganisations(db: OrganisationsDb, actor: Actor, limit: number): Promise<{ newest: OrganisationSummary[]; total: number; countries: number }> {
  const [newest, counts] = await Promise.all([
    db.selectFrom('organisations').select(SUMMARY).where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS)).orderBy('organisations.created_at', 'desc').orderBy('organisations.id', 'desc').limit(limit).execute(),
    db
      .selectFrom('organisations')
      .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.count<number>('organisations.country').distinct().as('countries')])
      .where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
      .executeTakeFirstOrThrow(),
  ])
  return { newest, total: Number(counts.total), countries: Number(counts.countries) }
}

/** Visible organisations with this website domain or whose name holds one of these words (candidates for duplicates). */
export async function organisationsLikeNameOrDomain(db: OrganisationsDb, actor: Actor, words: string[], domain: string, limit: number): Promise<Array<OrganisationSummary & { website_domain: string }>> {
  if (words.length === 0 && !domain) return []
  return db
    .selectFrom('organisations')
    .select([...SUMMARY, 'organisations.website_domain'])
    .where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
    .where((eb) => eb.or([...(domain ? [eb('organisations.website_domain', '=', domain)] : []), ...words.map((w) => eb(sql<string>`lower(organisations.name)`, 'like', `%${likeEscape(w)}%`))]))
    .orderBy('organisations.name')
    .limit(limit)
    .execute()
}

/** Organisations whose website is due a link check (oldest due first), not hidden. */
export async function websitesDue(db: OrganisationsDb, at: string, limit: number): Promise<Array<{ id: string; slug: string; name: string; website: string; website_failures: number }>> {
  return db
    .selectFrom('organisations')
    .select(['id', 'slug', 'name', 'website', 'website_failures'])
    .where('website', '<>', '')
    .where('hidden_at', 'is', null)
    .where((eb) => eb.or([eb('website_check_due', 'is', null), eb('website_check_due', '<=', at)]))
    .orderBy('website_check_due')
    .orderBy('id')
    .limit(limit)
    .execute()
}
