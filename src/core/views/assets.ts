import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const scssFile = join(here, '..', 'assets', 'openly.scss')
const cacheDir = join(root, 'node_modules', '.cache', 'openly')

export interface CompiledAssets {
  css: string
  /** Fingerprinted path of the stylesheet, e.g. /assets/openly-3f2a9c1b.css */
  cssPath: string
}

let compiled: CompiledAssets | undefined

/**
 * Compiles Openly's Sass once per process, cached on disk by the hash of its sources,
 * so starts and test apps after the first do not pay for Sass (nor keep it in memory).
 */
export async function compileAssets(): Promise<CompiledAssets> {
  if (compiled) return compiled
  const source = readFileSync(scssFile, 'utf8')
  const govukVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'govuk-frontend', 'package.json'), 'utf8')).version
  const key = createHash('sha256').update(source).update(govukVersion).digest('hex').slice(0, 12)
  const cacheFile = join(cacheDir, `openly-${key}.css`)
  let css: string
  if (existsSync(cacheFile)) css = readFileSync(cacheFile, 'utf8')
  else {
    // Sass is large (tens of MB of heap): load it only when the cached CSS is missing.
    const sass = await import('sass')
    css = sass.compile(scssFile, {
      style: 'compressed',
      loadPaths: [join(root, 'node_modules')],
      importers: [new sass.NodePackageImporter(root)],
      quietDeps: true,
      silenceDeprecations: ['import'],
    }).css
    mkdirSync(cacheDir, { recursive: true })
    writeFileSync(cacheFile, css)
  }
  const hash = createHash('sha256').update(css).digest('hex').slice(0, 10)
  compiled = { css, cssPath: `/assets/openly-${hash}.css` }
  return compiled
}
