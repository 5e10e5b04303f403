import assert from 'node:assert/strict'

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/[^\s]+$/.test(v)

/**
 * The rules of JSON Feed 1.1 (https://jsonfeed.org/version/1.1), checked field by field: required
 * fields, types, RFC 3339 dates, 1.1's `authors` (objects with at least one of name, url, avatar) in
 * place of 1.0's deprecated `author`, and item ids unique strings.
 */
export function assertJsonFeed11(feed: any): void {
  assert.equal(feed.version, 'https://jsonfeed.org/version/1.1')
  assert.equal(typeof feed.title, 'string')
  assert.ok(feed.title.length > 0, 'title')
  for (const key of ['home_page_url', 'feed_url', 'icon', 'favicon']) if (key in feed) assert.ok(isUrl(feed[key]), `${key} is a URL`)
  if ('language' in feed) assert.match(feed.language, /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/)
  assert.ok(!('author' in feed), 'author is deprecated in 1.1: use authors')
  const checkAuthors = (authors: unknown, where: string) => {
    assert.ok(Array.isArray(authors), `${where}: authors is an array`)
    for (const a of authors as any[]) {
      assert.equal(typeof a, 'object', where)
      assert.ok(['name', 'url', 'avatar'].some((k) => typeof a[k] === 'string'), `${where}: an author has a name, url or avatar`)
      if ('url' in a) assert.ok(isUrl(a.url), `${where}: author url`)
    }
  }
  if ('authors' in feed) checkAuthors(feed.authors, 'feed')
  assert.ok(Array.isArray(feed.items), 'items is an array')
  const ids = new Set<string>()
  for (const item of feed.items) {
    assert.equal(typeof item.id, 'string', 'item id is a string')
    assert.ok(!ids.has(item.id), `item ids are unique: ${item.id}`)
    ids.add(item.id)
    assert.ok(typeof item.content_html === 'string' || typeof item.content_text === 'string', 'content_html or content_text')
    for (const key of ['url', 'external_url', 'image', 'banner_image']) if (key in item) assert.ok(isUrl(item[key]), `${key} is a URL`)
    for (const key of ['date_published', 'date_modified']) if (key in item) assert.match(item[key], RFC3339, key)
    for (const key of ['title', 'summary']) if (key in item) assert.equal(typeof item[key], 'string', key)
    if ('tags' in item) assert.ok(Array.isArray(item.tags) && item.tags.every((t: unknown) => typeof t === 'string'), 'tags')
    assert.ok(!('author' in item), 'item author is deprecated in 1.1: use authors')
    if ('authors' in item) checkAuthors(item.authors, `item ${item.id}`)
  }
}
