import type { Db } from '../../core/db/database.ts'
import type { Actor } from '../../core/access/policy.ts'
import { readableSpaces, spacesByIds } from '../../core/access/spaces.ts'
import { listAudit, type AuditRow } from '../../core/audit.ts'
import { notFound } from '../../core/errors.ts'
import { decodeCursor, paginate } from '../../core/http/pagination.ts'
import { peopleByIds } from '../accounts/accounts.ts'

/** What the log says an action was, in words (an unknown action shows as it is stored). */
const ACTIONS: Record<string, string> = {
  'report.hide': 'Hid it, on a report',
  'report.restore': 'Restored it, on a report',
  'report.dismiss': 'Dismissed a report about it',
  'report.approve': 'Approved it, on a report',
  'report.reject': 'Did not approve it, on a report',
  'content.hide': 'Hid it',
  'content.restore': 'Restored it',
  'content.approve': 'Approved it (new account)',
  'content.reject': 'Did not approve it (new account)',
  'account.suspend': 'Suspended the account',
  'account.reinstate': 'Reinstated the account',
  'space.admin_access': 'Opened it as an admin',
  'thread.pin': 'Pinned it',
  'thread.unpin': 'Unpinned it',
  'thread.lock': 'Locked it',
  'thread.unlock': 'Unlocked it',
}

export interface AuditItem extends AuditRow {
  actorName: string
  actionText: string
  /** What it was about, as a title and a link; null title when it may not be shown or was never recorded. */
  subject: { title: string | null; url: string | null; note: string | null }
  space: { name: string; path: string } | null
}

/**
 * The audit log for platform admins (404 for everyone else), newest first. Titles and links come from the
 * snapshot stored with each entry; names of people and spaces are batch-loaded. An admin does not read a
 * trusted (members-only) space, so entries about content in one they have not opened show no title.
 */
export async function auditPage(db: Db, actor: Actor, options: { after?: unknown; limit?: number } = {}): Promise<{ items: AuditItem[]; next: string | null }> {
  if (!actor.isAdmin) throw notFound()
  const limit = options.limit ?? 50
  const rows = await listAudit(db, { cursor: decodeCursor(options.after), limit })
  const page = paginate(rows, limit, (r) => ({ at: r.created_at, id: r.id }))
  // Entries without a stored title about a person or a space (a community is its space) are named from
  // their current record, in the same batch as the actors' names and the entries' spaces.
  const untitled = (types: string[]) => page.items.flatMap((r) => (!r.subject_title && types.includes(r.subject_type) ? [r.subject_id] : []))
  const spaceIds = [...page.items.flatMap((r) => (r.space_id ? [r.space_id] : [])), ...untitled(SPACE_SUBJECTS)]
  const [people, spaces, readable] = await Promise.all([
    peopleByIds(db, [...page.items.flatMap((r) => (r.actor_id ? [r.actor_id] : [])), ...untitled(PERSON_SUBJECTS)]),
    spacesByIds(db, spaceIds),
    readableSpaces(db, actor, spaceIds),
  ])
  return {
    next: page.next,
    items: page.items.map((r) => {
      const space = r.space_id ? (spaces.get(r.space_id) ?? null) : null
      const trusted = r.space_id !== null && space?.visibility === 'members' && !readable.has(r.space_id)
      return {
        ...r,
        actorName: r.actor_id ? (people.get(r.actor_id)?.name ?? 'A former member') : 'System',
        actionText: ACTIONS[r.action] ?? r.action,
        subject: subjectOf(r, trusted, spaces, people),
        space,
      }
    }),
  }
}

const SPACE_SUBJECTS = ['space', 'community']
const PERSON_SUBJECTS = ['person', 'user']

function subjectOf(r: AuditRow, trusted: boolean, spaces: Map<string, { name: string; path: string }>, people: Map<string, { name: string; handle: string }>): AuditItem['subject'] {
  // A trusted space itself is named (admins see which private communities exist), never what is in it.
  if (SPACE_SUBJECTS.includes(r.subject_type)) {
    const space = spaces.get(r.subject_id)
    if (space) return { title: space.name, url: space.path, note: null }
  }
  if (trusted) return { title: null, url: null, note: 'in a members-only community: its title is not shown to platform admins' }
  if (r.subject_title) return { title: r.subject_title, url: r.subject_url || null, note: null }
  const person = PERSON_SUBJECTS.includes(r.subject_type) ? people.get(r.subject_id) : undefined
  if (person) return { title: person.name, url: `/people/${person.handle}`, note: null }
  return { title: null, url: null, note: `no title recorded (${r.subject_id})` }
}
