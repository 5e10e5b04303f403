import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sql, type CompiledQuery } from 'kysely'
import type { Actor, ContentColumns } from '../access/policy.ts'
import { answerOf, traceReader, type ReaderFact, type ReaderTrace } from '../access/reader-trace.ts'
import type { SessionUser } from '../auth/sessions.ts'
import type { CachedPage, PageCache, Stamp } from './page-cache.ts'
import { compressOnce, preferredEncoding } from './compressed.ts'
import type { SingleFlight } from './single-flight.ts'
import { etagOf } from '../http/conditional.ts'
import { COMPRESS_THRESHOLD, COMPRESSIBLE } from '../http/transport.ts'
import { SHARED_MARKS } from './shared-marks.ts'
import { ownedUtf8 } from './owned-bytes.ts'
import { newSubmissionToken } from '../http/submissions.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The page cache's key of a cacheable GET (set for every reader, signed in or not). */
    pageCacheKey: string | null
    /** A signed-in rendering that may be shared with readers of the same standing (see below), while it renders. */
    sharedRendering: SharedRendering | null
  }
}

interface SharedRendering {
  key: string
  stamp: Stamp
  trace: ReaderTrace
  /** The reader as they are (the request holds traced proxies while the page renders). */
  user: SessionUser
  actor: Actor
  locals: Record<string, unknown>
  formToken: (() => string) | null
}

/** A stored shared page: its text cut at the marks, and to which readers it is theirs too. */
export interface SharedPage {
  /** UTF-8 already: writing a 20–30 kB string to the socket was the largest cost of serving one (a sixth). */
  pieces: Buffer[]
  /** What goes between pieces[i] and pieces[i + 1]. */
  slots: Array<'header' | 'token' | 'submission'>
  /** As the rendering sent it (a page is HTML, the sitemap XML). */
  contentType: string
  /** Access filters with an author clause that the page applied: a reader with an unpublished or hidden row there differs. */
  filters: ContentColumns[]
  /** Whom a rule compared the reader with: the page may differ for them (an edit link). */
  authorIds: ReadonlySet<string>
  /** Personal facts the page read (on this team, following it, the projects they are on). */
  facts: ReaderFact[]
  /** What the filters and facts found for the reader it was rendered for (`Answers.key`). */
  answers: string
  /**
   * The one reader it is for, when it showed them something of their own (they wrote what a rule compared, or have
   * a draft or hidden row in a filtered table); null when any reader with the same answers may be served it.
   */
  owner: string | null
}

/** What a page's filters and facts find for one reader. */
interface Answers {
  /** Filters (true: the reader has rows only an author sees there) then facts (answerOf), as one string. */
  key: string
  /** The facts' answers alone, in the page's order. */
  facts: string[]
  /** The page shows this reader something of their own: it can be theirs alone. */
  own: boolean
}

const MARKS = new RegExp(`(${SHARED_MARKS.header}|${SHARED_MARKS.token}|${SHARED_MARKS.submission})`)
/**
 * A create form's one-time token (partials/submission.njk), wherever on the page it was rendered (panels too): each
 * serving gets a fresh one, or two readers (or one reader's two tabs) would share it and a second comment be taken
 * for a resend of the first (core/http/submissions.ts). Communities' forms carry their own key (`submission_id`, the
 * same shape), kept on the thread or reply it created: the same holds.
 */
const SUBMISSION = /(name="(?:_submission|submission_id)" value=")[A-Za-z0-9_-]{16,64}(")/g
/** A shared page's text is kept once, as its pieces. */
const EMPTY = Buffer.alloc(0)
const COLUMN = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/

function cut(html: string, contentType: string, filters: ContentColumns[], authorIds: ReadonlySet<string>, facts: ReaderFact[]): Omit<SharedPage, 'answers' | 'owner'> {
  const parts = html.replace(SUBMISSION, `$1${SHARED_MARKS.submission}$2`).split(MARKS)
  const pieces: Buffer[] = []
  const slots: SharedPage['slots'] = []
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) pieces.push(ownedUtf8(parts[i]!))
    else slots.push(parts[i] === SHARED_MARKS.header ? 'header' : parts[i] === SHARED_MARKS.token ? 'token' : 'submission')
  }
  return { pieces, slots, contentType, filters, authorIds, facts }
}

