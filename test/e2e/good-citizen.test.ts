/**
 * What readers see, at a phone's 320 px and a desktop's 1280 px, in Chromium with axe on every kind of page:
 * the navigation on one line or in the Menu, member tables that reflow instead of scrolling sideways, the live
 * preview beside or below the body field, Markdown in the site's type, an image uploaded into a post, a time
 * zone chosen and used, and a private feed address made.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, visit, type E2E } from './support.ts'
import { DEMO_PASSWORD } from '../../src/modules/accounts/accounts.seed.ts'

/** The page is no wider than the window (WCAG 1.4.10: no sideways scrolling at 320 px). */
async function assertNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }))
  assert.ok(scroll <= width, `${what}: the page is ${scroll} px wide in a ${width} px window`)
}

/** The distinct top edges of the visible elements matching a selector: one value means they sit on one line. */
async function lines(page: Page, selector: string): Promise<number> {
  const tops = await page.locator(selector).evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => Math.round(e.getBoundingClientRect().top)))
  assert.ok(tops.length > 0, `no visible ${selector}`)
  return new Set(tops).size
}

describe('a good citizen of the web, as readers see it', () => {
  let e2e: E2E
  before(async () => {
    e2e = await startE2E({ seed: true })
  })
  after(async () => {
    await e2e?.close()
  })

  for (const width of [1280, 320]) {
    it(`at ${width} px: navigation, member tables, the editor with its preview and an image, Markdown type, time zone, private feeds`, async () => {
      const context = await e2e.newContext({ viewport: { width, height: 900 } })
      const page = await context.newPage()
      // Sign in at desktop width (the Sign out button is in the Menu on a phone), then read at this width.
      await page.setViewportSize({ width: 1280, height: 900 })
      await signInThroughForm(page, 'priya@openly.example', DEMO_PASSWORD)
      await page.setViewportSize({ width, height: 900 })

      await visit(page, '/')
      if (width === 1280) {
        assert.equal(await lines(page, '.govuk-service-navigation__item'), 1, 'the sections fit on one line')
        assert.equal(await lines(page, '.openly-account-nav__item'), 1, 'the account links fit on one line')
        assert.equal(await page.getByRole('button', { name: 'Menu' }).isVisible(), false)
      } else {
        // Collapsed: one Menu button; opening it shows the sections and the account's links, one per line.
        const menu = page.getByRole('button', { name: 'Menu' })
        assert.ok(await menu.isVisible(), 'a Menu button on a phone')
        assert.equal(await page.locator('.openly-account-nav').isVisible(), false)
        await menu.click()
        assert.ok(await page.getByRole('link', { name: 'Your profile' }).isVisible())
        assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible())
        await assertNoSidewaysScroll(page, 'the open menu')
      }

      for (const url of ['/organisations/northshire-county-council/members', '/communities/weeknotes-writers/members']) {
        await visit(page, url)
        await assertNoSidewaysScroll(page, url)
      }

      // The editor: preview beside the body field on a wide screen, right under it on a narrow one.
      await visit(page, '/posts/new')
      const body = page.getByLabel('Post', { exact: true })
      const preview = page.locator('.openly-preview')
      const b = (await body.boundingBox())!
      const p = (await preview.boundingBox())!
      if (width === 1280) assert.ok(p.x >= b.x + b.width && Math.abs(p.y - b.y) < 120, `the preview (${p.x},${p.y}) sits beside the body field (${b.x},${b.y}, ${b.width} wide)`)
      else assert.ok(p.y >= b.y + b.height && p.y - (b.y + b.height) < 80, `the preview (${p.y}) sits right under the body field (ends ${b.y + b.height})`)
      await assertNoSidewaysScroll(page, '/posts/new')

      // Enter in a field saves (the form's first button), it does not upload an image.
      await page.getByLabel('Title', { exact: true }).fill(`Enter key test ${width}`)
      await Promise.all([page.waitForEvent('load'), page.getByLabel('Title', { exact: true }).press('Enter')])
      assert.doesNotMatch(await page.locator('.govuk-error-summary').innerText(), /Select an image/)
      await checkPage(page)

      // An image, uploaded as a person does, with its description; then the post, published.
      const title = `Benches of the harbour ${width}`
      await page.getByLabel('Title', { exact: true }).fill(title)
      await page.getByLabel('Post', { exact: true }).fill('## What we saw\n\n- Twelve benches\n- Three need repair\n\n> The harbour master agreed.\n\n`bench-survey.csv` is published.')
      const photo = await sharp({ create: { width: 2400, height: 1200, channels: 3, background: '#1d70b8' } }).jpeg({ quality: 60 }).toBuffer()
      await page.getByLabel('Image', { exact: true }).setInputFiles({ name: 'harbour.jpg', mimeType: 'image/jpeg', buffer: photo })
      await page.getByLabel('Describe the image').fill('Benches along the harbour wall')
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Upload image' }).click()])
      await checkPage(page)
      assert.match(await body.inputValue(), /!\[Benches along the harbour wall\]\(\/images\/[A-Za-z0-9_-]+\)/)
      assert.ok(await page.locator('#preview-pane img[alt="Benches along the harbour wall"]').isVisible(), 'the preview shows the image')
      await page.getByLabel('Publish now').check()
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Save', exact: true }).last().click()])
      assert.match(new URL(page.url()).pathname, /^\/posts\/benches-of-the-harbour/)
      await checkPage(page)
      const img = page.locator('.openly-prose img')
      assert.equal(await img.evaluate((i) => (i as HTMLImageElement).naturalWidth), 1600, 'the stored image is 1600 px wide')
      const shown = (await img.boundingBox())!
      assert.ok(shown.width <= width, 'the image fits the window')
      // Markdown in the site's type, not the browser's default serif.
      for (const selector of ['.openly-prose li', '.openly-prose h2', '.openly-prose blockquote']) {
        const font = await page.locator(selector).first().evaluate((e) => getComputedStyle(e).fontFamily)
        assert.match(font, /system-ui/, `${selector} uses the site's font (${font})`)
      }
      await assertNoSidewaysScroll(page, 'a post with an image')

      // Time zone: chosen on the profile, used for the post's date and time.
      await visit(page, '/account/profile')
      await page.getByLabel('Time zone').selectOption('Europe/Berlin')
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Save profile' }).click()])
      await checkPage(page)
      assert.equal(await page.getByLabel('Time zone').inputValue(), 'Europe/Berlin')
      await visit(page, '/notifications')
      assert.match(await page.locator('main').innerText(), /\d{2}:\d{2} (CET|CEST)/, 'notification times are in the reader’s zone, named')
      await page.goto('/account/profile')
      await page.getByLabel('Time zone').selectOption('Europe/London')
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Save profile' }).click()])

      // A private feed address, for a community that is not public.
      await visit(page, '/communities/data-in-the-open')
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Follow in a feed reader' }).click()])
      await checkPage(page)
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /Make a (new )?private feed address/ }).click()])
      await checkPage(page)
      const address = await page.getByLabel('Atom feed').inputValue()
      assert.match(address, /\/communities\/data-in-the-open\/member-feed\.atom\?key=/)
      await assertNoSidewaysScroll(page, 'the feed address page')
      // A feed reader has no cookie: a fresh context reads it.
      const reader = await e2e.newContext()
      const feed = await reader.request.get(address)
      assert.equal(feed.status(), 200)
      assert.match(await feed.text(), /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom" xml:lang="en">/)
      await reader.close()

      await context.close()
      assertNoFailures(e2e)
    })
  }
})
