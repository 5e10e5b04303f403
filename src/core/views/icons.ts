import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const svgFile = join(here, '..', 'assets', 'icon.svg')
const cacheDir = join(root, 'node_modules', '.cache', 'openly')

export interface Icons {
  svg: string
  /** favicon.ico: one 48×48 PNG in an ICO container (every browser since 2012 reads PNG inside ICO). */
  ico: Buffer
  /** 180×180 for iOS home screens, 512×512 for the web app manifest and sharing previews. */
  png180: Buffer
  png512: Buffer
}

let built: Icons | undefined

/** An ICO file holding one PNG image: a 6-byte header and a 16-byte directory entry before the PNG. */
export function icoFromPng(png: Buffer, size: number): Buffer {
  const header = Buffer.alloc(22)
  header.writeUInt16LE(0, 0) // reserved
  header.writeUInt16LE(1, 2) // type: icon
  header.writeUInt16LE(1, 4) // one image
  header.writeUInt8(size >= 256 ? 0 : size, 6)
  header.writeUInt8(size >= 256 ? 0 : size, 7)
  header.writeUInt8(0, 8) // no palette
  header.writeUInt8(0, 9)
  header.writeUInt16LE(1, 10) // colour planes
  header.writeUInt16LE(32, 12) // bits per pixel
  header.writeUInt32LE(png.length, 14)
  header.writeUInt32LE(22, 18) // offset of the image
  return Buffer.concat([header, png])
}

/**
 * Openly's icons (its own mark: not the GOV.UK crown, which GOV.UK Frontend's licence reserves for GOV.UK),
 * drawn once as SVG and rasterised with sharp at the first start, then cached on disk by the SVG's hash.
 */
export async function buildIcons(): Promise<Icons> {
  if (built) return built
  const svg = readFileSync(svgFile, 'utf8')
  const key = createHash('sha256').update(svg).digest('hex').slice(0, 12)
  const files = { ico: join(cacheDir, `icon-${key}.ico`), png180: join(cacheDir, `icon-${key}-180.png`), png512: join(cacheDir, `icon-${key}-512.png`) }
  if (!Object.values(files).every(existsSync)) {
    const { default: sharp } = await import('sharp')
    const raster = (size: number) => sharp(Buffer.from(svg), { density: 600 }).resize(size, size).png().toBuffer()
    const [png48, png180, png512] = await Promise.all([raster(48), raster(180), raster(512)])
    mkdirSync(cacheDir, { recursive: true })
    writeFileSync(files.ico, icoFromPng(png48, 48))
    writeFileSync(files.png180, png180)
    writeFileSync(files.png512, png512)
  }
  built = { svg, ico: readFileSync(files.ico), png180: readFileSync(files.png180), png512: readFileSync(files.png512) }
  return built
}

/** Serves /favicon.ico, /icon.svg, the touch and manifest icons and Openly's web app manifest. */
export async function registerIcons(app: FastifyInstance): Promise<void> {
  const icons = await buildIcons()
  const day = 'public, max-age=86400'
  const manifest = JSON.stringify({
    name: 'Openly',
    short_name: 'Openly',
    description: 'Work in the open and collaborate across organisational borders',
    start_url: '/',
    display: 'browser',
    background_color: '#ffffff',
    theme_color: '#0b5d57',
    icons: [
      { src: '/icon.svg', type: 'image/svg+xml', sizes: 'any' },
      { src: '/apple-touch-icon.png', type: 'image/png', sizes: '180x180' },
      { src: '/icon-512.png', type: 'image/png', sizes: '512x512' },
    ],
  })
  const config = { config: { serves: 'static' as const } }
  app.get('/favicon.ico', config, async (_r, reply) => reply.type('image/x-icon').header('cache-control', day).send(icons.ico))
  app.get('/icon.svg', config, async (_r, reply) => reply.type('image/svg+xml').header('cache-control', day).send(icons.svg))
  app.get('/apple-touch-icon.png', config, async (_r, reply) => reply.type('image/png').header('cache-control', day).send(icons.png180))
  app.get('/icon-512.png', config, async (_r, reply) => reply.type('image/png').header('cache-control', day).send(icons.png512))
  app.get('/manifest.webmanifest', config, async (_r, reply) => reply.type('application/manifest+json').header('cache-control', day).send(manifest))
}
