import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'

// html: false means raw HTML in Markdown is shown as text; markdown-it also refuses javascript:/vbscript:/data: links.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false })

/**
 * Images are shown only from this site (uploads, `/images/…`). An image from another host would be fetched by each
 * reader's browser, telling that host who read what and when (a tracking pixel in a private space, decision 0019):
 * it becomes a link to the image instead, which nobody's browser follows unasked. The CSP's img-src says the same.
 */
function remoteImageAsLink(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const src = attribs.src ?? ''
  if (src.startsWith('/') && !src.startsWith('//') && !src.startsWith('/\\')) return { tagName, attribs }
  const url = URL.parse(src)
  const description = `Image: ${attribs.alt || 'no description'}`
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return { tagName: 'span', attribs: {}, text: attribs.alt ? description : '' }
  return { tagName: 'a', attribs: { href: src, class: 'govuk-link', rel: 'nofollow ugc noopener' }, text: `${description} (${url.host})` }
}

// Defence in depth: whatever markdown-it emits still passes an allow-list sanitiser.
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'title'], ol: ['start'], th: ['style'], td: ['style'] },
  allowedStyles: { '*': { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https', 'http'] },
  allowProtocolRelative: false,
  transformTags: {
    // Headings inside user content start at h2: the page's h1 is the title.
    h1: 'h2',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, class: 'govuk-link', rel: 'nofollow ugc noopener' } }),
    p: (tagName, attribs) => ({ tagName, attribs: { ...attribs, class: 'govuk-body' } }),
    img: remoteImageAsLink,
  },
  allowedClasses: { a: ['govuk-link'], p: ['govuk-body'] },
}

/** Renders user Markdown to safe HTML: no scripts, no event handlers, no javascript: links, whatever is pasted in. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(md.render(source ?? ''), { ...SANITIZE, allowedAttributes: { ...SANITIZE.allowedAttributes, a: ['href', 'title', 'class', 'rel'], p: ['class'] } })
}

/** Sanitises HTML from elsewhere (syndicated feeds) with the same allow-list. */
export function sanitizeUserHtml(html: string): string {
  return sanitizeHtml(html ?? '', { ...SANITIZE, allowedAttributes: { ...SANITIZE.allowedAttributes, a: ['href', 'title', 'class', 'rel'], p: ['class'] } })
}

/** Plain text of Markdown (for search bodies, summaries and feed descriptions). */
export function markdownToText(source: string): string {
  return sanitizeHtml(md.render(source ?? ''), { allowedTags: [], allowedAttributes: {} })
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * The addresses a text links to once rendered: links and images, and the web and e-mail addresses the
 * renderer turns into links, leaving out links within the site (relative ones). Exactly what the page
 * would link to, so trust levels hold a new account's content when this is not empty.
 */
export function outboundLinks(source: string): string[] {
  const found: string[] = []
  const walk = (tokens: ReturnType<typeof md.parse>) => {
    for (const token of tokens) {
      const target = String((token.type === 'link_open' ? token.attrGet('href') : token.type === 'image' ? token.attrGet('src') : null) ?? '')
      if (/^(https?:|mailto:|\/\/)/i.test(target)) found.push(target)
      if (token.children) walk(token.children)
    }
  }
  walk(md.parse(source ?? '', {}))
  return found
}
