import type { Db } from '../../core/db/database.ts'
import { notify, type NotificationInput } from '../notifications/notifications.ts'
import { adminsOfOrganisations } from '../organisations/organisations.ts'
import type { CharterRow } from './charters.queries.ts'
import { activeSignatories } from './signatures.queries.ts'

/** Notifications are written in batches this size (one insert each): a charter may have tens of thousands of signatories. */
const BATCH = 500

/**
 * Re-consent: when a published charter gets a new version, every active signatory is asked to review what
 * changed and to confirm or withdraw: people for themselves, organisations through their admins. Until they
 * confirm, the register shows them as having agreed to the older version only. Nothing happens while the
 * charter is in drafting (nobody has signed yet).
 */
export async function askToReconfirm(db: Db, charter: CharterRow, version: number, summary: string, actorId: string | null): Promise<void> {
  if (charter.status !== 'published') return
  const signatories = await activeSignatories(db, charter.id)
  const admins = await adminsOfOrganisations(db, signatories.flatMap((s) => (s.organisation_id ? [s.organisation_id] : [])))
  const text = `“${charter.title}” has a new version (${version}: ${summary}). Review what changed, then confirm or withdraw your signature`
  const items: NotificationInput[] = []
  for (const s of signatories) {
    const url = `/charters/${charter.slug}/signatures/${s.id}/review`
    const people = s.kind === 'person' ? [s.user_id] : (admins.get(s.organisation_id!) ?? [])
    for (const userId of people) items.push({ userId, kind: 'charter_version', text, url, spaceId: charter.space_id })
  }
  for (let i = 0; i < items.length; i += BATCH) await notify(db, items.slice(i, i + BATCH), actorId)
}
