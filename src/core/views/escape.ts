import nunjucks from 'nunjucks'

/** Nunjucks' own autoescape (its `lib.escape`, untyped in @types/nunjucks): text put into markup a template wrote must match it. */
export const escapeLikeNunjucks = (nunjucks.lib as unknown as { escape(text: string): string }).escape
