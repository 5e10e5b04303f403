import type { NavItem } from '../module.ts'

/** The signed-in person as templates see them. */
export interface ViewUser {
  id: string
  handle: string
  name: string
  isAdmin: boolean
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/**
 * Header, navigation and footer are the same on every page, so they are built as strings once
 * per process (rendering GOV.UK macros per request is the main cost of a page). Only the
 * current-page marker and the account links vary, and those are string joins.
 */
export function buildChrome(nav: NavItem[]) {
  const logo = `<div class="govuk-generic-header__logo"><a href="/" class="govuk-generic-header__homepage-link"><span class="openly-logo">Openly</span><span class="govuk-visually-hidden"> home page</span></a></div>`

  /** A navigation item; `block` is the BEM block of its list (the service navigation, or the header's account links). */
  function item(href: string, text: string, currentPath: string, exact = false, block = 'govuk-service-navigation', extraClass = ''): string {
    const active = exact ? currentPath === href : currentPath === href || currentPath.startsWith(href + '/')
    const inner = active ? `<strong class="${block}__active-fallback">${text}</strong>` : text
    return `<li class="${block}__item${active ? ` ${block}__item--active` : ''}${extraClass}"><a class="${block}__link" href="${href}"${active ? ` aria-current="${currentPath === href ? 'page' : 'true'}"` : ''}>${inner}</a></li>`
  }

  /** The account's links (notifications, profile, admin, sign out; or sign in and sign up), as list items. */
  function accountItems(currentPath: string, user: ViewUser | null, csrfToken: string | null, notificationCount: number | null, block: string, extraClass: string): string {
    if (!user) return item('/sign-in', 'Sign in', currentPath, true, block, extraClass) + item('/sign-up', 'Create an account', currentPath, true, block, extraClass)
    const count = notificationCount ? ` <span class="openly-count">${notificationCount}<span class="govuk-visually-hidden"> unread</span></span>` : ''
    return (
      item('/timeline', 'Timeline', currentPath, false, block, extraClass) +
      item('/notifications', `Notifications${count}`, currentPath, false, block, extraClass) +
      item(`/people/${esc(user.handle)}`, 'Your profile', currentPath, false, block, extraClass) +
      (user.isAdmin ? item('/admin', 'Admin', currentPath, false, block, extraClass) : '') +
      `<li class="${block}__item${extraClass}"><form class="openly-inline-form" method="post" action="/sign-out"><input type="hidden" name="_csrf" value="${esc(csrfToken ?? '')}"><button class="${block}__link openly-link-button" type="submit">Sign out</button></form></li>`
    )
  }

  /**
   * The header: the logo and, from tablet width up, the account's links on the right, so the sections
   * and the account links each fit on one line at desktop widths. Below tablet width the account links
   * move into the service navigation's Menu instead (both are in the page; CSS shows one set, and
   * display:none keeps the other out of the accessibility tree).
   */
  function header(currentPath: string, user: ViewUser | null, csrfToken: string | null, notificationCount: number | null): string {
    const account = `<nav aria-label="Your account" class="openly-account-nav"><ul class="openly-account-nav__list">${accountItems(currentPath, user, csrfToken, notificationCount, 'openly-account-nav', '')}</ul></nav>`
    return `<div class="govuk-generic-header"><div class="govuk-generic-header__container govuk-width-container openly-header">${logo}${account}</div></div>`
  }

  function navigation(currentPath: string, user: ViewUser | null, csrfToken: string | null, notificationCount: number | null): string {
    const main = nav.map((n) => item(n.href, esc(n.text), currentPath)).join('')
    const account = accountItems(currentPath, user, csrfToken, notificationCount, 'govuk-service-navigation', ' openly-nav-account')
    return `<section aria-label="Site navigation" class="govuk-service-navigation" data-module="govuk-service-navigation"><div class="govuk-width-container"><div class="govuk-service-navigation__container"><nav aria-label="Menu" class="govuk-service-navigation__wrapper"><button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">Menu</button><ul class="govuk-service-navigation__list" id="navigation">${main}${account}</ul></nav></div></div></section>`
  }

  const footer = `<div class="govuk-footer"><div class="govuk-width-container"><div class="govuk-footer__meta"><div class="govuk-footer__meta-item govuk-footer__meta-item--grow"><h2 class="govuk-visually-hidden">Support links</h2><ul class="govuk-footer__inline-list"><li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/about">About Openly</a></li><li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/accessibility">Accessibility</a></li><li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/api/v1/openapi.json">API</a></li><li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/feed.atom">Atom feed</a></li><li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/sitemap.xml">Sitemap</a></li></ul><span class="govuk-footer__licence-description">Openly is open-source software. Content is by its authors.</span></div></div></div></div>`

  /** The header and the navigation together: what a page shared between signed-in readers has swapped in (core/cache/shared.ts). */
  function personal(currentPath: string, user: ViewUser | null, csrfToken: string | null, notificationCount: number | null): string {
    return header(currentPath, user, csrfToken, notificationCount) + navigation(currentPath, user, csrfToken, notificationCount)
  }

  return { header, navigation, personal, footer }
}
