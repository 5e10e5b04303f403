import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// Unconference mode: pitched sessions, votes, rooms, time slots, the schedule grid and the
// revisions of each session's shared notes. The grid's rules are unique keys, so no two requests
// can break them however they interleave.
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('event_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
      .addColumn('space_id', 'text', (c) => c.references('spaces.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('pitcher_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('hidden_at', 'text')
      // Raised whenever the session moves in the grid, so calendars replace their copy (iCalendar SEQUENCE).
      .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('notes_html', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('notes_revision', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('notes_updated_at', 'text')
      .addColumn('notes_hidden_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('event_sessions_event').on('event_sessions').columns(['event_id', 'created_at', 'id']).execute()

    await db.schema
      .createTable('event_votes')
      .addColumn('session_id', 'text', (c) => c.notNull().references('event_sessions.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
      // Votes are numbered 1..votes_per_person per person and event: a vote takes a free number, so two
      // votes sent at once cannot both take the last one (unique key below).
      .addColumn('slot', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('event_votes_pk', ['session_id', 'user_id'])
      .execute()
    await db.schema.createIndex('event_votes_allowance').on('event_votes').columns(['event_id', 'user_id', 'slot']).unique().execute()

    await db.schema
      .createTable('event_rooms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('capacity', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('event_rooms_name').on('event_rooms').columns(['event_id', 'name']).unique().execute()

    await db.schema
      .createTable('event_slots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('event_slots_event').on('event_slots').columns(['event_id', 'starts_at']).execute()

    await db.schema
      .createTable('event_schedule')
      .addColumn('session_id', 'text', (c) => c.primaryKey().references('event_sessions.id').onDelete('cascade'))
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
      .addColumn('room_id', 'text', (c) => c.notNull().references('event_rooms.id').onDelete('cascade'))
      .addColumn('slot_id', 'text', (c) => c.notNull().references('event_slots.id').onDelete('cascade'))
      .addColumn('pitcher_id', 'text', (c) => c.notNull())
      .execute()
    // Never two sessions in one room and slot; never one pitcher in two rooms at the same time.
    await db.schema.createIndex('event_schedule_cell').on('event_schedule').columns(['room_id', 'slot_id']).unique().execute()
    await db.schema.createIndex('event_schedule_pitcher').on('event_schedule').columns(['slot_id', 'pitcher_id']).unique().execute()
    await db.schema.createIndex('event_schedule_event').on('event_schedule').columns(['event_id']).execute()

    await db.schema
      .createTable('event_note_revisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull().references('event_sessions.id').onDelete('cascade'))
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('edited_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('event_note_revisions_order').on('event_note_revisions').columns(['session_id', 'revision']).unique().execute()
  },
}
