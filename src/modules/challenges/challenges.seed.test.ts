import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { demoDatabase } from '../../../test/support/demo.ts'
import { testDialects } from '../../../test/support/databases.ts'
import type { DatabaseHandle } from '../../core/db/database.ts'
import { wholeDatabase } from '../../database.ts'
import { phaseOf } from './phases.ts'

for (const dialect of testDialects()) {
  describe(`challenges demo content on ${dialect}`, () => {
    let database: DatabaseHandle
    before(async () => {
      // Trust levels as on a real first start: demo people are new accounts.
      database = await demoDatabase(dialect, { trust: { newAccountDays: 3, approvals: 2 } })
    })
    after(async () => database.close())

    test('a challenge taking ideas with a dozen ideas and votes; a closed one with winners, one now a project', async () => {
      const db = wholeDatabase(database)
      const challenges = await db.selectFrom('challenges').selectAll().execute()
      const open = challenges.find((c) => phaseOf(c) === 'ideas')
      const closed = challenges.find((c) => phaseOf(c) === 'closed')
      assert.ok(open && closed)
      const ideas = await db.selectFrom('challenge_ideas').selectAll().where('challenge_id', '=', open.id).where('hidden_at', 'is', null).execute()
      assert.equal(ideas.length, 12)
      assert.ok(ideas.filter((i) => Number(i.vote_count) > 0).length >= 8, 'most ideas have votes')
      const votes = await db.selectFrom('challenge_idea_votes').select((eb) => eb.fn.countAll<number>().as('n')).where('challenge_id', '=', open.id).executeTakeFirstOrThrow()
      assert.equal(Number(votes.n), ideas.reduce((n, i) => n + Number(i.vote_count), 0), 'counts agree with the votes')
      const winners = await db.selectFrom('challenge_ideas').selectAll().where('challenge_id', '=', closed.id).where('status', '=', 'winner').execute()
      assert.equal(winners.length, 2)
      assert.ok(winners.every((w) => w.win_reason.length > 0))
      const made = winners.filter((w) => w.project_id)
      assert.equal(made.length, 1)
      const project = await db.selectFrom('projects').select('name').where('id', '=', made[0]!.project_id!).executeTakeFirstOrThrow()
      assert.equal(project.name, made[0]!.title)
    })
  })
}
