import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// Events, RSVPs, the posts linked from an event's notes, and personal calendar tokens.
// organiser_id and post_id carry no foreign key: they name rows of other modules' tables, whose
// migrations may sort after this one; the use cases check them on save.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('description_html', 'text', (c) => c.notNull())
      .addColumn('excerpt', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('venue', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('online_url', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('capacity', 'integer')
      .addColumn('organiser_kind', 'text', (c) => c.notNull())
      .addColumn('organiser_id', 'text', (c) => c.notNull())
      .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('cascade'))
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('unconference', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('votes_per_person', 'integer', (c) => c.notNull().defaultTo(3))
      .addColumn('schedule_published_at', 'text')
      .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('notes_html', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('notes_published_at', 'text')
      .addColumn('cancelled_at', 'text')
      .addColumn('hidden_at', 'text')
      .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('activity_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    // Upcoming lists run on (ends_at) and sort on (starts_at, id); past lists the reverse.
    await db.schema.createIndex('events_starts').on('events').columns(['starts_at', 'id']).execute()
    await db.schema.createIndex('events_ends').on('events').columns(['ends_at', 'starts_at']).execute()
    await db.schema.createIndex('events_space').on('events').columns(['space_id', 'starts_at']).execute()
    await db.schema.createIndex('events_organiser').on('events').columns(['organiser_kind', 'organiser_id', 'starts_at']).execute()

    await db.schema
      .createTable('event_rsvps')
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      // Order of replies: the waiting list is promoted in this order. Handed out under the event's row lock.
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('event_rsvps_pk', ['event_id', 'user_id'])
      .execute()
    // A backstop under the lock: two replies can never share a place in the queue.
    await db.schema.createIndex('event_rsvps_position').on('event_rsvps').columns(['event_id', 'position']).unique().execute()
    await db.schema.createIndex('event_rsvps_status').on('event_rsvps').columns(['event_id', 'status', 'position']).execute()
    await db.schema.createIndex('event_rsvps_person').on('event_rsvps').columns(['user_id', 'status']).execute()

    await db.schema
      .createTable('event_posts')
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
      .addColumn('post_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('added_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('event_posts_pk', ['event_id', 'post_id'])
      .execute()

    await db.schema
      .createTable('event_calendar_tokens')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      // sha256 of the secret in the personal feed's URL; the secret itself is shown once and never stored.
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
  },
}
