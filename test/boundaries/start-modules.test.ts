/**
 * A SQLite server loads neither the PostgreSQL driver nor pg-boss, nor the libraries of rarer work until it comes: modules kept in the heap for nothing are memory
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
const packages = new RegExp(process.env.PROBE_PACKAGES ?? '')
console.log(JSON.stringify([...new Set(resolved.filter((url) => packages.test(url)).map((url) => url.replace(/.*\\/node_modules\\/([^/]+).*/, '$1')))]))
`

/** The packages among `pattern` a server resolves while it starts on the database in `dir` (migrating it first if new). */
function startResolves(dir: string, pattern: RegExp): string[] {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { cwd: root, encoding: 'utf8', env: { ...process.env, PROBE_DIR: dir, DATABASE_URL: '', PROBE_PACKAGES: pattern.source } })
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!)
}

test('a SQLite server resolves no module of pg, pg-pool or pg-boss', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openly-probe-'))
  try {
    assert.deepEqual(startResolves(dir, /\/node_modules\/(pg|pg-boss|pg-pool)\//), [])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

// Libraries for rarer work are loaded when that work first comes (sending mail, a country or region shown, a feed
// polled, an upload checked, a map drawn): together about 12 MB of heap a process serving pages does not keep. Their
// migrations load them only when they run, so the second start of a migrated database is the one looked at.
test('a server starting on a migrated database loads no library used only by rarer work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openly-probe-'))
  const rare = /\/node_modules\/(nodemailer|i18n-iso-countries|iso-3166|feedsmith|file-type|d3-geo)\//
  try {
    // The first start runs the migrations that need countries and regions: the probe does see these packages.
    assert.deepEqual(startResolves(dir, rare).toSorted(), ['i18n-iso-countries', 'iso-3166'])
    assert.deepEqual(startResolves(dir, rare), [])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
