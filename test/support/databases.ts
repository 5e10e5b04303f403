import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openDatabase, type DatabaseHandle, type Dialect } from '../../src/core/db/database.ts'

/**
 * The dialects this test run covers: SQLite always; PostgreSQL when scripts/test.ts started a
 * throwaway cluster (OPENLY_TEST_PG_URL) or a server was given with TEST_DATABASE_URL.
 */
export function testDialects(): Dialect[] {
  return postgresAdminUrl() ? ['sqlite', 'postgres'] : ['sqlite']
}

function postgresAdminUrl(): string | undefined {
  return process.env.OPENLY_TEST_PG_URL || process.env.TEST_DATABASE_URL || undefined
}

/** A fresh, empty database: in-memory SQLite, or a new PostgreSQL database dropped on close. */
export async function createTestDatabase(dialect: Dialect): Promise<DatabaseHandle & { url?: string }> {
  if (dialect === 'sqlite') return openDatabase({ databaseUrl: undefined, sqlitePath: ':memory:' })
  const admin = postgresAdminUrl()
  if (!admin) throw new Error('PostgreSQL tests need OPENLY_TEST_PG_URL or TEST_DATABASE_URL')
  const name = `openly_test_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  await client.query(`create database ${name}`)
  await client.end()
  const url = new URL(admin)
  url.pathname = `/${name}`
  const handle = openDatabase({ databaseUrl: url.toString(), sqlitePath: '' })
  return {
    ...handle,
    url: url.toString(),
    async close() {
      await handle.close()
      const c = new pg.Client({ connectionString: admin })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}
