/**
 * Barriers and solutions benchmark: 1,000 barriers and 1,000 solutions with themes, one barrier with 200
 * revisions, 500 endorsements (people and organisations) and 40 linked solutions. Measures the barriers
 * list (plain, by theme, by words), the busy barrier's page beside an ordinary one, its history and a
 * revision's diff, anonymous (whole-page cache) and signed in (rendered every time), beside a bare
 * Fastify hello-world. Prints figures; never passes or fails on time.
 *
 *   node bench/barriers.bench.ts        (or: npm run bench:barriers)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase } from '../src/database.ts'
import { migrate } from '../src/core/db/setup.ts'
import { modules } from '../src/modules.ts'
import { ENDORSEMENTS, fill, LINKED, PAGES, REVISIONS } from './barriers.fill.ts'
import { rssMb, start } from './harness.ts'
import { anonymousAndSignedIn, WRK_CONNECTIONS, WRK_DURATION } from './wrk.ts'

const dir = mkdtempSync(join(tmpdir(), 'openly-bench-'))
const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
try {
  console.log(`Openly barriers benchmark: wrk, ${WRK_CONNECTIONS} connections, ${WRK_DURATION}s per page, SQLite, Node ${process.version}`)
  await migrate(database, modules)
  const token = await fill(wholeDatabase(database))
  console.log(`filled ${PAGES} barriers and ${PAGES} solutions; one barrier with ${REVISIONS} revisions, ${ENDORSEMENTS} endorsements and ${LINKED} linked solutions`)
  const app = await start('bench/server.ts', { DATA_DIR: dir })
  const pages: Array<[string, string]> = [
    ['/barriers (list)', '/barriers'],
    ['/barriers?theme=legal', '/barriers?theme=legal'],
    ['/barriers?q=department+shared', '/barriers?q=department+shared'],
    [`barrier, ${ENDORSEMENTS} endorsements, ${LINKED} solutions`, '/barriers/busy-barrier'],
    ['barrier, ordinary', '/barriers/barrier-10'],
    [`history of ${REVISIONS} revisions (first 30)`, '/barriers/busy-barrier/history'],
    ['revision diff (long text)', `/barriers/busy-barrier/revisions/${REVISIONS}`],
  ]
  await anonymousAndSignedIn(app, pages, `openly_session=${token}`)
  console.log(`server RSS after the run: ${rssMb(app.pid).toFixed(0)} MB`)
  app.proc.kill('SIGTERM')
} finally {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
}
