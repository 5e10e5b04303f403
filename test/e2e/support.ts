/**
 * Browser tests: a real Openly server listening on a loopback port, a real SMTP server collecting
 * the mail it sends, and Debian's Chromium driven by playwright-core, with axe-core checking each kind of
 * page a journey visits. Each test file starts one server and one Chromium (startE2E in its `before`) and
 * shares them between its tests; every page visited is still checked for one h1 and a useful title.
 *
 * The database is a SQLite file in a fresh temporary DATA_DIR: the browser tests stay SQLite-only by
 * default because they exercise pages, forms, scripts and accessibility, which do not depend on the
 * dialect, and every module's integration tests already run on both databases. To run them on
 * PostgreSQL: `OPENLY_E2E_PG=1 node scripts/test.ts --no-typecheck test/e2e/*.test.ts` (the script
 * starts a throwaway cluster; each run gets its own database, dropped on close).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import { openDatabase, type DatabaseHandle } from '../../src/core/db/database.ts'
import { migrate, seedIfEmpty } from '../../src/core/db/setup.ts'
import { modules } from '../../src/modules.ts'
import { createTestDatabase } from '../support/databases.ts'
import { startMailbox, type ReceivedMail } from '../support/mailbox.ts'

export type { ReceivedMail }

/** Chromium flags: headless in a container, and quiet (without the networking flags it floods a closed network). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** A server-side failure seen while the journey ran (a 5xx response), with the error when there was one. */
export interface ServerFailure {
  method: string
  url: string
  status: number
  error?: string
}

export interface E2E {
  baseUrl: string
  app: FastifyInstance
  database: DatabaseHandle
  config: Config
  browser: Browser
  mail: ReceivedMail[]
  /** 5xx responses the server sent; journeys assert this stays empty. */
  failures: ServerFailure[]
  /** Errors thrown by scripts in any page (CSP violations, broken enhancements). */
  pageErrors: string[]
  /** A new browser context (its own cookies) with the base URL set; closed on teardown. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>
  /** Waits for a mail to `to` (and matching `subject`, if given) to arrive. */
  waitForMail(to: string, subject?: RegExp, timeoutMs?: number): Promise<ReceivedMail>
  close(): Promise<void>
}

