import type { Db } from '../../core/db/database.ts'
import { now } from '../../core/db/ids.ts'
import { conflict, forbidden, invalid, notFound } from '../../core/errors.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import type { Values } from '../../core/http/forms.ts'
import { peopleByHandles, peopleByIds } from '../accounts/accounts.ts'
import { organisationsByIds, type OrganisationSummary } from '../organisations/organisations.ts'
import { postsByIds, publishedPostBySlug, type PostCard } from '../posts/posts.ts'
import type { CharterRow } from './charters.queries.ts'
import type { pilotEditSchema, pilotSchema } from './charters.schemas.ts'
import { deletePilotUpdate, findPilot, insertPilotIfNew, insertPilotUpdate, pilotsOf, pilotUpdateIds, updatePilotRow, type PilotRow } from './pilots.queries.ts'
import { organisationSignature } from './signatures.ts'

/**
 * Pilots: an organisation that signed a charter volunteers to try it out, names a contact and its goals,
 * and reports progress by linking its own posts (posts attached to the organisation). The charter shows
 * its pilots with their latest update.
 */

export interface PilotView {
  organisation: OrganisationSummary
  contact: { handle: string; name: string; public: boolean } | null
  goals: string[]
  createdAt: string
  updates: PostCard[]
}

const paragraphs = (text: string) => text.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean)

/** Resolves the contact's handle to a person with a public presence ('' → none). */
async function contactId(db: Db, handle: string): Promise<string | null> {
  const clean = handle.trim().replace(/^@/, '').toLowerCase()
  if (!clean) return null
  const person = (await peopleByHandles(db, [clean])).get(clean)
  if (!person) throw invalid({ contact: `There is no one with the handle ${handle.trim()}` })
  return person.id
}

async function requirePilotManager(db: Db, actor: Actor, charter: CharterRow, organisationId: string): Promise<string> {
  if (!signedIn(actor) || !(await can(db, actor, 'manage', 'pilot', { charter, organisationId }))) throw forbidden('Only admins of this organisation can manage its pilot')
  return actor.userId
}

/** An organisation that signs the charter volunteers as a pilot. */
export async function volunteerAsPilot(db: Db, actor: Actor, charter: CharterRow, input: Values<typeof pilotSchema>): Promise<OrganisationSummary> {
  const organisation = (await organisationsByIds(db, actor, [input.organisation])).get(input.organisation)
  if (!organisation || !signedIn(actor) || !(await can(db, actor, 'manage', 'pilot', { charter, organisationId: organisation.id }))) throw invalid({ organisation: 'Select an organisation you are an admin of' })
  const signature = await organisationSignature(db, charter.id, organisation.id)
  if (signature?.status !== 'active') throw invalid({ organisation: `${organisation.name} must sign the charter before it can volunteer as a pilot` })
  const contact = await contactId(db, input.contact)
  const t = now()
  const row: PilotRow = { charter_id: charter.id, organisation_id: organisation.id, contact_id: contact, goals: input.goals, created_by: actor.userId, created_at: t, updated_at: t, last_update_at: null }
  if (!(await insertPilotIfNew(db, row))) throw invalid({ organisation: `${organisation.name} is already a pilot of this charter` })
  return organisation
}

/** The pilot of this organisation (by slug) for the charter, or 404. */
export async function findPilotOf(db: Db, actor: Actor, charter: CharterRow, organisation: OrganisationSummary): Promise<PilotRow> {
  const pilot = await findPilot(db, charter.id, organisation.id)
  const signature = pilot ? await organisationSignature(db, charter.id, organisation.id) : undefined
  if (!pilot || signature?.status !== 'active' || !(await can(db, actor, 'view', 'pilot', { charter, organisationId: organisation.id }))) throw notFound('Pilot')
  return pilot
}

export async function editPilot(db: Db, actor: Actor, charter: CharterRow, pilot: PilotRow, input: Values<typeof pilotEditSchema>): Promise<void> {
  await requirePilotManager(db, actor, charter, pilot.organisation_id)
  const contact = await contactId(db, input.contact)
  await updatePilotRow(db, charter.id, pilot.organisation_id, { contact_id: contact, goals: input.goals, updated_at: now() })
}

/**
 * Links a post as a progress update, by its address (`/posts/<slug>`, a full URL, or the slug). The post
 * must be published, readable by the person linking it, and attached to the pilot's organisation: a pilot
 * reports in its own words.
 */
export async function linkProgressPost(db: Db, actor: Actor, charter: CharterRow, pilot: PilotRow, address: string): Promise<PostCard> {
  const actorId = await requirePilotManager(db, actor, charter, pilot.organisation_id)
  const slug = /(?:^|\/posts\/)([a-z0-9-]{1,100})\/?(?:[?#].*)?$/.exec(address.trim())?.[1] ?? ''
  const post = slug ? await publishedPostBySlug(db, actor, slug) : null
  if (!post) throw invalid({ post: 'Enter the address of a published post, like /posts/weeknotes-12' })
  if (post.organisation?.id !== pilot.organisation_id) throw invalid({ post: 'Choose a post attached to your organisation (set “Organisation” on the post)' })
  const t = now()
  if (!(await insertPilotUpdate(db, { charter_id: charter.id, organisation_id: pilot.organisation_id, post_id: post.id, added_by: actorId, created_at: t }))) throw invalid({ post: 'This post is already one of the pilot’s updates' })
  await updatePilotRow(db, charter.id, pilot.organisation_id, { last_update_at: t, updated_at: t })
  return post
}

export async function unlinkProgressPost(db: Db, actor: Actor, charter: CharterRow, pilot: PilotRow, postId: string): Promise<void> {
  await requirePilotManager(db, actor, charter, pilot.organisation_id)
  if (!(await deletePilotUpdate(db, charter.id, pilot.organisation_id, postId))) throw conflict('This post is no longer linked to the pilot')
}

/**
 * The charter's pilots with their contact, goals and progress posts (newest first; `updatesEach` of them),
 * in a fixed number of queries. Organisations and posts the actor may not see are left out.
 */
export async function pilotsView(db: Db, actor: Actor, charter: CharterRow, options: { organisationId?: string; updatesEach: number }): Promise<PilotView[]> {
  const pilots = (await pilotsOf(db, charter.id)).filter((p) => !options.organisationId || p.organisation_id === options.organisationId)
  if (pilots.length === 0) return []
  const links = await pilotUpdateIds(db, charter.id, options.organisationId)
  const [orgs, people, posts] = await Promise.all([
    organisationsByIds(db, actor, pilots.map((p) => p.organisation_id)),
    peopleByIds(db, pilots.flatMap((p) => (p.contact_id ? [p.contact_id] : []))),
    postsByIds(db, actor, links.map((l) => l.post_id)),
  ])
  return pilots.flatMap((p) => {
    const organisation = orgs.get(p.organisation_id)
    if (!organisation) return []
    const person = p.contact_id ? people.get(p.contact_id) : undefined
    const updates = links
      .filter((l) => l.organisation_id === p.organisation_id)
      .flatMap((l) => {
        const post = posts.get(l.post_id)
        return post ? [post] : []
      })
      .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? ''))
      .slice(0, options.updatesEach)
    return [{ organisation, contact: person ? { handle: person.handle, name: person.name, public: person.public } : null, goals: paragraphs(p.goals), createdAt: p.created_at, updates }]
  })
}
