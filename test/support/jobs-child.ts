/**
 * A real app process for the jobs crash tests: `node test/support/jobs-child.ts <sqlite path | postgres url> <mode>`.
 * It builds the app over the given database with one probe job, `probe.slow`, whose handler appends
 * `started <payload.tag> <retryCount>` to the file named in its payload, then in mode `hang` never finishes
 * (the parent kills the process) and in mode `finish` appends `done <tag> <retryCount>`.
 */
import { appendFileSync } from 'node:fs'
import { buildApp } from '../../src/app.ts'
import { openDatabase } from '../../src/core/db/database.ts'
import { defineJob } from '../../src/core/jobs/jobs.ts'
import { modules } from '../../src/modules.ts'
import { testConfig } from './app.ts'

const [target, mode] = process.argv.slice(2) as [string, 'hang' | 'finish']
const slowProbe = defineJob<{ tag: string; file: string }>({
  name: 'probe.slow',
  retry: { limit: 2, delaySeconds: 1, backoff: false },
  // Short, so that on PostgreSQL pg-boss's supervisor soon retries a job whose process died.
  expireSeconds: 2,
  async run(payload, job) {
    appendFileSync(payload.file, `started ${payload.tag} ${job.retryCount}\n`)
    if (mode === 'hang') await new Promise(() => {})
    appendFileSync(payload.file, `done ${payload.tag} ${job.retryCount}\n`)
  },
})

const postgres = target.startsWith('postgres')
const database = openDatabase(postgres ? { databaseUrl: target, sqlitePath: '' } : { databaseUrl: undefined, sqlitePath: target })
const app = await buildApp(testConfig({ jobs: { run: true, pollMs: 100 } }), database, { modules: [...modules, { id: 'probe', dependsOn: [], jobs: [slowProbe] }], logger: false })
await app.ready()
console.log('ready')
// Stay up until killed (the SQLite runner's timer does not hold the process open).
setInterval(() => {}, 1 << 30)
process.on('SIGTERM', async () => {
  await app.close()
  await database.close()
  process.exit(0)
})
