/** The whole sitemap as one text: the index and every part it names, each fetched by the given reader. */
export async function wholeSitemap(get: (url: string) => Promise<{ body: string }>): Promise<string> {
  const index = (await get('/sitemap.xml')).body
  const parts = [...index.matchAll(/<sitemap><loc>([^<]+)<\/loc><\/sitemap>/g)].map((m) => new URL(m[1]!.replace(/&amp;/g, '&')))
  if (!index.includes('<sitemapindex') || parts.length === 0) throw new Error(`/sitemap.xml is not a sitemap index: ${index.slice(0, 200)}`)
  const bodies = await Promise.all(parts.map(async (u) => (await get(u.pathname + u.search)).body))
  return [index, ...bodies].join('\n')
}
