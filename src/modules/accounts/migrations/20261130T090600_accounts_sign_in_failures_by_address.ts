import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/** Failed sign-ins are counted per account and address pair, per account and per address (see accounts' throttle). */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('sign_in_failures').addColumn('address_hash', 'text', (c) => c.notNull().defaultTo('')).execute()
    await db.schema.createIndex('sign_in_failures_pair').on('sign_in_failures').columns(['email_hash', 'address_hash', 'failed_at']).execute()
    await db.schema.createIndex('sign_in_failures_address').on('sign_in_failures').columns(['address_hash', 'failed_at']).execute()
  },
}
