// Serves Openly over an existing, filled database for the benchmark (no seeding, logging off).
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/core/db/database.ts'
import { keptMacroOutputs } from '../src/core/views/environment.ts'

const config = loadConfig(process.env, { demoContent: false, logLevel: 'silent', sessionSecret: 'bench-secret-bench-secret-bench-secret', logMail: false })
const database = openDatabase(config)
const app = await buildApp(config, database, { logger: false })
await app.listen({ port: 0, host: '127.0.0.1' })
console.log(`READY ${(app.server.address() as { port: number }).port}`)
// The bench's questions over IPC (bench/harness.ts memoryOf): heap figures after each row, and heap snapshots on request.
if (process.send) {
  process.send({ reportsMemory: true })
  process.on('message', async (m: { memory?: boolean; snapshot?: string }) => {
    if (!m.memory) return
    const snapshot = m.snapshot ? (await import('node:v8')).writeHeapSnapshot(m.snapshot) : undefined
    const u = process.memoryUsage()
    const mb = (n: number) => n / 1048576
    process.send!({ memory: { heapUsed: mb(u.heapUsed), heapTotal: mb(u.heapTotal), external: mb(u.external), arrayBuffers: mb(u.arrayBuffers), cacheBytes: mb(app.pageCache.bytes), cachePages: app.pageCache.size, snapshot } })
  })
}
process.on('SIGTERM', async () => {
  await app.close()
  await database.close()
  process.exit(0)
})
// `kill -USR2 <pid>`: where the memory is (RSS, V8's heap by space, buffers outside it), for the RSS figures.
process.on('SIGUSR2', async () => {
  const v8 = await import('node:v8')
  // With --expose-gc, what is alive rather than what is not yet collected.
  ;(globalThis as { gc?: () => void }).gc?.()
  const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`
  const m = process.memoryUsage()
  const spaces = v8.getHeapSpaceStatistics().map((s) => `${s.space_name} ${mb(s.space_size)} (${mb(s.space_used_size)} used)`)
  console.error(`memory: rss ${mb(m.rss)}, heap ${mb(m.heapTotal)} (${mb(m.heapUsed)} used), external ${mb(m.external)}, arrayBuffers ${mb(m.arrayBuffers)}, cache ${app.pageCache.size} pages (${mb(app.pageCache.bytes)}), GOV.UK macro outputs kept ${keptMacroOutputs().entries} (${mb(keptMacroOutputs().chars)} of characters); ${spaces.join(', ')}`)
})
