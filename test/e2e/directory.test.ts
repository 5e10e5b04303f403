/**
 * Journey "find each other", in a real browser with each person in their own browser context: an
 * organisation's admin adds it and a project led by it (picked by name); someone else starts adding the
 * same project and is warned it may already be listed, then proposes an edit to it instead; the admin
 * accepts the edit; a reader at 320 px finds the project on the map, in the filtered directory, the
 * network, the statistics and the CSV export. Every page on the way is checked with axe (WCAG 2.2 AA).
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { createUser, type TestUser } from '../support/factories.ts'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, step, submitAndLand, uniqueWord, visit, type E2E } from './support.ts'

async function fitsWidth(page: Page, width: number): Promise<void> {
  const wide = await page.evaluate((w) => [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > w + 1).slice(0, 3).map((e) => `${e.tagName}.${e.className}`), width)
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= width, `${page.url()} fits ${width} px (wider: ${wide.join(', ')})`)
}

describe('directory: add, duplicate warning, proposed edit, map and export', () => {
  let e2e: E2E
  let admin: TestUser
  let visitor: TestUser
  before(async () => {
    e2e = await startE2E()
    admin = await createUser(e2e.database.db, { name: 'Freja Holm', handle: 'freja-holm' })
    visitor = await createUser(e2e.database.db, { name: 'Tomasz Wr', handle: 'tomasz-wr' })
  })
  after(async () => e2e?.close())

  it('adds, is warned of a duplicate, proposes and accepts an edit, and finds the project on the map and in the export', async () => {
    const word = uniqueWord('ferry')
    const adminPage = await (await e2e.newContext()).newPage()
    const visitorPage = await (await e2e.newContext()).newPage()
    const project = `Fjord Ferries ${word}`

    await step('the admin adds an organisation in Denmark, choosing the country from the list', async () => {
      await signInThroughForm(adminPage, admin.email, admin.password)
      await visit(adminPage, '/organisations/new')
      await adminPage.getByLabel('Name', { exact: true }).fill('Fjordby Kommune')
      await adminPage.getByLabel('Type of organisation').selectOption('local government')
      await adminPage.getByLabel('Country', { exact: true }).selectOption('DK')
      await adminPage.getByLabel('Website (optional)').fill('https://fjordby.example.dk')
      await submitAndLand(adminPage, () => adminPage.getByRole('button', { name: 'Add organisation' }).click(), /^\/organisations\/fjordby-kommune$/, 'adding the organisation')
      await checkPage(adminPage)
    })

    await step('the admin adds a project, naming the organisation by name and picking its city as they type', async () => {
      await visit(adminPage, '/projects/new')
      await adminPage.getByLabel('Project name').fill(project)
      await adminPage.getByLabel('Summary').fill('Ferry times for the islands.')
      await adminPage.getByRole('group', { name: 'Themes (optional)' }).getByLabel('Transport', { exact: true }).check()
      // As they type, the list offers the organisation's name (the form also works without JavaScript).
      await adminPage.getByLabel('Lead organisation (optional)').fill('Fjordby')
      await adminPage.waitForSelector('#organisation-names option[value="Fjordby Kommune"]', { state: 'attached' })
      await adminPage.getByLabel('Lead organisation (optional)').fill('Fjordby Kommune')
      // The city list is the country's, from the bundled gazetteer (without JavaScript, a near miss gets suggestions).
      await adminPage.getByLabel('Country (optional)').selectOption('DK')
      await adminPage.getByLabel('City or town (optional)').fill('Esbj')
      await adminPage.waitForSelector('#city-names option[value="Esbjerg"]', { state: 'attached' })
      await adminPage.getByLabel('City or town (optional)').fill('Esbjerg')
      await submitAndLand(adminPage, () => adminPage.getByRole('button', { name: 'Add project' }).click(), /^\/projects\/fjord-ferries-/, 'adding the project')
      await checkPage(adminPage)
      assert.match(await adminPage.locator('main').innerText(), /Fjordby Kommune/)
      assert.match(await adminPage.locator('main').innerText(), /Esbjerg, Denmark/)
    })

    const projectPath = new URL(adminPage.url()).pathname

    await step('someone else starts adding the same project and is warned it may already be listed', async () => {
      await signInThroughForm(visitorPage, visitor.email, visitor.password)
      await visit(visitorPage, '/projects/new')
      await visitorPage.getByLabel('Project name').fill(`The ${project}`)
      await visitorPage.getByLabel('Summary').fill('A ferry timetable.')
      await Promise.all([visitorPage.waitForEvent('load'), visitorPage.getByRole('button', { name: 'Add project' }).click()])
      assert.match(await visitorPage.locator('.govuk-error-summary').innerText(), /It may already be listed/)
      await checkPage(visitorPage)
      assert.equal(await visitorPage.getByLabel('Project name').inputValue(), `The ${project}`, 'the text is kept')
      await Promise.all([visitorPage.waitForEvent('load'), visitorPage.locator('.openly-duplicates').getByRole('link', { name: project }).click()])
      assert.equal(new URL(visitorPage.url()).pathname, projectPath)
    })

    await step('they propose an edit instead', async () => {
      await Promise.all([visitorPage.waitForEvent('load'), visitorPage.getByRole('link', { name: 'Propose an edit' }).click()])
      await checkPage(visitorPage)
      await visitorPage.getByLabel('Summary').fill('Ferry times and delays for the islands.')
      await visitorPage.getByLabel('Why this change (optional)').fill('The service now publishes delays')
      await submitAndLand(visitorPage, () => visitorPage.getByRole('button', { name: 'Send your edit' }).click(), /\/history$/, 'proposing the edit')
      await checkPage(visitorPage)
      assert.match(await visitorPage.locator('main').innerText(), /Waiting for the team/)
    })

    await step('the admin accepts it; the project reads as proposed', async () => {
      await visit(adminPage, `${projectPath}/history`)
      await submitAndLand(adminPage, () => adminPage.getByRole('button', { name: 'Accept this edit' }).click(), /\/history$/, 'accepting the edit')
      await checkPage(adminPage)
      await visit(adminPage, projectPath)
      assert.match(await adminPage.locator('main').innerText(), /Ferry times and delays for the islands\./)
    })

    const reader = await (await e2e.newContext({ viewport: { width: 320, height: 800 } })).newPage()
    await step('a reader at 320 px finds Denmark on the map and the project in the directory', async () => {
      await visit(reader, '/directory/map?theme=transport')
      await fitsWidth(reader, 320)
      assert.equal(await reader.locator('svg.openly-map__svg a[href*="country=DK"]:not([href*="city="])').count(), 1, 'Denmark is a link on the map')
      assert.equal(await reader.locator('svg.openly-map__svg a[aria-label^="Esbjerg, Denmark"]').count(), 1, 'Esbjerg is a point on the map')
      assert.match(await reader.locator('#cities-table').locator('xpath=..').innerText(), /Esbjerg/)
      await Promise.all([reader.waitForEvent('load'), reader.getByRole('link', { name: 'Denmark', exact: true }).click()])
      await checkPage(reader)
      await fitsWidth(reader, 320)
      assert.match(await reader.locator('main').innerText(), new RegExp(project))
    })

    await step('the network, the statistics and the open data pages read at 320 px', async () => {
      for (const url of ['/directory/network', '/directory/stats', '/directory/schema', '/directory?stale=1']) {
        await visit(reader, url)
        await fitsWidth(reader, 320)
      }
    })

    await step('the project is in the CSV export of Denmark', async () => {
      const csv = await reader.request.get('/directory/export.csv?country=DK')
      assert.equal(csv.status(), 200)
      const text = await csv.text()
      assert.match(text, new RegExp(`project,[^,]+,${project},,alpha|project,[^,]+,${project},`))
      assert.match(text, /Fjordby Kommune/)
      assert.match(text, /,Esbjerg,55\.\d+,8\.\d+,/)
    })
    assertNoFailures(e2e)
  })

  it('picks a region from the country’s list and curates the vocabulary, both at 320 px and axe-clean', async () => {
    const siteAdmin = await createUser(e2e.database.db, { name: 'Vera Vocab', handle: 'vera-vocab', isAdmin: true })
    const page = await (await e2e.newContext()).newPage()
    await signInThroughForm(page, siteAdmin.email, siteAdmin.password)
    await page.setViewportSize({ width: 320, height: 800 })

    await step('a region typed that the country does not have brings up the country’s list; choosing from it saves', async () => {
      await visit(page, '/organisations/new')
      await page.getByLabel('Name', { exact: true }).fill('Oberpfalz Open Lab')
      await page.getByLabel('Type of organisation').selectOption('university')
      await page.getByLabel('Country', { exact: true }).selectOption('DE')
      await page.getByLabel('Region (optional)').fill('Upper Palatinate')
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Add organisation' }).click()])
      assert.match(await page.locator('.govuk-error-summary').innerText(), /We do not know a region called “Upper Palatinate” in Germany/)
      await checkPage(page)
      await fitsWidth(page, 320)
      await page.getByLabel('Region (optional)').selectOption({ label: 'Bayern' })
      await submitAndLand(page, () => page.getByRole('button', { name: 'Add organisation' }).click(), /^\/organisations\/oberpfalz-open-lab$/, 'adding the organisation with its region')
      assert.match(await page.locator('main').innerText(), /Bayern/)
      await visit(page, '/directory/map?country=DE')
      await checkPage(page)
      await fitsWidth(page, 320)
      assert.equal(await page.locator('svg.openly-map__svg a[aria-label^="Bayern"]').count(), 1, 'Bayern is a bar linking to the directory')
    })

    await step('the site admin adds, renames and retires a theme on the vocabulary page', async () => {
      await visit(page, '/admin/vocabulary')
      await checkPage(page)
      await fitsWidth(page, 320)
      await page.getByLabel('Add a theme').fill('Flood resilience')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Add theme' }).click(), /^\/admin\/vocabulary$/, 'adding a theme')
      await page.getByLabel('Name of “Flood resilience”').fill('Climate resilience')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Rename “Flood resilience”' }).click(), /^\/admin\/vocabulary$/, 'renaming it')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Retire “Climate resilience”' }).click(), /^\/admin\/vocabulary$/, 'retiring it')
      await checkPage(page)
      assert.match(await page.locator('main').innerText(), /Name of “Climate resilience” \(retired\)/)
    })
    assertNoFailures(e2e)
  })
})
