/**
 * Every main page over the demo content (as `npm start` serves it), a page of each kind, the 404 page and
 * forms with validation errors, in a real browser: one h1 and a useful title on each, axe (WCAG 2.2 AA) on each kind —
 * signed out and signed in as a demo person.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, visit, type E2E } from './support.ts'

const MAIN_PAGES = ['/', '/projects', '/organisations', '/posts', '/communities', '/people', '/search?q=open', '/about', '/accessibility']
/** Demo slugs the seeds promise (see the modules' seed functions). */
const DEMO_PAGES = ['/projects/bin-collection-alerts', '/projects/legacy-payments-retirement', '/organisations/northshire-county-council', '/people/priya-natarajan']

/** The first link in <main> whose path is one level below `prefix` (a detail page), e.g. /posts/<slug>. */
async function firstDetailLink(page: Page, prefix: string, not: string[] = []): Promise<string> {
  const hrefs = await page.locator(`main a[href^="${prefix}/"]`).evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
  const href = hrefs.find((h) => new RegExp(`^${prefix}/[^/?#]+$`).test(h) && !not.includes(h))
  assert.ok(href, `${page.url()} should link to at least one ${prefix}/… page; it links to ${JSON.stringify(hrefs.slice(0, 10))}`)
  return href
}

describe('main pages in a browser', () => {
  let e2e: E2E
  before(async () => {
    e2e = await startE2E({ seed: true })
  })
  after(async () => {
    await e2e?.close()
  })

  it('every main page and a page of each kind is accessible to an anonymous reader', async () => {
    const page = await (await e2e.newContext()).newPage()
    for (const url of [...MAIN_PAGES, ...DEMO_PAGES, '/sign-in', '/sign-up', '/forgot-password']) await visit(page, url)
    // Pages reached by following links, as a reader would: a post, its tag, a community, a discussion.
    await visit(page, '/posts')
    await visit(page, await firstDetailLink(page, '/posts', ['/posts/new', '/posts/drafts']))
    await visit(page, await firstDetailLink(page, '/tags'))
    await visit(page, '/communities')
    const community = await firstDetailLink(page, '/communities', ['/communities/new'])
    await visit(page, community)
    await visit(page, await firstDetailLink(page, `${community}/threads`, [`${community}/threads/new`]))
    await visit(page, `${community}/library`)
    assertNoFailures(e2e)
  })

  it('the search page shows the query and its filters', async () => {
    const page = await (await e2e.newContext()).newPage()
    await visit(page, '/search?q=open')
    assert.equal(await page.getByRole('searchbox', { name: 'Search for' }).inputValue(), 'open')
    assert.match(await page.title(), /open/)
  })

  it('unknown addresses get the accessible 404 page, site-wide and inside modules', async () => {
    const page = await (await e2e.newContext()).newPage()
    for (const url of ['/no-such-page', '/projects/no-such-project', '/organisations/no-such-organisation', '/posts/no-such-post', '/communities/no-such-community', '/people/no-such-person']) {
      const h1 = await visit(page, url, 404)
      assert.equal(h1, 'Page not found', `${url} should show the 404 page`)
    }
    assertNoFailures(e2e)
  })

  it('a form with errors shows the GOV.UK error summary, focused, linking to each field', async () => {
    const page = await (await e2e.newContext()).newPage()
    await visit(page, '/sign-up')
    await submitEmpty(page, '/sign-up', 'Create account')
    assertNoFailures(e2e)
  })

  it('every main page and the forms are accessible to a signed-in demo person', async () => {
    const page = await (await e2e.newContext()).newPage()
    await signInThroughForm(page, 'priya@openly.example', 'openly-demo-2026')
    // Signed-in pages carry the account navigation and forms with CSRF tokens; a sample of each kind.
    for (const url of ['/', '/projects', '/posts', '/projects/bin-collection-alerts', '/people/priya-natarajan', '/notifications', '/account/profile', '/posts/drafts']) await visit(page, url)

    // Empty forms re-render with the error summary, still accessible.
    const forms: Array<[string, string]> = [['/organisations/new', 'Add organisation'], ['/projects/new', 'Add project'], ['/posts/new', 'Save'], ['/communities/new', 'Create community']]
    for (const [url, button] of forms) {
      await visit(page, url)
      await submitEmpty(page, url, button)
    }
    assertNoFailures(e2e)
  })
})

/** Submits the form on the page as it is (empty) and checks the answer is a 422 with the GOV.UK error summary. */
async function submitEmpty(page: Page, url: string, button: string): Promise<void> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
    page.waitForEvent('load'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ])
  assert.equal(response.status(), 422, `${url}: an empty form should be answered with 422`)
  await assertErrorSummary(page, url)
}

/**
 * Checks the error page: status-independent markers of a GOV.UK validation error — "Error:" title prefix,
 * the summary focused by govuk-frontend, each link pointing at a field that exists, clicking a link focuses it.
 */
async function assertErrorSummary(page: Page, url: string): Promise<void> {
  const summary = page.locator('.govuk-error-summary')
  assert.equal(await summary.count(), 1, `${url}: submitting the empty form should show the GOV.UK error summary (h1: ${await page.locator('h1').first().innerText().catch(() => '(none)')})`)
  await checkPage(page)
  assert.match(await page.title(), /^Error: /, `${url}: the title should start with "Error: "`)
  // govuk-frontend moves focus to the summary so screen readers announce it.
  await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'), null, { timeout: 5000 }).catch(() => {})
  assert.equal(await page.evaluate(() => document.activeElement?.className ?? ''), await summary.getAttribute('class'), `${url}: the error summary should have focus`)
  const links = summary.locator('.govuk-error-summary__list a')
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
  assert.ok(hrefs.length > 0, `${url}: the error summary lists no errors`)
  for (const href of hrefs) {
    assert.match(href, /^#.+/, `${url}: error link ${href} should point at a field`)
    const id = href.slice(1)
    assert.equal(await page.locator(`[id="${id}"]`).count(), 1, `${url}: error link ${href} points at no element`)
    // The field shows its own message too (GOV.UK pattern).
    const group = page.locator(`.govuk-form-group--error:has([id="${id}"]), .govuk-form-group--error[id="${id}"], .govuk-form-group--error:has(#${cssEscape(id)}-error)`)
    assert.ok((await group.count()) > 0, `${url}: field ${id} should be marked as in error`)
  }
  // Clicking the first link moves focus to that field (or the first input of a fieldset).
  await links.first().click()
  const focused = await page.evaluate(() => document.activeElement?.id ?? '')
  assert.ok(focused === hrefs[0]!.slice(1) || focused.startsWith(hrefs[0]!.slice(1)), `${url}: clicking "${hrefs[0]}" focused "${focused}"`)
}

function cssEscape(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, (c) => `\\${c}`)
}
