import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type nunjucks from 'nunjucks'
import type { Config } from '../../config.ts'
import type { SessionUser } from '../auth/sessions.ts'
import { errorList } from '../http/forms.ts'
import type { AppModule } from '../module.ts'
import { compileAssets, type CompiledAssets } from './assets.ts'
import { buildChrome } from './chrome.ts'
import { DEFAULT_TIME_ZONE } from '../time.ts'
import { registerIcons } from './icons.ts'
import { createViewEnvironment } from './environment.ts'
import { staticAsset } from './static-asset.ts'
import { SHARED_MARKS } from '../cache/shared-marks.ts'
import { escapeLikeNunjucks } from './escape.ts'
import { emptyTrace, readNothingPersonal, sharedFieldsKey, traceReader, untrace } from '../access/reader-trace.ts'

/** Where the title and the content go in a layout rendered once (renderContent); private-use characters no template writes. */
const TITLE_MARK = '\uE020'
const CONTENT_MARK = '\uE021'

const fingerprint = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 10)

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const govukDist = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk')

declare module 'fastify' {
  interface FastifyInstance {
    views: nunjucks.Environment
    assets: CompiledAssets
  }
  interface FastifyReply {
    /** Renders a template with the page's common context (user, CSRF token, navigation) and sends it. */
    render(template: string, data?: Record<string, unknown>): FastifyReply
    /**
     * As render, for a template whose content is written outside Nunjucks (its `main` block is `{{ content | safe }}`):
     * for an anonymous reader the layout around it is rendered once per process and page data, and only the title and
     * the content are put in (decision 0036). Anyone else is rendered as by render.
     */
    renderContent(template: string, data: { title: string; content: string } & Record<string, unknown>): FastifyReply
  }
}

/**
 * Views and assets: the Nunjucks environment (core and module templates, GOV.UK macros, the header and footer
 * built once per process), `reply.render`, the compiled and fingerprinted stylesheet, Openly's icons, GOV.UK
 * Frontend's script and Openly's small enhancement script.
 */
