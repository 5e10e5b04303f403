import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { done, query } from '../../core/http/schemas.ts'
import { parseInput, type FieldSpec } from '../../core/http/forms.ts'
import { AppError, notFound, type FieldErrors } from '../../core/errors.ts'
import { can } from '../../core/access/can.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import { userOf } from '../../core/http/input.ts'
import { addTerm, renameTerm, retireTerm, vocabularyTerms, VOCABULARY_KINDS } from '../organisations/organisations.ts'
import { renameProjectTerm } from '../projects/projects.ts'

const DONE: Record<string, string> = { added: 'Term added', renamed: 'Term renamed: entries and old filter links follow it', retired: 'Term retired: no longer offered, entries keep it', restored: 'Term offered again' }

/** One form for every change: which, of what kind, which term, and its label. */
const changeSchema = {
  action: { type: 'choice', label: 'Change', options: ['add', 'rename', 'retire', 'restore'], required: true },
  kind: { type: 'choice', label: 'Kind', options: VOCABULARY_KINDS, required: true },
  id: { type: 'text', label: 'Term', max: 64 },
  label: { type: 'text', label: 'Name', max: 80 },
} as const satisfies Record<string, FieldSpec>

/** Site admins curate the directory's themes and technologies at /admin/vocabulary (0025). */
export const vocabularyPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const mayManage = (request: FastifyRequest) => can(app.db, request.actor, 'manage', 'vocabulary', { site: true })

  const render = async (reply: FastifyReply, flash: string | undefined, errors?: FieldErrors, values: Record<string, string> = {}) => {
    const [themes, technologies] = await Promise.all([vocabularyTerms(app.db, 'theme', true), vocabularyTerms(app.db, 'technology', true)])
    return reply.code(errors ? 422 : 200).render('directory/vocabulary.njk', {
      title: 'Themes and technologies',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Admin', href: '/admin' }],
      kinds: [
        { kind: 'theme', heading: 'Themes', terms: themes },
        { kind: 'technology', heading: 'Technologies', terms: technologies },
      ],
      flash,
      errors,
      values,
      noindex: true,
    })
  }

  app.get('/admin/vocabulary', { config: { serves: 'form' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return reply.redirect('/sign-in?next=%2Fadmin%2Fvocabulary', 303)
    if (!(await mayManage(request))) throw notFound()
    return render(reply, request.query.done ? DONE[request.query.done] : undefined)
  })

  app.post('/admin/vocabulary', async (request, reply) => {
    if (!request.user || !(await mayManage(request))) throw notFound()
    const parsed = parseInput(changeSchema, request.body)
    if (!parsed.ok) return render(reply, undefined, parsed.errors, parsed.input)
    const { action, kind, id, label } = parsed.value
    const submission = submissionTokenIn(request.body) ?? ''
    const field = (message: string) => render(reply, undefined, { [action === 'add' ? `label-${kind}` : `label-${id}`]: message }, { ...parsed.value, [`label-${id}`]: label, _submission: submission })
    try {
      if (action === 'add') {
        // Adding creates something: a double submit adds it once (and answers like the first).
        await submitOnce(app.db, submissionTokenIn(request.body), userOf(request).id, async (trx) => {
          await addTerm(trx, request.actor, kind as 'theme' | 'technology', label)
          return '/admin/vocabulary?done=added'
        })
      } else {
        await app.db.transaction().execute(async (trx) => {
          if (action === 'rename') {
            const renamed = await renameTerm(trx, request.actor, id, label)
            if (renamed.from !== null) await renameProjectTerm(trx, renamed.term.kind, renamed.from, renamed.to)
          } else await retireTerm(trx, request.actor, id, action === 'retire')
        })
      }
    } catch (err) {
      if (err instanceof AppError && err.status === 422 && err.fields?.label) return field(err.fields.label)
      throw err
    }
    return reply.redirect(`/admin/vocabulary?done=${{ add: 'added', rename: 'renamed', retire: 'retired', restore: 'restored' }[action]}`, 303)
  })
}
