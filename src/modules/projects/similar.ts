/** Words too common to say two projects are alike. */
const STOP = new Set('about after also and are because been being between both but can could does for from have help helps into its more most not our out over people project projects public service services such than that the their them then there these they this those through use used uses using was were what when where which while who will with work works would your'.split(' '))

/** The distinct meaningful words of a text: lower case, four letters or more, no common words. */
export function wordsOf(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/\p{L}{4,}/gu) ?? []).filter((w) => !STOP.has(w)))
}

export interface Candidate {
  id: string
  slug: string
  name: string
  summary: string
  problem: string
  themes: string[]
  technologies: string[]
}

export interface Match {
  id: string
  slug: string
  name: string
  summary: string
  score: number
  sharedThemes: string[]
  sharedTechnologies: string[]
  sharedWords: string[]
  /** Why it was matched, in words: "shares the theme transport; uses open source; both mention ferry". */
  why: string
}

function explain(themes: string[], technologies: string[], words: string[]): string {
  return [
    themes.length ? `shares the theme${themes.length > 1 ? 's' : ''} ${themes.join(', ')}` : '',
    technologies.length ? `uses ${technologies.join(', ')}` : '',
    words.length ? `both mention ${words.join(', ')}` : '',
  ].filter(Boolean).join('; ')
}

/**
 * Ranks candidates by what they share with the project: each shared theme counts 2, each shared technology 1,
 * and the overlap of the words of summary and problem (Jaccard) up to 4. Keeps what was shared, to explain it.
 */
export function rankSimilar(project: Omit<Candidate, 'id' | 'slug'>, candidates: Candidate[], limit: number): Match[] {
  const mine = wordsOf(`${project.name} ${project.summary} ${project.problem}`)
  return candidates
    .map((c) => {
      const theirs = wordsOf(`${c.name} ${c.summary} ${c.problem}`)
      const sharedWords = [...mine].filter((w) => theirs.has(w))
      const union = mine.size + theirs.size - sharedWords.length
      const sharedThemes = c.themes.filter((t) => project.themes.includes(t))
      const sharedTechnologies = c.technologies.filter((t) => project.technologies.includes(t))
      const score = sharedThemes.length * 2 + sharedTechnologies.length + (union ? (4 * sharedWords.length) / union : 0)
      return { id: c.id, slug: c.slug, name: c.name, summary: c.summary, score, sharedThemes, sharedTechnologies, sharedWords: sharedWords.slice(0, 5), why: explain(sharedThemes, sharedTechnologies, sharedWords.slice(0, 5)) }
    })
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, limit)
}
