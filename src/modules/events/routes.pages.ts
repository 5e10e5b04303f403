import type { FastifyPluginAsync } from 'fastify'
import { eventPages } from './routes/events.pages.ts'
import { rsvpPages } from './routes/rsvp.pages.ts'
import { calendarPages } from './routes/calendar.pages.ts'
import { sessionPages } from './routes/sessions.pages.ts'
import { schedulePages } from './routes/schedule.pages.ts'

/** The events module's HTML routes and calendar files: one plugin per section. */
export const eventsPages: FastifyPluginAsync = async (app) => {
  await app.register(eventPages)
  await app.register(rsvpPages)
  await app.register(calendarPages)
  await app.register(sessionPages)
  await app.register(schedulePages)
}
