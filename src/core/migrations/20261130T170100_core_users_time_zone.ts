import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../db/migrations.ts'

/**
 * A person's time zone (an IANA name), in which they read and write dates and times (core/time.ts). On the
 * identity row rather than the profile, so the session's one query brings it to every page.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('Europe/London')).execute()
  },
}
