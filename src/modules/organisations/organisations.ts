import type { Executor } from '../../core/db/database.ts'
import { newId, now, slugify } from '../../core/db/ids.ts'
import { AppError, forbidden, invalid, notFound } from '../../core/errors.ts'
import type { Values } from '../../core/http/forms.ts'
import { indexDocument, removeDocument } from '../../core/search/search.ts'
import { audit } from '../../core/audit.ts'
import { can, type Actor } from '../../core/access/policy.ts'
import {
  adminCount,
  deleteMember,
  findOrganisationById,
  findOrganisationBySlug,
  insertOrganisation,
  recordSlugChange,
  replaceThemes,
  roleIn,
  slugsLike,
  themesOf,
  updateOrganisationRow,
  upsertMember,
  userByHandle,
  type OrganisationRow,
} from './organisations.queries.ts'
import type { organisationSchema } from './organisations.schemas.ts'
import type { OrganisationRole } from './organisations.tables.ts'

export type OrganisationInput = Values<typeof organisationSchema>

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
export async function uniqueOrganisationSlug(db: Executor, name: string, selfId?: string): Promise<string> {
  const base = slugify(name).slice(0, 55).replace(/-+$/, '') || 'organisation'
  const taken = new Set((await slugsLike(db, base)).filter((r) => r.organisation_id !== selfId).map((r) => r.slug))
  for (const s of RESERVED) taken.add(s)
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}

/** True when the actor may edit the organisation and manage its members: its admins and platform admins. */
export async function canManageOrganisation(db: Executor, actor: Actor, organisationId: string): Promise<boolean> {
  if (actor.isAdmin) return true
  if (!actor.userId) return false
  return (await roleIn(db, organisationId, actor.userId)) === 'admin'
}

/** True when the person is an admin of the organisation (e.g. to sign a charter on its behalf). */
export async function isOrganisationAdmin(db: Executor, userId: string, organisationId: string): Promise<boolean> {
  return (await roleIn(db, organisationId, userId)) === 'admin'
}

