import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Moves what people say about themselves out of the core `users` table into accounts' own
 * `profiles` table, with the new consent to be listed (off for existing accounts: they never
 * chose it) and a moderator's hiding of a profile.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('profiles')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('bio', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('skills', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('interests', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('listed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('hidden_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    await sql`insert into profiles (user_id, role, bio, skills, interests, listed, hidden_at, updated_at)
      select id, role, bio, skills, interests, 0, null, updated_at from users`.execute(db)
    for (const column of ['role', 'bio', 'skills', 'interests']) await db.schema.alterTable('users').dropColumn(column).execute()
    // /people lists listed people by (name, id); the users index on (name, id) drives it.
    await db.schema.createIndex('profiles_listed').on('profiles').columns(['listed', 'user_id']).execute()
  },
}
