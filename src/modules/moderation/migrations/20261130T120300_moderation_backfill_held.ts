import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Content hidden before held_content existed (20261130T120100) was hidden through reports: record it, so
 * the queue's "Hidden content" list can restore it. For each reported item, the latest decision wins:
 * hidden if it was "hide". Reads only this module's reports; writes the core table it is about.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    const rows = await db
      .selectFrom('reports')
      .select(['subject_type', 'subject_id', 'space_id', 'subject_author_id', 'subject_title', 'subject_url', 'resolution', 'resolution_reason', 'resolved_by', 'resolved_at'])
      .where('status', '=', 'resolved')
      .where('resolution', 'in', ['hide', 'restore'])
      .orderBy('resolved_at')
      .execute()
    const latest = new Map<string, (typeof rows)[number]>()
    for (const r of rows) latest.set(`${r.subject_type}\u0000${r.subject_id}`, r)
    const hidden = [...latest.values()].filter((r) => r.resolution === 'hide')
    // The report's snapshot of the author may name an account deleted since (it has no foreign key).
    const authorIds = [...new Set(hidden.flatMap((r) => (r.subject_author_id ? [r.subject_author_id] : [])))]
    const existing = new Set<string>()
    for (let i = 0; i < authorIds.length; i += 500) {
      for (const u of await db.selectFrom('users').select('id').where('id', 'in', authorIds.slice(i, i + 500)).execute()) existing.add(u.id)
    }
    for (let i = 0; i < hidden.length; i += 200) {
      await db
        .insertInto('held_content')
        .values(
          hidden.slice(i, i + 200).map((r) => ({
            subject_type: r.subject_type,
            subject_id: r.subject_id,
            space_id: r.space_id,
            author_id: r.subject_author_id && existing.has(r.subject_author_id) ? r.subject_author_id : null,
            title: r.subject_title,
            url: r.subject_url,
            state: 'hidden',
            reason: r.resolution_reason,
            decided_by: r.resolved_by,
            created_at: r.resolved_at,
            updated_at: r.resolved_at,
          })),
        )
        .execute()
    }
  },
}