/** Writes the organisation's search document (or removes it while hidden). Call in the changing transaction. */
export async function indexOrganisation(db: Executor, org: OrganisationRow, themes: string[]): Promise<void> {
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
export async function createOrganisation(db: Executor, actor: Actor, input: OrganisationInput): Promise<OrganisationRow> {
  if (!actor.userId) throw new AppError('unauthorised', 401, 'Sign in to add an organisation')
  const t = now()
  const row: OrganisationRow = {
    id: newId(),
    slug: await uniqueOrganisationSlug(db, input.name),
    name: input.name,
    type: input.type as OrganisationRow['type'],
    country: input.country,
    region: input.region,
    website: input.website,
    description: input.description,
    space_id: null,
    hidden_at: null,
    created_by: actor.userId,
    created_at: t,
    updated_at: t,
  }
  const themes = normaliseThemes(input.themes)
  await insertOrganisation(db, row)
  await replaceThemes(db, row.id, themes)
  await upsertMember(db, row.id, actor.userId, 'admin', t)
  await indexOrganisation(db, row, themes)
  return row
}

/** Edits an organisation. A new name gets a new slug; the old one keeps answering with a redirect. */
export async function updateOrganisation(db: Executor, actor: Actor, org: OrganisationRow, input: OrganisationInput): Promise<OrganisationRow> {
  if (!(await canManageOrganisation(db, actor, org.id))) throw forbidden('Only admins of this organisation can change it')
  const t = now()
  let slug = org.slug
  if (input.name !== org.name) {
    slug = await uniqueOrganisationSlug(db, input.name, org.id)
    if (slug !== org.slug) await recordSlugChange(db, org.id, org.slug, slug, t)
  }
  const changes = {
    slug,
    name: input.name,
    type: input.type as OrganisationRow['type'],
    country: input.country,
    region: input.region,
    website: input.website,
    description: input.description,
    updated_at: t,
  }
  await updateOrganisationRow(db, org.id, changes)
  const themes = normaliseThemes(input.themes)
  await replaceThemes(db, org.id, themes)
  const updated = { ...org, ...changes }
  await indexOrganisation(db, updated, themes)
  return updated
}

async function requireManager(db: Executor, actor: Actor, org: OrganisationRow): Promise<string> {
  if (!actor.userId || !(await canManageOrganisation(db, actor, org.id))) throw forbidden('Only admins of this organisation can manage its members')
  return actor.userId
}

/** Adds a person (by handle) to the organisation. */
export async function addMember(db: Executor, actor: Actor, org: OrganisationRow, handle: string, role: OrganisationRole): Promise<void> {
  const actorId = await requireManager(db, actor, org)
  const person = await userByHandle(db, handle)
  if (!person) throw invalid({ handle: `There is no one with the handle ${handle.trim()}` })
  if (await roleIn(db, org.id, person.id)) throw invalid({ handle: `${person.name} is already a member` })
  await upsertMember(db, org.id, person.id, role, now())
  await audit(db, { actorId, action: 'organisation.member_added', subjectType: 'organisation', subjectId: org.id, reason: `${person.handle} as ${role}` })
}

/** Changes a member's role; the last admin cannot stop being one. */
export async function changeMemberRole(db: Executor, actor: Actor, org: OrganisationRow, userId: string, role: OrganisationRole): Promise<void> {
  const actorId = await requireManager(db, actor, org)
  const current = await roleIn(db, org.id, userId)
  if (!current) throw new AppError('not_found', 404, 'Member not found')
  if (current === 'admin' && role !== 'admin' && (await adminCount(db, org.id)) <= 1) {
    throw invalid({ role: 'An organisation must have at least one admin. Make someone else an admin first' })
  }
  await upsertMember(db, org.id, userId, role, now())
  await audit(db, { actorId, action: 'organisation.member_role_changed', subjectType: 'organisation', subjectId: org.id, reason: `${userId} to ${role}` })
}

/** Removes a member; the last admin cannot be removed. */
export async function removeMember(db: Executor, actor: Actor, org: OrganisationRow, userId: string): Promise<void> {
  const actorId = await requireManager(db, actor, org)
  const current = await roleIn(db, org.id, userId)
  if (!current) throw new AppError('not_found', 404, 'Member not found')
  if (current === 'admin' && (await adminCount(db, org.id)) <= 1) {
    throw invalid({ handle: 'You cannot remove the last admin. Make someone else an admin first' })
  }
  await deleteMember(db, org.id, userId)
  await audit(db, { actorId, action: 'organisation.member_removed', subjectType: 'organisation', subjectId: org.id, reason: userId })
}

/** Hides or restores an organisation (moderation), keeping the search index in step. */
export async function setOrganisationHidden(db: Executor, id: string, hidden: boolean): Promise<void> {
  const org = await findOrganisationById(db, id)
  if (!org) return
  const hidden_at = hidden ? now() : null
  await updateOrganisationRow(db, id, { hidden_at })
  const themes = (await themesOf(db, [id])).get(id) ?? []
  await indexOrganisation(db, { ...org, hidden_at }, themes)
}

/** The organisation at this slug if the actor may see it; otherwise throws 404 (never revealing that it exists). */
export async function findVisibleOrganisation(db: Executor, actor: Actor, slug: string): Promise<OrganisationRow> {
  const org = await findOrganisationBySlug(db, slug)
  if (!org) throw notFound('Organisation')
  const ok = await can(db, actor, 'view', { spaceId: org.space_id, hiddenAt: org.hidden_at, authorIds: org.created_by ? [org.created_by] : [] })
  if (!ok) throw notFound('Organisation')
  return org
}

/**
 * True when a request value holds a NUL character anywhere (strings, arrays, objects).
 * PostgreSQL rejects NUL in text, so routes answer 400 before such input reaches a query.
 */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (depth > 5 || value === null || typeof value !== 'object') return false
  return Object.entries(value as Record<string, unknown>).some(([k, v]) => k.includes('\u0000') || containsNul(v, depth + 1))
}
