/**
 * One row per searchable thing. Modules write rows through core/search inside their own
 * transactions; the search query applies the access policy over these columns.
 */
export interface SearchDocumentsTable {
  /** `${doc_type}:${doc_id}` */
  id: string
  doc_type: string
  doc_id: string
  title: string
  body: string
  url: string
  space_id: string | null
  /** When it became visible to readers; null while a draft. A future time means scheduled. */
  visible_from: string | null
  updated_at: string
}

export interface SearchTables {
  search_documents: SearchDocumentsTable
}
