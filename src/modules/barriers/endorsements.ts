import type { Db } from '../../core/db/database.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { newId, now } from '../../core/db/ids.ts'
import { invalid } from '../../core/errors.ts'
import { administersAnyOrganisation, organisationsByIds, organisationsOfPerson } from '../organisations/organisations.ts'
import { creditsOf, KIND_TEXT, type Credit, type EntryRow } from './barriers.ts'
import { deleteEndorsement, endorsementsBy, endorsementsOf, readerEndorsed, upsertEndorsement } from './endorsements.queries.ts'

// Endorsements: "we face this too" on a barrier, "this worked for us" on a solution, from a person or
// from an organisation they speak for (its admins: organisations.policy's speakFor), with a short note.

/** The organisations the person may speak for (asked of the organisations policy for the few they are an admin of). */
async function spokenFor(db: Db, actor: Actor & { userId: string }): Promise<Array<{ id: string; name: string }>> {
  // None, without reading who the reader is, for the many who administer no organisation (a noted personal fact).
  if (!(await administersAnyOrganisation(db, actor))) return []
  const organisations = await organisationsOfPerson(db, actor, actor.userId)
  const spoken = []
  for (const o of organisations) if (o.role === 'admin' && (await can(db, actor, 'speakFor', 'organisation', { id: o.id }))) spoken.push(o)
  return spoken
}

/** Whom the person may endorse as: themself, and each organisation they speak for. */
export async function endorserChoices(db: Db, actor: Actor & { userId: string }): Promise<Array<{ value: string; text: string }>> {
  return [{ value: 'person', text: 'Yourself' }, ...(await spokenFor(db, actor)).map((o) => ({ value: o.id, text: o.name }))]
}

/** The endorser key a form value names, if the actor may endorse as it; otherwise a field error. */
async function endorserKey(db: Db, actor: Actor & { userId: string }, endorser: string): Promise<{ key: string; organisationId: string | null }> {
  if (endorser === 'person') return { key: `person:${actor.userId}`, organisationId: null }
  if (!(await can(db, actor, 'speakFor', 'organisation', { id: endorser }))) throw invalid({ endorser: 'Select yourself or an organisation you are an admin of' })
  return { key: `organisation:${endorser}`, organisationId: endorser }
}

/** Endorses a page (or changes the note of an existing endorsement): one per person, and one per organisation. The route checked `participate`. */
export async function endorse(db: Db, actor: Actor & { userId: string }, entry: EntryRow, input: { endorser: string; note: string }): Promise<void> {
  const { key, organisationId } = await endorserKey(db, actor, input.endorser)
  await upsertEndorsement(db, { id: newId(), entry_id: entry.id, endorser_key: key, user_id: actor.userId, organisation_id: organisationId, note: input.note, created_at: now() })
}

/** Withdraws the actor's own endorsement, or their organisation's. Withdrawing one that is not there changes nothing. */
export async function withdrawEndorsement(db: Db, actor: Actor & { userId: string }, entry: EntryRow, endorser: string): Promise<void> {
  const { key } = await endorserKey(db, actor, endorser)
  await deleteEndorsement(db, entry.id, key)
}

export interface EndorsementView {
  id: string
  /** The person, when a person endorsed for themself. */
  person: Credit | null
  organisation: { name: string; slug: string } | null
  note: string
  createdAt: string
}

/**
 * A page's newest 100 endorsements as the reader may see them: organisations they may see (a hidden one is left
 * out), people named only with a public presence. With the endorser values the reader holds (to withdraw).
 */
export async function endorsementsView(db: Db, actor: Actor, entry: EntryRow): Promise<{ items: EndorsementView[]; mine: string[]; heading: string }> {
  const rows = await endorsementsOf(db, entry.id)
  const [people, organisations] = await Promise.all([
    creditsOf(db, rows.filter((r) => r.organisation_id === null).map((r) => r.user_id)),
    organisationsByIds(db, actor, rows.flatMap((r) => (r.organisation_id ? [r.organisation_id] : []))),
  ])
  const items = rows.flatMap((r): EndorsementView[] => {
    if (r.organisation_id) {
      const o = organisations.get(r.organisation_id)
      return o ? [{ id: r.id, person: null, organisation: { name: o.name, slug: o.slug }, note: r.note, createdAt: r.created_at }] : []
    }
    return [{ id: r.id, person: people.get(r.user_id) ?? null, organisation: null, note: r.note, createdAt: r.created_at }]
  })
  // The endorsements the reader may withdraw: their own, and those of the organisations they speak for.
  const mine: string[] = []
  // Asked as personal facts first: a reader who endorsed nothing here and administers no organisation holds nothing to
  // withdraw, and their page is shared with every such reader (decision 0028).
  if (signedIn(actor) && ((await readerEndorsed(db, actor, entry.id)) || (await administersAnyOrganisation(db, actor)))) {
    const spoken = (await spokenFor(db, actor)).map((o) => o.id)
    const held = await endorsementsBy(db, entry.id, [`person:${actor.userId}`, ...spoken.map((id) => `organisation:${id}`)])
    for (const h of held) mine.push(h.organisation_id ?? 'person')
  }
  return { items, mine, heading: KIND_TEXT[entry.kind].endorsements }
}
