import { readerHas, readerRows } from '../../core/access/reader-facts.ts'
import type { Actor } from '../../core/access/policy.ts'
import type { PublishedMark, SubjectRef } from '../../core/activity.ts'
import { ANY_TYPE, type Delivery, type FollowMailingsTable, type FollowNoticesTable, type FollowsDb, type Period } from './follows.tables.ts'

/** How many things one person's timeline and digests look at (the most recently followed first). */
export const MAX_FOLLOWED = 500

/** Follows the subject; following it again changes nothing (a double submit or a race included). */
export async function insertFollow(db: FollowsDb, userId: string, subject: SubjectRef, at: string): Promise<void> {
  await db.insertInto('follows').values({ user_id: userId, subject_kind: subject.kind, subject_id: subject.id, created_at: at }).onConflict((oc) => oc.columns(['user_id', 'subject_kind', 'subject_id']).doNothing()).execute()
}

export async function deleteFollow(db: FollowsDb, userId: string, subject: SubjectRef): Promise<void> {
  await db.deleteFrom('follows').where('user_id', '=', userId).where('subject_kind', '=', subject.kind).where('subject_id', '=', subject.id).execute()
}

/** Whether the reader follows this: a personal fact, read so that a shared page can note it (core/access/reader-facts.ts). */
export async function readerFollows(db: FollowsDb, actor: Actor, subject: SubjectRef): Promise<boolean> {
  return readerHas(db, actor, 'follows', 'user_id', { subject_kind: subject.kind, subject_id: subject.id })
}

/** What the person follows, most recently followed first. */
export async function followedBy(db: FollowsDb, userId: string, limit = MAX_FOLLOWED): Promise<Array<SubjectRef & { since: string }>> {
  const rows = await db.selectFrom('follows').select(['subject_kind', 'subject_id', 'created_at']).where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('subject_kind').orderBy('subject_id').limit(limit).execute()
  return rows.map((r) => ({ kind: r.subject_kind, id: r.subject_id, since: r.created_at }))
}

/**
 * What the reader follows, most recently followed first (at most `limit`), read as a personal fact: a page that lists
 * it (/following) is kept for whoever follows exactly the same, and a follow or unfollow, from the app or not, is
 * seen at the next request (core/access/reader-facts.ts, decision 0045).
 */
export async function readerFollowed(db: FollowsDb, actor: Actor, limit = MAX_FOLLOWED): Promise<Array<SubjectRef & { since: string }>> {
  const rows = await readerRows(db, actor, 'follows', 'user_id', {}, ['created_at', 'subject_kind', 'subject_id'])
  // Read in ascending order (the fact's); shown as followedBy orders them: newest first, then by subject, bytewise.
  const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)
  return rows
    .sort((a, b) => order(b.created_at, a.created_at) || order(a.subject_kind, b.subject_kind) || order(a.subject_id, b.subject_id))
    .slice(0, limit)
    .map((r) => ({ kind: r.subject_kind, id: r.subject_id, since: r.created_at }))
}

/** The reader's delivery choices by activity type, read as a personal fact (as readerFollowed). */
export async function readerSettings(db: FollowsDb, actor: Actor): Promise<Map<string, Delivery>> {
  const rows = await readerRows(db, actor, 'follow_settings', 'user_id', {}, ['activity_type', 'delivery'])
  return new Map(rows.map((r) => [r.activity_type, r.delivery]))
}

/** The person's delivery choices by activity type (types they never chose are absent). */
export async function settingsOf(db: FollowsDb, userIds: string[]): Promise<Map<string, Map<string, Delivery>>> {
  const out = new Map<string, Map<string, Delivery>>()
  if (!userIds.length) return out
  const rows = await db.selectFrom('follow_settings').select(['user_id', 'activity_type', 'delivery']).where('user_id', 'in', userIds).execute()
  for (const r of rows) {
    if (!out.has(r.user_id)) out.set(r.user_id, new Map())
    out.get(r.user_id)!.set(r.activity_type, r.delivery)
  }
  return out
}

export async function upsertSetting(db: FollowsDb, userId: string, type: string, delivery: Delivery, at: string): Promise<void> {
  await db
    .insertInto('follow_settings')
    .values({ user_id: userId, activity_type: type, delivery, updated_at: at })
    .onConflict((oc) => oc.columns(['user_id', 'activity_type']).doUpdateSet({ delivery, updated_at: at }))
    .execute()
}

/**
 * Turns every choice of these deliveries into 'app' (what unsubscribing from their e-mails means), the default
 * for kinds never chosen (`*`) included when it is one of them.
 */
export async function downgradeSettings(db: FollowsDb, userId: string, from: Delivery[], fallback: Delivery, at: string): Promise<void> {
  await db.updateTable('follow_settings').set({ delivery: 'app', updated_at: at }).where('user_id', '=', userId).where('delivery', 'in', from).execute()
  const general = (await settingsOf(db, [userId])).get(userId)?.get(ANY_TYPE)
  if (general === undefined && from.includes(fallback)) await upsertSetting(db, userId, ANY_TYPE, 'app', at)
}

