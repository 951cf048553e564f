/**
 * Spain's outline (world-atlas, Natural Earth 1:50m) with a circle per region: area by active
 * listings, colour by median price. The Canary Islands are moved into an inset, as Spanish maps do.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { feature } from 'topojson-client';
import type { GeometryObject, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-50m.json';
import { fmt } from '../data/format.ts';
import { CANARIES_SHIFT, inCanaries, toInset, type LonLat } from '../data/places.ts';
import { toSafeSvg, type SafeSvg, type SvgNode } from './svg.ts';

const { document } = parseHTML('<!doctype html><html lang="es"><head></head><body></body></html>');

const SPAIN_ID = '724';

type Ring = Array<[number, number]>;
interface Outline {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: { type: 'MultiPolygon'; coordinates: Ring[][] };
}

let outline: Outline | undefined;

/** Spain's MultiPolygon with the Canary Islands shifted into the inset (computed once). */
export function spainOutline(): Outline {
  if (outline) return outline;
  const topology = countries as unknown as Topology<{ countries: GeometryObject }>;
  const collection = feature(topology, topology.objects.countries) as unknown as { features: Array<{ id?: string | number; geometry: { type: string; coordinates: unknown } }> };
  const spain = collection.features.find((candidate) => String(candidate.id) === SPAIN_ID);
  if (!spain) throw new Error(`world-atlas countries-50m.json has no feature ${SPAIN_ID} (Spain)`);
  const polygons = (spain.geometry.type === 'Polygon' ? [spain.geometry.coordinates] : spain.geometry.coordinates) as Ring[][];
  const shifted = polygons.map((polygon) =>
    inCanaries(polygon[0]![0]! as LonLat)
      ? polygon.map((ring) => ring.map(([lon, lat]) => [lon + CANARIES_SHIFT[0], lat + CANARIES_SHIFT[1]] as [number, number]))
      : polygon,
  );
  outline = { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: shifted } };
  return outline;
}

/** The frame drawn around the Canary Islands inset (shifted coordinates). */
const INSET_FRAME = {
  type: 'LineString' as const,
  coordinates: [
    [-12.9, 33.8],
    [-7.5, 33.8],
    [-7.5, 36.3],
  ],
};

export interface MapPoint {
  name: string;
  at: LonLat;
  /** Circle area. */
  size: number;
  /** Colour class (0-based) of the legend. */
  bin: number | null;
  /** Label the circle on the map (the largest few). */
  labelled: boolean;
}

/** Sequential blues, light to dark (the legend draws the same ones). */
export const MAP_BINS = ['#c6dbef', '#8fb5dc', '#4f8bc9', '#2765a8', '#103f78'] as const;
export const MAP_NO_PRICE = '#b9b9b9';

export function spainMap(input: { points: readonly MapPoint[]; label: string; maxSize: number }): SafeSvg {
  const points = input.points.map((point) => {
    const [lon, lat] = toInset(point.at);
    return { ...point, lon, lat, fill: point.bin === null ? MAP_NO_PRICE : MAP_BINS[point.bin]!, shown: `${point.name} · ${fmt.int(point.size)}` };
  });
  const figure = Plot.plot({
    document,
    width: 720,
    height: 560,
    style: null,
    projection: { type: 'mercator', domain: spainOutline(), inset: 12 },
    r: { type: 'sqrt', domain: [0, Math.max(1, input.maxSize)], range: [0, 34] },
    color: { type: 'identity' },
    marks: [
      Plot.geo(spainOutline(), { fill: '#eef1f5', stroke: '#5b6472', strokeWidth: 0.8 }),
      Plot.geo(INSET_FRAME, { stroke: '#5b6472', strokeDasharray: '4 3', strokeWidth: 0.8 }),
      Plot.dot(points, { x: 'lon', y: 'lat', r: 'size', fill: 'fill', fillOpacity: 0.85, stroke: '#ffffff', strokeWidth: 1, sort: { channel: 'r', order: 'descending' } }),
      Plot.text(
        points.filter((point) => point.labelled),
        { x: 'lon', y: 'lat', text: 'shown', fontSize: 11, fontWeight: 600, fill: '#111111', stroke: '#ffffff', strokeWidth: 3, paintOrder: 'stroke', dy: -2 },
      ),
    ],
  } as Parameters<typeof Plot.plot>[0]) as unknown as SvgNode;
  return toSafeSvg(figure, input.label);
}
