import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { params, slug } from '../../core/http/schemas.ts'
import { AppError, forbidden, invalid } from '../../core/errors.ts'
import { parseInput } from '../../core/http/forms.ts'
import { userOf } from '../../core/http/input.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import { runMergeHooks } from '../../core/merge.ts'
import { can } from '../../core/access/can.ts'
import { canManageOrganisation, findVisibleOrganisation, organisationsByName, type OrganisationRow } from './organisations.ts'
import { mergeOrganisations } from './merge.ts'

const mergeSchema = {
  duplicate: { type: 'text', label: 'The duplicate', required: true, max: 120 },
  confirm: { type: 'choice', label: 'Confirmation', options: ['yes'] as const, required: true },
} as const

/** Merging a duplicate organisation into this one (its admins who also run the duplicate, or moderators). */
export const organisationMergePages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const crumbs = (o: OrganisationRow) => [{ text: 'Home', href: '/' }, { text: 'Organisations', href: '/organisations' }, { text: o.name, href: `/organisations/${o.slug}` }]

  /** The organisation that stays: the reader must see it, and manage or moderate it, to merge anything into it. */
  async function survivor(request: FastifyRequest): Promise<OrganisationRow> {
    const into = await findVisibleOrganisation(app.db, request.actor, (request.params as { slug: string }).slug)
    if (!(await canManageOrganisation(app.db, request.actor, into.id)) && !(await can(app.db, request.actor, 'moderate', 'organisation', into))) throw forbidden('Only admins of this organisation, or moderators, can merge a duplicate into it')
    return into
  }
  const render = (reply: FastifyReply, into: OrganisationRow, values: Record<string, unknown>, errors?: Record<string, string>, suggestions: Array<{ slug: string; name: string }> = []) =>
    reply.code(errors ? 422 : 200).render('organisations/merge.njk', { title: `Merge a duplicate into ${into.name}`, breadcrumbs: crumbs(into), org: into, values, errors, suggestions, noindex: true })

  app.get('/organisations/:slug/merge', { config: { serves: 'form', shows: 'organisation', signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => render(reply, await survivor(request), {}))

  app.post('/organisations/:slug/merge', { config: { signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const into = await survivor(request)
    const parsed = parseInput(mergeSchema, request.body)
    const values = { ...(parsed.ok ? parsed.value : parsed.input), _submission: submissionTokenIn(request.body) ?? undefined }
    if (!parsed.ok) return render(reply, into, values, { ...parsed.errors, ...(parsed.errors.confirm ? { confirm: 'Confirm that it is the same organisation, listed twice' } : {}) })
    // The duplicate is named as a person sees it: an organisation they may not see is "not found", never revealed.
    // Looked up inside the one-time submission: a merge sent twice answers the first's redirect, not "not found".
    let suggestions: Array<{ slug: string; name: string }> = []
    try {
      const { url } = await submitOnce(app.db, submissionTokenIn(request.body), userOf(request).id, async (trx) => {
        const named = await organisationsByName(trx, request.actor, [parsed.value.duplicate])
        suggestions = named.suggestions.get(parsed.value.duplicate) ?? []
        const hit = named.found.get(parsed.value.duplicate)
        if (!hit) throw invalid({ duplicate: 'No organisation has that name or address: pick one of those below, or check the spelling' })
        const from = await findVisibleOrganisation(trx, request.actor, hit.slug)
        const merged = await mergeOrganisations(trx, request.actor, from, into, (db) => runMergeHooks(app.modules, db, 'organisation', from.id, into.id))
        return `/organisations/${merged.slug}/history?done=merged`
      })
      return reply.redirect(url, 303)
    } catch (err) {
      if (err instanceof AppError && (err.status === 422 || err.status === 403)) return render(reply, into, values, err.fields ?? { duplicate: err.message }, suggestions)
      throw err
    }
  })
}
