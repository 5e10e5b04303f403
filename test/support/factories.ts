import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Db } from '../../src/core/db/database.ts'
import type { Database } from '../../src/database.ts'
import { insertAccount, setProfileHidden, setSuspended } from '../../src/modules/accounts/accounts.queries.ts'

/** The app's handle or the whole typed database (TestApp.db). */
export type AnyDb = Db | Kysely<Database>
import { now } from '../../src/core/db/ids.ts'
import { hashPassword } from '../../src/core/auth/passwords.ts'
import { createSession, SESSION_COOKIE } from '../../src/core/auth/sessions.ts'
import type { FastifyInstance } from 'fastify'
import { TestClient } from './client.ts'

let counter = 0
const hashes = new Map<string, Promise<string>>()

export interface TestUser {
  id: string
  email: string
  handle: string
  name: string
  password: string
}

/** Inserts a verified person directly (for tests of other features than sign-up). */
export async function createUser(db: AnyDb, overrides: Partial<TestUser> & { isAdmin?: boolean; verified?: boolean; listed?: boolean; suspended?: boolean; hidden?: boolean } = {}): Promise<TestUser> {
  counter++
  const tag = createHash('sha1').update(`${process.pid}-${counter}-${Math.random()}`).digest('hex').slice(0, 8)
  const user = {
    email: overrides.email ?? `person-${tag}@example.org`,
    handle: overrides.handle ?? `person-${tag}`,
    name: overrides.name ?? `Test Person ${tag}`,
    password: overrides.password ?? 'correct horse battery staple',
  }
  if (!hashes.has(user.password)) hashes.set(user.password, hashPassword(user.password, 12))
  const t = now()
  const id = await insertAccount(db, {
    email: user.email,
    name: user.name,
    handle: user.handle,
    passwordHash: await hashes.get(user.password)!,
    verifiedAt: overrides.verified === false ? null : t,
    isAdmin: overrides.isAdmin,
    listed: overrides.listed ?? true,
  })
  if (overrides.suspended) await setSuspended(db, id, true)
  if (overrides.hidden) await setProfileHidden(db, id, true)
  return { ...user, id }
}

/** Signs the client in as the user by giving it a real session cookie. */
export async function signInAs(db: AnyDb, client: TestClient, userId: string): Promise<void> {
  const { token } = await createSession(db, userId)
  client.cookies.set(SESSION_COOKIE, token)
}

/** A user per name (an admin where `isAdmin(name)`), each with a client signed in as them: a test's readers. */
export async function signedInPeople<N extends string>(app: FastifyInstance, names: readonly N[], isAdmin: (name: N) => boolean = () => false): Promise<{ people: Record<N, TestUser>; clients: Record<N, TestClient> }> {
  const people = {} as Record<N, TestUser>
  const clients = {} as Record<N, TestClient>
  for (const name of names) {
    people[name] = await createUser(app.db, { isAdmin: isAdmin(name) })
    clients[name] = await signedInClient(app, people[name])
  }
  return { people, clients }
}

/** A new client of the app, signed in as the user (anonymous for null). */
export async function signedInClient(app: FastifyInstance, user: { id: string } | null): Promise<TestClient> {
  const client = new TestClient(app)
  if (user) await signInAs(app.db, client, user.id)
  return client
}
