/**
 * Journey "keep the directory current", in a real browser at 320 px with each person in their own browser context:
 * someone proposes an edit to another's organisation; its admin accepts it from the history; the admin finds the
 * organisation listed twice and merges the duplicate into it, and the duplicate's old address leads to the merged
 * entry; the admin confirms a stale project is still active from a nudge's one-click link, without signing in.
 * Every page on the way is checked with axe (WCAG 2.2 AA).
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { createUser, type TestUser } from '../support/factories.ts'
import { stillActiveToken } from '../../src/modules/directory/still-active.ts'
import { wholeDatabase } from '../../src/database.ts'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, step, submitAndLand, visit, type E2E } from './support.ts'

async function fitsWidth(page: Page, width: number): Promise<void> {
  const wide = await page.evaluate((w) => [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > w + 1).slice(0, 3).map((e) => `${e.tagName}.${e.className}`), width)
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= width, `${page.url()} fits ${width} px (wider: ${wide.join(', ')})`)
}

describe('directory: proposed edits to organisations, merging duplicates, still active', () => {
  let e2e: E2E
  let admin: TestUser
  let visitor: TestUser
  before(async () => {
    e2e = await startE2E()
    admin = await createUser(e2e.database.db, { name: 'Ines Admin', handle: 'ines-admin' })
    visitor = await createUser(e2e.database.db, { name: 'Pavel Visitor', handle: 'pavel-visitor' })
  })
  after(async () => e2e?.close())

  it('proposes and accepts an edit to an organisation, merges a duplicate, and confirms an entry is still active', async () => {
    const small = { viewport: { width: 320, height: 800 } }
    // Signed in at a desktop width (the header's "Sign out" collapses into the menu at 320 px), then narrowed.
    const adminPage = await (await e2e.newContext()).newPage()
    const visitorPage = await (await e2e.newContext()).newPage()

    const addOrganisation = async (name: string, website: string, duplicate: boolean) => {
      await visit(adminPage, '/organisations/new')
      await adminPage.getByLabel('Name', { exact: true }).fill(name)
      await adminPage.getByLabel('Type of organisation').selectOption('local government')
      await adminPage.getByLabel('Country', { exact: true }).selectOption('PT')
      if (website) await adminPage.getByLabel('Website (optional)').fill(website)
      if (duplicate) {
        await Promise.all([adminPage.waitForEvent('load'), adminPage.getByRole('button', { name: 'Add organisation' }).click()])
        assert.match(await adminPage.locator('.govuk-error-summary').innerText(), /It may already be listed/)
        await checkPage(adminPage)
        await adminPage.getByLabel(/This is a different organisation/).check()
      }
      await submitAndLand(adminPage, () => adminPage.getByRole('button', { name: 'Add organisation' }).click(), /^\/organisations\/[a-z-]+$/, `adding ${name}`)
    }

    await step('the admin adds an organisation, and later the same one again under another name', async () => {
      await signInThroughForm(adminPage, admin.email, admin.password)
      await adminPage.setViewportSize(small.viewport)
      await addOrganisation('Câmara de Vila Azul', 'https://vila-azul.example.pt', false)
      // The same website's domain: flagged as likely the same organisation, added anyway by mistake.
      await addOrganisation('Vila Azul Câmara Municipal', 'https://www.vila-azul.example.pt/camara', true)
      await checkPage(adminPage)
      await fitsWidth(adminPage, 320)
    })

    await step('someone else proposes an edit to the organisation', async () => {
      await signInThroughForm(visitorPage, visitor.email, visitor.password)
      await visitorPage.setViewportSize(small.viewport)
      await visit(visitorPage, '/organisations/camara-de-vila-azul')
      await Promise.all([visitorPage.waitForEvent('load'), visitorPage.getByRole('link', { name: /Propose an edit/ }).click()])
      await checkPage(visitorPage)
      await fitsWidth(visitorPage, 320)
      await visitorPage.getByLabel('Region (optional)').selectOption({ label: 'Faro' })
      await visitorPage.getByLabel('Why this change (optional)').fill('It is in the Algarve')
      await submitAndLand(visitorPage, () => visitorPage.getByRole('button', { name: 'Send your edit' }).click(), /\/history$/, 'proposing the edit')
      await checkPage(visitorPage)
      await fitsWidth(visitorPage, 320)
      assert.match(await visitorPage.locator('main').innerText(), /Waiting for its admins/)
    })

    await step('its admin accepts it; the organisation reads as proposed', async () => {
      await visit(adminPage, '/organisations/camara-de-vila-azul/history')
      await fitsWidth(adminPage, 320)
      await submitAndLand(adminPage, () => adminPage.getByRole('button', { name: 'Accept this edit' }).click(), /\/history$/, 'accepting the edit')
      await checkPage(adminPage)
      await visit(adminPage, '/organisations/camara-de-vila-azul')
      assert.match(await adminPage.locator('main').innerText(), /Faro/)
    })

    await step('the admin merges the duplicate into it; the duplicate’s address leads to the merged entry', async () => {
      await Promise.all([adminPage.waitForEvent('load'), adminPage.getByRole('link', { name: 'Merge a duplicate into this one' }).click()])
      await checkPage(adminPage)
      await fitsWidth(adminPage, 320)
      await adminPage.getByLabel('The duplicate’s name or address').fill('Vila Azul Câmara Municipal')
      // Forgetting to confirm re-renders the form with the name kept.
      await Promise.all([adminPage.waitForEvent('load'), adminPage.getByRole('button', { name: /Merge into/ }).click()])
      assert.match(await adminPage.locator('.govuk-error-summary').innerText(), /Confirm that it is the same organisation/)
      await checkPage(adminPage)
      assert.equal(await adminPage.getByLabel('The duplicate’s name or address').inputValue(), 'Vila Azul Câmara Municipal')
      await adminPage.getByLabel(/It is the same organisation/).check()
      await submitAndLand(adminPage, () => adminPage.getByRole('button', { name: /Merge into/ }).click(), /^\/organisations\/camara-de-vila-azul\/history$/, 'merging')
      await checkPage(adminPage)
      assert.match(await adminPage.locator('main').innerText(), /Merged “Vila Azul Câmara Municipal”/)
      await visit(visitorPage, '/organisations/vila-azul-camara-municipal')
      assert.equal(new URL(visitorPage.url()).pathname, '/organisations/camara-de-vila-azul')
      assert.match(await visitorPage.locator('main').innerText(), /https:\/\/vila-azul.example.pt/)
    })

    await step('a nudge’s one-click link confirms the organisation is still current, without signing in', async () => {
      const org = await wholeDatabase(e2e.database).selectFrom('organisations').select('id').where('slug', '=', 'camara-de-vila-azul').executeTakeFirstOrThrow()
      const token = stillActiveToken(e2e.config.sessionSecret, { kind: 'organisation', id: org.id, userId: admin.id, expires: Date.now() + 86_400_000 })
      const anonymous = await (await e2e.newContext(small)).newPage()
      await visit(anonymous, `/directory/still-active/${token}`)
      await fitsWidth(anonymous, 320)
      await submitAndLand(anonymous, () => anonymous.getByRole('button', { name: /Yes, it is still current/ }).click(), /^\/directory\/still-active\//, 'confirming')
      await checkPage(anonymous)
      assert.match(await anonymous.locator('main').innerText(), /Confirmed/)
    })
    assertNoFailures(e2e)
  })
})
