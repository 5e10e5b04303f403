import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { createTestDatabase, testDialects } from '../../../test/support/databases.ts'
import type { DatabaseHandle } from './database.ts'

/** PostgreSQL: statements go as named prepared statements (prepared.ts), so each connection plans them once. */
if (testDialects().includes('postgres')) {
  describe('prepared statements on postgres', () => {
    let database: DatabaseHandle
    before(async () => {
      database = await createTestDatabase('postgres')
      await sql`create table things (id text primary key, n integer not null)`.execute(database.db)
      await sql`insert into things values ('a', 1), ('b', 2), ('c', 3)`.execute(database.db)
    })
    after(async () => database?.close())

    test('a statement run again on a connection is the prepared one, and answers the same', async () => {
      const db = database.db as any
      await db.transaction().execute(async (trx: any) => {
        const first = await trx.selectFrom('things').select('id').where('n', '>=', 2).orderBy('id').execute()
        const again = await trx.selectFrom('things').select('id').where('n', '>=', 1).orderBy('id').execute()
        assert.deepEqual(first.map((r: { id: string }) => r.id), ['b', 'c'])
        assert.deepEqual(again.map((r: { id: string }) => r.id), ['a', 'b', 'c'])
        const prepared = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(trx)
        const mine = prepared.rows.filter((r) => /from "things"/.test(r.statement))
        assert.equal(mine.length, 1, 'one prepared statement for one SQL text, whatever its parameters')
        assert.match(mine[0]!.name, /^k[\w-]+$/)
      })
    })

    test('no JIT compilation on the application\'s connections', async () => {
      const { rows } = await sql<{ jit: string }>`show jit`.execute(database.db)
      assert.equal(rows[0]?.jit, 'off')
    })

    test('statements that are not queries (transactions, DDL) run unprepared, and errors still reach the caller', async () => {
      const db = database.db as any
      await assert.rejects(db.insertInto('things').values({ id: 'a', n: 9 }).execute(), /duplicate key/)
      await db.transaction().execute(async (trx: any) => {
        await sql`create table other_things (id text)`.execute(trx)
        const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)
        assert.ok(!prepared.rows.some((r) => /create table|begin/i.test(r.statement)))
      })
    })
  })
}
