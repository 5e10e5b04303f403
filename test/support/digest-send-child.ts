/**
 * A real app process that sends one batch of a digest and stops, without finishing, after its second mail: the
 * digests crash test kills it there with SIGKILL (src/modules/digests/crash.test.ts).
 * Arguments: <postgres url or sqlite file> <smtp url> <digest id> <user ids, comma-separated>.
 */
import { buildApp } from '../../src/app.ts'
import { openDatabase } from '../../src/core/db/database.ts'
import { sendBatch } from '../../src/modules/digests/send.ts'
import { testConfig } from './app.ts'

const [target, smtpUrl, digestId, ids] = process.argv.slice(2) as [string, string, string, string]
const database = openDatabase(target.startsWith('postgres') ? { databaseUrl: target, sqlitePath: '' } : { databaseUrl: undefined, sqlitePath: target })
const app = await buildApp(testConfig({ smtpUrl, jobs: { run: false, pollMs: 100 } }), database, { logger: false })
await app.ready()
let sent = 0
await sendBatch(app, digestId, ids.split(','), async (userId) => {
  sent++
  process.stdout.write(`sent ${userId}\n`)
  // After the second mail the batch stops here, half done, until the test kills the process.
  if (sent === 2) await new Promise(() => setInterval(() => {}, 1000))
})
