import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { cursor, done, params, query } from '../http/schemas.ts'
import { decodeCursor, paginate } from '../http/pagination.ts'
import { AppError, notFound } from '../errors.ts'
import { audit } from '../audit.ts'
import type { JobList } from './jobs.ts'

const PAGE = 25
const lists: Array<{ list: JobList; text: string; hint: string }> = [
  { list: 'queued', text: 'Queued', hint: 'Waiting for their time or for a worker, including failed runs that will be tried again.' },
  { list: 'active', text: 'Running', hint: 'Running now. A job whose process stopped is run again after its time limit.' },
  { list: 'failed', text: 'Failed', hint: 'Failed on every try: nothing runs them again unless you retry them.' },
  { list: 'retried', text: 'Retried', hint: 'Jobs that needed more than one try, in any state.' },
  { list: 'completed', text: 'Completed', hint: 'Finished in the last 14 days.' },
]
const listNames = lists.map((l) => l.list)
const jobList = Type.Union(listNames.map((l) => Type.Literal(l)))
const flashes: Record<string, string> = { retried: 'The job will run again', discarded: 'The job was discarded', gone: 'That job has already moved on: nothing was changed' }

/**
 * What a job carries, by name only: its values are ids of things an admin may not be allowed to see (a thread in a
 * members-only community, say), so the page names the fields and how many items a list holds, never their values.
 */
export function payloadOutline(payload: unknown): string {
  if (!payload || typeof payload !== 'object') return ''
  return Object.entries(payload).map(([key, value]) => (Array.isArray(value) ? `${key} (${value.length})` : key)).join(', ')
}

/** The admin page of background jobs (`/admin/jobs`): queued, running, failed, retried; retry and discard, audited. Others get 404. */
export async function jobsAdminRoutes(plain: FastifyInstance): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/admin/jobs', { config: { serves: 'page' }, schema: { querystring: query({ list: jobList, after: cursor, done }) } }, async (request, reply) => {
    if (!request.actor.isAdmin) throw notFound()
    const q = request.query
    const current = q.list ?? 'queued'
    const [counts, rows] = await Promise.all([app.jobs.counts(), app.jobs.list(current, { cursor: decodeCursor(q.after), limit: PAGE })])
    const page = paginate(rows, PAGE, (j) => ({ at: j.createdAt, id: j.id }))
    return reply.render('jobs/admin.njk', {
      title: 'Background jobs',
      breadcrumbs: [{ text: 'Admin', href: '/admin' }],
      lists: lists.map((l) => ({ ...l, count: counts[l.list], href: `/admin/jobs?list=${l.list}`, current: l.list === current })),
      current: lists.find((l) => l.list === current),
      jobs: page.items.map((j) => ({ ...j, payloadText: payloadOutline(j.payload) })),
      next: page.next ? `/admin/jobs?list=${current}&after=${encodeURIComponent(page.next)}` : null,
      flash: q.done ? flashes[q.done] : undefined,
      noindex: true,
    })
  })

  for (const action of ['retry', 'discard'] as const) {
    app.post(`/admin/jobs/:id/${action}`, { config: { signIn: true, invalidates: [] }, schema: { params: params({ id: Type.String({ maxLength: 64 }) }) } }, async (request, reply) => {
      if (!request.actor.isAdmin) throw notFound()
      const body = (request.body ?? {}) as Record<string, unknown>
      const back = typeof body.list === 'string' && (listNames as string[]).includes(body.list) ? body.list : 'queued'
      const job = await app.jobs.find(request.params.id)
      if (!job) throw notFound()
      const changed = action === 'retry' ? await app.jobs.retry(job.id) : await app.jobs.discard(job.id)
      if (changed) {
        await audit(app.db, { actorId: request.actor.userId, action: action === 'retry' ? 'job_retry' : 'job_discard', subjectType: 'job', subjectId: job.id, subjectTitle: job.name, reason: job.error ?? '' })
      } else if (action === 'retry' && job.state !== 'failed') {
        throw new AppError('job_not_failed', 409, 'Only a failed job can be retried')
      }
      return reply.redirect(`/admin/jobs?list=${back}&done=${changed ? (action === 'retry' ? 'retried' : 'discarded') : 'gone'}`, 303)
    })
  }
}
