// Serves Openly over an existing, filled database for the benchmark (no seeding, logging off).
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/core/db/database.ts'

const config = loadConfig(process.env, { demoContent: false, logLevel: 'silent', sessionSecret: 'bench-secret-bench-secret-bench-secret', logMail: false })
const database = openDatabase(config)
const app = await buildApp(config, database, { logger: false })
await app.listen({ port: 0, host: '127.0.0.1' })
console.log(`READY ${(app.server.address() as { port: number }).port}`)
process.on('SIGTERM', async () => {
  await app.close()
  await database.close()
  process.exit(0)
})
