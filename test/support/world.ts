/**
 * A test world many module tests share: an app per dialect, named people each signed in with a client of
 * their own (the first named is a platform admin), an anonymous client, and an organisation made through its
 * form by `orgadmin` with `orgmember` as a member. Registers its own before/after hooks.
 */
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import type { Dialect } from '../../src/core/db/database.ts'
import type { Config } from '../../src/config.ts'
import { buildTestApp, type TestApp } from './app.ts'
import { TestClient, location } from './client.ts'
import { createUser, signInAs, type TestUser } from './factories.ts'

export interface WorldOptions<P extends string> {
  /** Handles are `${prefix}-${name}-${dialect}`, names `${label} ${name}`. */
  prefix: string
  label: string
  /** The people; the first is a platform admin; `orgadmin` and `orgmember` must be among them. */
  people: readonly P[]
  organisation: string
  config?: Partial<Config>
}

export function signedInWorld<P extends string>(dialect: Dialect, o: WorldOptions<P>) {
  const t = {} as TestApp
  const u = {} as Record<P, TestUser>
  const c = {} as Record<P | 'anonymous', TestClient>
  const org = { id: '', slug: '' }

  before(async () => {
    Object.assign(t, await buildTestApp(dialect, { config: o.config }))
    for (const name of o.people) {
      u[name] = await createUser(t.db, { handle: `${o.prefix}-${name}-${dialect}`, name: `${o.label} ${name}`, isAdmin: name === o.people[0] })
      c[name] = new TestClient(t.app)
      await signInAs(t.db, c[name], u[name].id)
    }
    c.anonymous = new TestClient(t.app)
    const admin = c['orgadmin' as P]
    const made = await admin.submit('/organisations/new', { name: `${o.organisation} ${dialect}`, type: 'local government', country: 'United Kingdom', region: 'Wessex' })
    assert.equal(made.statusCode, 303, `organisation: ${made.body.slice(0, 300)}`)
    org.slug = location(made).split('/').pop()!
    org.id = (await t.db.selectFrom('organisations').select('id').where('slug', '=', org.slug).executeTakeFirstOrThrow()).id
    const member = u['orgmember' as P]
    await t.db.insertInto('organisation_members').values({ organisation_id: org.id, user_id: member.id, role: 'member', created_at: new Date().toISOString() }).execute()
  })
  after(async () => t.close?.())

  return { t, u, c, org }
}
