import { createRequire } from 'node:module'
import type * as D3Geo from 'd3-geo'
import type * as TopojsonClient from 'topojson-client'
import type { Topology, GeometryCollection } from 'topojson-specification'
import type { Feature, Geometry } from 'geojson'

/** The map's size in SVG units (it scales to the page's width). */
export const MAP_WIDTH = 960
export const MAP_HEIGHT = 470

interface Shape {
  /** ISO 3166-1 numeric, as world-atlas keys its countries. */
  numeric: string
  name: string
  d: string
}

let shapes: Shape[] | null = null
let projection: ReturnType<typeof D3Geo.geoEqualEarth> | null = null

/**
 * Country outlines projected once per process: world-atlas's Natural Earth boundaries (bundled, 1:110m),
 * turned into GeoJSON by topojson-client and into SVG paths by d3-geo. No tiles and no network.
 */
export function countryShapes(): Shape[] {
  if (shapes) return shapes
  // Loaded with the first map rather than at start, like the outlines themselves.
  const require = createRequire(import.meta.url)
  const { geoEqualEarth, geoPath }: typeof D3Geo = require('d3-geo')
  const { feature }: typeof TopojsonClient = require('topojson-client')
  const world = require('world-atlas/countries-110m.json') as Topology<{ countries: GeometryCollection<{ name: string }> }>
  const collection = feature(world, world.objects.countries)
  projection = geoEqualEarth().fitExtent([[4, 4], [MAP_WIDTH - 4, MAP_HEIGHT - 4]], { type: 'Sphere' })
  const path = geoPath(projection)
  shapes = collection.features
    .filter((f: Feature<Geometry, { name: string }>) => f.properties.name !== 'Antarctica')
    .map((f: Feature<Geometry, { name: string }>) => ({ numeric: String(f.id ?? ''), name: f.properties.name, d: roundPath(path(f) ?? '') }))
  return shapes
}

/** Where a place (degrees) falls on the map, in SVG units, rounded to one decimal (the same projection as the outlines). */
export function mapPoint(lon: number, lat: number): { x: number; y: number } {
  if (!projection) countryShapes()
  const [x, y] = projection!([lon, lat]) ?? [0, 0]
  return { x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 }
}

/** A point's radius: its area grows with its count, from 3 to 8 SVG units (Europe's cities sit close together). */
export const pointRadius = (count: number, max: number) => Math.round((3 + 5 * Math.sqrt(count / Math.max(1, max))) * 10) / 10

/** One decimal is enough at this size and halves the page's weight. */
const roundPath = (d: string) => d.replace(/\d+\.\d+/g, (n) => (Math.round(Number(n) * 10) / 10).toString())

/** Five shades from light to dark; a country's shade grows with the logarithm of its count. */
export function shadeOf(count: number, max: number): number {
  if (count <= 0) return 0
  if (max <= 1) return 3
  return 1 + Math.min(4, Math.floor((Math.log(count) / Math.log(max)) * 4))
}
