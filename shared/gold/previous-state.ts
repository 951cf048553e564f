import { keys } from '../lake/keys.ts';
import type { Lake } from '../lake/lake.ts';
import { shardOf } from '../silver/bucket.ts';
import { FilteredCursor, MergedCursor, emptyCursor, type ListingCursor } from './cursor.ts';
import { GoldInputError } from './errors.ts';
import type { GoldManifest } from './manifest.ts';
import { openStateCursor, type ListingState } from './state.ts';

/**
 * State shard K as of the previous gold day, as a cursor in listing_id order.
 *
 * Normally that is the one file the previous manifest lists for shard K. If the shard count
 * changed between the two days, listings are bucketed differently, so shard K reads every previous
 * shard and keeps the listings that now hash to K (still one row group per file in memory): a
 * one-off cost on the day of the change that keeps every listing's history (docs/gold.md).
 */
export async function openPreviousState(lake: Lake, previous: GoldManifest | null, shard: number, shardCount: number): Promise<ListingCursor<ListingState>> {
  if (previous === null) return emptyCursor();
  if (previous.shardCount === shardCount) {
    const entry = previous.state.find((item) => item.shard === shard);
    if (entry === undefined) throw new GoldInputError(`gold manifest of ${previous.day} lists no state for shard ${shard}`, keys.goldManifest(previous.day));
    return open(lake, entry.key);
  }
  const parts = [];
  for (const entry of previous.state) parts.push(await FilteredCursor.of(await open(lake, entry.key), (id) => shardOf(id, shardCount) === shard));
  return new MergedCursor(parts);
}

async function open(lake: Lake, key: string): Promise<ListingCursor<ListingState>> {
  const bytes = await lake.get(key);
  if (bytes === undefined) throw new GoldInputError(`state file ${key} is listed by a gold manifest but missing`, key);
  return openStateCursor(key, bytes);
}