const USER = '\u0001user'
const NOW = '\u0001now'
/** Where the i-th value of a fact's matched columns goes in a compiled probe. */
const VALUE = '\u0001value '
const tableOf = (column: string) => column.split('.')[0]!

function assemble(page: Pick<SharedPage, 'pieces' | 'slots'>, header: () => string, token: () => string): Buffer {
  if (page.slots.length === 0) return page.pieces[0]!
  const out: Buffer[] = [page.pieces[0]!]
  for (let i = 0; i < page.slots.length; i++) {
    const slot = page.slots[i]
    out.push(Buffer.from(slot === 'header' ? header() : slot === 'token' ? token() : newSubmissionToken()), page.pieces[i + 1]!)
  }
  return Buffer.concat(out)
}

/**
 * Pages rendered once for every signed-in reader of the same standing (decision 0023). Two signed-in readers get the
 * same page, but for the header (their name, notifications, the sign-out form) and the CSRF token, when both are
 * platform admins or neither is (admins see hidden content), they are in the same time zone, they have the same
 * standing in spaces (every membership, role and state: the same access filter; most readers belong nowhere and share
 * one standing), and the page's personal facts find the same for both (on its team or not, following it or not: the
 * team's view of a project is shared by its team, decision 0039). A page that showed its reader something of their own
 * (a draft, a scheduled, hidden or held row that the page's access filters show only to its author; what they wrote,
 * compared by a rule: an edit link) is theirs alone, served again to them only. The page is rendered once, for the
 * first such reader, with marks where the header and token go, and its text kept in the page cache beside the
 * anonymous pages (same bounds, same schedule; voided by every write others may see: READERS_TOPIC, or for a write in a
 * members-only space only the pages of standings that include it, decision 0034). Readers whom a stored page does not
 * fit get their own variant, kept under the page's key and their answers to its facts.
 *
 * Rendered as a real reader whose actor and user are traced (core/access/reader-trace.ts): the rendering is kept
 * only if it read nothing about who they are but through the access filter and reader facts. A rule that reads the
 * reader's id by hand marks the page personal, and such pages are simply rendered every time. So a route needs no
 * declaration to be safe here: every `cache: true` page, form and feed is tried (a feed has no header: it is kept whole),
 * and only what provably depended on the reader through what is checked for the next reader is shared. Responses stay
 * `Cache-Control: private` with `Vary: Cookie` (cache-headers.ts).
 */
