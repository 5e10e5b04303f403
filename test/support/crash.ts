/**
 * What the kill -9 tests share: a database a child process can open too (a SQLite file in a folder of its own,
 * or a PostgreSQL test database), migrated; and running a child until it has printed a marker line `times`
 * times, then killing it with SIGKILL, as a power cut or the OOM killer would.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type DatabaseHandle, type Dialect } from '../../src/core/db/database.ts'
import { migrate } from '../../src/core/db/setup.ts'
import { modules } from '../../src/modules.ts'
import { createTestDatabase } from './databases.ts'

export interface SharedDatabase {
  database: DatabaseHandle
  /** What the child is given to open the same database: the SQLite file's path or the PostgreSQL URL. */
  target: string
  /** Closes the database and removes the folder. */
  close(): Promise<void>
}

export async function sharedDatabase(dialect: Dialect): Promise<SharedDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'openly-crash-'))
  let database: DatabaseHandle
  let target: string
  if (dialect === 'sqlite') {
    target = join(dir, 'openly.sqlite')
    database = openDatabase({ databaseUrl: undefined, sqlitePath: target })
  } else {
    const pg = await createTestDatabase('postgres')
    database = pg
    target = pg.url!
  }
  await migrate(database, modules)
  return {
    database,
    target,
    close: async () => {
      await database.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Runs `node child ...args` until it has printed `times` lines starting with `marker`, kills it, and gives its lines. */
export function runUntilKilled(child: string, args: string[], marker: string, times: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    const lines: string[] = []
    let buffer = ''
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const parts = buffer.split('\n')
      buffer = parts.pop()!
      lines.push(...parts)
      if (lines.filter((l) => l.startsWith(marker)).length === times) proc.kill('SIGKILL')
    })
    proc.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(lines) : reject(new Error(`the child ended without being killed: ${lines.join(' / ')}`))))
    proc.on('error', reject)
  })
}
