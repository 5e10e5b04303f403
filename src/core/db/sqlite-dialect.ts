import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely'

type Param = null | number | bigint | string | Uint8Array

/** node:sqlite accepts no booleans or Dates: store them as 0/1 and ISO strings, as the Postgres side does. */
function toParam(value: unknown): Param {
  if (value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.toISOString()
  return value as Param
}

/**
 * A statement whose text starts with this comment gives its rows as arrays of column values, in the order of its
 * select list (node:sqlite's `setReturnArrays`). node:sqlite builds each row object with a null prototype in
 * dictionary mode: slow to build and to read. For the search window's 201 rows, arrays cost 0.23 ms against 0.35
 * (statement and reading the rows; decision 0046). For raw statements whose caller reads rows by position only.
 */
export const ROWS_AS_ARRAYS = '/* rows as arrays */ '

const NOTHING_TO_ROLL_BACK: SqliteStatement = { reader: false, all: () => [], run: () => ({ changes: 0, lastInsertRowid: 0 }), iterate: () => [][Symbol.iterator]() }

/**
 * Adapts node:sqlite's DatabaseSync to the interface Kysely's SqliteDialect expects
 * (prepare → { reader, all, run, iterate }). Prepared statements are cached by SQL text,
 * because preparing costs more than running most of our queries.
 */
class NodeSqliteDatabase implements SqliteDatabase {
  #db: DatabaseSync
  #statements = new Map<string, { stmt: StatementSync; reader: boolean }>()
  constructor(db: DatabaseSync) {
    this.#db = db
  }
  close(): void {
    this.#statements.clear()
    if (this.#db.isOpen) this.#db.close()
  }
  prepare(sql: string): SqliteStatement {
    // SQLite ends a transaction by itself on some errors (a full disk, an I/O error): Kysely's rollback would then
    // fail with "cannot rollback - no transaction is active" and hide the real error. Nothing is left to undo.
    if (sql === 'rollback' && !this.#db.isTransaction) return NOTHING_TO_ROLL_BACK
    let entry = this.#statements.get(sql)
    if (!entry) {
      const stmt = this.#db.prepare(sql)
      if (sql.startsWith(ROWS_AS_ARRAYS)) stmt.setReturnArrays(true)
      entry = { stmt, reader: stmt.columns().length > 0 }
      if (this.#statements.size > 1000) this.#statements.clear()
      this.#statements.set(sql, entry)
    }
    const { stmt, reader } = entry
    return {
      reader,
      all: (parameters: ReadonlyArray<unknown>) => stmt.all(...parameters.map(toParam)) as unknown[],
      run: (parameters: ReadonlyArray<unknown>) => {
        const { changes, lastInsertRowid } = stmt.run(...parameters.map(toParam))
        return { changes, lastInsertRowid }
      },
      iterate: (parameters: ReadonlyArray<unknown>) => stmt.iterate(...parameters.map(toParam)) as IterableIterator<unknown>,
    }
  }
}

/** Opens an SQLite database file (or ':memory:') with the pragmas Openly relies on. */
export function createSqliteDialect(path: string): SqliteDialect {
  return new SqliteDialect({
    database: async () => {
      const db = new DatabaseSync(path)
      // An 8 MB page cache (SQLite's default is 2 MB): it holds the newest-documents search index (5 MB, bounded by its
      // 20,000 documents whatever the number of posts) and the pages of the documents it finds, so an uncached search
      // reads no pages from the OS (0.1–0.3 ms of system time per search with 2 MB; decision 0036). 16 MB, as it was,
      // searched no faster and kept 14 MB more in malloc's main arena at full throughput (decision 0053).
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -8000;')
      return new NodeSqliteDatabase(db)
    },
  })
}
