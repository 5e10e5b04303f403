/**
 * Every kind of charter page, as the demo content shows them on first start, for a reader, an organisation
 * admin and an amendment's author: one h1, a useful title and no axe violations (WCAG 2.2 AA) on each, with the
 * forms' error states too, at the width of a small phone.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, step, visit, type E2E } from './support.ts'

describe('charter pages in the demo content, for readers and the people who act on them', () => {
  let e2e: E2E
  before(async () => {
    e2e = await startE2E({ seed: true })
  })
  after(async () => {
    await e2e?.close()
  })

  it('reads, then acts, on every kind of charter page without an accessibility violation', async () => {
    const published = '/charters/open-working-charter'
    const drafting = '/charters/charter-for-shared-public-code'
    const reader = await (await e2e.newContext({ viewport: { width: 320, height: 800 } })).newPage()

    await step('a reader, at 320 px wide', async () => {
      for (const url of ['/', '/charters', published, `${drafting}/amendments`, `${drafting}/amendments/1`, `${published}/versions`, `${published}/versions/1`, `${published}/compare?from=1&to=3&view=side`, `${published}/signatories`, `${published}/pilots`, `${published}/pilots/northshire-county-council`]) {
        await visit(reader, url)
        assert.equal(await reader.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, `${url} fits 320 px`)
      }
      await visit(reader, `${published}/signatories?kind=organisation&country=Sweden`)
      assert.match(await reader.locator('main').innerText(), /Region Västerholm/)
      const signature = await reader.locator('.openly-register a[href*="/signatures/"]').first().getAttribute('href')
      await visit(reader, signature!)
    })

    await step('an organisation admin: the sign form (with an error), the review of a change, the pilot’s page', async () => {
      const page = await (await e2e.newContext()).newPage()
      await signInThroughForm(page, 'hannah@openly.example', 'openly-demo-2026')
      await visit(page, `${published}/sign`)
      await page.getByLabel('Myself, Hannah Price').check()
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign the charter' }).click()])
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Select whether to show your name/)
      await checkPage(page)
      await visit(page, published)
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'review the changes' }).click()])
      assert.match(await checkPage(page), /Review the changes/)
      await visit(page, `${published}/pilots/new`)
    })

    await step('an editor and an author: managing the charter, proposing (with errors), revising an amendment that needs updating', async () => {
      const editor = await (await e2e.newContext()).newPage()
      await signInThroughForm(editor, 'priya@openly.example', 'openly-demo-2026')
      await visit(editor, `${published}/manage`)
      await visit(editor, `${published}/pilots/northshire-county-council/edit`)
      await visit(editor, `${drafting}/amendments/new?kind=add`)
      await Promise.all([editor.waitForEvent('load'), editor.getByRole('button', { name: 'Propose amendment' }).click()])
      assert.match(await editor.locator('.govuk-error-summary').innerText(), /Enter a heading for the new section/)
      await checkPage(editor)
      const author = await (await e2e.newContext()).newPage()
      await signInThroughForm(author, 'lena@openly.example', 'openly-demo-2026')
      await visit(author, `${drafting}/amendments/1`)
      await Promise.all([author.waitForEvent('load'), author.getByRole('link', { name: 'Bring it up to date with the current text' }).click()])
      await checkPage(author)
      await author.getByLabel('Text').fill('We release code under a licence approved by the Open Source Initiative, and we prefer the licences other public bodies in our country already use, so that any public body or citizen can reuse it without a lawyer.')
      await Promise.all([author.waitForEvent('load'), author.getByRole('button', { name: 'Save the revision' }).click()])
      assert.match(await author.locator('.govuk-notification-banner').innerText(), /revised/)
      assert.doesNotMatch(await author.locator('main').innerText(), /Needs updating/)
    })

    assertNoFailures(e2e)
  })
})
