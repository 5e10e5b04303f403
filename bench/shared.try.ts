// Quick look: which signed-in pages are shared (x-cache) on a filled database. BENCH_DATA_DIR=…
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/core/db/database.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { wholeDatabase } from '../src/database.ts'
const config = loadConfig({ ...process.env, DATA_DIR: process.env.BENCH_DATA_DIR }, { demoContent: false, logLevel: process.env.LOG_LEVEL ?? 'silent', sessionSecret: 'bench-secret-bench-secret-bench-secret', logMail: false })
const database = openDatabase(config)
const app = await buildApp(config, database, { logger: process.env.LOG_LEVEL ? { level: process.env.LOG_LEVEL } : false })
const { token } = await createSession(wholeDatabase(database), process.env.USER_ID ?? 'u1')
for (const url of (process.env.URLS ?? '/,/posts,/search?q=flooding,/projects/bench-project-3,/posts/weeknotes-5').split(',')) {
  for (let i = 0; i < 3; i++) {
    const t = process.cpuUsage()
    const res = await app.inject({ url, headers: { cookie: `openly_session=${token}` } })
    const c = process.cpuUsage(t)
    console.log(url, res.statusCode, res.headers['x-cache'], res.headers['cache-control'], ((c.user + c.system) / 1000).toFixed(2), 'ms', res.body.length)
  }
}
await app.close(); await database.close()
