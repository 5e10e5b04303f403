/**
 * Directory benchmark: 20,000 organisations and 50,000 projects (themes, technologies, places, cities, lead and
 * partner organisations) in 40 countries and 1,000 cities. Measures the unfiltered and filtered directory, the map, the network
 * and a project page with similar work, signed in (rendered every time, as no anonymous cache helps), with wrk at
 * 50 connections beside a bare Fastify hello-world (bench/wrk.ts), and the CSV export's time and the server's
 * memory. Prints figures; never passes or fails on time.
 *
 *   node bench/directory.bench.ts        (or: npm run bench:directory)
 *   BENCH_QUICK=1 node bench/directory.bench.ts   (single requests and the export only)
 *   BENCH_ONLY=network node bench/directory.bench.ts   (only the pages whose name matches)
 *   BENCH_DURATION=20 BENCH_ROUNDS=1 BENCH_TIMEOUT=60 node bench/directory.bench.ts   (as in docs/performance.md: the
 *   slower pages need more than wrk's 2 s timeout and 5 s runs at 50 connections to give any figure at all)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase, type Database } from '../src/database.ts'
import { migrate } from '../src/core/db/setup.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { modules } from '../src/modules.ts'
import { rssMb, start } from './harness.ts'
import { beside, printHeading, printRow, WRK_CONNECTIONS, WRK_DURATION } from './wrk.ts'
import { rebuildProjectCounts } from '../src/modules/projects/directory-counts.queries.ts'
import { rebuildOrganisationCounts } from '../src/modules/organisations/directory-counts.queries.ts'
import { largestCities } from '../src/modules/organisations/cities.ts'

const ORGANISATIONS = 20_000
const PROJECTS = 50_000
const COUNTRIES = ['GB', 'IE', 'DE', 'FR', 'NL', 'BE', 'ES', 'PT', 'IT', 'DK', 'SE', 'NO', 'FI', 'EE', 'LV', 'LT', 'PL', 'CZ', 'AT', 'CH', 'US', 'CA', 'MX', 'BR', 'AR', 'CL', 'ZA', 'KE', 'NG', 'GH', 'IN', 'JP', 'KR', 'AU', 'NZ', 'SG', 'ID', 'PH', 'TW', 'UA']
const THEMES = ['health', 'housing', 'transport', 'education', 'environment', 'open data', 'digital inclusion', 'democratic participation', 'employment', 'migration']
const TECH = ['open source', 'python', 'postgresql', 'ruby', 'javascript', 'sensors', 'user research', 'open data', 'ai', 'maps']
const TYPES = ['central government', 'local government', 'health', 'education', 'charity', 'university'] as const
const PHASES = ['discovery', 'alpha', 'beta', 'live', 'retired'] as const

async function chunks<T>(rows: T[], size: number, insert: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size))
}

/** Each country's 25 largest cities from the bundled gazetteer: entries are spread over them (0030). */
const CITIES = new Map(COUNTRIES.map((c) => [c, largestCities(c, 25).map((city) => String(city.id))]))
const cityOf = (code: string, i: number) => CITIES.get(code)![i % CITIES.get(code)!.length] ?? ''

async function fill(db: Kysely<Database>): Promise<string> {
  const t = new Date().toISOString()
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('users').values({ id: 'u0', email: 'p0@bench.example', email_verified_at: t, password_hash: 'x', handle: 'bench-0', name: 'Bench Person', is_admin: 0, suspended_at: null, created_at: t, updated_at: t }).execute()
    await trx.insertInto('profiles').values({ user_id: 'u0', role: '', bio: '', skills: '', interests: '', listed: 1, hidden_at: null, updated_at: t }).execute()
    const orgs = Array.from({ length: ORGANISATIONS }, (_, i) => {
      const code = COUNTRIES[i % COUNTRIES.length]!
      return { id: `o${i}`, slug: `org-${i}`, name: `Organisation ${i}`, type: TYPES[i % TYPES.length]!, country: code, country_code: code, region: `Region ${i % 7}`, region_code: '', city_id: cityOf(code, i), website: `https://org${i}.example.org`, website_domain: `org${i}.example.org`, identifier: '', website_check_due: null, website_checked_at: null, website_failures: 0, website_result: '', description: `Organisation ${i} works in the open on ${THEMES[i % THEMES.length]}.`, confirmed_at: null, space_id: null, hidden_at: i % 500 === 0 ? t : null, created_by: 'u0', created_at: t, updated_at: t }
    })
    await chunks(orgs, 500, (part) => trx.insertInto('organisations').values(part).execute())
    await chunks(orgs.flatMap((o, i) => [{ organisation_id: o.id, theme: THEMES[i % THEMES.length]! }, { organisation_id: o.id, theme: THEMES[(i + 3) % THEMES.length]! }]), 1000, (part) => trx.insertInto('organisation_themes').values(part).execute())
    const projects = Array.from({ length: PROJECTS }, (_, i) => ({ id: `p${i}`, slug: `project-${i}`, name: `Project ${i} ${THEMES[i % THEMES.length]}`, summary: `Project ${i}: ${THEMES[i % THEMES.length]} with ${TECH[i % TECH.length]}.`, problem: '', audience: '', phase: PHASES[i % PHASES.length]!, looking_for: '', country_code: COUNTRIES[i % COUNTRIES.length]!, city_id: cityOf(COUNTRIES[i % COUNTRIES.length]!, i * 3), confirmed_at: null, revision: 0, space_id: null, hidden_at: null, created_by: 'u0', created_at: t, updated_at: i % 9 === 0 ? '2023-01-01T00:00:00.000Z' : t }))
    await chunks(projects, 500, (part) => trx.insertInto('projects').values(part).execute())
    const tags = projects.flatMap((p, i) => [
      { project_id: p.id, kind: 'theme' as const, value: THEMES[i % THEMES.length]! },
      { project_id: p.id, kind: 'technology' as const, value: TECH[i % TECH.length]! },
      { project_id: p.id, kind: 'place' as const, value: `Region ${i % 7}` },
    ])
    await chunks(tags, 1000, (part) => trx.insertInto('project_tags').values(part).execute())
    const links = projects.flatMap((p, i) => [
      { project_id: p.id, organisation_id: `o${i % ORGANISATIONS}`, role: 'lead' as const, status: 'confirmed' as const, requested_by: null, confirmed_by: null },
      { project_id: p.id, organisation_id: `o${(i * 7 + 1) % ORGANISATIONS}`, role: 'partner' as const, status: 'confirmed' as const, requested_by: null, confirmed_by: null },
    ])
    await chunks(links, 1000, (part) => trx.insertInto('project_organisations').values(part).execute())
    await trx.insertInto('project_members').values({ project_id: 'p123', user_id: 'u0', role: '', created_at: t }).execute()
    // The rows were written in bulk, around the per-change bookkeeping: count them once (as the migration does).
    await rebuildOrganisationCounts(trx)
    await rebuildProjectCounts(trx)
  })
  return (await createSession(db, 'u0')).token
}

