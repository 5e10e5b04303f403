import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Db } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { holdForApproval } from '../../core/access/trust.ts'
import { forbidden } from '../../core/errors.ts'
import { touchCommunity } from './communities.queries.ts'
import { insertDocument, type LibraryDocument } from './library.queries.ts'
import { requireSignedIn, type CommunityAccess } from './communities.ts'
import { documentFacts } from './communities.policy.ts'

// A community's library: links, and files checked by their content and stored under random
// names in DATA_DIR/uploads. Downloads follow the same access rules as the pages.

/** Adds a link to the library (active members). */
export async function addLink(db: Db, actor: Actor, access: CommunityAccess, input: { title: string; url: string; description: string }): Promise<string> {
  const userId = requireSignedIn(actor)
  if (!access.canParticipate) throw forbidden('Join this community to add to its library')
  const id = newId()
  const t = now()
  // Trust levels: a new account's library link waits for a moderator (hidden until approved).
  const heldAt = await holdForApproval(db, actor, { type: 'document', id, spaceId: access.community.id, title: input.title, url: `/communities/${access.community.slug}/library`, text: `${input.title}\n\n${input.url}\n\n${input.description}` })
  await insertDocument(db, { id, space_id: access.community.id, kind: 'link', title: input.title, description: input.description, url: input.url, file_name: null, mime_type: null, size_bytes: null, storage_key: null, author_id: userId, hidden_at: heldAt, created_at: t })
  await touchCommunity(db, access.community.id, t)
  return id
}

/** File types the library accepts, as file-type detects them from content, with the extensions each may carry. */
export const ACCEPTED_TYPES: Record<string, { mime: string; extensions: string[]; label: string }> = {
  pdf: { mime: 'application/pdf', extensions: ['pdf'], label: 'PDF' },
  png: { mime: 'image/png', extensions: ['png'], label: 'PNG image' },
  jpg: { mime: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG image' },
  gif: { mime: 'image/gif', extensions: ['gif'], label: 'GIF image' },
  webp: { mime: 'image/webp', extensions: ['webp'], label: 'WebP image' },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], label: 'Word document' },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'], label: 'Excel spreadsheet' },
  pptx: { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extensions: ['pptx'], label: 'PowerPoint presentation' },
  odt: { mime: 'application/vnd.oasis.opendocument.text', extensions: ['odt'], label: 'OpenDocument text' },
  ods: { mime: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'], label: 'OpenDocument spreadsheet' },
  odp: { mime: 'application/vnd.oasis.opendocument.presentation', extensions: ['odp'], label: 'OpenDocument presentation' },
}

const ACCEPTED_MESSAGE = 'The selected file must be a PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF or WebP file'

/** An uploaded file as the route received it. */
export interface UploadedFile {
  fileName: string
  data: Buffer
  /** True when the file was cut off at the size limit. */
  truncated: boolean
}

/** Checks a file by its content (never trusting the name or the browser's type). Returns the detected type or a field error. */
export async function checkUpload(file: UploadedFile | null, maxBytes: number): Promise<{ ok: true; ext: string; mime: string } | { ok: false; error: string; status: number }> {
  if (!file || (!file.fileName && file.data.length === 0)) return { ok: false, error: 'Select a file', status: 422 }
  if (file.truncated || file.data.length > maxBytes) return { ok: false, error: `The selected file must be smaller than ${formatBytes(maxBytes)}`, status: 413 }
  if (file.data.length === 0) return { ok: false, error: 'The selected file is empty', status: 422 }
  const detected = await (await import('file-type')).fileTypeFromBuffer(file.data)
  const type = detected ? ACCEPTED_TYPES[detected.ext] : undefined
  if (!detected || !type) return { ok: false, error: ACCEPTED_MESSAGE, status: 422 }
  const ext = /\.([a-z0-9]{1,10})$/i.exec(file.fileName)?.[1]?.toLowerCase()
  if (ext && !type.extensions.includes(ext)) return { ok: false, error: `The selected file is not a real .${ext} file (its content is a ${type.label}). Check you chose the right file`, status: 422 }
  return { ok: true, ext: detected.ext, mime: type.mime }
}

/** "10 MB" from bytes. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`
  if (n >= 1024) return `${Math.round(n / 1024)} KB`
  return `${n} bytes`
}

/** A safe display/download name: no path, no control characters, with the right extension. */
function safeFileName(name: string, ext: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 150) || 'document'
  return /\.[a-z0-9]{1,10}$/i.test(base) ? base : `${base}.${ext}`
}

/** Where uploads are stored. */
export const uploadsDir = (dataDir: string) => join(dataDir, 'uploads')

/**
 * Stores a checked file under a random name in dataDir/uploads and records it. The caller runs
 * this in a transaction and removes the file if the transaction fails (see `storageKey`).
 */
export async function addFile(
  db: Db,
  actor: Actor,
  access: CommunityAccess,
  input: { title: string; description: string },
  file: UploadedFile,
  checked: { ext: string; mime: string },
  dataDir: string,
): Promise<{ id: string; storageKey: string }> {
  const userId = requireSignedIn(actor)
  if (!access.canParticipate) throw forbidden('Join this community to add to its library')
  const id = newId()
  const storageKey = `${newId()}.${checked.ext}`
  const dir = uploadsDir(dataDir)
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, storageKey), file.data, { mode: 0o640 })
  const t = now()
  await insertDocument(db, { id, space_id: access.community.id, kind: 'file', title: input.title, description: input.description, url: null, file_name: safeFileName(file.fileName, checked.ext), mime_type: checked.mime, size_bytes: file.data.length, storage_key: storageKey, author_id: userId, hidden_at: null, created_at: t })
  await touchCommunity(db, access.community.id, t)
  return { id, storageKey }
}

/** Whether the actor may see (and download) one library document. */
export async function canSeeDocument(db: Db, actor: Actor, doc: LibraryDocument): Promise<boolean> {
  return can(db, actor, 'view', 'document', documentFacts(doc))
}