export const viewsPlugin = fp(
  async (app: FastifyInstance, options: { config: Config; modules: AppModule[] }) => {
    const { config, modules } = options
    const assets = await compileAssets()
    const views = createViewEnvironment(modules.flatMap((m) => (m.views ? [m.views] : [])))
    const chrome = buildChrome(modules.flatMap((m) => m.nav ?? []).concat([{ href: '/search', text: 'Search' }]))
    views.addGlobal('assets', assets)
    views.addGlobal('chrome', chrome)
    views.addGlobal('baseUrl', config.baseUrl)
    app.decorate('views', views)
    app.decorate('assets', assets)

    app.decorateReply('render', function (this: any, template: string, data: Record<string, unknown> = {}) {
      const request = this.request
      const user: SessionUser | null = request.user
      // A cacheable page served to an anonymous reader has no form (see module-guide.md), so no CSRF token and no cookie.
      const needsToken = user !== null || request.routeOptions.config.cache !== true
      // A rendering to be shared between signed-in readers has marks where each reader's header and token go.
      const shared = request.sharedRendering
      const context = {
        ...(shared ? {} : this.locals),
        ...data,
        user,
        timeZone: user?.timeZone ?? DEFAULT_TIME_ZONE,
        csrfToken: shared ? SHARED_MARKS.token : needsToken ? (request.formToken?.() ?? this.generateCsrf()) : null,
        sharedHeader: shared ? SHARED_MARKS.header : null,
        currentPath: request.url.split('?')[0],
        // A flash message is a route's own text looked up by `?done=`; a lookup of `constructor` or `__proto__` in a
        // plain object gives a function or an object, never shown (one place for every route, present and future).
        flash: typeof data.flash === 'string' ? data.flash : undefined,
        errorList: data.errors ? errorList(data.errors as Record<string, string>) : undefined,
      }
      const html = views.render(template, context)
      return this.type('text/html; charset=utf-8').send(html)
    })

    // The layout of a content page, in pieces around the title's and the content's places: once per process, path and
    // page data for anonymous readers; once per standing's shared fields for a shared signed-in rendering (below).
    // null: the layout read something personal when first rendered for that key, so it is rendered in full each time.
    const frames = new Map<string, string[] | null>()
    const frameOf = (key: string, render: () => string | null): string[] | null => {
      let frame = frames.get(key)
      if (frame === undefined) {
        const html = render()
        frame = html === null ? null : html.split(/(\uE020|\uE021)/)
        if (frames.size >= 100) frames.clear()
        frames.set(key, frame)
      }
      return frame
    }
    app.decorateReply('renderContent', function (this: any, template: string, data: { title: string; content: string } & Record<string, unknown>) {
      const request = this.request
      const shared = request.sharedRendering
      // Anonymous readers of a cacheable route have no user, token, personal locals or flash: the layout depends only
      // on the path and the page's data. A rendering to be shared between signed-in readers has marks where each
      // reader's header and token go (core/cache/shared.ts), so its layout depends on the reader only through the
      // fields a shared rendering lets through unnoted (reader-trace.ts: admin or not, time zone, a bounced address),
      // which are in the frame's key; it is rendered with the reader traced, and kept only if it read nothing else.
      if (request.routeOptions.config.cache !== true || Object.keys(this.locals ?? {}).length > 0 || data.flash !== undefined || data.errors !== undefined) return this.render(template, data)
      if (request.user !== null && !shared) return this.render(template, data)
      const { title, content, ...rest } = data
      const currentPath = request.url.split('?')[0]
      const base = { ...rest, title: TITLE_MARK, content: CONTENT_MARK, currentPath, flash: undefined, errorList: undefined }
      const frame = shared
        ? frameOf(`shared\n${sharedFieldsKey(shared.user)}\n${template}\n${currentPath}\n${JSON.stringify(rest)}`, () => {
            const trace = emptyTrace()
            const { user } = traceReader(untrace(request.actor).actor, shared.user, trace)
            const html = views.render(template, { ...base, user, timeZone: shared.user.timeZone ?? DEFAULT_TIME_ZONE, csrfToken: SHARED_MARKS.token, sharedHeader: SHARED_MARKS.header })
            // Kept only if the layout read nothing of the reader but the fields in its key; else rendered in full each time.
            return readNothingPersonal(trace) ? html : null
          })
        : frameOf(`${template}\n${currentPath}\n${JSON.stringify(rest)}`, () => views.render(template, { ...base, user: null, timeZone: DEFAULT_TIME_ZONE, csrfToken: null, sharedHeader: null }))
      if (!frame) return this.render(template, data)
      const escapedTitle = escapeLikeNunjucks(title)
      let html = ''
      for (const piece of frame) html += piece === TITLE_MARK ? escapedTitle : piece === CONTENT_MARK ? content : piece
      return this.type('text/html; charset=utf-8').send(html)
    })

    app.get(assets.cssPath, { config: { serves: 'static' } }, staticAsset(assets.css, 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'))
    // GOV.UK Frontend's fonts, images and manifest are not served: Openly uses a system font stack and its own
    // icons (icons.ts), and the crown and GOV.UK's icons are reserved for GOV.UK by GOV.UK Frontend's licence.
    await registerIcons(app)
    // Scripts at fingerprinted paths, immutable for a year like the stylesheet: a new version is a new URL.
    // openly.js imports GOV.UK Frontend's module by its path, so that import names the fingerprinted path too.
    const govukJs = readFileSync(join(govukDist, 'govuk-frontend.min.js'), 'utf8')
    const govukJsPath = `/assets/govuk-frontend-${fingerprint(govukJs)}.min.js`
    const openlyJs = readFileSync(join(root, 'src', 'core', 'assets', 'openly.js'), 'utf8').replace("'/assets/govuk-frontend.min.js'", `'${govukJsPath}'`)
    const openlyJsPath = `/assets/openly-${fingerprint(openlyJs)}.js`
    views.addGlobal('scripts', { govuk: govukJsPath, openly: openlyJsPath })
    const immutable = 'public, max-age=31536000, immutable'
    app.get(govukJsPath, { config: { serves: 'static' } }, staticAsset(govukJs, 'text/javascript; charset=utf-8', immutable))
    app.get(openlyJsPath, { config: { serves: 'static' } }, staticAsset(openlyJs, 'text/javascript; charset=utf-8', immutable))
  },
  { name: 'openly-views' },
)
