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

/** PostgreSQL only (migration 20261130T440000): the index's words and how many documents hold each (core/search/lexemes.ts). */
export interface SearchLexemesTable {
  lexeme: string
  documents: number
}

/** PostgreSQL only: each statement's net change per word, folded into search_lexemes every minute. */
export interface SearchLexemeChangesTable {
  lexeme: string
  delta: number
}

export interface SearchTables {
  search_documents: SearchDocumentsTable
  search_lexemes: SearchLexemesTable
  search_lexeme_changes: SearchLexemeChangesTable
}
