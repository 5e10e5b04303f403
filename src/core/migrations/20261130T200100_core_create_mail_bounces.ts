import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/** Addresses whose mail server refused our mail (core/mail/mailer.ts): list mail stops until the person resumes it. */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('mail_bounces')
      .addColumn('email', 'text', (c) => c.primaryKey())
      .addColumn('code', 'integer', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('bounced_at', 'text', (c) => c.notNull())
      .execute()
  },
}
