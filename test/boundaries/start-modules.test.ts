/**
 * A SQLite server loads neither the PostgreSQL driver nor pg-boss: modules kept in the heap for nothing are memory
 * that every garbage collection keeps beside the live pages (issue 12's RSS target). A child process records every
 * module it resolves while it migrates a fresh SQLite database, builds the app and runs its start-up.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = resolve(import.meta.dirname, '..', '..')
const src = (path: string) => JSON.stringify(pathToFileURL(join(root, 'src', path)).href)

const child = `
import { registerHooks } from 'node:module'
const resolved = []
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); resolved.push(r.url); return r } })
const { loadConfig } = await import(${src('config.ts')})
const { openDatabase } = await import(${src('core/db/database.ts')})
const { migrate } = await import(${src('core/db/setup.ts')})
const { modules } = await import(${src('modules.ts')})
const { buildApp } = await import(${src('app.ts')})
const config = loadConfig({ DATA_DIR: process.env.PROBE_DIR }, { demoContent: false, logLevel: 'silent', sessionSecret: 'probe-secret-probe-secret-probe-secret', logMail: false })
const database = openDatabase(config)
await migrate(database, modules)
const app = await buildApp(config, database, { logger: false })
await app.ready()
await app.close()
await database.close()
console.log(JSON.stringify(resolved.filter((url) => /\\/node_modules\\/(pg|pg-boss|pg-pool)\\//.test(url))))
`

test('a SQLite server resolves no module of pg, pg-pool or pg-boss', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openly-probe-'))
  try {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { cwd: root, encoding: 'utf8', env: { ...process.env, PROBE_DIR: dir, DATABASE_URL: '' } })
    assert.equal(r.status, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').at(-1)!), [])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