export function installSharedRendering(app: FastifyInstance, cache: PageCache, flights: SingleFlight): void {
  app.decorateRequest('pageCacheKey', null)
  app.decorateRequest('sharedRendering', null)
  const probes = new Map<string, { compiled: CompiledQuery; lists: CompiledQuery[] }>()

  /**
   * The statements that ask a reader a page's filters and facts, compiled once per shape (its filters, and the tables
   * and columns of its facts) and bound per reader and page. One statement answers the filters (`f0`…: does the reader
   * have a row there that only its author sees?) and the single-row facts (`e0`…: has a row; `c0_0`…: its selected
   * values); a list fact (every project they are on) is one statement of its own.
   */
  function probeFor(filters: readonly ContentColumns[], facts: readonly ReaderFact[]) {
    const signature = filters.map((f) => `${f.author}|${f.visibleFrom ?? ''}|${f.hidden ?? ''}`).join(',') + ';' + facts.map((f) => `${f.table}|${f.reader}|${Object.keys(f.match).sort().join('|')}|${f.select.join('|')}|${f.list}`).join(',')
    let probe = probes.get(signature)
    if (!probe) {
      const columns = []
      const lists: CompiledQuery[] = []
      for (const [i, f] of filters.entries()) {
        const own = [f.visibleFrom && sql`${sql.ref(f.visibleFrom)} is null or ${sql.ref(f.visibleFrom)} > ${NOW}`, f.hidden && sql`${sql.ref(f.hidden)} is not null`].filter((c) => !!c)
        columns.push(sql`case when exists (select 1 from ${sql.table(tableOf(f.author!))} where ${sql.ref(f.author!)} = ${USER} and (${sql.join(own, sql` or `)})) then 1 else 0 end as ${sql.ref(`f${i}`)}`)
      }
      let value = 0
      for (const [i, f] of facts.entries()) {
        const where = sql.join([sql`${sql.ref(`${f.table}.${f.reader}`)} = ${USER}`, ...Object.keys(f.match).sort().map((column) => sql`${sql.ref(`${f.table}.${column}`)} = ${VALUE + value++}`)], sql` and `)
        if (f.list) {
          const order = f.select.length > 0 ? f.select : [f.reader]
          lists.push(sql`select ${sql.join(order.map((c) => sql.ref(c)))} from ${sql.table(f.table)} where ${where} order by ${sql.join(order.map((c) => sql.ref(c)))}`.compile(app.db))
          continue
        }
        columns.push(sql`case when exists (select 1 from ${sql.table(f.table)} where ${where}) then 1 else 0 end as ${sql.ref(`e${i}`)}`)
        for (const [j, c] of f.select.entries()) columns.push(sql`(select ${sql.ref(c)} from ${sql.table(f.table)} where ${where} limit 1) as ${sql.ref(`c${i}_${j}`)}`)
      }
      probe = { compiled: sql`select ${columns.length > 0 ? sql.join(columns) : sql`1 as one`}`.compile(app.db), lists }
      probes.set(signature, probe)
    }
    return probe
  }

  /** The filters a probe can check: author, publication and hidden columns of one table (else the page is personal). */
  const probeable = (f: ContentColumns) => [f.author, f.visibleFrom, f.hidden].every((c) => c === undefined || (COLUMN.test(c) && tableOf(c) === tableOf(f.author!)))

  /** What a page's filters and facts find for this reader (one statement, and one per list fact). */
  async function answersFor(user: SessionUser, page: Pick<SharedPage, 'filters' | 'authorIds' | 'facts'>): Promise<Answers> {
    const wrote = page.authorIds.has(user.id)
    if (page.filters.length === 0 && page.facts.length === 0) return { key: '[[],[]]', facts: [], own: wrote }
    const { compiled, lists } = probeFor(page.filters, page.facts)
    const now = new Date().toISOString()
    const values = page.facts.flatMap((f) => Object.keys(f.match).sort().map((column) => f.match[column]!))
    const bind = (p: unknown) => (p === USER ? user.id : p === NOW ? now : values[Number(String(p).slice(VALUE.length))])
    const [row, ...listed] = await Promise.all([
      app.db.executeQuery<Record<string, unknown>>({ ...compiled, parameters: compiled.parameters.map(bind) }).then((r) => r.rows[0] ?? {}),
      ...lists.map((q) => app.db.executeQuery<Record<string, unknown>>({ ...q, parameters: q.parameters.map(bind) }).then((r) => r.rows)),
    ])
    const found = page.filters.map((_, i) => Number(row[`f${i}`]) === 1)
    let list = 0
    const facts = page.facts.map((f, i) => (f.list ? answerOf(f, listed[list++]!) : Number(row[`e${i}`]) === 1 ? answerOf(f, [Object.fromEntries(f.select.map((c, j) => [c, row[`c${i}_${j}`]]))]) : ''))
    return { key: JSON.stringify([found, facts]), facts, own: wrote || found.includes(true) }
  }

  /** Whether a stored page is this reader's too: their answers are the page's, and it is theirs if it is anyone's alone. */
  const fits = (page: SharedPage, user: SessionUser, answers: Answers) => answers.key === page.answers && (page.owner === null ? !answers.own : page.owner === user.id)

  /** Where a reader whom the page under `key` does not fit finds (or leaves) their variant of it. */
  const variantKey = (key: string, user: SessionUser, answers: Answers) => `${key} ${createHash('sha256').update(answers.key).update(answers.own ? ` ${user.id}` : '').digest('base64url').slice(0, 22)}`

  /**
   * The reader's standing in spaces (every membership, with its role and state), which decides what the access
   * filter shows them: readers with the same standing get the same filter. '' for the many who belong nowhere.
   */
  const standingQuery = sql<{ space_id: string; role: string; status: string }>`select space_id, role, status from space_members where user_id = ${USER} order by space_id`.compile(app.db)
  /**
   * An admin's live grants to read members-only spaces (spaceVisible): part of their standing, or an admin who opened a
   * space would leave its content in a page served to admins who did not (decision 0042). Admins only.
   */
  const grantsQuery = sql<{ space_id: string; role: string; status: string }>`select distinct space_id, 'admin' as role, 'granted' as status from space_admin_access where admin_id = ${USER} and expires_at > ${NOW} order by space_id`.compile(app.db)
  async function standingOf(user: SessionUser): Promise<{ key: string; spaces: string[] }> {
    const [{ rows: members }, grants] = await Promise.all([
      app.db.executeQuery<{ space_id: string; role: string; status: string }>({ ...standingQuery, parameters: [user.id] }),
      user.isAdmin ? app.db.executeQuery<{ space_id: string; role: string; status: string }>({ ...grantsQuery, parameters: [user.id, new Date().toISOString()] }).then((r) => r.rows) : [],
    ])
    const rows = grants.length === 0 ? members : [...members, ...grants]
    if (rows.length === 0) return { key: '', spaces: [] }
    // The spaces too: a write in a members-only space voids only the pages of standings that include it.
    return { key: createHash('sha256').update(rows.map((r) => `${r.space_id} ${r.role} ${r.status}`).join('\n')).digest('base64url').slice(0, 22), spaces: rows.map((r) => r.space_id) }
  }

  const chrome = () => app.views.getGlobal('chrome') as { personal(path: string, user: SessionUser, token: string, count: number | null): string }

  function personalise(request: FastifyRequest, reply: FastifyReply, page: Pick<SharedPage, 'pieces' | 'slots'>, user: SessionUser, locals: Record<string, unknown>, formToken: (() => string) | null): Buffer {
    let token: string | null = null
    const tokenOf = () => (token ??= formToken?.() ?? reply.generateCsrf())
    const path = request.url.split('?')[0]!
    return assemble(page, () => chrome().personal(path, user, tokenOf(), (locals.notificationCount as number | undefined) ?? null), tokenOf)
  }

  /**
   * A rendering not kept, made the reader's: their header and token at its marks, joined as text (nothing to cut into
   * pieces), then made UTF-8 once, as an anonymous page is (cache/plugin.ts): the ETag's hash and the socket both take
   * the bytes, where a string would be encoded by each.
   */
  function personaliseText(request: FastifyRequest, reply: FastifyReply, html: string, user: SessionUser, locals: Record<string, unknown>, formToken: (() => string) | null): Buffer {
    const parts = html.split(MARKS)
    if (parts.length === 1) return Buffer.from(html)
    let token: string | null = null
    const tokenOf = () => (token ??= formToken?.() ?? reply.generateCsrf())
    const path = request.url.split('?')[0]!
    let out = parts[0]!
    for (let i = 1; i < parts.length; i += 2) {
      const slot = parts[i] === SHARED_MARKS.header ? chrome().personal(path, user, tokenOf(), (locals.notificationCount as number | undefined) ?? null) : parts[i] === SHARED_MARKS.token ? tokenOf() : newSubmissionToken()
      out += slot + parts[i + 1]!
    }
    return Buffer.from(out)
  }

  /**
   * Serves a stored shared page. One with no slots (nothing personal in it: a sitemap part) is the same bytes for
   * every reader, so it is sent as stored, with its ETag and compressed bodies made once (decision 0034): a 1 MB part
   * was joined, hashed and compressed again for every request.
   */
  function serve(request: FastifyRequest, reply: FastifyReply, entry: CachedPage, page: SharedPage, user: SessionUser) {
    reply.header('x-cache', 'shared').type(page.contentType)
    if (page.slots.length > 0) return reply.send(personalise(request, reply, page, user, reply.locals, request.formToken))
    if (entry.etag) reply.header('etag', entry.etag)
    const encoding = entry.compressed ? preferredEncoding(request.headers['accept-encoding']) : null
    if (encoding && entry.compressed) return reply.header('content-encoding', encoding).send(entry.compressed[encoding])
    return reply.send(page.pieces[0]!)
  }

  /** Stores a shared page; one without slots also gets its ETag now and its compressed bodies off the request path. */
  function keep(request: FastifyRequest, key: string, stamp: Stamp, page: SharedPage): void {
    const whole = page.slots.length === 0 ? page.pieces[0]! : null
    if (!cache.store(key, stamp, { body: EMPTY, compressed: null, headers: {}, notModified: null, etag: whole ? etagOf(whole) : null, shared: page }) || !whole) return
    if (whole.length < COMPRESS_THRESHOLD || !COMPRESSIBLE.test(page.contentType)) return
    compressOnce(whole).then(
      (compressed) => cache.attachCompressed(key, EMPTY, compressed, page),
      (err) => request.log.warn({ err }, 'page cache: compressing a shared page failed; it is served uncompressed'),
    )
  }

  // After the session (a signed-in reader's own hooks have run): serve a shared page, or render one to share.
  app.addHook('preHandler', async (request, reply) => {
    const user = request.user
    const config = request.routeOptions.config
    if (!user || request.method !== 'GET' || config.cache !== true || (config.serves !== 'page' && config.serves !== 'feed' && config.serves !== 'form') || request.pageCacheKey === null || cache.suspended) return
    // A refused address has a banner of its own: always rendered. Admins see hidden content: they share with admins.
    if (user.mailBouncedAt) return
    const standing = await standingOf(user)
    const key = `reader ${user.timeZone} ${user.isAdmin ? 'admin' : 'reader'} ${standing.key} ${request.pageCacheKey}`
    let entry = cache.get(key)
    if (!entry?.shared) {
      // Readers of one standing asking for a page not stored yet: the first renders it, the others wait for it.
      const waiting = flights.board(key, request)
      if (waiting) {
        await waiting
        entry = cache.get(key)
      } else reply.raw.once('close', () => flights.land(key, request))
    }
    let renderAs = key
    if (entry?.shared) {
      const answers = await answersFor(user, entry.shared)
      if (fits(entry.shared, user, answers)) return serve(request, reply, entry, entry.shared, user)
      // Not this reader's page (on its team, following it, an author of it): their variant, or they render it.
      renderAs = variantKey(key, user, answers)
      const variant = cache.get(renderAs)
      if (variant?.shared && fits(variant.shared, user, await answersFor(user, variant.shared))) return serve(request, reply, variant, variant.shared, user)
    }
    const trace: ReaderTrace = { filters: new Map(), authorIds: new Set(), facts: new Map(), personal: null }
    request.sharedRendering = { key: renderAs, stamp: cache.readersStamp(standing.spaces), trace, user, actor: request.actor, locals: reply.locals, formToken: request.formToken }
    const traced = traceReader(request.actor, user, trace)
    request.actor = traced.actor
    request.user = traced.user
    request.formToken = () => SHARED_MARKS.token
    reply.locals = {}
  })

  // Before compression and validators: puts the reader's own header and token in, and keeps what may be shared.
  app.addHook('onSend', async (request, reply, payload) => {
    const shared = request.sharedRendering
    if (!shared) return payload
    request.sharedRendering = null
    request.actor = shared.actor
    request.user = shared.user
    request.formToken = shared.formToken
    reply.locals = shared.locals
    if (typeof payload !== 'string') return payload
    const filters = [...shared.trace.filters.keys()].sort().map((k) => shared.trace.filters.get(k)!)
    if (!filters.every(probeable)) shared.trace.personal ??= 'a filter across tables'
    const noted = [...shared.trace.facts.keys()].sort().map((k) => shared.trace.facts.get(k)!)
    // A page the cache would not admit yet (a query string asked for the first time: a search nobody asked before)
    // is not cut into pieces to keep: the reader's header and token go straight into its text (decision 0040).
    const storable = reply.statusCode === 200 && shared.trace.personal === null && !reply.hasHeader('set-cookie')
    if (!storable || !cache.admits(shared.key)) {
      if (shared.trace.personal !== null) request.log.debug({ why: shared.trace.personal }, 'shared rendering: personal, not kept')
      flights.land(shared.key, request)
      return personaliseText(request, reply, payload, shared.user, shared.locals, shared.formToken)
    }
    const cutPage = cut(payload, String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8'), filters, shared.trace.authorIds, noted.map((n) => n.fact))
    // Asked again now, as the next reader will be: a fact that changed while the page rendered keeps it unstored.
    const answers = await answersFor(shared.user, cutPage)
    if (noted.every((n, i) => n.answer === answers.facts[i])) keep(request, shared.key, shared.stamp, { ...cutPage, answers: answers.key, owner: answers.own ? shared.user.id : null })
    // Readers of this standing waiting for the page are served it now (stored) or render for themselves (not).
    flights.land(shared.key, request)
    return personalise(request, reply, cutPage, shared.user, shared.locals, shared.formToken)
  })
}
