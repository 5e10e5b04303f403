/**
 * Journey "challenges", in a real browser with each person in their own browser context, without JavaScript
 * doing the work: an organisation's admin states a challenge (fixing a missing field, text kept), a member
 * submits an idea, another votes for it from the list, the organiser moves the phase by hand, shortlists it,
 * announces it a winner with a reason and turns it into a project that links back to the idea, then hands the
 * challenge to another organisation they speak for, with the keyboard. A reader reads
 * the challenge and the idea at 320 px. Every page on the way is checked with axe (WCAG 2.2 AA).
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createUser, type TestUser } from '../support/factories.ts'
import { createOrganisation } from '../../src/modules/organisations/organisations.ts'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, step, submitAndLand, uniqueWord, visit, type E2E } from './support.ts'

/** "YYYY-MM-DDTHH:MM", `days` from today (the organiser's zone is Europe/London; noon avoids any doubt). */
const localIn = (days: number) => `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T12:00`

describe('challenges: from a problem to a project', () => {
  let e2e: E2E
  let organiser: TestUser
  let author: TestUser
  let voter: TestUser
  before(async () => {
    e2e = await startE2E()
    const db = e2e.database.db
    organiser = await createUser(db, { name: 'Aroha Ngata', handle: 'aroha-ngata' })
    author = await createUser(db, { name: 'Bea Lindgren', handle: 'bea-lindgren' })
    voter = await createUser(db, { name: 'Chidi Okafor', handle: 'chidi-okafor' })
    // The organisation exists already (its own journeys test its forms); its creator is its admin.
    for (const name of ['Harbourside Council', 'Harbourside Port Authority']) {
      await db.transaction().execute((trx) => createOrganisation(trx, { userId: organiser.id, isAdmin: false }, { name, type: 'local government', country: 'United Kingdom', region: '', website: '', identifier: '', description: 'By the sea.', themes: [] }))
    }
  })
  after(async () => e2e?.close())

  it('state a challenge, submit an idea, vote, shortlist, announce a winner and turn it into a project', async () => {
    const word = uniqueWord('harbour')
    const organiserPage = await (await e2e.newContext()).newPage()
    const authorPage = await (await e2e.newContext()).newPage()
    const voterPage = await (await e2e.newContext()).newPage()

    const slug = await step('the organiser states a challenge, fixing a missing field', async () => {
      await signInThroughForm(organiserPage, organiser.email, organiser.password)
      await visit(organiserPage, '/challenges')
      await visit(organiserPage, '/challenges/new')
      await organiserPage.getByLabel('Title', { exact: true }).fill(`Safer harbour crossings ${word}`)
      await organiserPage.getByLabel('Summary', { exact: true }).fill('Help people cross the harbour road safely.')
      await organiserPage.getByLabel('The problem', { exact: true }).fill('Three crossings, **too few** safe ones.')
      await organiserPage.getByLabel('Who it is for', { exact: true }).fill('People walking to the ferry.')
      await organiserPage.getByLabel('Themes (optional)').fill('transport')
      await organiserPage.getByLabel('Organiser').selectOption({ label: 'Harbourside Council (organisation)' })
      const dates: Array<[string, number]> = [['Ideas open', -1], ['Review starts', 10], ['Shortlist announced', 20], ['Winners announced', 30], ['Challenge closes', 40]]
      for (const [label, days] of dates) await organiserPage.getByLabel(label, { exact: true }).fill(localIn(days))
      await Promise.all([organiserPage.waitForEvent('load'), organiserPage.getByRole('button', { name: 'State the challenge' }).click()])
      assert.match(await organiserPage.locator('.govuk-error-summary').innerText(), /Enter what winners get/)
      await checkPage(organiserPage)
      assert.equal(await organiserPage.getByLabel('Title', { exact: true }).inputValue(), `Safer harbour crossings ${word}`, 'the text is kept')
      await organiserPage.getByLabel('What winners get', { exact: true }).fill('A funded discovery with the council.')
      await submitAndLand(organiserPage, () => organiserPage.getByRole('button', { name: 'State the challenge' }).click(), /^\/challenges\/[a-z0-9-]+$/, 'stating the challenge')
      assert.equal(await checkPage(organiserPage), `Safer harbour crossings ${word}`)
      return new URL(organiserPage.url()).pathname.split('/').pop()!
    })

    const ideaPath = await step('a member submits an idea', async () => {
      await signInThroughForm(authorPage, author.email, author.password)
      await visit(authorPage, `/challenges/${slug}`)
      await submitAndLand(authorPage, () => authorPage.getByRole('button', { name: 'Submit an idea' }).click(), new RegExp(`^/challenges/${slug}/ideas/new$`), 'opening the idea form')
      await checkPage(authorPage)
      await authorPage.getByLabel('Title of your idea').fill(`Lights that see walkers ${word}`)
      await authorPage.getByLabel('Your idea', { exact: true }).fill('Crossing lights that change when someone waits, not on a timer.')
      await submitAndLand(authorPage, () => authorPage.getByRole('button', { name: 'Submit your idea' }).click(), /^\/challenges\/[a-z0-9-]+\/ideas\/[A-Za-z0-9_-]+$/, 'submitting the idea')
      await checkPage(authorPage)
      return new URL(authorPage.url()).pathname
    })

    await step('another member votes from the list, and the count changes without JavaScript', async () => {
      await signInThroughForm(voterPage, voter.email, voter.password)
      await visit(voterPage, `/challenges/${slug}`)
      await submitAndLand(voterPage, () => voterPage.getByRole('button', { name: `Vote for Lights that see walkers ${word}` }).click(), new RegExp(`^/challenges/${slug}$`), 'voting')
      assert.match(await voterPage.locator(`#idea-${ideaPath.split('/').pop()}`).innerText(), /1 vote\b/)
      assert.equal(await voterPage.getByRole('button', { name: `Withdraw your vote for Lights that see walkers ${word}` }).count(), 1)
      await checkPage(voterPage)
    })

    await step('the organiser moves the challenge to review by hand and shortlists the idea', async () => {
      await visit(organiserPage, `/challenges/${slug}`)
      await organiserPage.getByLabel('In review').check()
      await submitAndLand(organiserPage, () => organiserPage.getByRole('button', { name: 'Move the phase' }).click(), new RegExp(`^/challenges/${slug}$`), 'moving the phase')
      assert.match(await organiserPage.locator('main').innerText(), /In review \(now\)/)
      await visit(organiserPage, ideaPath)
      await organiserPage.getByLabel('Your review note').fill('Cheap to try at one crossing first.')
      await organiserPage.getByLabel('4').check()
      await submitAndLand(organiserPage, () => organiserPage.getByRole('button', { name: 'Save your review' }).click(), new RegExp(`^${ideaPath}$`), 'reviewing')
      await submitAndLand(organiserPage, () => organiserPage.getByRole('button', { name: 'Shortlist this idea' }).click(), new RegExp(`^${ideaPath}$`), 'shortlisting')
      await checkPage(organiserPage)
    })

    await step('the author sees no review note, and was told of the shortlist', async () => {
      await visit(authorPage, ideaPath)
      assert.ok(!(await authorPage.content()).includes('Cheap to try at one crossing first.'), 'review notes are the organisers’ only')
      await visit(authorPage, '/notifications')
      assert.match(await authorPage.locator('main').innerText(), /is on the shortlist/)
    })

    await step('the organiser announces it a winner with a reason, then turns it into a project', async () => {
      await visit(organiserPage, `/challenges/${slug}`)
      await organiserPage.getByLabel('Shortlist', { exact: true }).check()
      await submitAndLand(organiserPage, () => organiserPage.getByRole('button', { name: 'Move the phase' }).click(), new RegExp(`^/challenges/${slug}$`), 'moving to the shortlist')
      await visit(organiserPage, ideaPath)
      await organiserPage.getByLabel('Why it wins').fill('It helps at every crossing and costs little.')
      await submitAndLand(organiserPage, () => organiserPage.getByRole('button', { name: 'Announce as a winner' }).click(), new RegExp(`^${ideaPath}$`), 'announcing the winner')
      await checkPage(organiserPage)
      await submitAndLand(organiserPage, () => organiserPage.getByRole('button', { name: 'Turn it into a project' }).click(), /^\/projects\/[a-z0-9-]+$/, 'turning it into a project')
      assert.equal(await checkPage(organiserPage), `Lights that see walkers ${word}`)
      const main = await organiserPage.locator('main').innerText()
      assert.match(main, /Where this project started/)
      assert.match(main, /Bea Lindgren/, 'the idea’s author is on the team')
    })

    await step('the organiser hands the challenge to another organisation they speak for, with the keyboard', async () => {
      await visit(organiserPage, `/challenges/${slug}`)
      await organiserPage.getByRole('link', { name: 'Change the organiser of the challenge' }).focus()
      await Promise.all([organiserPage.waitForEvent('load'), organiserPage.keyboard.press('Enter')])
      assert.equal(new URL(organiserPage.url()).pathname, `/challenges/${slug}/organiser`)
      assert.equal(await checkPage(organiserPage), 'Change the organiser')
      await organiserPage.getByLabel('New organiser').selectOption({ label: 'Harbourside Port Authority' })
      await organiserPage.getByRole('button', { name: 'Change the organiser' }).focus()
      await submitAndLand(organiserPage, () => organiserPage.keyboard.press('Enter'), new RegExp(`^/challenges/${slug}$`), 'changing the organiser')
      const main = await organiserPage.locator('main').innerText()
      assert.match(main, /The challenge has a new organiser/)
      assert.match(main, /Harbourside Port Authority/)
      await checkPage(organiserPage)
    })

    await step('a reader at 320 px reads the winners and the idea without sideways scrolling', async () => {
      const reader = await (await e2e.newContext({ viewport: { width: 320, height: 800 } })).newPage()
      await visit(reader, `/challenges/${slug}`)
      assert.match(await reader.locator('#winners-heading').innerText(), /Winners/)
      assert.match(await reader.locator('main').innerText(), /It helps at every crossing and costs little\./)
      const wide = await reader.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 321).map((e) => `${e.tagName}.${e.className}: ${(e.textContent ?? '').slice(0, 40)}`).slice(0, 5))
      assert.ok((await reader.evaluate(() => document.documentElement.scrollWidth)) <= 320, `the challenge page fits 320 px: ${wide.join(' | ')}`)
      await visit(reader, ideaPath)
      assert.match(await reader.locator('main').innerText(), /This idea is now a project/)
      assert.ok((await reader.evaluate(() => document.documentElement.scrollWidth)) <= 320, 'the idea page fits 320 px')
    })
    assertNoFailures(e2e)
  })
})
