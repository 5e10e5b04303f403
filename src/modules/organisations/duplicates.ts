/** Words that say what kind of body something is, not which one: "Northshire County Council" ≈ "Northshire Council". */
const GENERIC = new Set(['the', 'and', 'for', 'of', 'council', 'county', 'city', 'borough', 'district', 'town', 'city', 'municipality', 'government', 'department', 'ministry', 'agency', 'office', 'trust', 'foundation', 'project', 'service', 'services', 'ltd', 'limited', 'cic', 'inc', 'open'])

/** The distinguishing words of a name: lower case, accents folded, generic words dropped. */
export function nameWords(name: string): string[] {
  const folded = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
  return [...new Set(folded.match(/[\p{L}\p{N}]+/gu) ?? [])].filter((w) => w.length > 1 && !GENERIC.has(w))
}

/** How alike two names are, 0 to 1: the share of distinguishing words they have in common (Jaccard). */
export function nameSimilarity(a: string, b: string): number {
  const x = new Set(nameWords(a))
  const y = new Set(nameWords(b))
  if (x.size === 0 || y.size === 0) return a.trim().toLowerCase() === b.trim().toLowerCase() ? 1 : 0
  const shared = [...x].filter((w) => y.has(w)).length
  return shared / (x.size + y.size - shared)
}

/** Names alike enough to ask "is this the same one?". */
export const LIKELY_SAME = 0.6