/** A free TCP port on the loopback interface (we need the server's port before building its base URL). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

/** The links in a mail's text (HTML entities for & undone), in order. */
export function linksIn(mail: ReceivedMail): string[] {
  return [...mail.text.matchAll(/https?:\/\/[^\s"'<>)\]]+/g)].map((m) => m[0].replace(/&amp;/g, '&'))
}

/** Starts SMTP, the Openly server (migrated; demo content only with `seed`) and Chromium. */
export async function startE2E(options: { seed?: boolean; config?: Partial<Config> } = {}): Promise<E2E> {
  const mailbox = await startMailbox()

  // Everything started is stopped in reverse order on close, or at once if starting fails half-way.
  const cleanups: Array<() => Promise<unknown> | unknown> = [() => mailbox.close()]
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch(() => {})
    cleanups.length = 0
  }
  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'openly-e2e-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const port = await freePort()
    const baseUrl = `http://127.0.0.1:${port}`
    const config = loadConfig({}, {
      port,
      host: '127.0.0.1',
      baseUrl,
      dataDir,
      sqlitePath: join(dataDir, 'openly.sqlite'),
      // No STARTTLS is offered, so nodemailer sends in the clear over loopback.
      smtpUrl: mailbox.url,
      logMail: false,
      demoContent: false,
      passwordCost: 12,
      sessionSecret: randomBytes(32).toString('base64url'),
      ...options.config,
    })
    const usePostgres = process.env.OPENLY_E2E_PG === '1' && !!process.env.OPENLY_TEST_PG_URL
    const database: DatabaseHandle = usePostgres ? await createTestDatabase('postgres') : openDatabase(config)
    cleanups.push(() => database.close())
    await migrate(database, modules)
    // The demo content, as `npm start` loads it: lists with many items, every phase, feeds with entries.
    if (options.seed) await seedIfEmpty(database, { ...config, demoContent: true }, modules)
    const app = await buildApp(config, database, { logger: false })
    cleanups.push(() => app.close())
    const failures: ServerFailure[] = []
    const errors = new WeakMap<object, string>()
    // The logger is off, so keep the failures here: a journey's assertion message then says what broke.
    app.addHook('onError', async (request, _reply, error) => {
      errors.set(request, `${error.name}: ${error.message}\n${(error.stack ?? '').split('\n').slice(1, 6).join('\n')}`)
    })
    const pageRoutes = new Map<string, string>()
    app.addHook('onResponse', async (request, reply) => {
      if (reply.statusCode >= 500) failures.push({ method: request.method, url: request.url, status: reply.statusCode, error: errors.get(request) })
      // Which route served each page, for axe's "kind of page" (see checkA11y).
      if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) pageRoutes.set(request.url.split('?')[0]!, `${request.routeOptions.url ?? '(no route)'} ${reply.statusCode}`)
    })
    await app.listen({ port, host: '127.0.0.1' })

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS })
    cleanups.push(() => browser.close())
    pageKinds.set(browser, { routes: pageRoutes, kinds: new Set(), checks: 0 })
    cleanups.push(() => {
      const k = pageKinds.get(browser)!
      if (process.env.E2E_TIMING) console.log(`  axe ran on ${k.kinds.size} kinds of page for ${k.checks} page checks`)
    })
    const contexts: BrowserContext[] = []
    const pageErrors: string[] = []

    return {
      baseUrl,
      app,
      database,
      config,
      browser,
      mail: mailbox.messages,
      failures,
      pageErrors,
      async newContext(options = {}) {
        const context = await browser.newContext({ baseURL: baseUrl, ...options })
        await context.addInitScript({ content: AXE_SOURCE })
        if (options.javaScriptEnabled === false) noScriptContexts.add(context)
        // Generous: the machine running the suite may be busy with other test runs.
        context.setDefaultTimeout(30_000)
        context.setDefaultNavigationTimeout(30_000)
        context.on('page', (page) => {
          page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`))
          page.on('console', (msg) => {
            // CSP violations and script failures surface as console errors.
            if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) pageErrors.push(`${page.url()}: ${msg.text()}`)
          })
        })
        contexts.push(context)
        return context
      },
      waitForMail: (to, subject, timeoutMs = 10_000) => mailbox.waitFor(to, subject, timeoutMs),
      async close() {
        for (const c of contexts) await c.close().catch(() => {})
        await stopAll()
      },
    }
  } catch (err) {
    await stopAll()
    throw err
  }
}

/** The WCAG levels every page must meet (Openly targets WCAG 2.2 AA). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/**
 * axe-core's source, added to every page of our browser contexts by an init script. Why not AxeBuilder
 * from @axe-core/playwright: it re-sends the 500 kB source into each page on every check and opens a
 * blank page to assemble results, about 5–10 times slower on a busy machine; the engine, version and
 * rules are the same.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeViolation {
  id: string
  impact?: string | null
  help: string
  helpUrl: string
  nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }>
}

/**
 * What axe has checked, per browser (one per test file): the route that served each page path (recorded by
 * the server) and the kinds of page already checked.
 */
const pageKinds = new WeakMap<Browser, { routes: Map<string, string>; kinds: Set<string>; checks: number }>()

/**
 * A page's kind, for running axe once per kind: the route that served it and its status (any 404 page is one
 * kind), JavaScript on or off, signed in or not, the components on it (GOV.UK and Openly blocks and their
 * modifiers, such as govuk-error-summary or govuk-tag--green; a block's parts, the `__` classes, come with it)
 * and the outline of its headings. Two pages of one kind differ in their text and in how many times a component
 * repeats; a page with a form, an error summary, a banner, another colour of tag or another heading level is a
 * new kind, and is checked.
 */
async function kindOf(target: Page, route: string, javaScript: boolean): Promise<string> {
  const structure = await target.evaluate(() => {
    const blocks = new Set<string>()
    for (const e of document.querySelectorAll('[class]')) for (const c of e.classList) if (/^(govuk|openly)-/.test(c) && !c.includes('__')) blocks.add(c)
    const outline = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => h.tagName).filter((h, i, all) => h !== all[i - 1])
    const signedIn = document.querySelector('form[action="/sign-out"]') !== null
    return `${signedIn ? 'signed-in' : 'anonymous'} ${outline.join('>')} ${[...blocks].sort().join(' ')}`
  })
  return `${route.endsWith(' 404') ? '404' : route} ${javaScript ? 'js' : 'no-js'} ${structure}`
}

/** Contexts opened with JavaScript off: axe cannot run inside their pages (page.evaluate never returns). */
const noScriptContexts = new WeakSet<BrowserContext>()
const checkers = new WeakMap<Browser, Promise<Page>>()

/**
 * A page that can run axe on HTML rendered with JavaScript off: JavaScript on for axe (added by the
 * init script), but every script of the site itself answered empty, so the DOM stays as the no-JS
 * reader gets it. Same origin as the site, so the stylesheet loads and colour contrast is real.
 */
function checkerFor(browser: Browser): Promise<Page> {
  let checker = checkers.get(browser)
  if (!checker) {
    checker = (async () => {
      const context = await browser.newContext()
      await context.addInitScript({ content: AXE_SOURCE })
      await context.route(/\.m?js(\?.*)?$/, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }))
      return context.newPage()
    })()
    checkers.set(browser, checker)
  }
  return checker
}

/**
 * Runs axe-core on the page as it is now, once per kind of page (see kindOf) in each test file, and fails with
 * each violation's id, targets and help. E2E_AXE_EVERY_PAGE=1 runs it on every page checked.
 */
export async function checkA11y(page: Page, label = page.url()): Promise<void> {
  let target = page
  const javaScript = !noScriptContexts.has(page.context())
  if (!javaScript) {
    // Check the very HTML this JavaScript-less page shows, in the checker page.
    const html = await page.content()
    const url = page.url()
    target = await checkerFor(page.context().browser()!)
    await target.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }), { times: 1 })
    await target.goto(url)
  }
  const seen = pageKinds.get(page.context().browser()!)
  if (seen && !process.env.E2E_AXE_EVERY_PAGE) {
    seen.checks++
    const path = new URL(page.url()).pathname
    const kind = await kindOf(target, seen.routes.get(path) ?? `(unknown route) ${path}`, javaScript)
    if (seen.kinds.has(kind)) return
    seen.kinds.add(kind)
  }
  if (!(await target.evaluate(() => 'axe' in window))) await target.evaluate(AXE_SOURCE)
  const violations = await target.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })) }))
  }, AXE_TAGS)
  if (violations.length === 0) return
  const lines = violations.map(
    (v) =>
      `- ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n` +
      v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')}\n      ${n.html.slice(0, 300)}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
        .join('\n') +
      `\n    ${v.helpUrl}`,
  )
  assert.fail(`Accessibility violations (axe-core, ${AXE_TAGS.join(', ')}) on ${label}:\n${lines.join('\n')}`)
}

/**
 * Goes to a URL, checks the status and the page basics (one h1, a title ending in "– Openly"), and runs axe
 * if no page of its kind was checked yet. Returns the h1's text.
 */
export async function visit(page: Page, url: string, expectedStatus = 200): Promise<string> {
  const response = await page.goto(url)
  assert.ok(response, `no response for ${url}`)
  assert.equal(response.status(), expectedStatus, `GET ${url}: expected ${expectedStatus}, got ${response.status()} (page h1: ${await firstH1(page)})`)
  return checkPage(page)
}

/** Checks the page the browser is on now: exactly one h1, a useful title, no axe violations (once per kind of page). Returns the h1's text. */
export async function checkPage(page: Page): Promise<string> {
  const h1s = await page.locator('h1').allInnerTexts()
  assert.equal(h1s.length, 1, `${page.url()} should have exactly one h1, has ${JSON.stringify(h1s)}`)
  const title = await page.title()
  assert.match(title, /\S.* – Openly$/, `${page.url()} has title "${title}"`)
  await checkA11y(page)
  return h1s[0]!.trim()
}

async function firstH1(page: Page): Promise<string> {
  return (await page.locator('h1').first().innerText({ timeout: 1000 }).catch(() => '(none)')).trim()
}

/** Asserts no 5xx responses and no script errors happened, naming each one. */
export function assertNoFailures(e2e: E2E): void {
  assert.deepEqual(e2e.failures, [], `server errors during the journey:\n${e2e.failures.map((f) => `${f.method} ${f.url} → ${f.status}\n${f.error ?? ''}`).join('\n')}`)
  assert.deepEqual(e2e.pageErrors, [], `script errors in pages:\n${e2e.pageErrors.join('\n')}`)
}

/** Signs in through the /sign-in form, by keyboard, and checks it worked. */
export async function signInThroughForm(page: Page, email: string, password: string): Promise<void> {
  await visit(page, '/sign-in')
  await page.getByLabel(/e-?mail/i).fill(email)
  await page.getByLabel(/password/i).fill(password)
  await Promise.all([page.waitForEvent('load'), page.getByLabel(/password/i).press('Enter')])
  assert.ok(!new URL(page.url()).pathname.startsWith('/sign-in'), `signing in as ${email} failed: still on ${page.url()} (h1: ${await firstH1(page)})`)
  await assertSignedIn(page)
}

/** The navigation shows "Sign out" only to a signed-in person. */
export async function assertSignedIn(page: Page): Promise<void> {
  const count = await page.getByRole('button', { name: 'Sign out' }).count()
  assert.equal(count, 1, `expected to be signed in on ${page.url()}, but there is no "Sign out" button`)
}

/** A word unlikely to appear anywhere else, for search assertions. */
export function uniqueWord(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`
}

/** Runs one step of a journey; a failure says which step broke. */
export async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now()
  try {
    const result = await fn()
    if (process.env.E2E_TIMING) console.log(`  step "${name}": ${Date.now() - started} ms`)
    return result
  } catch (err) {
    throw new Error(`Step "${name}" failed: ${(err as Error).message}`, { cause: err })
  }
}

/** Clicks (or presses), waits for the page that comes back, and checks its path; says what the page showed when not. */
export async function submitAndLand(page: Page, click: () => Promise<void>, expectedPath: RegExp, what: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), click()])
  const path = new URL(page.url()).pathname
  if (!expectedPath.test(path)) {
    const summary = await page.locator('.govuk-error-summary').innerText().catch(() => '')
    assert.fail(`${what}: expected to land on ${expectedPath}, but the browser is on ${page.url()} (h1: ${await firstH1(page)})${summary ? `\nError summary: ${summary}` : ''}`)
  }
}
