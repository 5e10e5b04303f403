/**
 * Journey "commit together", in a real browser with four people each in their own browser context:
 * a platform admin starts a charter; a member proposes an amendment to a section; another member votes
 * for it; the admin, as the charter's editor, accepts it with a reply; anyone compares the two versions
 * (inline and side by side, the changes marked in words); the editor publishes the charter; an
 * organisation's admin signs it for the organisation with a commitment, with JavaScript off; the
 * signature shows in the register and in the organisation's badge.
 * Every page on the way is checked with axe (WCAG 2.2 AA), for one h1 and a useful title.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createUser, type TestUser } from '../support/factories.ts'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, step, submitAndLand, uniqueWord, visit, type E2E } from './support.ts'

describe('commit together: draft a charter in the open, then sign it', () => {
  let e2e: E2E
  let editor: TestUser
  let proposer: TestUser
  let voter: TestUser
  let orgAdmin: TestUser
  before(async () => {
    e2e = await startE2E()
    editor = await createUser(e2e.database.db, { name: 'Rhiannon Ellis', handle: 'rhiannon-ellis', isAdmin: true })
    proposer = await createUser(e2e.database.db, { name: 'Tobias Lindgren', handle: 'tobias-lindgren' })
    voter = await createUser(e2e.database.db, { name: 'Amara Osei', handle: 'amara-osei' })
    orgAdmin = await createUser(e2e.database.db, { name: 'Siobhan Kelly', handle: 'siobhan-kelly' })
  })
  after(async () => {
    await e2e?.close()
  })

  it('proposes an amendment, votes, accepts it, compares versions, publishes, signs as an organisation and shows it in the register and badge', async () => {
    const word = uniqueWord('fennel')
    const title = `Pledge for open delivery ${word.slice(-4)}`
    const orgName = `Eastmoor District Council ${word.slice(-4)}`
    const editorPage = await (await e2e.newContext()).newPage()
    const proposerPage = await (await e2e.newContext()).newPage()
    const voterPage = await (await e2e.newContext()).newPage()
    // The organisation's admin signs without JavaScript: every step works as plain forms.
    const signerPage = await (await e2e.newContext({ javaScriptEnabled: false })).newPage()

    const slug = await step('the platform admin starts a charter', async () => {
      await signInThroughForm(editorPage, editor.email, editor.password)
      await visit(editorPage, '/charters')
      await Promise.all([editorPage.waitForEvent('load'), editorPage.getByRole('button', { name: 'Start a charter' }).click()])
      await checkPage(editorPage)
      await editorPage.getByLabel('Title').fill(title)
      await editorPage.getByLabel('Introduction (optional)').fill('What we promise each other about delivering in the open.')
      await editorPage.getByLabel('Sections').fill('## Publish as we go\nWe publish our plans and progress every fortnight.\n\n## Share our code\nWe publish our code under an open licence.')
      await submitAndLand(editorPage, () => editorPage.getByRole('button', { name: 'Start the charter' }).click(), /^\/charters\/[a-z0-9-]+$/, 'starting the charter')
      assert.equal(await checkPage(editorPage), title)
      return new URL(editorPage.url()).pathname.split('/').pop()!
    })

    const amendmentPath = await step('a member proposes a rewrite of section 1', async () => {
      await signInThroughForm(proposerPage, proposer.email, proposer.password)
      await visit(proposerPage, `/charters/${slug}`)
      await Promise.all([proposerPage.waitForEvent('load'), proposerPage.getByRole('link', { name: 'Propose a change to section 1, Publish as we go' }).click()])
      await checkPage(proposerPage)
      // The form starts from the section's current words: the member edits them.
      const text = proposerPage.getByLabel('Text', { exact: true })
      assert.equal(await text.inputValue(), 'We publish our plans and progress every fortnight.')
      await text.fill('We publish our plans, progress and mistakes every week.')
      await proposerPage.getByLabel('Reason').fill('Weekly notes keep everyone closer to the work, and mistakes teach the most.')
      await submitAndLand(proposerPage, () => proposerPage.getByRole('button', { name: 'Propose amendment' }).click(), /^\/charters\/[^/]+\/amendments\/1$/, 'proposing the amendment')
      await checkPage(proposerPage)
      // The diff is marked in words, not colour alone.
      const removed = (await proposerPage.locator('.openly-diff del.openly-diff__removed').allInnerTexts()).join(' | ')
      assert.match(removed, /removed: \s*fortnight/)
      assert.match(await proposerPage.locator('ins.openly-diff__added').first().innerText(), /added: /)
      return new URL(proposerPage.url()).pathname
    })

    await step('another member votes for it, by keyboard', async () => {
      await signInThroughForm(voterPage, voter.email, voter.password)
      await visit(voterPage, amendmentPath)
      await voterPage.getByRole('button', { name: 'Vote for' }).focus()
      await Promise.all([voterPage.waitForEvent('load'), voterPage.keyboard.press('Enter')])
      await checkPage(voterPage)
      assert.match(await voterPage.locator('#votes').innerText(), /1 for, 0 against\. You voted for\./)
    })

    await step('the editor accepts it with a reply: version 2', async () => {
      await visit(editorPage, amendmentPath)
      await editorPage.getByLabel('Accept: the charter gets a new version').check()
      await editorPage.getByLabel('Reply to the author').fill('Agreed, thank you.')
      await submitAndLand(editorPage, () => editorPage.getByRole('button', { name: 'Record the decision' }).click(), /\/amendments\/1$/, 'accepting the amendment')
      await checkPage(editorPage)
      assert.match(await editorPage.locator('main').innerText(), /Accepted into version 2/)
      await visit(editorPage, `/charters/${slug}`)
      assert.match(await editorPage.locator('#main-content').innerText(), /We publish our plans, progress and mistakes every week\./)
    })

    await step('anyone compares version 1 and version 2, inline and side by side', async () => {
      const page = await (await e2e.newContext()).newPage()
      await visit(page, `/charters/${slug}/versions`)
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'What changed in version 2' }).click()])
      await checkPage(page)
      assert.match(await page.locator('main').innerText(), /Section 1 changed/)
      await page.getByLabel('Side by side').check()
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Compare' }).click()])
      await checkPage(page)
      assert.equal(await page.getByRole('heading', { name: 'Version 1', exact: true }).count(), 1)
      assert.match(await page.locator('.openly-diff-side del').first().innerText(), /removed:/)
    })

    await step('the editor publishes the charter', async () => {
      await visit(editorPage, `/charters/${slug}/manage`)
      await submitAndLand(editorPage, () => editorPage.getByRole('button', { name: 'Publish the charter' }).click(), new RegExp(`^/charters/${slug}$`), 'publishing')
      await checkPage(editorPage)
      assert.match(await editorPage.locator('.govuk-notification-banner').innerText(), /open for signatures/)
    })

    const signaturePath = await step('an organisation admin signs for the organisation with a commitment, without JavaScript', async () => {
      await signInThroughForm(signerPage, orgAdmin.email, orgAdmin.password)
      await visit(signerPage, '/organisations/new')
      await signerPage.getByLabel('Name', { exact: true }).fill(orgName)
      await signerPage.getByLabel('Type of organisation').selectOption({ label: 'Local government' })
      await signerPage.getByLabel('Country').selectOption({ label: 'Ireland' })
      await submitAndLand(signerPage, () => signerPage.getByRole('button', { name: 'Add organisation' }).click(), /^\/organisations\/[a-z0-9-]+$/, 'adding the organisation')
      await visit(signerPage, `/charters/${slug}`)
      await Promise.all([signerPage.waitForEvent('load'), signerPage.getByRole('button', { name: 'Sign this charter' }).click()])
      await checkPage(signerPage)
      await signerPage.getByLabel(orgName).check()
      await signerPage.getByLabel('Commitment (optional)').fill('We will publish weeknotes for every digital project.')
      await submitAndLand(signerPage, () => signerPage.getByRole('button', { name: 'Sign the charter' }).click(), /\/signatures\/[^/]+$/, 'signing')
      assert.equal(await checkPage(signerPage), orgName)
      assert.match(await signerPage.locator('main').innerText(), /The current version, version 2/)
      return new URL(signerPage.url()).pathname
    })

    await step('the register lists the organisation with its commitment; its badge shows the status in words', async () => {
      const page = await (await e2e.newContext()).newPage()
      await visit(page, `/charters/${slug}/signatories`)
      const register = await page.locator('main').innerText()
      assert.match(register, /1 organisation and 0 people have signed/)
      assert.match(register, new RegExp(orgName))
      assert.match(register, /We will publish weeknotes for every digital project\./)
      await page.getByLabel('Country').selectOption('Ireland')
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Apply filters' }).click()])
      await checkPage(page)
      assert.match(await page.locator('main').innerText(), new RegExp(orgName))
      await visit(page, signaturePath)
      const badge = page.locator('.openly-badge img')
      assert.match((await badge.getAttribute('alt')) ?? '', new RegExp(`${orgName} has signed “${title}” and agrees to its current version \\(2\\)`))
      assert.ok(await badge.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100), 'the badge image loads')
      const svg = await page.request.get((await badge.getAttribute('src'))!)
      assert.equal(svg.status(), 200)
      const body = await svg.text()
      assert.match(body, /role="img"/)
      assert.match(body, /Signatory · version 2/)
      assert.match(body, new RegExp(`href="${e2e.baseUrl}${signaturePath}"`))
    })

    assertNoFailures(e2e)
  })
})
