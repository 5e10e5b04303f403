import { defineJob } from '../../core/jobs/jobs.ts'
import { now } from '../../core/db/ids.ts'
import { checkLink } from './link-check.ts'
import { updateOrganisationRow, websitesDue } from './organisations.queries.ts'
import { notifyOrganisationAdmins } from './organisations.ts'

/** Sites checked per run: one at a time, so no site (and no network) gets a burst from us. */
const PER_RUN = 20
/** A site that answers is checked again a week later. */
const HEALTHY_HOURS = 7 * 24
/** Failures in a row before the website is shown as broken and its admins are told. */
export const BROKEN_AFTER = 3

/** Hours until the next check after `failures` failures in a row: 1, 2, 4… up to a week (back-off). */
export const retryHours = (failures: number) => Math.min(HEALTHY_HOURS, 2 ** Math.max(0, failures - 1))

/**
 * Checks the websites that are due, politely: one request at a time (HEAD, GET if HEAD is refused), never to a
 * private or loopback address. A site that fails is checked again sooner, then less often; after
 * BROKEN_AFTER failures in a row it is flagged and its admins are told once.
 */
export const checkWebsites = defineJob<Record<string, never>>({
  name: 'organisations.check-websites',
  cron: '17 * * * *',
  retry: { limit: 2, delaySeconds: 300, backoff: true },
  expireSeconds: 30 * 60,
  // An organisation's page says when its website stopped answering (and no longer, once it answers again).
  changes: ['organisations'],
  async run(_payload, { app, changed }) {
    const due = await websitesDue(app.db, now(), PER_RUN)
    let shown = false
    for (const org of due) {
      const result = await checkLink(org.website, { allowPrivate: app.config.linkCheckAllowPrivate })
      const t = new Date()
      const failures = result.ok ? 0 : org.website_failures + 1
      const next = new Date(t.getTime() + (result.ok ? HEALTHY_HOURS : retryHours(failures)) * 3_600_000).toISOString()
      // The page shows a broken website's last result and time: so flagged now, or before (answering again or not).
      if (failures >= BROKEN_AFTER || org.website_failures >= BROKEN_AFTER) shown = true
      await app.db.transaction().execute(async (trx) => {
        await updateOrganisationRow(trx, org.id, { website_checked_at: t.toISOString(), website_check_due: next, website_failures: failures, website_result: result.ok ? '' : result.reason })
        if (failures === BROKEN_AFTER) {
          await notifyOrganisationAdmins(trx, org.id, { kind: 'organisation_request', text: `The website of ${org.name} has not answered ${BROKEN_AFTER} times in a row (${result.ok ? '' : result.reason}): is the address still right?`, url: `/organisations/${org.slug}/edit`, spaceId: null }, null)
        }
      })
    }
    if (shown) await changed()
  },
})
