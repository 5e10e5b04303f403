import type { Kysely } from 'kysely'
import { definePolicy } from '../../core/access/can.ts'
import { contentRules, type ContentFacts } from '../../core/access/spaces.policy.ts'
import { now } from '../../core/db/ids.ts'
import type { AppModule } from '../../core/module.ts'

declare module '../../core/access/can.ts' {
  interface Resources {
    note: ContentFacts
  }
}

/**
 * A small content type of our own, stored in a real table, registered the way content modules
 * register theirs (a policy and a moderation registry): the moderation module is tested through that
 * contract alone.
 */
export const notesModule: AppModule = {
  id: 'moderation-test-notes',
  dependsOn: [],
  migrations: {
    '20261123T150500_moderationtest_create_notes': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('test_notes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('space_id', 'text')
          .addColumn('author_id', 'text')
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('hidden_at', 'text')
          .execute()
      },
    },
  },
  policies: [definePolicy('note', contentRules)],
  moderation: {
    note: {
      label: 'note',
      async load(db, id) {
        const row = await (db as unknown as Kysely<any>).selectFrom('test_notes').selectAll().where('id', '=', id).executeTakeFirst()
        if (!row) return null
        return { spaceId: row.space_id, authorId: row.author_id, title: row.title, url: `/notes/${row.id}`, hiddenAt: row.hidden_at, resource: { spaceId: row.space_id, authorIds: [row.author_id], hiddenAt: row.hidden_at } }
      },
      async setHidden(db, id, hidden) {
        await (db as unknown as Kysely<any>).updateTable('test_notes').set({ hidden_at: hidden ? now() : null }).where('id', '=', id).execute()
      },
    },
  },
}
