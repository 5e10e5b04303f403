import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { readerIs } from '../../core/access/reader-facts.ts'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, done, params, query, slug, text } from '../../core/http/schemas.ts'
import type { Db } from '../../core/db/database.ts'
import { createSession, destroySession, SESSION_COOKIE } from '../../core/auth/sessions.ts'
import { hashPassword } from '../../core/auth/passwords.ts'
import { hostCookie, pathCookie, rotateCsrf } from '../../core/auth/cookies.ts'
import { AppError, notFound } from '../../core/errors.ts'
import { isUniqueViolation } from '../../core/db/errors.ts'
import { parseInput } from '../../core/http/forms.ts'
import { decodeCursor, paginate } from '../../core/http/pagination.ts'
import { feedLinks } from '../../core/feeds/feeds.ts'
import type { Mail } from '../../core/mail/mailer.ts'
import { isBounced } from '../../core/mail/bounces.ts'
import {
  authenticate,
  findVisiblePerson,
  movedHandle,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  resetTokenIsLive,
  signUp,
  tokenParam,
  updateProfile,
  verifyEmail,
} from './accounts.ts'
import { feedKeyPages } from './routes/feed-keys.pages.ts'
import { timeZones } from '../../core/time.ts'
import { emailHash, handleOwner, listListedPeople, readerProfile, splitStored } from './accounts.queries.ts'
import { checkHandle, checkPassword, emailSchema, normaliseHandle, orderErrors, profileSchema, safeNext, signUpSchema } from './accounts.schemas.ts'

type Body = Record<string, unknown>
const body = (request: FastifyRequest) => (request.body && typeof request.body === 'object' ? request.body : {}) as Body

/**
 * Per network address limits on the forms that send mail or set a password, generous enough for an
 * office sharing one address. Sign-in is throttled by failures instead (accounts.throttle.ts).
 */
const LIMITED = { rateLimit: { max: 30, timeWindow: '10 minutes' } }

/** A signed cookie saying this browser signed in to an account before: attacks on the account elsewhere do not slow it down. */
const DEVICE_COOKIE = 'openly_device'
const deviceValue = (email: string) => emailHash(email).slice(0, 22)
/** Writes no anonymous reader sees (sessions, tokens, unverified accounts, password hashes): the page cache stays. */
const UNSEEN = { invalidates: [] }
/** Writes nobody else sees, signed in or not: pages shared between signed-in readers are kept (decision 0034). */
const OWN = { invalidates: [], keepsSharedPages: true }

const SIGN_IN_FAILED = 'Enter a correct e-mail address and password'
const PEOPLE_PAGE = 24

/** Sends a mail without making the request wait for SMTP, so a response takes as long whether or not a mail goes out. */
function deliver(app: FastifyInstance, mail: Mail | null): void {
  if (!mail) return
  app.mailer.send(mail).catch((err) => app.log.error({ err }, 'sending mail failed'))
}

/** Starts a session inside the caller's transaction and sets the cookie; ends the session the browser had, if any. */
async function startSession(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, trx: Db, userId: string): Promise<void> {
  if (request.user) await destroySession(trx, request.user.sessionId)
  const { token, expiresAt } = await createSession(trx, userId)
  setSessionCookie(app, reply, token, expiresAt)
  rotateCsrf(request, reply)
}

function setSessionCookie(app: FastifyInstance, reply: FastifyReply, token: string, expiresAt: Date): void {
  const secure = app.config.secureCookies
  reply.setCookie(hostCookie(SESSION_COOKIE, secure), token, { httpOnly: true, sameSite: 'lax', path: '/', secure, expires: expiresAt })
}