/** People who follow anything, a page at a time in id order (the digest planner's walk). */
export async function followersAfter(db: FollowsDb, afterUserId: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('follows').select('user_id').distinct().where('user_id', '>', afterUserId).orderBy('user_id').limit(limit).execute()
  return rows.map((r) => r.user_id)
}

/** When each person's last mailing of the period ended its window. */
export async function lastUntil(db: FollowsDb, userIds: string[], period: Period): Promise<Map<string, string>> {
  if (!userIds.length) return new Map()
  const rows = await db.selectFrom('follow_mailings').select(['user_id', (eb) => eb.fn.max('until').as('until')]).where('user_id', 'in', userIds).where('period', '=', period).groupBy('user_id').execute()
  return new Map(rows.map((r) => [r.user_id, String(r.until)]))
}

/** The mailings of these people for one period and day (to skip those already claimed). */
export async function mailingsOn(db: FollowsDb, userIds: string[], period: Period, days: string[]): Promise<FollowMailingsTable[]> {
  if (!userIds.length) return []
  return db.selectFrom('follow_mailings').selectAll().where('user_id', 'in', userIds).where('period', '=', period).where('day', 'in', days).execute()
}

/**
 * Claims a mailing for a job: true when this job may send it (it is new, or this job claimed it before a crash).
 * The claim's `until` is its window's start until it is settled, so the next window is not moved by a claim.
 */
export async function claimMailing(db: FollowsDb, row: Omit<FollowMailingsTable, 'status'>): Promise<boolean> {
  const inserted = await db.insertInto('follow_mailings').values({ ...row, status: 'sending' }).onConflict((oc) => oc.columns(['user_id', 'period', 'day']).doNothing()).executeTakeFirst()
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true
  const existing = await db.selectFrom('follow_mailings').select(['status', 'job_id']).where('user_id', '=', row.user_id).where('period', '=', row.period).where('day', '=', row.day).executeTakeFirst()
  return existing?.status === 'sending' && existing.job_id === row.job_id
}

export async function settleMailing(db: FollowsDb, key: { user_id: string; period: Period; day: string }, status: FollowMailingsTable['status'], until?: string): Promise<void> {
  await db.updateTable('follow_mailings').set({ status, ...(until ? { until } : {}) }).where('user_id', '=', key.user_id).where('period', '=', key.period).where('day', '=', key.day).execute()
}

// ---------------------------------------------------------------- fan-out of followed activity

/** Where the fan-out of each kind of activity stands (a kind never read starts at the general mark). */
export async function fanOutMarks(db: FollowsDb): Promise<Map<string, PublishedMark>> {
  const rows = await db.selectFrom('follow_marks').select(['activity_type', 'until', 'after_id']).execute()
  return new Map(rows.map((r) => [r.activity_type, { at: r.until, id: r.after_id ?? null }]))
}

export async function setFanOutMark(db: FollowsDb, type: string, mark: PublishedMark): Promise<void> {
  const values = { until: mark.at, after_id: mark.id }
  await db.insertInto('follow_marks').values({ activity_type: type, ...values }).onConflict((oc) => oc.column('activity_type').doUpdateSet(values)).execute()
}

/** Followers of any of these subjects, a page at a time in id order (one indexed range per subject). */
export async function followersOf(db: FollowsDb, subjects: SubjectRef[], afterUserId: string, limit: number): Promise<string[]> {
  if (!subjects.length) return []
  const rows = await db
    .selectFrom('follows')
    .select('user_id')
    .distinct()
    .where((eb) => eb.or(subjects.map((s) => eb.and([eb('subject_kind', '=', s.kind), eb('subject_id', '=', s.id)]))))
    .where('user_id', '>', afterUserId)
    .orderBy('user_id')
    .limit(limit)
    .execute()
  return rows.map((r) => r.user_id)
}

/** The notices already written for these people about one item. */
export async function noticesOf(db: FollowsDb, userIds: string[], type: string, itemId: string): Promise<Map<string, FollowNoticesTable['mail']>> {
  if (!userIds.length) return new Map()
  const rows = await db.selectFrom('follow_notices').select(['user_id', 'mail']).where('user_id', 'in', userIds).where('activity_type', '=', type).where('item_id', '=', itemId).execute()
  return new Map(rows.map((r) => [r.user_id, r.mail]))
}

/** Writes a notice; false when there was one already (the person was told). */
export async function insertNotice(db: FollowsDb, row: FollowNoticesTable): Promise<boolean> {
  const inserted = await db.insertInto('follow_notices').values(row).onConflict((oc) => oc.columns(['user_id', 'activity_type', 'item_id']).doNothing()).executeTakeFirst()
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1
}

export async function setNoticeMail(db: FollowsDb, userId: string, type: string, itemId: string, mail: FollowNoticesTable['mail']): Promise<void> {
  await db.updateTable('follow_notices').set({ mail }).where('user_id', '=', userId).where('activity_type', '=', type).where('item_id', '=', itemId).where('mail', '=', 'pending').execute()
}
