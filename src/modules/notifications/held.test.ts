import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { createUser } from '../../../test/support/factories.ts'
import { jobRun } from '../../core/jobs/jobs.ts'
import { notifyWhenShown, releaseHeldNotifications } from './notifications.ts'
import { dropStaleHeld, HELD_NOTICE_DAYS } from './held.jobs.ts'

for (const dialect of testDialects()) {
  describe(`held notices that wait too long on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect)
    })
    after(async () => t.close())

    test(`the daily job drops notices held over ${HELD_NOTICE_DAYS} days (an item deleted before approval); younger ones are still sent on approval`, async () => {
      const [writer, reader] = [await createUser(t.app.db), await createUser(t.app.db)]
      const notice = (id: string) => ({ type: 'comment', id, heldAt: new Date().toISOString() })
      const item = { userId: reader.id, kind: 'reply' as const, text: 'A reply you will want to read', url: '/posts/x', spaceId: null }
      await notifyWhenShown(t.app.db, notice('gone'), [item], writer.id)
      await notifyWhenShown(t.app.db, notice('waiting'), [item], writer.id)
      const old = new Date(Date.now() - (HELD_NOTICE_DAYS + 1) * 86_400_000).toISOString()
      await t.db.updateTable('held_notifications').set({ created_at: old }).where('subject_id', '=', 'gone').execute()
      assert.ok(t.app.modules.some((m) => m.jobs?.includes(dropStaleHeld)), 'the notifications module declares the job')
      await dropStaleHeld.run({}, jobRun(dropStaleHeld, 'test', 0, t.app))
      const left = await t.db.selectFrom('held_notifications').select('subject_id').execute()
      assert.deepEqual(left.map((r) => r.subject_id), ['waiting'])
      await releaseHeldNotifications(t.app.db, 'comment', 'waiting')
      const sent = await t.db.selectFrom('notifications').select('text').where('user_id', '=', reader.id).execute()
      assert.deepEqual(sent.map((n) => n.text), ['A reply you will want to read'])
    })
  })
}
