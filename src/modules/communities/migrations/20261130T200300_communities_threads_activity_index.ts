import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/** New threads by community or by author, newest first: what timelines and digests of followers read (communities.follows.ts). */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('threads_space_created').on('threads').columns(['space_id', 'created_at', 'id']).execute()
    await db.schema.createIndex('threads_author_created').on('threads').columns(['author_id', 'created_at', 'id']).execute()
  },
}
