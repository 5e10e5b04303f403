/**
 * Charters benchmark: one published charter with 40 sections, 2,000 amendments (300 of them accepted, so 301
 * versions), 6,000 votes and 20,000 signatures (2,000 organisations, 18,000 people). Measures the charter page,
 * an amendment page, the register, the latest change and the whole history as a version diff, anonymous
 * (whole-page cache) and signed in (rendered every time), beside a bare Fastify hello-world. Prints figures;
 * never passes or fails on time.
 *
 *   node bench/charters.bench.ts          (or: npm run bench:charters)
 *   BENCH_DURATION=10 node bench/charters.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase } from '../src/database.ts'
import { migrate } from '../src/core/db/setup.ts'
import { modules } from '../src/modules.ts'
import { ACCEPTED, AMENDMENTS, fillCharter, ORGANISATIONS, PEOPLE, SECTIONS, VOTES_EACH } from './charters.fill.ts'
import { CONNECTIONS, DURATION, measure, print, rssMb, start } from './harness.ts'

const dir = mkdtempSync(join(tmpdir(), 'openly-bench-'))
const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
try {
  console.log(`Openly charters benchmark: ${CONNECTIONS} connections, ${DURATION}s per page, SQLite, Node ${process.version}`)
  await migrate(database, modules)
  const started = Date.now()
  const { slug, amendment, token } = await fillCharter(wholeDatabase(database))
  console.log(`filled a charter with ${SECTIONS} sections, ${AMENDMENTS.toLocaleString('en-GB')} amendments (${1 + ACCEPTED} versions), ${(AMENDMENTS * VOTES_EACH).toLocaleString('en-GB')} votes and ${(ORGANISATIONS + PEOPLE).toLocaleString('en-GB')} signatures in ${((Date.now() - started) / 1000).toFixed(1)}s`)
  const helloChild = await start('bench/hello.ts', {})
  const hello = await measure(helloChild, 'hello-world (bare Fastify)', ['/'])
  helloChild.proc.kill('SIGTERM')
  const app = await start('bench/server.ts', { DATA_DIR: dir })
  const pages: Array<[string, string]> = [
    ['charter page', `/charters/${slug}`],
    ['amendment page', `/charters/${slug}/amendments/${amendment}`],
    ['register', `/charters/${slug}/signatories`],
    ['diff: latest version', `/charters/${slug}/compare`],
    ['diff: version 1 to 301', `/charters/${slug}/compare?from=1&to=${1 + ACCEPTED}`],
  ]
  const anon = []
  const member = []
  for (const [name, path] of pages) anon.push(await measure(app, `${name} (anonymous)`, [path]))
  for (const [name, path] of pages) member.push(await measure(app, `${name} (signed in)`, [path], { cookie: `openly_session=${token}` }))
  // Latency without queueing: one connection, signed in (every request rendered).
  const alone = []
  for (const [name, path] of pages) alone.push(await measure(app, `${name} (signed in, 1 conn.)`, [path], { cookie: `openly_session=${token}` }, 1))
  print('anonymous readers (whole-page cache)', anon, hello)
  print('signed-in member (rendered every time)', member, hello)
  print('signed-in member, one connection (the time one request takes)', alone, hello)
  console.log(`server RSS after the run: ${rssMb(app.pid).toFixed(0)} MB`)
  app.proc.kill('SIGTERM')
} finally {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
}
