import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { can } from '../../../core/access/can.ts'
import { signedIn, type Actor } from '../../../core/access/policy.ts'
import type { Db } from '../../../core/db/database.ts'
import { notFound, type FieldErrors } from '../../../core/errors.ts'
import { submitForm } from '../../../core/http/forms.ts'
import { done, id, params, query, slug } from '../../../core/http/schemas.ts'
import { KIND_TEXT, pathOf, viewableEntry, type EntryRow, type WikiKind } from '../barriers.ts'
import { endorseSchema, linkSchema, withdrawSchema } from '../barriers.schemas.ts'
import { endorse, endorsementsView, endorserChoices, withdrawEndorsement } from '../endorsements.ts'
import { linkMakers, type LinkTarget } from '../links.queries.ts'
import { linkEntries, linkProject, linkSection, linksOf, sectionChoices, unlink } from '../links.ts'
import { crumbs, doneMessage, signIn } from './page-helpers.ts'

const WIKI = ['wiki'] as const
const target = Type.Union([Type.Literal('solution'), Type.Literal('barrier'), Type.Literal('section'), Type.Literal('project')])

/** Endorsing and withdrawing, and linking a page to other pages, charter sections and projects. */
export function participationPages(kind: WikiKind): FastifyPluginAsync {
  const words = KIND_TEXT[kind]
  const base = words.path
  /** What a page of this kind may link to. */
  const targets: LinkTarget[] = kind === 'barrier' ? ['solution', 'section'] : ['barrier', 'project']
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>()
    const db = app.db

    /** The page if the actor may take part in it (endorse, link); 404 otherwise. */
    async function participating(d: Db, actor: Actor, slugValue: string): Promise<EntryRow> {
      const entry = await viewableEntry(d, actor, kind, slugValue)
      if (!(await can(d, actor, 'participate', kind, entry))) throw notFound()
      return entry
    }

    // ------------------------------------------------------------ endorsements

    async function renderEndorse(reply: FastifyReply, actor: Actor & { userId: string }, entry: EntryRow, values: Record<string, unknown>, errors?: FieldErrors) {
      const [choices, endorsements] = await Promise.all([endorserChoices(db, actor), endorsementsView(db, actor, entry)])
      return reply.code(errors ? 422 : 200).render('barriers/endorse.njk', {
        title: `${words.endorse}: ${entry.title}`,
        breadcrumbs: crumbs(kind, entry),
        kind,
        words,
        entry,
        values,
        errors,
        endorserItems: choices.map((c) => ({ value: c.value, text: c.text, checked: (values.endorser ?? 'person') === c.value, hint: endorsements.mine.includes(c.value) ? { text: 'Already endorsed: sending again changes the note' } : undefined })),
        mine: choices.filter((c) => endorsements.mine.includes(c.value)),
        noindex: true,
      })
    }

    app.get(`${base}/:slug/endorse`, { config: { serves: 'form', shows: kind, signIn: true }, schema: { params: params({ slug }), querystring: query({ done }) } }, async (request, reply) => {
      const actor = request.actor as Actor & { userId: string }
      return renderEndorse(reply, actor, await participating(db, actor, request.params.slug), {})
    })

    app.post(`${base}/:slug/endorse`, { config: { signIn: true, invalidates: WIKI }, schema: { params: params({ slug }) } }, async (request, reply) => {
      const actor = request.actor
      if (!signedIn(actor)) return signIn(request, reply)
      const entry = await participating(db, actor, request.params.slug)
      return submitForm(request.body, endorseSchema, {
        again: (values, errors) => renderEndorse(reply, actor, entry, values, errors),
        save: async (value) => {
          await db.transaction().execute(async (trx) => endorse(trx, actor, await participating(trx, actor, entry.slug), value))
          return reply.redirect(`${pathOf(entry)}?done=endorsed#endorsements`, 303)
        },
      })
    })

    app.post(`${base}/:slug/endorsements/withdraw`, { config: { signIn: true, invalidates: WIKI }, schema: { params: params({ slug }) } }, async (request, reply) => {
      const actor = request.actor
      if (!signedIn(actor)) return signIn(request, reply)
      const entry = await viewableEntry(db, actor, kind, request.params.slug)
      return submitForm(request.body, withdrawSchema, {
        again: (values, errors) => renderEndorse(reply, actor, entry, values, errors),
        save: async (value) => {
          await db.transaction().execute(async (trx) => withdrawEndorsement(trx, actor, entry, value.endorser))
          return reply.redirect(`${pathOf(entry)}?done=withdrawn#endorsements`, 303)
        },
      })
    })

    // ------------------------------------------------------------ links

    async function renderLinks(reply: FastifyReply, actor: Actor & { userId: string }, entry: EntryRow, values: Record<string, unknown> = {}, errors?: FieldErrors, flash?: string) {
      const [links, makers] = await Promise.all([linksOf(db, actor, entry), linkMakers(db, entry)])
      // Who may remove each link: whoever made it, or a moderator (the wikiLink policy, asked with who made it).
      const removable = async (t: LinkTarget, targetId: string) => {
        const key = `${t}:${targetId}`
        return makers.has(key) && (await can(db, actor, 'edit', 'wikiLink', { entry, createdBy: makers.get(key) ?? null }))
      }
      const other = words.other
      const [entries, sections, projects] = await Promise.all([
        Promise.all(links.entries.map(async (e) => ({ ...e, removable: await removable(other, e.id) }))),
        Promise.all(links.sections.map(async (s) => ({ ...s, removable: await removable('section', s.id) }))),
        Promise.all(links.projects.map(async (p) => ({ ...p, removable: await removable('project', p.id) }))),
      ])
      return reply.code(errors ? 422 : 200).render('barriers/links.njk', {
        title: `Links of “${entry.title}”`,
        breadcrumbs: crumbs(kind, entry),
        kind,
        words,
        otherWords: KIND_TEXT[other],
        entry,
        entries,
        sections,
        projects,
        sectionItems: kind === 'barrier' ? [{ value: '', text: 'Choose a section' }, ...(await sectionChoices(db, actor)).map((s) => ({ ...s, selected: s.value === values.section }))] : [],
        values,
        errors,
        flash,
        noindex: true,
      })
    }

    app.get(`${base}/:slug/links`, { config: { serves: 'form', shows: kind, signIn: true }, schema: { params: params({ slug }), querystring: query({ done }) } }, async (request, reply) => {
      const actor = request.actor as Actor & { userId: string }
      return renderLinks(reply, actor, await participating(db, actor, request.params.slug), {}, undefined, doneMessage(request))
    })

    app.post(`${base}/:slug/links/:target`, { config: { signIn: true, invalidates: WIKI }, schema: { params: params({ slug, target }) } }, async (request, reply) => {
      const actor = request.actor
      if (!signedIn(actor)) return signIn(request, reply)
      const t = request.params.target
      if (!targets.includes(t)) throw notFound()
      const entry = await participating(db, actor, request.params.slug)
      // The form's one field is named after what it links (so its error message sits on the right field).
      const field = t === 'section' ? 'section' : t
      const body = (request.body ?? {}) as Record<string, unknown>
      return submitForm({ target: body[field] }, linkSchema, {
        again: (values, errors) => renderLinks(reply, actor, entry, { [field]: values.target }, errors.target ? { [field]: errors.target } : errors),
        save: async (value) => {
          await db.transaction().execute(async (trx) => {
            const fresh = await participating(trx, actor, entry.slug)
            if (t === 'section') await linkSection(trx, actor, fresh, value.target)
            else if (t === 'project') await linkProject(trx, actor, fresh, value.target)
            else await linkEntries(trx, actor, fresh, value.target)
          })
          return reply.redirect(`${pathOf(entry)}/links?done=linked`, 303)
        },
      })
    })

    app.post(`${base}/:slug/links/:target/:id/remove`, { config: { signIn: true, invalidates: WIKI }, schema: { params: params({ slug, target, id }) } }, async (request, reply) => {
      const actor = request.actor
      if (!signedIn(actor)) return signIn(request, reply)
      const t = request.params.target
      if (!targets.includes(t)) throw notFound()
      const entry = await viewableEntry(db, actor, kind, request.params.slug)
      await db.transaction().execute(async (trx) => unlink(trx, actor, entry, t, request.params.id))
      return reply.redirect(`${pathOf(entry)}/links?done=unlinked`, 303)
    })
  }
}
