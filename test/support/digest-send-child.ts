/**
 * A real app process that sends one batch of a digest and stops, without finishing, at a chosen point of its
 * n-th recipient: the digests crash test kills it there with SIGKILL (src/modules/digests/crash.test.ts).
 * Arguments: <postgres url or sqlite file> <smtp url> <digest id> <user ids, comma-separated> <point> <n>, where
 * point is 'claimed' (claim committed, nothing sent), 'accepted' (the SMTP server said 250, not yet marked: the
 * doubtful window), 'marked' (marked sent, before the next recipient) or 'smtp' (claim committed and the SMTP
 * conversation under way: the child does not wait, the test kills it while a slow server has not yet accepted).
 * Prints `sent <id>` after each mark and `stopped <point> <id>` where it stops (for 'smtp': where it goes on).
 */
import { buildApp } from '../../src/app.ts'
import { openDatabase } from '../../src/core/db/database.ts'
import { sendBatch, type SendHooks } from '../../src/modules/digests/send.ts'
import { testConfig } from './app.ts'

const [target, smtpUrl, digestId, ids, point, nth] = process.argv.slice(2) as [string, string, string, string, keyof SendHooks | 'smtp', string]
const database = openDatabase(target.startsWith('postgres') ? { databaseUrl: target, sqlitePath: '' } : { databaseUrl: undefined, sqlitePath: target })
const app = await buildApp(testConfig({ smtpUrl, jobs: { run: false, pollMs: 100 } }), database, { logger: false })
await app.ready()
let seen = 0
const stopAt = (name: keyof SendHooks) => async (userId: string) => {
  if (name === 'marked') process.stdout.write(`sent ${userId}\n`)
  const waits = point === 'smtp' ? name === 'claimed' : name === point
  if (!waits || ++seen < Number(nth)) return
  process.stdout.write(`stopped ${point} ${userId}\n`)
  if (point === 'smtp') return
  // Here the batch stops, part done, until the test kills the process.
  await new Promise(() => setInterval(() => {}, 1000))
}
await sendBatch(app, digestId, ids.split(','), { claimed: stopAt('claimed'), accepted: stopAt('accepted'), marked: stopAt('marked') })
