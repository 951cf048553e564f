import type { Day } from './keys.ts';
import type { SearchDefinition } from '../config/searches.ts';

/** What day D's run consists of. Written once by plan at `control/runs/dt=D/plan.json`. */
export interface RunPlan {
  planVersion: 1;
  day: Day;
  /** Number of gold/silver shards for the day: listings are bucketed by hash(listing id) mod shardCount. */
  shardCount: number;
  /**
   * Set by a forced plan (a day extracted again): every extraction of this attempt records it, and
   * gold fan-out waits until each search's silver comes from it, so that it never dispatches a mix
   * of the new searches and the old ones that have not been re-extracted yet.
   */
  attempt?: string;
  /** Every search of the day, in config order; gold fan-out waits for a silver manifest from each. */
  searches: SearchDefinition[];
  /** Whether the day's category snapshot was captured (silver joins category names from it). */
  categoriesSnapshot: { key: string; ok: boolean; error?: string };
  /**
   * The configuration the day ran with, so that a replay evaluates the day as it was (plans from
   * before it have none: replays then use the deployed configuration, and say so).
   */
  configuration?: RecordedConfiguration;
}

export interface RecordedConfiguration {
  /** 16 hex digits of SHA-256 over the searches as planned (`searches` above). */
  searchesDigest: string;
  /** The watch file as parsed (alerts' `WatchConfig`), validated again by whoever uses it. */
  watches: { watches: Record<string, unknown[]> };
  /** alerts' `watchConfigDigest` of those watches. */
  watchesDigest: string;
  /** Where the watches came from: a file, the deployed bundle's file name, or null for none. */
  watchesFile: string | null;
}
