/**
 * A platform admin's moderation journey over the demo content, in a real browser with axe on every page:
 * the queue's open report and the new account's post waiting for approval, approving it, the audit log,
 * and suspending then reinstating an account from the person's page.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, step, submitAndLand, visit, type E2E } from './support.ts'

const PENDING_TITLE = 'A notification tool your council can reuse'

describe('moderation in a browser', () => {
  let e2e: E2E
  before(async () => {
    e2e = await startE2E({ seed: true })
  })
  after(async () => {
    await e2e?.close()
  })

  it('an admin works through the queue, approves a new account’s post, and suspends and reinstates an account', async () => {
    const page = await (await e2e.newContext()).newPage()
    await signInThroughForm(page, 'sam@openly.example', 'openly-demo-2026')

    await step('the queue shows the demo report, and its decision page', async () => {
      await visit(page, '/admin')
      assert.equal(await visit(page, '/moderation'), 'Moderation queue')
      const report = page.locator('main a[href^="/moderation/reports/"]', { hasText: 'Jordan Reyes' })
      assert.equal(await report.count(), 1, 'the demo report about the newcomer is in the queue')
      await Promise.all([page.waitForEvent('load'), report.click()])
      await checkPage(page)
    })

    await step('the new account’s post waits for approval; approving it publishes it', async () => {
      await visit(page, '/moderation/pending')
      const row = page.locator('tr', { hasText: PENDING_TITLE })
      assert.equal(await row.count(), 1)
      const href = (await row.getByRole('link', { name: PENDING_TITLE, exact: true }).getAttribute('href'))!
      const anonymous = await (await e2e.newContext()).newPage()
      assert.equal((await anonymous.goto(href))!.status(), 404, 'nobody else sees it yet')
      // Its own moderation page (where a rejection and its reason go), and the post as the admin sees it.
      assert.equal(await visit(page, (await row.getByRole('link', { name: /^Reject/ }).getAttribute('href'))!), 'Moderate this post')
      await visit(page, href)
      assert.match(await page.locator('main').innerText(), /Waiting for a moderator’s approval/)
      await visit(page, '/moderation/pending')
      await submitAndLand(page, () => row.getByRole('button', { name: /^Approve/ }).click(), /^\/moderation\/pending$/, 'approving')
      await checkPage(page)
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /approved and published/)
      assert.equal((await anonymous.goto(href))!.status(), 200, 'published')
      await visit(page, '/moderation/hidden')
      await visit(page, '/admin/audit')
      assert.equal(await page.locator('main a', { hasText: PENDING_TITLE }).count(), 1, 'the audit log links the post by its title')
    })

    await step('suspend an account from its page, with a reason, then reinstate it from the list', async () => {
      await visit(page, '/people/jordan-reyes')
      await submitAndLand(page, () => page.getByRole('link', { name: 'Suspend this account' }).click(), /^\/admin\/suspension$/, 'opening the suspension form')
      await checkPage(page)
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Suspend the account' }).click()])
      assert.equal(await page.locator('.govuk-error-summary').count(), 1, 'a reason is required')
      await checkPage(page)
      await page.getByLabel('Reason').fill('Sends the same advert to every member')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Suspend the account' }).click(), /^\/admin\/suspension$/, 'suspending')
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /suspended/)
      await checkPage(page)
      await visit(page, '/admin/suspended')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Reinstate Jordan Reyes' }).click(), /^\/admin\/suspension$/, 'opening the reinstate form')
      await page.getByLabel('Reason').fill('Agreed to post in the right place')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Reinstate the account' }).click(), /^\/admin\/suspended$/, 'reinstating')
      await checkPage(page)
      const mail = await e2e.waitForMail('jordan@openly.example', /reinstated/)
      assert.match(mail.text, /Agreed to post in the right place/)
    })
    assertNoFailures(e2e)
  })
})