const dir = mkdtempSync(join(tmpdir(), 'openly-bench-'))
const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
try {
  console.log(`Openly directory benchmark: ${WRK_CONNECTIONS} connections, ${WRK_DURATION}s per page, SQLite, Node ${process.version}`)
  await migrate(database, modules)
  const token = await fill(wholeDatabase(database))
  console.log(`filled ${ORGANISATIONS.toLocaleString('en-GB')} organisations and ${PROJECTS.toLocaleString('en-GB')} projects in ${COUNTRIES.length} countries`)
  const app = await start('bench/server.ts', { DATA_DIR: dir })
  const base = `http://127.0.0.1:${app.port}`
  const pages: Array<[string, string]> = [
    ['/directory (everything)', '/directory'],
    ['/directory?theme&country', '/directory?theme=health&country=DE'],
    ['/directory?q&phase', '/directory?q=housing&phase=beta&kind=projects'],
    ['/directory/map (everything)', '/directory/map'],
    ['/directory/map?theme', '/directory/map?theme=transport'],
    ['/directory?country&city', `/directory?country=DE&city=${cityOf('DE', 0)}`],
    ['/directory/map?country (regions, cities)', '/directory/map?country=DE'],
    ['/directory/cities.json (typing)', '/directory/cities.json?q=spr&country=US'],
    ['/directory/network', '/directory/network'],
    ['project page with similar work', '/projects/project-123'],
  ]
  // One request at a time, signed in (rendered every time): what one page costs, before any load.
  console.log('\nsingle signed-in requests, no other load (median of 5):')
  for (const [name, path] of pages) {
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const started = performance.now()
      const res = await fetch(`${base}${path}`, { headers: { cookie: `openly_session=${token}` } })
      await res.text()
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`)
      times.push(performance.now() - started)
    }
    console.log(`  ${name.padEnd(34)} ${times.sort((a, b) => a - b)[2]!.toFixed(1)} ms`)
  }
  const before = rssMb(app.pid)
  let peak = before
  const watch = setInterval(() => (peak = Math.max(peak, rssMb(app.pid))), 50)
  const started = performance.now()
  const csv = await (await fetch(`${base}/directory/export.csv`)).text()
  const ms = performance.now() - started
  clearInterval(watch)
  console.log(`\nCSV export: ${csv.split('\n').length - 2} rows, ${(csv.length / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(2)} s; server RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB during`)
  app.proc.kill('SIGTERM')
  if (!process.env.BENCH_QUICK) await underLoad(pages, token)
} finally {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
}

/** req/s, p99 and CPU per request with wrk at 50 connections, signed in (rendered every time), each beside hello-world. */
async function underLoad(pages: Array<[string, string]>, token: string): Promise<void> {
  const hello = await start('bench/hello.ts', {})
  const app = await start('bench/server.ts', { DATA_DIR: dir })
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null
  printHeading('signed-in reader, 20,000 organisations and 50,000 projects')
  for (const [name, path] of pages) {
    if (only && !only.test(name)) continue
    // Let the server finish what the last run left queued (wrk stops sending, the server keeps answering).
    await (await fetch(`http://127.0.0.1:${app.port}/directory/schema`)).text()
    printRow(await beside(hello, app, `${name} (signed in)`, [path], { cookie: `openly_session=${token}` }))
  }
  app.proc.kill('SIGTERM')
  hello.proc.kill('SIGTERM')
}
