/**
 * Journey "follow and notify", in a real browser: a reader follows a project from its page, chooses e-mail as it
 * happens for new posts, receives the project's new weeknote by e-mail (the in-process SMTP server), opens the
 * unsubscribe link from the mail in a browser that is not signed in and unsubscribes with one click; the timeline
 * still shows the weeknote. Every page on the way is checked with axe (WCAG 2.2 AA), at 1280 and 320 px wide.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createUser, signInAs, type TestUser } from '../support/factories.ts'
import { TestClient } from '../support/client.ts'
import { assertNoFailures, checkPage, linksIn, signInThroughForm, startE2E, step, submitAndLand, uniqueWord, visit, type E2E } from './support.ts'

describe('follow and notify: follow a project, get its weeknote by e-mail, unsubscribe with one click', () => {
  let e2e: E2E
  let writer: TestUser
  let reader: TestUser
  before(async () => {
    e2e = await startE2E()
    writer = await createUser(e2e.database.db, { name: 'Ines Moreau', handle: 'ines-moreau' })
    reader = await createUser(e2e.database.db, { name: 'Dev Patel', handle: 'dev-patel' })
  })
  after(async () => e2e?.close())

  it('follows, is mailed, unsubscribes', async () => {
    const word = uniqueWord('ferry')
    const writerClient = new TestClient(e2e.app)
    await signInAs(e2e.database.db, writerClient, writer.id)
    const made = await writerClient.submit('/projects/new', { name: `Ferry timetables ${word}`, summary: 'Open ferry timetables.', phase: 'beta', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', lead_organisation: '', partner_organisations: '', links: '', team: '' })
    const projectPath = String(made.headers.location).split('?')[0]!
    const page = await (await e2e.newContext()).newPage()

    await step('the reader follows the project with the button on its page', async () => {
      await signInThroughForm(page, reader.email, reader.password)
      await visit(page, projectPath)
      await submitAndLand(page, () => page.getByRole('button', { name: 'Follow this project' }).click(), new RegExp(`^${projectPath}$`), 'following')
      await checkPage(page)
      assert.match(await page.locator('main').innerText(), /You follow this project/)
    })

    await step('on /following the reader chooses e-mail as it happens for new posts, by keyboard', async () => {
      await visit(page, '/following')
      assert.equal(await page.getByRole('link', { name: `Ferry timetables ${word}` }).count(), 1)
      await page.getByRole('group', { name: 'New posts and weeknotes' }).getByLabel('E-mail me as it happens').check()
      await submitAndLand(page, () => page.getByRole('button', { name: 'Save choices' }).press('Enter'), /^\/following$/, 'saving the choices')
      await checkPage(page)
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /Your choices are saved/)
    })

    const mail = await step('the project publishes a weeknote; the reader receives it by e-mail', async () => {
      const posted = await writerClient.submit('/posts/new', { title: `Weeknote ${word}`, summary: 'What we did this week.', body: 'We opened the data.', publish: 'publish', project: projectPath.split('/').pop()! })
      assert.equal(posted.statusCode, 303)
      const received = await e2e.waitForMail(reader.email, new RegExp(`Weeknote ${word}`), 40_000)
      assert.match(received.text, /What we did this week\./)
      assert.match(received.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m)
      return received
    })

    await step('the timeline shows the weeknote, at 320 px too', async () => {
      await visit(page, '/timeline')
      assert.equal(await page.getByRole('link', { name: `Weeknote ${word}` }).count(), 1)
      await page.setViewportSize({ width: 320, height: 800 })
      await visit(page, '/timeline')
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'no sideways scrolling at 320 px')
      await visit(page, '/following')
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'no sideways scrolling at 320 px')
      await page.setViewportSize({ width: 1280, height: 800 })
    })

    await step('the link in the mail unsubscribes with one click, without signing in', async () => {
      const link = linksIn(mail).find((l) => l.includes('/unsubscribe/'))
      assert.ok(link, 'the mail has the unsubscribe link')
      const stranger = await (await e2e.newContext()).newPage()
      await visit(stranger, new URL(link!).pathname)
      assert.match(await stranger.locator('main').innerText(), /Stop getting e-mails about what you follow as it happens\?/)
      await submitAndLand(stranger, () => stranger.getByRole('button', { name: 'Unsubscribe' }).click(), /^\/unsubscribe\//, 'unsubscribing')
      assert.equal(await checkPage(stranger), 'You are unsubscribed')
    })

    await step('the reader’s choice is now the site only', async () => {
      await visit(page, '/following')
      assert.ok(await page.getByRole('group', { name: 'New posts and weeknotes' }).getByLabel('On the site only').isChecked())
    })
    assertNoFailures(e2e)
  })
})
