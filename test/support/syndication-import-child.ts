/**
 * A separate process that imports a feed's queued entries and hangs inside the second entry's transaction, so
 * the syndication crash test can kill it there with SIGKILL (src/modules/syndication/crash.test.ts).
 * Arguments: <postgres url or sqlite file> <feed id>.
 */
import { openDatabase } from '../../src/core/db/database.ts'
import { registerAllPolicies } from '../../src/core/access/spaces.policy.ts'
import { modules } from '../../src/modules.ts'
import { importQueued } from '../../src/modules/syndication/poll.ts'

const [target, feedId] = process.argv.slice(2) as [string, string]
const database = openDatabase(target.startsWith('postgres') ? { databaseUrl: target, sqlitePath: '' } : { databaseUrl: undefined, sqlitePath: target })
registerAllPolicies(modules)
let n = 0
await importQueued(database.db, feedId, async (itemId) => {
  n++
  process.stdout.write(`importing ${itemId}\n`)
  // The second import stays open, uncommitted, until the test kills this process.
  if (n === 2) await new Promise(() => setInterval(() => {}, 1000))
})
process.stdout.write('done\n')
await database.close()
