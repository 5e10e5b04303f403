/**
 * The leak matrix's follows: every signed-in reader follows the three communities, the public and the hidden
 * project and organisation, every tag, every challenge and the host — through the Follow form where the app allows it, and straight
 * into the table where it would not (as if they followed while they still could: a removed member followed the
 * members-only community while a member). Their timelines and /following are then list routes of the matrix, and
 * a daily digest is sent to each of them, so the matrix's e-mail check reads every digest for traces of what its
 * reader may not see.
 */
import assert from 'node:assert/strict'
import type { TestApp } from '../support/app.ts'
import type { TestClient } from '../support/client.ts'
import { eventually } from '../support/wait.ts'
import { sendDigests } from '../../src/modules/follows/follows.mail.ts'
import type { ActorName } from './oracle.ts'

const READERS = ['stranger', 'member', 'moderator', 'host', 'admin', 'banned', 'removed', 'requester', 'orgadmin'] as const

export async function buildFollows(o: { t: TestApp; c: Record<ActorName, TestClient>; userIds: Record<string, string>; communities: string[]; projects: string[]; organisations: string[]; tags: string[]; challenges: string[] }): Promise<void> {
  const { t, c, userIds } = o
  const subjects = [
    ...o.communities.map((id) => ({ kind: 'community', id })),
    ...o.projects.map((id) => ({ kind: 'project', id })),
    ...o.organisations.map((id) => ({ kind: 'organisation', id })),
    ...o.tags.map((id) => ({ kind: 'tag', id })),
    ...o.challenges.map((id) => ({ kind: 'challenge', id })),
    { kind: 'person', id: userIds.host! },
  ]
  const at = new Date().toISOString()
  for (const reader of READERS) {
    for (const s of subjects) {
      const res = await c[reader].submit('/following', { ...s, action: 'follow', next: '/following' }, '/following')
      assert.ok([303, 404].includes(res.statusCode), `${reader} follows ${s.kind}: ${res.statusCode}`)
      if (res.statusCode === 404) await t.db.insertInto('follows').values({ user_id: userIds[reader]!, subject_kind: s.kind, subject_id: s.id, created_at: at }).onConflict((oc) => oc.doNothing()).execute()
    }
  }
  const day = new Date().toISOString().slice(0, 10)
  const people = READERS.map((r) => ({ id: userIds[r]!, day }))
  await t.app.jobs.enqueue(t.app.db, sendDigests, { period: 'daily', people })
  await eventually(async () => {
    const rows = await t.db.selectFrom('follow_mailings').select('status').where('period', '=', 'daily').where('day', '=', day).execute()
    return rows.length === people.length && rows.every((r) => r.status !== 'sending')
  }, { timeoutMs: 30_000, what: 'the digests of the leak matrix' })
}
