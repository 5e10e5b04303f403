/**
 * The whole test suite, as the README and CI run it (`npm test`):
 * 1. type-check (tsc --noEmit), then the import-boundary check (scripts/check-boundaries.ts);
 * 2. unit, integration (SQLite and PostgreSQL) and browser tests in one `node --test` run.
 * PostgreSQL: a throwaway cluster is started here with initdb/pg_ctl, or TEST_DATABASE_URL is used.
 * If neither is possible the run says so loudly; with CI=true it fails instead of skipping.
 * Pass file paths or globs to run only those tests: `npm test -- src/modules/posts/*.test.ts`.
 */
import { spawnSync } from 'node:child_process'
import { startCluster, type Cluster } from '../test/support/postgres-cluster.ts'

const args = process.argv.slice(2)
const only = args.filter((a) => !a.startsWith('--'))
const skipTypecheck = args.includes('--no-typecheck')

function step(title: string): void {
  console.log(`\n=== ${title} ===`)
}

if (!skipTypecheck) {
  step('Type-check (tsc --noEmit)')
  const tsc = spawnSync('tsc', ['--noEmit', '-p', '.'], { stdio: 'inherit', shell: false })
  if (tsc.status !== 0) {
    console.error('Type-check failed')
    process.exit(1)
  }
  console.log('Type-check passed')

  step('Import boundaries (scripts/check-boundaries.ts)')
  const check = spawnSync(process.execPath, ['scripts/check-boundaries.ts'], { stdio: 'inherit' })
  if (check.status !== 0) {
    console.error('Import-boundary check failed')
    process.exit(1)
  }
}

let cluster: Cluster | null = null
const env = { ...process.env }
if (env.TEST_DATABASE_URL) {
  console.log(`\nPostgreSQL: using TEST_DATABASE_URL`)
} else {
  step('PostgreSQL')
  const started = await startCluster()
  cluster = started.cluster
  if (cluster) {
    env.OPENLY_TEST_PG_URL = cluster.url
    console.log(`PostgreSQL: throwaway cluster at ${cluster.url.replace(/\/\/[^@]*@/, '//')}`)
  } else {
    console.log(`\n*** PostgreSQL SKIPPED: ${started.reason}. Integration tests run on SQLite only. ***\n`)
    if (process.env.CI) {
      console.error('CI=true requires PostgreSQL: failing.')
      process.exit(1)
    }
  }
}

step('Tests (node --test)')
const files = only.length ? only : ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts']
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...files], { stdio: 'inherit', env })
cluster?.stop()
process.exit(result.status ?? 1)
