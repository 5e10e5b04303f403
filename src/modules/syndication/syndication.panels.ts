import type { PanelProvider } from '../../core/module.ts'

/** The admin page's "Feeds in" section: poll the due feeds now. */
export const adminPanel: PanelProvider = async (request) => request.server.views.render('syndication/_admin.njk', { csrfToken: request.formToken!() })
