import { dayOfGoldManifest, keys, prefixes, type Day, type GoldTable } from '../lake/keys.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import type { Bucketing } from '../lake/bucket.ts';
import { GoldInputError } from './gold-errors.ts';

/**
 * The commit marker of a gold day (`gold/_manifests/dt=D.json`), written last by the fan-in.
 * Readers of gold (the next day's shards and fan-in, the dashboard, alerts) find a day's objects
 * only through it: a day without a manifest did not happen, as far as gold is concerned.
 */

export const GOLD_MANIFEST_VERSION = 1;

export interface GoldManifest {
  manifestVersion: typeof GOLD_MANIFEST_VERSION;
  day: Day;
  /** The gold run that computed the day (its dispatch, ./fanout-stage.ts); absent in manifests from before run identity. */
  runId?: string;
  /** The gold day whose state this day advanced; null on the first day. */
  previousDay: Day | null;
  /** The run of `previousDay` whose state this day advanced (absent when that day had no run id). */
  previousRunId?: string;
  shardCount: number;
  /** What the state shards are bucketed by; absent in manifests from before seller buckets: 'listing'. */
  bucketing?: Bucketing;
  /** The listing state (the per-listing gold table), one file per shard. */
  state: Array<{ shard: number; key: string }>;
  partials: string[];
  /** Every gold table of the day; `comparable_daily` (the next day's fair prices) is absent in manifests from before comparables. */
  tables: Record<GoldTable, string>;
  /** `histories` is absent in manifests from before listing pages. */
  dashboard: { day: string; seriesThrough: string; histories?: string };
  quality: string;
  totals: {
    stateRows: number;
    activeListings: number;
    seenListings: number;
    newListings: number;
    vanishedListings: number;
    /** Absent in manifests from before relists. */
    soldListings?: number;
    relistedListings?: number;
    priceDrops: number;
  };
}

/** The days that have a gold manifest, ascending. */
export async function goldDays(lake: Lake): Promise<Day[]> {
  const found = (await lake.list(prefixes.goldManifests)).map(dayOfGoldManifest).filter((day): day is Day => day !== undefined);
  return found.sort();
}

export async function readGoldManifest(lake: Lake, day: Day): Promise<GoldManifest> {
  const key = keys.goldManifest(day);
  const manifest = await getJson<GoldManifest>(lake, key);
  if (manifest === undefined) throw new GoldInputError(`gold manifest ${key} does not exist`, key);
  if (manifest.manifestVersion !== GOLD_MANIFEST_VERSION) throw new GoldInputError(`${key} has manifestVersion ${String(manifest.manifestVersion)}, expected ${GOLD_MANIFEST_VERSION}`, key);
  return manifest;
}

/**
 * The latest gold day before `day`, with its manifest; null when there is none (the first day).
 * Usually D−1; after days without a run it is the last day that has gold (docs/gold.md, "Gaps").
 */
export async function previousGoldDay(lake: Lake, day: Day): Promise<{ day: Day; manifest: GoldManifest } | null> {
  const earlier = (await goldDays(lake)).filter((candidate) => candidate < day);
  const previous = earlier[earlier.length - 1];
  if (previous === undefined) return null;
  return { day: previous, manifest: await readGoldManifest(lake, previous) };
}
