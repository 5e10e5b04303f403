/**
 * Journeys "events", in a real browser with each person in their own browser context:
 * 1. An organiser creates a hybrid event with one place; one person takes it, another joins the waiting
 *    list; when the first can no longer go, the second is told, is going, and sees the online link.
 * 2. A host runs an unconference without JavaScript: people going pitch sessions and vote, the host adds
 *    rooms and slots, fills the grid by votes, moves a session by hand (a second tab saving from the older grid is
 *    told so, with its choice kept) and publishes; a reader opens the grid.
 * Every page on the way is checked with axe (WCAG 2.2 AA), for one h1 and a useful title.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { createUser, type TestUser } from '../support/factories.ts'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, step, submitAndLand, uniqueWord, visit, type E2E } from './support.ts'

/** "YYYY-MM-DDTHH:MM", `days` from today, in UTC (the zone the journeys choose). */
const localIn = (days: number, time: string) => `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T${time}`

async function fillEvent(page: Page, fields: { title: string; description: string; starts: string; ends: string; format: 'In person' | 'Online' | 'Hybrid (in person and online)'; venue?: string; link?: string; places?: string }) {
  await page.getByLabel('Title', { exact: true }).fill(fields.title)
  await page.getByLabel('Description', { exact: true }).fill(fields.description)
  await page.getByLabel('Starts').fill(fields.starts)
  await page.getByLabel('Ends').fill(fields.ends)
  await page.getByLabel('Time zone').selectOption('UTC')
  await page.getByRole('group', { name: 'How people take part' }).getByLabel(fields.format, { exact: true }).check()
  if (fields.venue) await page.getByLabel('Venue address').fill(fields.venue)
  if (fields.link) await page.getByLabel('Online link').fill(fields.link)
  if (fields.places) await page.getByLabel('Number of places (optional)').fill(fields.places)
}

