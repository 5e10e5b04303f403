import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { demoDatabase } from '../../../test/support/demo.ts'
import { testDialects } from '../../../test/support/databases.ts'
import type { DatabaseHandle } from '../../core/db/database.ts'
import { wholeDatabase } from '../../database.ts'

for (const dialect of testDialects()) {
  describe(`charters demo content on ${dialect}`, () => {
    let database: DatabaseHandle
    before(async () => {
      // Trust levels as on a real first start: demo people are new accounts.
      database = await demoDatabase(dialect, { trust: { newAccountDays: 3, approvals: 2 } })
    })
    after(async () => database.close())

    test('a charter in drafting with open, accepted and rejected amendments, votes and comments; one needs updating', async () => {
      const db = wholeDatabase(database)
      const charter = await db.selectFrom('charters').selectAll().where('slug', '=', 'charter-for-shared-public-code').executeTakeFirstOrThrow()
      assert.equal(charter.status, 'drafting')
      const amendments = await db.selectFrom('charter_amendments').selectAll().where('charter_id', '=', charter.id).execute()
      const by = (status: string) => amendments.filter((a) => a.status === status)
      assert.ok(by('open').length >= 3)
      assert.equal(by('accepted').length, 1)
      assert.equal(by('rejected').length, 1)
      assert.ok(by('rejected')[0]!.reply.length > 0)
      assert.equal(by('open').filter((a) => a.conflict === 1).length, 1, 'one open amendment was written against an older text')
      assert.ok(amendments.some((a) => a.votes_for > 0 && a.votes_against > 0), 'votes both ways')
      assert.ok(amendments.some((a) => a.kind === 'add'))
      const comments = await db.selectFrom('charter_amendment_comments').select('hidden_at').where('charter_id', '=', charter.id).execute()
      assert.ok(comments.length >= 2 && comments.every((c) => c.hidden_at === null), 'comments are published')
      assert.equal(charter.current_version, 2)
    })

    test('a published charter with organisation and personal signatures, a later version some have confirmed, and two pilots with progress posts', async () => {
      const db = wholeDatabase(database)
      const charter = await db.selectFrom('charters').selectAll().where('slug', '=', 'open-working-charter').executeTakeFirstOrThrow()
      assert.equal(charter.status, 'published')
      assert.equal(charter.current_version, 3)
      const signatures = await db.selectFrom('charter_signatures').selectAll().where('charter_id', '=', charter.id).execute()
      assert.ok(signatures.filter((s) => s.kind === 'organisation').length >= 4)
      assert.ok(signatures.filter((s) => s.kind === 'person' && s.show_name === 1).length >= 2)
      assert.ok(signatures.some((s) => s.kind === 'person' && s.show_name === 0))
      const current = signatures.filter((s) => s.version_confirmed === 3).length
      assert.ok(current >= 2 && current < signatures.length, 'some have confirmed the latest version, others not yet')
      const pilots = await db.selectFrom('charter_pilots').selectAll().where('charter_id', '=', charter.id).execute()
      assert.equal(pilots.length, 2)
      const updates = await db.selectFrom('charter_pilot_updates').select('post_id').where('charter_id', '=', charter.id).execute()
      assert.ok(updates.length >= 3, `${updates.length} progress posts`)
      const reconsent = await db.selectFrom('notifications').select('user_id').where('kind', '=', 'charter_version').execute()
      assert.ok(reconsent.length >= 4, 'signatories were asked to review the new version')
    })
  })
}
