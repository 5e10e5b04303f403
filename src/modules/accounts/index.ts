import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { hashPassword } from '../../core/auth/passwords.ts'
import { now } from '../../core/db/ids.ts'
import { migration as createSignInFailures } from './migrations/20261123T110000_accounts_create_sign_in_failures.ts'
import { migration as createProfiles } from './migrations/20261130T090100_accounts_create_profiles.ts'
import { migration as failuresByAddress } from './migrations/20261130T090600_accounts_sign_in_failures_by_address.ts'
import { migration as handleRedirects } from './migrations/20261130T170200_accounts_create_handle_redirects.ts'
import { insertAccount, listedHandles } from './accounts.queries.ts'
import { indexPerson, peopleByIds } from './accounts.ts'
import { personPolicy } from './accounts.policy.ts'
import { personModeration } from './accounts.moderation.ts'
import { accountsPages } from './routes.pages.ts'
import { accountsApi } from './routes.api.ts'
import { DEMO_PASSWORD, DEMO_PEOPLE } from './accounts.seed.ts'

/** People: sign-up with e-mail verification, sign-in and out, password reset, public profiles. */
export const accountsModule: AppModule = {
  id: 'accounts',
  dependsOn: [],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: {
    '20261123T110000_accounts_create_sign_in_failures': createSignInFailures,
    '20261130T090100_accounts_create_profiles': createProfiles,
    '20261130T090600_accounts_sign_in_failures_by_address': failuresByAddress,
    '20261130T170200_accounts_create_handle_redirects': handleRedirects,
  },
  pages: accountsPages,
  api: accountsApi,
  policies: [personPolicy],
  moderation: { person: personModeration },
  searchTypes: [{ type: 'person', label: 'People' }],
  sitemap: async (db) => [{ path: '/people' }, ...(await listedHandles(db)).map((p) => ({ path: `/people/${p.handle}`, updated: p.updated_at }))],
  async seed({ db, config, accounts }) {
    // One hash for every demo person: scrypt at full cost takes a while.
    const passwordHash = await hashPassword(DEMO_PASSWORD, config.passwordCost)
    const verifiedAt = now()
    // Everyone but the newcomer joined about six months ago, so only the newcomer is a new account.
    const established = new Date(Date.now() - 200 * 86_400_000).toISOString()
    for (const { newcomer, ...p } of DEMO_PEOPLE) {
      const id = await insertAccount(db, { ...p, passwordHash, verifiedAt, listed: true, createdAt: newcomer ? undefined : established })
      await indexPerson(db, id)
      const note = p.isAdmin ? `${p.name}, platform admin` : newcomer ? `${p.name}, a new account (content with links waits for approval)` : `${p.name}, ${p.role}`
      accounts.push({ email: p.email, password: DEMO_PASSWORD, note })
    }
  },
  followables: {
    // People with a public presence (a person always sees their own profile, and admins every profile, as the policy says).
    person: {
      label: 'person',
      async load(db, actor, ids) {
        const people = await peopleByIds(db, ids)
        return new Map([...people.values()].filter((p) => p.public || p.id === actor.userId || actor.isAdmin).map((p) => [p.id, { title: p.name, url: `/people/${p.handle}` }]))
      },
    },
  },
}
