import { visibleTo, type Actor } from '../../core/access/policy.ts'
import { afterCursor, decodeCursor, paginate } from '../../core/http/pagination.ts'
import type { CommunitiesDb, DocumentsTable } from './communities.tables.ts'

/** A file or link in a community's library, as use cases and pages see it. */
export interface LibraryDocument {
  id: string
  spaceId: string
  kind: 'file' | 'link'
  title: string
  description: string
  url: string | null
  fileName: string | null
  mimeType: string | null
  sizeBytes: number | null
  storageKey: string | null
  authorId: string
  hiddenAt: string | null
  createdAt: string
}

const documentColumns = [
  'documents.id',
  'documents.space_id',
  'documents.kind',
  'documents.title',
  'documents.description',
  'documents.url',
  'documents.file_name',
  'documents.mime_type',
  'documents.size_bytes',
  'documents.storage_key',
  'documents.author_id',
  'documents.hidden_at',
  'documents.created_at',
] as const

function toDocument(r: { id: string; space_id: string; kind: 'file' | 'link'; title: string; description: string; url: string | null; file_name: string | null; mime_type: string | null; size_bytes: number | null; storage_key: string | null; author_id: string; hidden_at: string | null; created_at: string }): LibraryDocument {
  return {
    id: r.id,
    spaceId: r.space_id,
    kind: r.kind,
    title: r.title,
    description: r.description,
    url: r.url,
    fileName: r.file_name,
    mimeType: r.mime_type,
    sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    storageKey: r.storage_key,
    authorId: r.author_id,
    hiddenAt: r.hidden_at,
    createdAt: r.created_at,
  }
}

/** One library document by id. */
export async function findDocument(db: CommunitiesDb, id: string): Promise<LibraryDocument | null> {
  if (id.length > 64) return null
  const row = await db.selectFrom('documents').select(documentColumns).where('documents.id', '=', id).executeTakeFirst()
  return row ? toDocument(row) : null
}

/** A community's library the actor may see, newest first. */
export async function listDocuments(db: CommunitiesDb, actor: Actor, spaceId: string, options: { cursor?: unknown; limit: number }): Promise<{ items: LibraryDocument[]; next: string | null }> {
  const cursor = decodeCursor(options.cursor)
  let q = db
    .selectFrom('documents')
    .select(documentColumns)
    .where('documents.space_id', '=', spaceId)
    .where((eb) => visibleTo(actor, eb, { space: 'documents.space_id', hidden: 'documents.hidden_at', author: 'documents.author_id' }))
  if (cursor) q = q.where((eb) => afterCursor(eb, 'documents.created_at', 'documents.id', cursor))
  const rows = await q.orderBy('documents.created_at', 'desc').orderBy('documents.id', 'desc').limit(options.limit + 1).execute()
  return paginate(rows.map(toDocument), options.limit, (d) => ({ at: d.createdAt, id: d.id }))
}
/** Records a new file or link (a file is already stored under its `storage_key`). */
export async function insertDocument(db: CommunitiesDb, row: DocumentsTable): Promise<void> {
  await db.insertInto('documents').values(row).execute()
}

/** Hides (a timestamp) or restores (null) a document. */
export async function setDocumentHiddenAt(db: CommunitiesDb, id: string, hiddenAt: string | null): Promise<void> {
  await db.updateTable('documents').set({ hidden_at: hiddenAt }).where('id', '=', id).execute()
}
