import { mkdirSync } from 'node:fs'
import { buildApp } from './app.ts'
import { ensureSessionSecret, loadConfig } from './config.ts'
import { openDatabase, type DatabaseHandle } from './core/db/database.ts'
import { migrate, seedIfEmpty } from './core/db/setup.ts'
import { modules } from './modules.ts'

/** Reads config, migrates, seeds demo content on first run, listens, and shuts down gracefully. */
async function main(): Promise<void> {
  let config
  try {
    config = ensureSessionSecret(loadConfig())
  } catch (err) {
    console.error(`Configuration error: ${(err as Error).message}`)
    process.exit(1)
  }
  let database: DatabaseHandle | undefined
  let started
  try {
    mkdirSync(config.dataDir, { recursive: true })
    database = openDatabase(config)
    await migrate(database, modules)
    const accounts = await seedIfEmpty(database, config, modules)
    const app = await buildApp(config, database)
    const address = await app.listen({ port: config.port, host: config.host })
    started = { app, accounts, database, address }
  } catch (err) {
    // Say what failed and where (the migration, its file, the database or folder), not a stack trace.
    console.error(`Openly could not start: ${(err as Error).message}`)
    await database?.close().catch(() => {})
    process.exit(1)
  }
  const { app, accounts, address } = started
  console.log(`\nOpenly is running at ${config.baseUrl}, listening on ${address} (${database.dialect === 'postgres' ? 'PostgreSQL' : `SQLite: ${config.sqlitePath}`})`)
  if (accounts?.length) {
    console.log('\nDemo content loaded. Sign in with:')
    for (const a of accounts) console.log(`  ${a.email.padEnd(36)} ${a.password.padEnd(22)} ${a.note}`)
    console.log('')
  }
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info(`${signal} received, shutting down`)
    await app.close()
    await database.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

await main()
