/**
 * Journey "barriers and solutions", in a real browser, each person in their own browser context, without
 * relying on JavaScript: write a barrier (fixing a mistake the form points out), edit it, read its history
 * and the word diff, meet an edit conflict with one's text kept, say "we face this too", write a solution
 * and link it; then read it all at 320 px. Every page on the way is checked with axe (WCAG 2.2 AA).
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createUser, type TestUser } from '../support/factories.ts'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, step, submitAndLand, uniqueWord, visit, type E2E } from './support.ts'

describe('barriers and solutions: a wiki written together', () => {
  let e2e: E2E
  let writer: TestUser
  let colleague: TestUser
  before(async () => {
    e2e = await startE2E()
    writer = await createUser(e2e.database.db, { name: 'Siobhan Kelly', handle: 'siobhan-kelly' })
    colleague = await createUser(e2e.database.db, { name: 'Rafael Costa', handle: 'rafael-costa' })
  })
  after(async () => e2e?.close())

  it('write a barrier, edit it, see the history and diff, meet a conflict, endorse, link a solution', async () => {
    const word = uniqueWord('firewall')
    const page = await (await e2e.newContext()).newPage()
    const other = await (await e2e.newContext()).newPage()

    const slug = await step('the writer writes a barrier, fixing a missing title the form points out', async () => {
      await signInThroughForm(page, writer.email, writer.password)
      await visit(page, '/barriers')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Write a barrier' }).click(), /^\/barriers\/new$/, 'opening the form')
      await checkPage(page)
      await page.getByLabel('Text', { exact: true }).fill(`Our ${word} blocks every image upload.\n\nTeams describe whiteboards in words instead.`)
      await page.getByLabel('Themes (optional)').fill('security, tools')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Publish barrier' }).click(), /^\/barriers\/new$/, 'sending without a title')
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter title/)
      await checkPage(page)
      assert.match(await page.getByLabel('Text', { exact: true }).inputValue(), new RegExp(word), 'the text is kept')
      await page.getByLabel('Title').fill('Staff cannot upload photos to forums')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Publish barrier' }).click(), /^\/barriers\/[a-z0-9-]+$/, 'publishing')
      assert.equal(await checkPage(page), 'Staff cannot upload photos to forums')
      return new URL(page.url()).pathname.split('/').pop()!
    })

    await step('the writer edits it with a summary; the history and the revision show the change in words', async () => {
      await page.getByRole('link', { name: 'Edit this barrier' }).click()
      await page.waitForURL(/\/edit$/)
      await checkPage(page)
      await page.getByLabel('Text', { exact: true }).fill(`Our ${word} blocks every image upload, even to trusted sites.\n\nTeams describe whiteboards in words instead.`)
      await page.getByLabel('Summary of your change').fill('Even trusted sites')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Save changes' }).click(), new RegExp(`^/barriers/${slug}$`), 'saving the edit')
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /saved as a new revision/)
      await page.getByRole('link', { name: 'History of this barrier' }).click()
      await page.waitForURL(/\/history$/)
      await checkPage(page)
      assert.match(await page.locator('main').innerText(), /Even trusted sites/)
      await page.getByRole('link', { name: 'Revision 2', exact: true }).click()
      await page.waitForURL(/\/revisions\/2$/)
      await checkPage(page)
      const added = (await page.locator('.openly-diff ins').first().textContent()) ?? ''
      assert.match(added, /^added: .*even to trusted sites \(end of added text\)$/, `a screen reader hears where the insertion starts and ends: “${added}”`)
    })

    await step('a colleague’s edit from the old revision is refused, their text kept, the difference shown', async () => {
      await signInThroughForm(other, colleague.email, colleague.password)
      await visit(other, `/barriers/${slug}/edit`)
      // Meanwhile the writer saves again.
      await visit(page, `/barriers/${slug}/edit`)
      await page.getByLabel('Title').fill('Staff cannot upload photos to community forums')
      await page.getByLabel('Summary of your change').fill('Which forums')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Save changes' }).click(), new RegExp(`^/barriers/${slug}$`), 'the writer saving again')
      await other.getByLabel('Text', { exact: true }).fill(`Our ${word} blocks uploads. Ask for one site to be allowed.`)
      await other.getByLabel('Summary of your change').fill('Shorter')
      await submitAndLand(other, () => other.getByRole('button', { name: 'Save changes' }).click(), new RegExp(`^/barriers/${slug}/edit$`), 'the stale edit')
      assert.match(await other.locator('.govuk-error-summary').innerText(), /Someone else saved this page while you were editing it/)
      await checkPage(other)
      assert.match(await other.getByLabel('Text', { exact: true }).inputValue(), /Ask for one site to be allowed/, 'their text is kept')
      assert.match((await other.locator('.openly-diff').first().textContent()) ?? '', /Title: .*removed: community/, 'the title change made meanwhile is shown')
      await other.getByLabel('Title').fill('Staff cannot upload photos to community forums')
      await submitAndLand(other, () => other.getByRole('button', { name: 'Save changes' }).click(), new RegExp(`^/barriers/${slug}$`), 'saving after the conflict')
    })

    await step('the colleague says “we face this too” with a note', async () => {
      await other.getByLabel('Note (optional)').fill('Same at the health board')
      await submitAndLand(other, () => other.getByRole('button', { name: 'We face this too' }).click(), new RegExp(`^/barriers/${slug}$`), 'endorsing')
      await checkPage(other)
      assert.match(await other.locator('#endorsements').innerText(), /People and organisations who face this too \(1\)[^]*Rafael Costa: Same at the health board/)
    })

    await step('the writer writes a solution and links it from the barrier', async () => {
      await visit(page, '/solutions/new')
      await page.getByLabel('Title').fill('Ask for one site to be allowed')
      await page.getByLabel('Text', { exact: true }).fill('Name an owner and say what will be shared.')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Publish solution' }).click(), /^\/solutions\/ask-for-one-site-to-be-allowed$/, 'publishing the solution')
      await visit(page, `/barriers/${slug}`)
      await page.getByRole('link', { name: 'Add or remove links of this barrier' }).click()
      await page.waitForURL(/\/links$/)
      await checkPage(page)
      await page.getByLabel('Link a solution').fill('ask-for-one-site-to-be-allowed')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Link solution' }).click(), new RegExp(`^/barriers/${slug}/links$`), 'linking')
      await visit(page, `/barriers/${slug}`)
      assert.match(await page.locator('#links').innerText(), /Solutions that helped[^]*Ask for one site to be allowed/)
      await visit(page, '/solutions/ask-for-one-site-to-be-allowed')
      assert.match(await page.locator('#links').innerText(), /Barriers it helps with[^]*Staff cannot upload photos to community forums/)
    })

    await step('at 320 px the list, the page, its history and a revision read without sideways scrolling', async () => {
      const reader = await (await e2e.newContext({ viewport: { width: 320, height: 800 } })).newPage()
      for (const url of ['/barriers', `/barriers/${slug}`, `/barriers/${slug}/history`, `/barriers/${slug}/revisions/2`]) {
        await visit(reader, url)
        assert.equal(await reader.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, `${url} fits 320 px`)
      }
    })
    assertNoFailures(e2e)
  })
})
