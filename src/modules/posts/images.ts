import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { OutputInfo } from 'sharp'
import type { Db } from '../../core/db/database.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { newId, now } from '../../core/db/ids.ts'
import { findPostById } from './posts.queries.ts'
import { attachImagesToPost, findImage, imagesByIds, insertImage, type ImageRow } from './images.queries.ts'
import { postFacts } from './posts.ts'

/** An uploaded file as the route received it. */
export interface ImageUpload {
  fileName: string
  data: Buffer
  /** Cut off at the size limit. */
  truncated: boolean
}

/** What people upload, by the type its bytes show (never the name or the browser's word), and what it is stored as. */
const STORED_AS: Record<string, 'jpeg' | 'png' | 'webp'> = { jpg: 'jpeg', png: 'png', webp: 'webp', gif: 'png' }
const MIME = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const

/** Wide enough for a two-thirds column on a high-density screen; larger images are scaled down. */
export const MAX_IMAGE_SIDE = 1600
/** Images beyond this many pixels are refused before decoding (a small file can claim an enormous image). */
const MAX_INPUT_PIXELS = 40_000_000

export const imagesDir = (dataDir: string) => join(dataDir, 'uploads', 'images')

/** The image ids a Markdown text (or its HTML) uses: `/images/<id>`. */
export function imageIdsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\/images\/([A-Za-z0-9_-]{16,40})\b/g)].map((m) => m[1]!))]
}

/**
 * Checks an image by its content, scales it down to at most MAX_IMAGE_SIDE pixels a side (turned upright
 * from its EXIF orientation, metadata such as GPS position dropped, as sharp does by default), stores it
 * and records it for its uploader. Returns field errors rather than throwing for what a person can fix.
 */
export async function storeImage(db: Db, actor: Actor & { userId: string }, upload: ImageUpload | null, alt: string, options: { dataDir: string; maxBytes: number }): Promise<{ ok: true; image: ImageRow } | { ok: false; errors: Record<string, string>; status: number }> {
  const errors: Record<string, string> = {}
  if (!alt.trim()) errors.imageAlt = 'Describe the image for people who cannot see it'
  else if (alt.length > 250) errors.imageAlt = 'Image description must be 250 characters or fewer'
  if (!upload || upload.data.length === 0) errors.image = 'Select an image'
  else if (upload.truncated || upload.data.length > options.maxBytes) return { ok: false, errors: { ...errors, image: `The selected image must be smaller than ${Math.round(options.maxBytes / 1024 / 1024)} MB` }, status: 413 }
  if (Object.keys(errors).length) return { ok: false, errors, status: 422 }
  const detected = await (await import('file-type')).fileTypeFromBuffer(upload!.data)
  const format = detected ? STORED_AS[detected.ext] : undefined
  if (!format) return { ok: false, errors: { image: 'The selected file must be a JPEG, PNG, WebP or GIF image' }, status: 422 }
  let output: { data: Buffer; info: OutputInfo }
  try {
    // Loaded when the first image arrives: libvips holds about 20 MB of memory in every process that loads it.
    const { default: sharp } = await import('sharp')
    const pipeline = sharp(upload!.data, { limitInputPixels: MAX_INPUT_PIXELS, animated: false }).rotate().resize({ width: MAX_IMAGE_SIDE, height: MAX_IMAGE_SIDE, fit: 'inside', withoutEnlargement: true })
    const encoded = format === 'jpeg' ? pipeline.jpeg({ quality: 82, mozjpeg: true }) : format === 'webp' ? pipeline.webp({ quality: 82 }) : pipeline.png({ compressionLevel: 9, adaptiveFiltering: true })
    output = await encoded.toBuffer({ resolveWithObject: true })
  } catch {
    return { ok: false, errors: { image: 'The selected image could not be read. Check it opens on your computer, or save it again as a JPEG or PNG' }, status: 422 }
  }
  const id = newId()
  const storageKey = `${id}.${format === 'jpeg' ? 'jpg' : format}`
  const dir = imagesDir(options.dataDir)
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, storageKey), output.data, { mode: 0o640 })
  const image: ImageRow = { id, user_id: actor.userId, post_id: null, storage_key: storageKey, mime_type: MIME[format], width: output.info.width, height: output.info.height, size_bytes: output.data.length, alt: alt.trim(), created_at: now() }
  await insertImage(db, image)
  return { ok: true, image }
}

/** The Markdown that shows an image: its description as alt text (brackets would end it early). */
export const imageMarkdown = (image: { id: string; alt: string }) => `![${image.alt.replace(/[[\]\\]/g, ' ').replace(/\s+/g, ' ').trim()}](/images/${image.id})`

/** A saved post takes the images its body uses that its authors uploaded and no post has yet. */
export async function attachImages(db: Db, postId: string, authorIds: string[], body: string): Promise<void> {
  await attachImagesToPost(db, postId, authorIds, imageIdsIn(body))
}

/**
 * Who may see an image: whoever may read the post it belongs to (an image in a post in a private
 * community is as private as the post, a draft's as the draft); before that post is saved, its uploader.
 */
export async function canSeeImage(db: Db, actor: Actor, image: ImageRow): Promise<boolean> {
  if (!image.post_id) return actor.userId === image.user_id
  const post = await findPostById(db, image.post_id)
  return post !== null && (await can(db, actor, 'view', 'post', await postFacts(db, post)))
}

/** The image with this id if the actor may see it, else null (a 404 either way). */
export async function visibleImage(db: Db, actor: Actor, id: string): Promise<ImageRow | null> {
  const image = await findImage(db, id)
  return image && (await canSeeImage(db, actor, image)) ? image : null
}

/**
 * Gives a post's images their size and lazy loading, so the page does not jump as they arrive: rendered
 * Markdown knows only the address. One query for the post's images.
 */
export async function sizeImages(db: Db, html: string): Promise<string> {
  const ids = imageIdsIn(html)
  if (ids.length === 0) return html
  const sizes = new Map((await imagesByIds(db, ids)).map((i) => [i.id, i]))
  return html.replace(/<img src="\/images\/([A-Za-z0-9_-]{16,40})"/g, (tag, id: string) => {
    const i = sizes.get(id)
    return i ? `${tag} width="${i.width}" height="${i.height}" loading="lazy"` : tag
  })
}
