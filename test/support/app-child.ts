/**
 * The whole app as a real process working background jobs, for crash tests:
 * `node test/support/app-child.ts <sqlite path | postgres url> <smtp url>`. Prints `ready`, then runs until killed.
 */
import { buildApp } from '../../src/app.ts'
import { openDatabase } from '../../src/core/db/database.ts'
import { modules } from '../../src/modules.ts'
import { testConfig } from './app.ts'

const [target, smtpUrl] = process.argv.slice(2) as [string, string]
const database = openDatabase(target.startsWith('postgres') ? { databaseUrl: target, sqlitePath: '' } : { databaseUrl: undefined, sqlitePath: target })
const app = await buildApp(testConfig({ smtpUrl, jobs: { run: true, pollMs: 100 } }), database, { modules, logger: false })
await app.ready()
console.log('ready')
// Stay up until killed (the SQLite runner's timer does not hold the process open).
setInterval(() => {}, 1 << 30)