describe('events: a waiting list that moves, and an unconference built from votes', () => {
  let e2e: E2E
  let organiser: TestUser
  let first: TestUser
  let second: TestUser
  before(async () => {
    e2e = await startE2E()
    const db = e2e.database.db
    organiser = await createUser(db, { name: 'Ngozi Adeyemi', handle: 'ngozi-adeyemi' })
    first = await createUser(db, { name: 'Pieter de Vries', handle: 'pieter-de-vries' })
    second = await createUser(db, { name: 'Maja Nowak', handle: 'maja-nowak' })
  })
  after(async () => e2e?.close())

  it('RSVP to a full event and get promoted from the waiting list', async () => {
    const word = uniqueWord('clinic')
    const link = `https://meet.example/${word}`
    const organiserPage = await (await e2e.newContext()).newPage()
    const firstPage = await (await e2e.newContext()).newPage()
    const secondPage = await (await e2e.newContext()).newPage()

    const slug = await step('the organiser creates a hybrid event with one place, fixing an end before its start', async () => {
      await signInThroughForm(organiserPage, organiser.email, organiser.password)
      await visit(organiserPage, '/events/new')
      await fillEvent(organiserPage, { title: `Data clinic ${word}`, description: 'Bring a dataset.', starts: localIn(5, '14:00'), ends: localIn(5, '13:00'), format: 'Hybrid (in person and online)', venue: 'Civic Centre, Room 2', link, places: '1' })
      await Promise.all([organiserPage.waitForEvent('load'), organiserPage.getByRole('button', { name: 'Create event' }).click()])
      assert.match(await organiserPage.locator('.govuk-error-summary').innerText(), /The end must be after the start/)
      await checkPage(organiserPage)
      assert.equal(await organiserPage.getByLabel('Title', { exact: true }).inputValue(), `Data clinic ${word}`, 'the text is kept')
      await organiserPage.getByLabel('Ends').fill(localIn(5, '16:00'))
      await submitAndLand(organiserPage, () => organiserPage.getByRole('button', { name: 'Create event' }).click(), /^\/events\/[a-z0-9-]+$/, 'creating the event')
      assert.equal(await checkPage(organiserPage), `Data clinic ${word}`)
      assert.ok((await organiserPage.content()).includes(link), 'the organiser sees the online link')
      return new URL(organiserPage.url()).pathname.split('/').pop()!
    })

    await step('the first person takes the only place and sees the link', async () => {
      await signInThroughForm(firstPage, first.email, first.password)
      await visit(firstPage, `/events/${slug}`)
      assert.ok(!(await firstPage.content()).includes(link), 'no link before replying')
      await submitAndLand(firstPage, () => firstPage.getByRole('button', { name: 'I’m going' }).click(), new RegExp(`^/events/${slug}$`), 'replying going')
      await checkPage(firstPage)
      assert.match(await firstPage.locator('.govuk-notification-banner').innerText(), /You are going/)
      assert.equal(await firstPage.getByRole('link', { name: `Join online: ${link}` }).count(), 1)
    })

    await step('the second person finds it full and joins the waiting list, without the link', async () => {
      await signInThroughForm(secondPage, second.email, second.password)
      await visit(secondPage, `/events/${slug}`)
      assert.match(await secondPage.locator('main').innerText(), /1 of 1 going · full/)
      await submitAndLand(secondPage, () => secondPage.getByRole('button', { name: 'Join the waiting list' }).click(), new RegExp(`^/events/${slug}$`), 'joining the waiting list')
      await checkPage(secondPage)
      assert.match(await secondPage.locator('main').innerText(), /You are number 1 on the waiting list/)
      assert.ok(!(await secondPage.content()).includes(link))
    })

    await step('the first person can no longer go; the second is told, is going, and sees the link', async () => {
      await visit(firstPage, `/events/${slug}`)
      await submitAndLand(firstPage, () => firstPage.getByRole('button', { name: 'I can no longer go' }).click(), new RegExp(`^/events/${slug}$`), 'withdrawing')
      assert.ok(!(await firstPage.content()).includes(link), 'the link goes with the place')
      await visit(secondPage, '/notifications')
      const note = secondPage.getByRole('link', { name: new RegExp(`A place opened up: you are now going to “Data clinic ${word}”`) })
      assert.equal(await note.count(), 1)
      await submitAndLand(secondPage, () => note.click(), new RegExp(`^/events/${slug}$`), 'following the notification')
      await checkPage(secondPage)
      assert.match(await secondPage.locator('main').innerText(), /You are going/)
      assert.equal(await secondPage.getByRole('link', { name: `Join online: ${link}` }).count(), 1)
    })

    await step('the organiser sees who replied, in order', async () => {
      await visit(organiserPage, `/events/${slug}/attendees`)
      const text = await organiserPage.locator('main').innerText()
      assert.match(text, /Going \(1\)\s*Maja Nowak/)
      assert.match(text, /Not going \(1\)\s*Pieter de Vries/)
    })

    await step('at 320 px the event page reads without sideways scrolling', async () => {
      await secondPage.setViewportSize({ width: 320, height: 800 })
      await visit(secondPage, `/events/${slug}`)
      assert.ok((await secondPage.evaluate(() => document.documentElement.scrollWidth)) <= 320)
    })
    assertNoFailures(e2e)
  })

  it('pitch, vote and schedule an unconference without JavaScript, and open its grid', async () => {
    const word = uniqueWord('camp')
    const hostPage = await (await e2e.newContext({ javaScriptEnabled: false })).newPage()
    const aPage = await (await e2e.newContext({ javaScriptEnabled: false })).newPage()
    const bPage = await (await e2e.newContext({ javaScriptEnabled: false })).newPage()
    const readerPage = await (await e2e.newContext()).newPage()

    const slug = await step('the host creates an unconference with two votes each', async () => {
      await signInThroughForm(hostPage, organiser.email, organiser.password)
      await visit(hostPage, '/events/new')
      await fillEvent(hostPage, { title: `Camp ${word}`, description: 'Sessions by the people in the room.', starts: localIn(9, '09:00'), ends: localIn(9, '17:00'), format: 'In person', venue: 'The Exchange, Harbour Road' })
      await hostPage.getByLabel('Run it as an unconference').check()
      await hostPage.getByLabel('Votes for each attendee').fill('2')
      await submitAndLand(hostPage, () => hostPage.getByRole('button', { name: 'Create event' }).click(), /^\/events\/[a-z0-9-]+$/, 'creating the unconference')
      return new URL(hostPage.url()).pathname.split('/').pop()!
    })

    const pitchAs = async (page: Page, title: string) => {
      await visit(page, `/events/${slug}/sessions/new`)
      await page.getByLabel('Session title').fill(title)
      await page.getByLabel('What the session is about').fill(`A session about ${title.toLowerCase()}.`)
      await page.getByRole('group', { name: 'Format' }).getByLabel('Workshop').check()
      await submitAndLand(page, () => page.getByRole('button', { name: 'Pitch the session' }).click(), new RegExp(`^/events/${slug}/sessions/[^/]+$`), `pitching ${title}`)
      await checkPage(page)
    }

    await step('two people reply going and pitch sessions', async () => {
      for (const [page, user] of [[aPage, first], [bPage, second]] as const) {
        await signInThroughForm(page, user.email, user.password)
        await visit(page, `/events/${slug}`)
        await submitAndLand(page, () => page.getByRole('button', { name: 'I’m going' }).click(), new RegExp(`^/events/${slug}$`), 'replying going')
      }
      await pitchAs(aPage, 'Plain language letters')
      await pitchAs(aPage, 'Open data clinics')
      await pitchAs(bPage, 'Accessible maps')
    })

    await step('people vote: two votes each, the third refused until one is withdrawn', async () => {
      await visit(bPage, `/events/${slug}/sessions`)
      assert.match(await bPage.locator('main').innerText(), /You have 2 of 2 votes left/)
      for (const title of ['Plain language letters', 'Open data clinics']) {
        await submitAndLand(bPage, () => bPage.getByRole('button', { name: `Vote for ${title}` }).click(), new RegExp(`^/events/${slug}/sessions$`), `voting for ${title}`)
        await checkPage(bPage)
      }
      assert.match(await bPage.locator('main').innerText(), /You have 0 of 2 votes left/)
      assert.equal(await bPage.getByRole('button', { name: 'Vote for Accessible maps' }).count(), 0)
      await submitAndLand(aPage, async () => {
        await visit(aPage, `/events/${slug}/sessions`)
        await aPage.getByRole('button', { name: 'Vote for Plain language letters' }).click()
      }, new RegExp(`^/events/${slug}/sessions$`), 'a second vote')
    })

    await step('the host adds rooms and slots, fills the grid by votes and moves a session by hand', async () => {
      await visit(hostPage, `/events/${slug}/schedule/edit`)
      for (const [name, size] of [['Main hall', '80'], ['Small room', '12']]) {
        await hostPage.getByLabel('Room name').fill(name!)
        await hostPage.getByLabel('How many people it holds').fill(size!)
        await submitAndLand(hostPage, () => hostPage.getByRole('button', { name: 'Add room' }).click(), new RegExp(`^/events/${slug}/schedule/edit$`), `adding ${name}`)
      }
      // A slot outside the event is refused with the times kept.
      await hostPage.getByLabel('Start', { exact: true }).fill(localIn(9, '07:00'))
      await hostPage.getByLabel('End', { exact: true }).fill(localIn(9, '08:00'))
      await Promise.all([hostPage.waitForEvent('load'), hostPage.getByRole('button', { name: 'Add time slot' }).click()])
      assert.match(await hostPage.locator('.govuk-error-summary').innerText(), /A time slot must be within the event/)
      await checkPage(hostPage)
      for (const [from, to] of [['10:00', '10:45'], ['11:00', '11:45']]) {
        await hostPage.getByLabel('Start', { exact: true }).fill(localIn(9, from!))
        await hostPage.getByLabel('End', { exact: true }).fill(localIn(9, to!))
        await submitAndLand(hostPage, () => hostPage.getByRole('button', { name: 'Add time slot' }).click(), new RegExp(`^/events/${slug}/schedule/edit$`), `adding the slot at ${from}`)
      }
      await submitAndLand(hostPage, () => hostPage.getByRole('button', { name: 'Fill by votes' }).click(), new RegExp(`^/events/${slug}/schedule/edit$`), 'filling by votes')
      await checkPage(hostPage)
      // The most wanted session went into the largest room at the first time.
      assert.equal(await hostPage.getByLabel('Plain language letters').locator('option:checked').innerText(), '10:00 to 10:45, Main hall')
      // Putting the same pitcher's two sessions at one time is refused, naming both.
      await hostPage.getByLabel('Open data clinics').selectOption({ label: '10:00 to 10:45, Small room' })
      await Promise.all([hostPage.waitForEvent('load'), hostPage.getByRole('button', { name: 'Save the grid' }).click()])
      assert.match(await hostPage.locator('.govuk-error-summary').innerText(), /Pieter de Vries pitched “Plain language letters” and “Open data clinics”, both at 10:00/)
      await checkPage(hostPage)
      // A second organiser's tab opened on the same grid: whoever saves second is told, and keeps their choice.
      const otherTab = await hostPage.context().newPage()
      await visit(otherTab, `/events/${slug}/schedule/edit`)
      await hostPage.getByLabel('Open data clinics').selectOption({ label: '11:00 to 11:45, Small room' })
      await submitAndLand(hostPage, () => hostPage.getByRole('button', { name: 'Save the grid' }).click(), new RegExp(`^/events/${slug}/schedule/edit$`), 'saving the grid')
      await otherTab.getByLabel('Open data clinics').selectOption({ label: '11:00 to 11:45, Main hall' })
      const [stale] = await Promise.all([otherTab.waitForEvent('response', (r) => r.request().method() === 'POST'), otherTab.getByRole('button', { name: 'Save the grid' }).click()])
      await otherTab.waitForLoadState('load')
      assert.equal(stale.status(), 409)
      assert.match(await otherTab.locator('.govuk-error-summary').innerText(), /The grid was changed by someone else since you opened it/)
      assert.match(await otherTab.locator('#grid_conflict').innerText(), /Open data clinics\s+11:00 to 11:45, Small room\s+You chose differently/)
      assert.equal(await otherTab.getByLabel('Open data clinics').locator('option:checked').innerText(), '11:00 to 11:45, Main hall', 'their choice is kept')
      await checkPage(otherTab)
      await otherTab.close()
      await submitAndLand(hostPage, () => hostPage.getByRole('button', { name: 'Publish the schedule' }).click(), new RegExp(`^/events/${slug}/schedule/edit$`), 'publishing')
      assert.match(await hostPage.locator('main').innerText(), /The schedule is published/)
    })

    await step('a reader opens the grid: a table of rooms by time slots', async () => {
      await visit(readerPage, `/events/${slug}/schedule`)
      const table = readerPage.getByRole('table', { name: 'Sessions by time and room' })
      assert.deepEqual(await table.getByRole('columnheader').allInnerTexts(), ['Time', 'Main hall (80 people)', 'Small room (12 people)'])
      const rows = await table.getByRole('row').allInnerTexts()
      assert.match(rows[1]!, /10:00 to 10:45\s+Plain language letters/)
      assert.match(rows[2]!, /11:00 to 11:45[^]*Open data clinics/)
      assert.equal(await table.getByRole('rowheader').count(), 2)
      await readerPage.setViewportSize({ width: 320, height: 800 })
      await visit(readerPage, `/events/${slug}/schedule`)
      assert.ok((await readerPage.evaluate(() => document.documentElement.scrollWidth)) <= 320, 'the page does not scroll sideways; the table scrolls in its region')
      const ics = await readerPage.request.get(`/events/${slug}/schedule.ics`)
      assert.equal(ics.status(), 200)
      assert.match(await ics.text(), /SUMMARY:Plain language letters/)
    })
    assertNoFailures(e2e)
  })
})