/** Sign-up, e-mail verification, sign-in and out, password reset, the people list and profiles, profile editing. */
export const accountsPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  await app.register(feedKeyPages)
  // ---------- Sign up ----------
  const renderSignUp = (reply: FastifyReply, values: Record<string, string> = {}, errors?: Record<string, string>) =>
    reply.code(errors ? 422 : 200).render('accounts/sign-up.njk', { title: 'Create an account', values, errors, noindex: true })

  app.get('/sign-up', { config: { serves: 'form' } }, async (_request, reply) => renderSignUp(reply))

  app.post('/sign-up', { config: { ...LIMITED, ...UNSEEN } }, async (request, reply) => {
    const data = body(request)
    const parsed = parseInput(signUpSchema, data)
    const handle = normaliseHandle(data.handle)
    const handleError = checkHandle(handle)
    const passwordError = checkPassword(data.password)
    const listed = data.listed === 'yes' || (Array.isArray(data.listed) && data.listed.includes('yes'))
    const shown: Record<string, string> = { ...(parsed.ok ? { name: parsed.value.name, email: parsed.value.email } : parsed.input), handle, listed: listed ? 'yes' : '' }
    if (!parsed.ok || handleError || passwordError) {
      const errors = orderErrors(['name', 'email', 'handle', 'password'], parsed.ok ? {} : parsed.errors, handleError ? { handle: handleError } : {}, passwordError ? { password: passwordError } : {})
      return renderSignUp(reply, shown, errors)
    }
    // Hash on every branch, so an existing address answers as slowly as a new one.
    const passwordHash = await hashPassword(String(data.password), app.config.passwordCost)
    let mail: Mail
    try {
      mail = (await app.db.transaction().execute((trx) => signUp(trx, app.config.baseUrl, { name: parsed.value.name, email: parsed.value.email, handle, passwordHash, listed }))).mail
    } catch (err) {
      if (err instanceof AppError && err.fields) return renderSignUp(reply, shown, err.fields)
      if (!isUniqueViolation(err)) throw err
      // Lost a race with another sign-up: for the same handle that is a field error; for the same address, the usual page.
      if (await handleOwner(app.db, handle)) return renderSignUp(reply, shown, { handle: 'That handle is already taken – choose another' })
      return reply.redirect('/check-your-email?about=sign-up', 303)
    }
    deliver(app, mail)
    return reply.redirect('/check-your-email?about=sign-up', 303)
  })

  app.get('/check-your-email', { config: { serves: 'page' }, schema: { querystring: query({ about: text(20) }) } }, async (request, reply) => {
    const about = request.query.about
    const kind = about === 'reset' ? 'reset' : about === 'verify' ? 'verify' : 'sign-up'
    return reply.render('accounts/check-email.njk', { title: 'Check your email', kind, noindex: true })
  })

  // ---------- Verify the e-mail address ----------
  app.get('/verify-email', { config: { serves: 'redirect' }, schema: { querystring: query({ token: text(200) }) } }, async (request, reply) => {
    const token = tokenParam(request.query.token)
    const userId = token ? await app.db.transaction().execute(async (trx) => {
      const id = await verifyEmail(trx, token)
      if (id) await startSession(app, request, reply, trx, id)
      return id
    }) : null
    if (!userId) return reply.code(400).render('accounts/link-invalid.njk', { title: 'This link has expired or has already been used', kind: 'verify', noindex: true })
    // A GET that changed data: the anonymous page cache must forget the people list.
    app.pageCache.invalidate()
    return reply.redirect('/account/profile?done=verified', 303)
  })

  const renderResend = (reply: FastifyReply, values: Record<string, string> = {}, errors?: Record<string, string>) =>
    reply.code(errors ? 422 : 200).render('accounts/resend.njk', { title: 'Get a new confirmation link', values, errors, noindex: true })

  app.get('/verify-email/resend', { config: { serves: 'form' } }, async (_request, reply) => renderResend(reply))

  app.post('/verify-email/resend', { config: { ...LIMITED, ...OWN } }, async (request, reply) => {
    const parsed = parseInput(emailSchema, body(request))
    if (!parsed.ok) return renderResend(reply, parsed.input, parsed.errors)
    const mail = await app.db.transaction().execute((trx) => resendVerification(trx, app.config.baseUrl, parsed.value.email))
    deliver(app, mail)
    return reply.redirect('/check-your-email?about=verify', 303)
  })

  // ---------- Sign in and out ----------
  const renderSignIn = (reply: FastifyReply, next: string, values: Record<string, string> = {}, errors?: Record<string, string>) =>
    reply.code(errors ? 422 : 200).render('accounts/sign-in.njk', { title: 'Sign in', values, errors, next: next === '/' ? '' : next, noindex: true })

  app.get('/sign-in', { config: { serves: 'form' }, schema: { querystring: query({ next: text(500) }) } }, async (request, reply) => renderSignIn(reply, safeNext(request.query.next)))

  app.post('/sign-in', { config: OWN }, async (request, reply) => {
    const data = body(request)
    const next = safeNext(data.next)
    const parsed = parseInput(emailSchema, data)
    const password = typeof data.password === 'string' ? data.password : ''
    const errors = orderErrors(['email', 'password'], parsed.ok ? {} : parsed.errors, password ? {} : { password: 'Enter your password' })
    if (!parsed.ok || !password) return renderSignIn(reply, next, { email: parsed.ok ? parsed.value.email : parsed.input.email ?? '' }, errors)
    const email = parsed.value.email
    // Over-long passwords cannot be right (sign-up caps them) and would only cost hashing time.
    const deviceCookie = pathCookie(DEVICE_COOKIE, app.config.secureCookies)
    const device = request.cookies[deviceCookie] ? request.unsignCookie(request.cookies[deviceCookie]!) : null
    const source = { ip: request.ip, knownDevice: device?.valid === true && device.value === deviceValue(email) }
    const outcome = await authenticate(app.db, app.config.passwordCost, email, password.length > 1000 ? '' : password, source)
    if (outcome.kind === 'wait') {
      const minutes = Math.max(1, Math.ceil(outcome.seconds / 60))
      return reply.code(429).header('retry-after', String(outcome.seconds)).render('accounts/too-many.njk', { title: 'Too many attempts', minutes, noindex: true })
    }
    if (outcome.kind === 'invalid') return renderSignIn(reply, next, { email }, { email: SIGN_IN_FAILED })
    if (outcome.kind === 'suspended') return renderSignIn(reply, next, { email }, { email: 'This account is suspended. Contact the site’s administrators if you think this is a mistake' })
    if (outcome.kind === 'unverified') return reply.render('accounts/verify-needed.njk', { title: 'Confirm your email address', email, noindex: true })
    await app.db.transaction().execute((trx) => startSession(app, request, reply, trx, outcome.userId))
    reply.setCookie(deviceCookie, deviceValue(email), { httpOnly: true, sameSite: 'lax', path: '/sign-in', secure: app.config.secureCookies, signed: true, maxAge: 365 * 86400 })
    // Their address refused our mail since they last came: tell them first (core/mail/bounces.ts).
    if (await isBounced(app.db, email)) return reply.redirect(`/mail/delivery?next=${encodeURIComponent(next)}`, 303)
    return reply.redirect(next, 303)
  })

  app.post('/sign-out', { config: OWN }, async (request, reply) => {
    if (request.user) await destroySession(app.db, request.user.sessionId)
    reply.clearCookie(hostCookie(SESSION_COOKIE, app.config.secureCookies), { path: '/', secure: app.config.secureCookies })
    return reply.redirect('/', 303)
  })

  // ---------- Forgotten password ----------
  const renderForgot = (reply: FastifyReply, values: Record<string, string> = {}, errors?: Record<string, string>) =>
    reply.code(errors ? 422 : 200).render('accounts/forgot-password.njk', { title: 'Reset your password', values, errors, noindex: true })

  app.get('/forgot-password', { config: { serves: 'form' } }, async (_request, reply) => renderForgot(reply))

  app.post('/forgot-password', { config: { ...LIMITED, ...OWN } }, async (request, reply) => {
    const parsed = parseInput(emailSchema, body(request))
    if (!parsed.ok) return renderForgot(reply, parsed.input, parsed.errors)
    const mail = await app.db.transaction().execute((trx) => requestPasswordReset(trx, app.config.baseUrl, parsed.value.email))
    deliver(app, mail)
    return reply.redirect('/check-your-email?about=reset', 303)
  })

  const resetInvalid = (reply: FastifyReply) =>
    reply.code(400).render('accounts/link-invalid.njk', { title: 'This link has expired or has already been used', kind: 'reset', noindex: true })
  const renderReset = (reply: FastifyReply, token: string, errors?: Record<string, string>) =>
    reply.code(errors ? 422 : 200).render('accounts/reset-password.njk', { title: 'Choose a new password', token, errors, noindex: true })

  app.get('/reset-password', { config: { serves: 'form' }, schema: { querystring: query({ token: text(200) }) } }, async (request, reply) => {
    const token = tokenParam(request.query.token)
    if (!token || !(await resetTokenIsLive(app.db, token))) return resetInvalid(reply)
    return renderReset(reply, token)
  })

  app.post('/reset-password', { config: { ...LIMITED, ...OWN } }, async (request, reply) => {
    const data = body(request)
    const token = tokenParam(data.token)
    if (!token || !(await resetTokenIsLive(app.db, token))) return resetInvalid(reply)
    const passwordError = checkPassword(data.password, 'new password')
    if (passwordError) return renderReset(reply, token, { password: passwordError })
    const passwordHash = await hashPassword(String(data.password), app.config.passwordCost)
    const userId = await app.db.transaction().execute(async (trx) => {
      const id = await resetPassword(trx, token, passwordHash)
      // resetPassword ended every session, the current browser's included; start a fresh one.
      if (id) {
        const { token: session, expiresAt } = await createSession(trx, id)
        setSessionCookie(app, reply, session, expiresAt)
        rotateCsrf(request, reply)
      }
      return id
    })
    if (!userId) return resetInvalid(reply)
    return reply.redirect('/account/profile?done=password', 303)
  })

  // ---------- People ----------
  app.get('/people', { config: { serves: 'page', cache: true }, schema: { querystring: query({ after: cursor }) } }, async (request, reply) => {
    const after = decodeCursor(request.query.after)
    const rows = await listListedPeople(app.db, after, PEOPLE_PAGE)
    const page = paginate(rows, PEOPLE_PAGE, (p) => ({ at: p.name, id: p.id }))
    return reply.render('accounts/people.njk', {
      title: after ? 'People (continued)' : 'People',
      people: page.items,
      next: page.next ? `/people?after=${encodeURIComponent(page.next)}` : null,
      isLaterPage: after !== null,
      noindex: after !== null,
      canonicalUrl: `${app.config.baseUrl}/people`,
      metaDescription: 'People working in the open across the public sector, and what they work on.',
    })
  })

  app.get('/people/:handle', { config: { serves: 'page', cache: true, shows: 'person' }, schema: { params: params({ handle: slug }) } }, async (request, reply) => {
    const raw = request.params.handle
    const person = await findVisiblePerson(app.db, request.actor, raw)
    if (!person) {
      // A changed handle: the old address leads to the new one, as a renamed project's does.
      const moved = await movedHandle(app.db, request.actor, raw)
      if (moved) return reply.redirect(`/people/${moved}`, 301)
      throw notFound()
    }
    if (raw !== person.handle) return reply.redirect(`/people/${person.handle}`, 301)
    const panels = await app.panels(request, 'person', { id: person.id, slug: person.handle })
    return reply.render('accounts/person.njk', {
      title: person.name,
      person,
      panels,
      // readerIs: noted, so the page stays shared between readers who are not this person (decision 0028).
      isSelf: readerIs(request.actor, person.id),
      feeds: feedLinks(`/people/${person.handle}`, person.name),
      canonicalUrl: `${app.config.baseUrl}/people/${person.handle}`,
      noindex: !person.public,
      metaDescription: [person.role, person.bio].filter(Boolean).join('. ') || `${person.name} on Openly`,
      ogType: 'profile',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'People', href: '/people' }],
    })
  })

  // ---------- Your profile ----------
  // One list for the process: the select's options are written once (core/views/long-options.ts).
  const zoneOptions = timeZones().map((z) => ({ value: z, text: z.replace(/_/g, ' ') }))
  // `handle` is the one saved (the link to their profile), whatever the form holds.
  const renderProfile = (reply: FastifyReply, handle: string, values: Record<string, string>, errors?: Record<string, string>, flash?: string) =>
    reply.code(errors ? 422 : 200).render('accounts/profile-edit.njk', { title: 'Edit your profile', handle, values, errors, flash, noindex: true, zoneOptions })

  // Read through the reader's facts (readerProfile; the time zone is in a shared page's key): the rendered form is
  // kept and served again to them until a field changes, their header and token put in (decision 0042).
  app.get('/account/profile', { config: { serves: 'form', signIn: true, cache: true, cacheQuery: ['done'] }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    const me = await readerProfile(app.db, request.actor)
    if (!me) throw notFound()
    const done = request.query.done
    const flash =
      done === 'saved' ? 'Your profile has been saved' : done === 'verified' ? 'Your email address is confirmed and you are signed in' : done === 'password' ? 'Your password has been changed and you are signed in' : undefined
    return renderProfile(reply, me.handle, { name: me.name, handle: me.handle, role: me.role, bio: me.bio, skills: splitStored(me.skills).join(', '), interests: splitStored(me.interests).join(', '), listed: Number(me.listed) === 1 ? 'yes' : '', timeZone: request.user!.timeZone }, undefined, flash)
  })

  app.post('/account/profile', { config: { signIn: true } }, async (request, reply) => {
    const user = request.user!
    const data = body(request)
    const parsed = parseInput(profileSchema, data)
    const handle = normaliseHandle(data.handle)
    const handleError = checkHandle(handle)
    if (!parsed.ok || handleError) {
      const errors = orderErrors(Object.keys(profileSchema), parsed.ok ? {} : parsed.errors, handleError ? { handle: handleError } : {})
      const values = parsed.ok ? { ...parsed.value, skills: parsed.value.skills.join(', '), interests: parsed.value.interests.join(', '), listed: parsed.value.listed ? 'yes' : '' } : parsed.input
      return renderProfile(reply, user.handle, { ...values, handle }, errors)
    }
    const values = parsed.value
    try {
      await app.db.transaction().execute((trx) => updateProfile(trx, user.id, { ...values, handle }))
    } catch (err) {
      const fields = err instanceof AppError ? err.fields : isUniqueViolation(err) ? { handle: 'That handle is already taken – choose another' } : undefined
      if (!fields) throw err
      return renderProfile(reply, user.handle, { ...values, handle, skills: values.skills.join(', '), interests: values.interests.join(', '), listed: values.listed ? 'yes' : '' }, fields)
    }
    return reply.redirect('/account/profile?done=saved', 303)
  })
}
