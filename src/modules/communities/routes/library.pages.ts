import { createReadStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, done, id, params, query, slug, text } from '../../../core/http/schemas.ts'
import { userOf } from '../../../core/http/input.ts'
import { signedIn } from '../../../core/access/policy.ts'
import { AppError, notFound, type FieldErrors } from '../../../core/errors.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { submissionTokenIn, submitOnce } from '../../../core/http/submissions.ts'
import { loadCommunity, type CommunityAccess } from '../communities.ts'
import { addFile, addLink, canSeeDocument, checkUpload, formatBytes, uploadsDir, type UploadedFile } from '../library.ts'
import { findDocument, listDocuments } from '../library.queries.ts'
import { authorsByIds } from '../people.ts'
import { linkSchema, uploadSchema } from '../communities.schemas.ts'
import { DONE, communityCrumbs, fieldsOf, signIn, type Params, type Query } from './page-helpers.ts'

/** A community's library: the list, adding a link, uploading a file, and downloads. */
export const libraryPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()

  const people = async (ids: string[]) => authorsByIds(app.db, ids)

  app.get('/communities/:slug/library', { config: { serves: 'page', cache: true, cacheQuery: ['cursor', 'done'], shows: 'community' } }, async (request, reply) => {
    const query = request.query as Query
    const access = await loadCommunity(app.db, request.actor, (request.params as Params).slug)
    const c = access.community
    const page = await listDocuments(app.db, request.actor, c.id, { cursor: query.cursor, limit: 25 })
    const authors = await people(page.items.map((d) => d.authorId))
    return reply.render('communities/library.njk', {
      title: `Library of ${c.name}`,
      breadcrumbs: communityCrumbs(c),
      c,
      access,
      documents: page.items.map((d) => ({ ...d, author: authors.get(d.authorId), size: d.sizeBytes ? formatBytes(d.sizeBytes) : '' })),
      next: page.next ? `/communities/${c.slug}/library?cursor=${page.next}` : null,
      isLaterPage: Boolean(query.cursor),
      flash: query.done ? DONE[query.done] : undefined,
      noindex: c.visibility !== 'public' || Boolean(query.cursor),
    })
  })

  const renderDocForm = (reply: FastifyReply, access: CommunityAccess, kind: 'file' | 'link', values: Record<string, unknown>, errors?: FieldErrors, status?: number) =>
    reply.code(status ?? (errors ? 422 : 200)).render('communities/document-form.njk', {
      title: kind === 'file' ? `Upload a file to ${access.community.name}` : `Add a link to ${access.community.name}`,
      heading: kind === 'file' ? 'Upload a file' : 'Add a link',
      caption: access.community.name,
      breadcrumbs: [...communityCrumbs(access.community), { text: 'Library', href: `/communities/${access.community.slug}/library` }],
      kind,
      maxSize: formatBytes(app.config.uploadMaxBytes),
      values,
      errors,
      noindex: true,
    })

  const loadParticipant = async (request: FastifyRequest, slug: string) => {
    const access = await loadCommunity(app.db, request.actor, slug)
    if (!access.canParticipate) throw new AppError('forbidden', 403, 'Join this community to add to its library')
    return access
  }

  for (const kind of ['file', 'link'] as const) {
    const path = kind === 'file' ? '/communities/:slug/library/upload' : '/communities/:slug/library/link'
    app.get(path, { config: { serves: 'form', shows: 'community' } }, async (request, reply) => {
      if (!request.user) return signIn(request, reply)
      const access = await loadParticipant(request, (request.params as Params).slug)
      return renderDocForm(reply, access, kind, {})
    })
  }

  app.post('/communities/:slug/library/link', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}/library/link`)
    const access = await loadParticipant(request, slug)
    const parsed = parseInput(linkSchema, request.body)
    const token = submissionTokenIn(request.body)
    if (!parsed.ok) return renderDocForm(reply, access, 'link', { ...parsed.input, _submission: token ?? '' }, parsed.errors)
    const { url } = await submitOnce(app.db, token, request.actor.userId, async (trx) => {
      await addLink(trx, request.actor, access, parsed.value)
      return `/communities/${slug}/library?done=link`
    })
    return reply.redirect(url, 303)
  })

  // A file is read only after sign-in (config.signIn) and the form's CSRF token (core/http/bodies.ts).
  app.post('/communities/:slug/library/upload', { config: { signIn: true, files: true } }, async (request, reply) => {
    const { slug } = request.params as Params
    const actor = { ...request.actor, userId: userOf(request).id }
    const access = await loadParticipant(request, slug)
    const body = fieldsOf(request.body)
    const parsed = parseInput(uploadSchema, body)
    const part = request.upload
    const file: UploadedFile | null = part && part.field === 'file' ? { fileName: part.fileName, data: part.data, truncated: part.truncated } : null
    const checked = await checkUpload(file, app.config.uploadMaxBytes)
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
    if (!checked.ok) errors.file = checked.error
    const token = submissionTokenIn(body)
    const values = { ...(parsed.ok ? { title: parsed.value.title, description: parsed.value.description } : parsed.input), _submission: token ?? '' }
    if (!parsed.ok || !checked.ok) return renderDocForm(reply, access, 'file', values, errors, !checked.ok && checked.status === 413 ? 413 : 422)
    let storageKey: string | null = null
    try {
      // A second send of the same form is answered before any file is stored (the token is claimed first).
      const { url } = await submitOnce(app.db, token, actor.userId, async (trx) => {
        storageKey = (await addFile(trx, actor, access, parsed.value, file!, checked, app.config.dataDir)).storageKey
        return `/communities/${slug}/library?done=file`
      })
      return reply.redirect(url, 303)
    } catch (err) {
      // Nothing half-saved: the row rolled back, so the stored file goes too.
      if (storageKey) await unlink(join(uploadsDir(app.config.dataDir), storageKey)).catch(() => {})
      throw err
    }
  })

  app.get('/communities/:slug/documents/:id/download', { config: { serves: 'file', shows: 'document' } }, async (request, reply) => {
    const { slug, id } = request.params as Params
    const access = await loadCommunity(app.db, request.actor, slug)
    const doc = await findDocument(app.db, id)
    if (!doc || doc.spaceId !== access.community.id || doc.kind !== 'file' || !doc.storageKey) throw notFound()
    if (!(await canSeeDocument(app.db, request.actor, doc))) throw notFound()
    const path = join(uploadsDir(app.config.dataDir), doc.storageKey)
    const info = await stat(path).catch(() => null)
    if (!info) throw notFound()
    const name = doc.fileName ?? `document`
    const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
    return reply
      .type(doc.mimeType ?? 'application/octet-stream')
      .header('content-length', info.size)
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-cache')
      .send(createReadStream(path))
  })
}
