import type { Day } from './keys.ts';
import type { SearchDefinition } from '../config/searches.ts';

/** What day D's run consists of. Written once by plan at `control/runs/dt=D/plan.json`. */
export interface RunPlan {
  planVersion: 1;
  day: Day;
  /** Number of gold/silver shards for the day: listings are bucketed by hash(listing id) mod shardCount. */
  shardCount: number;
  /** Every search of the day, in config order; gold fan-out waits for a silver manifest from each. */
  searches: SearchDefinition[];
  /** Whether the day's category snapshot was captured (silver joins category names from it). */
  categoriesSnapshot: { key: string; ok: boolean; error?: string };
}
