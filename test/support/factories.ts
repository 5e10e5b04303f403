import { createHash } from 'node:crypto'
import type { Executor } from '../../src/core/db/database.ts'
import { newId, now } from '../../src/core/db/ids.ts'
import { hashPassword } from '../../src/core/auth/passwords.ts'
import { createSession, SESSION_COOKIE } from '../../src/core/auth/sessions.ts'
import type { TestClient } from './client.ts'

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
export async function createUser(db: Executor, overrides: Partial<TestUser> & { isAdmin?: boolean; verified?: boolean } = {}): Promise<TestUser> {
  counter++
  const tag = createHash('sha1').update(`${process.pid}-${counter}-${Math.random()}`).digest('hex').slice(0, 8)
  const user = {
    id: newId(),
    email: overrides.email ?? `person-${tag}@example.org`,
    handle: overrides.handle ?? `person-${tag}`,
    name: overrides.name ?? `Test Person ${tag}`,
    password: overrides.password ?? 'correct horse battery staple',
  }
  if (!hashes.has(user.password)) hashes.set(user.password, hashPassword(user.password, 12))
  const t = now()
  await db
    .insertInto('users')
    .values({
      id: user.id,
      email: user.email,
      email_verified_at: overrides.verified === false ? null : t,
      password_hash: await hashes.get(user.password)!,
      handle: user.handle,
      name: user.name,
      role: '',
      bio: '',
      skills: '',
      interests: '',
      is_admin: overrides.isAdmin ? 1 : 0,
      created_at: t,
      updated_at: t,
    })
    .execute()
  return user
}

/** Signs the client in as the user by giving it a real session cookie. */
export async function signInAs(db: Executor, client: TestClient, userId: string): Promise<void> {
  const { token } = await createSession(db, userId)
  client.cookies.set(SESSION_COOKIE, token)
}
