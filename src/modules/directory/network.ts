import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { forceCenter, forceCollide, forceLink, forceManyBody, forceSimulation, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3-force'

export const NETWORK_WIDTH = 960
export const NETWORK_HEIGHT = 640

interface Node extends SimulationNodeDatum {
  id: string
  name: string
  slug: string
  degree: number
}

export interface Drawn {
  nodes: Array<{ x: number; y: number; r: number; name: string; slug: string; label: boolean }>
  links: Array<{ x1: number; y1: number; x2: number; y2: number; width: number }>
}

/**
 * Lays the organisations and their links out with d3-force on the server: a fixed number of ticks from
 * d3's deterministic starting spiral, so the same network draws the same picture (and caches well).
 */
export function layoutNetwork(pairs: Array<{ a: { id: string; name: string; slug: string }; b: { id: string; name: string; slug: string }; projects: number }>, labelled = 25): Drawn {
  const nodes = new Map<string, Node>()
  const node = (o: { id: string; name: string; slug: string }) => nodes.get(o.id) ?? nodes.set(o.id, { id: o.id, name: o.name, slug: o.slug, degree: 0 }).get(o.id)!
  const links: Array<SimulationLinkDatum<Node> & { projects: number }> = pairs.map((p) => {
    const a = node(p.a)
    const b = node(p.b)
    a.degree += p.projects
    b.degree += p.projects
    return { source: a, target: b, projects: p.projects }
  })
  const list = [...nodes.values()]
  const radius = (n: Node) => 4 + Math.min(12, Math.sqrt(n.degree) * 2)
  forceSimulation(list)
    .force('link', forceLink(links).distance(40))
    .force('charge', forceManyBody().strength(-60))
    .force('collide', forceCollide<Node>((n) => radius(n) + 2))
    .force('center', forceCenter(0, 0))
    .stop()
    .tick(250)
  // Fit the result into the picture, keeping a margin for labels.
  const xs = list.map((n) => n.x ?? 0)
  const ys = list.map((n) => n.y ?? 0)
  const [minX, maxX, minY, maxY] = [Math.min(...xs, 0), Math.max(...xs, 1), Math.min(...ys, 0), Math.max(...ys, 1)]
  const scale = Math.min((NETWORK_WIDTH - 160) / (maxX - minX || 1), (NETWORK_HEIGHT - 60) / (maxY - minY || 1))
  const fx = (x: number) => Math.round((80 + (x - minX) * scale) * 10) / 10
  const fy = (y: number) => Math.round((30 + (y - minY) * scale) * 10) / 10
  const labelledIds = new Set([...list].sort((a, b) => b.degree - a.degree).slice(0, labelled).map((n) => n.id))
  return {
    nodes: list.map((n) => ({ x: fx(n.x ?? 0), y: fy(n.y ?? 0), r: radius(n), name: n.name, slug: n.slug, label: labelledIds.has(n.id) })),
    links: links.map((l) => ({ x1: fx((l.source as Node).x ?? 0), y1: fy((l.source as Node).y ?? 0), x2: fx((l.target as Node).x ?? 0), y2: fy((l.target as Node).y ?? 0), width: Math.min(6, 0.75 + l.projects) })),
  }
}

/**
 * Laying out is the network page's main cost (250 ticks of d3-force: about 100 ms on a quiet core) and its result
 * depends only on the pairs drawn, which change rarely: layouts are kept by a hash of those pairs (ids, names,
 * weights), so every reader of the same network, signed in or not, shares one layout.
 */
const layouts = new LRUCache<string, Drawn>({ max: 64 })

export function layoutNetworkCached(pairs: Parameters<typeof layoutNetwork>[0]): Drawn {
  const key = createHash('sha256').update(JSON.stringify(pairs.map((p) => [p.a.id, p.a.name, p.a.slug, p.b.id, p.b.name, p.b.slug, p.projects]))).digest('base64url')
  const known = layouts.get(key)
  if (known) return known
  const drawn = layoutNetwork(pairs)
  layouts.set(key, drawn)
  return drawn
}
