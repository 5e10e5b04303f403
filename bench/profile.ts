/**
 * The top entries of a `--cpu-prof` profile: self time per function, and inclusive time per function (each sample
 * counted once per function on its stack), as shares of busy time (idle, GC and program samples shown apart).
 * `BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bench/hot.bench.ts` writes such profiles.
 *
 *   node bench/profile.ts /tmp/prof/CPU.….cpuprofile [top=25] [skip seconds from the start=0]
 */
import { readFileSync } from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const [file, topArg, skipArg] = process.argv.slice(2)
if (!file) throw new Error('usage: node bench/profile.ts <file.cpuprofile> [top] [skip seconds]')
const top = Number(topArg ?? 25)
const skipUs = Number(skipArg ?? 0) * 1e6
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

const where = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/').replace(/^node:/, 'node:')
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim()
}
const self = new Map<string, number>()
const inclusive = new Map<string, number>()
const special = new Map<string, number>()
let busy = 0
let t = 0
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0
  t += dt
  if (t < skipUs) continue
  const node = byId.get(profile.samples[i]!)!
  const name = node.callFrame.functionName
  if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
    special.set(name, (special.get(name) ?? 0) + dt)
    if (name !== '(idle)') busy += dt
    if (name !== '(garbage collector)') continue
  } else busy += dt
  self.set(where(node), (self.get(where(node)) ?? 0) + dt)
  const seen = new Set<string>()
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const key = where(byId.get(id)!)
    if (seen.has(key)) continue
    seen.add(key)
    inclusive.set(key, (inclusive.get(key) ?? 0) + dt)
  }
}
const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`.padStart(7)
console.log(`busy ${(busy / 1e6).toFixed(2)} s; ${[...special].map(([k, v]) => `${k} ${(v / 1e6).toFixed(2)} s`).join(', ')}`)
console.log('\nself time:')
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`)
console.log('\ninclusive time:')
for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top * 2)) console.log(`${pct(v)}  ${k}`)
