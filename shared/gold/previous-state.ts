import { keys, type Day } from '../lake/keys.ts';
import type { Lake } from '../lake/lake.ts';
import { readColumns } from './parquet.ts';
import { fnv1a32, shardOfListing, type Bucketing } from '../lake/bucket.ts';
import { FilteredCursor, MergedCursor, emptyCursor, type ListingCursor } from './cursor.ts';
import { GoldInputError } from './gold-errors.ts';
import type { GoldManifest } from './manifest.ts';
import { EVERY_STATE_COLUMN, openStateCursor, type ListingState, type StateProjection } from './state.ts';

/**
 * State shard K as of the previous gold day. The shard reads it twice (the relist pre-pass reads
 * a few columns, the merge every column), so the files are fetched once and each `open` gives a
 * fresh cursor in listing_id order.
 *
 * Normally that is the one file the previous manifest lists for shard K. When the shard count or
 * the bucketing changed between the two days, listings are bucketed differently: shard K reads
 * every previous file and keeps the listings that now belong to K (still one row group per file in
 * memory), a one-off cost on the day of the change that keeps every listing's history.
 *
 * The day buckets move from listing ids to sellers (the first day of state schema 2), the previous
 * rows carry no seller: a listing seen today belongs where today's silver put it, one not seen
 * today stays in the shard of its listing id (docs/gold.md, "Seller buckets").
 */
export interface PreviousState {
  /** A fresh cursor over every previous row of the shard; `projection` defaults to every column. */
  open(): Promise<ListingCursor<ListingState>>;
  open<Row extends { seller_id: string | null }>(projection: StateProjection<Row>): Promise<ListingCursor<Row>>;
}

export interface ShardPlace {
  day: Day;
  shard: number;
  shardCount: number;
  bucketing: Bucketing;
  /** The day's searches (their silver files of every shard are read when buckets move to sellers). */
  searches: readonly string[];
}

const EMPTY = { open: async () => emptyCursor() } as unknown as PreviousState;

export async function previousStateOf(lake: Lake, previous: GoldManifest | null, place: ShardPlace): Promise<PreviousState> {
  if (previous === null) return EMPTY;
  const { shard, shardCount, bucketing } = place;
  const previousBucketing = previous.bucketing ?? 'listing';
  if (previous.shardCount === shardCount && previousBucketing === bucketing) {
    const entry = previous.state.find((item) => item.shard === shard);
    if (entry === undefined) throw new GoldInputError(`gold manifest of ${previous.day} lists no state for shard ${shard}`, keys.goldManifest(previous.day));
    const bytes = await fetch(lake, entry.key);
    return { open: (projection = EVERY_STATE_COLUMN) => openStateCursor(entry.key, bytes, projection) } as PreviousState;
  }

  const files = await Promise.all(previous.state.map(async (entry) => ({ key: entry.key, bytes: await fetch(lake, entry.key) })));
  const belongs = await membership(lake, place, previousBucketing);
  return {
    open: async (projection: StateProjection<{ seller_id: string | null }> = EVERY_STATE_COLUMN) => {
      const withSeller = projection.names.includes('seller_id') ? projection : { ...projection, names: [...projection.names, 'seller_id' as const] };
      const parts = [];
      for (const file of files) parts.push(await FilteredCursor.of(await openStateCursor(file.key, file.bytes, withSeller), (id, row) => belongs(id, row().seller_id)));
      return new MergedCursor(parts);
    },
  } as unknown as PreviousState;
}

/** Whether a previous row (id, seller) belongs to this shard under today's bucketing. */
async function membership(lake: Lake, place: ShardPlace, previousBucketing: Bucketing): Promise<(id: string, sellerId: string | null) => boolean> {
  const { shard, shardCount, bucketing } = place;
  if (bucketing === 'listing') return (id) => fnv1a32(id) % shardCount === shard;
  if (previousBucketing === 'seller') return (id, sellerId) => shardOfListing(id, sellerId, shardCount) === shard;

  // Listing buckets → seller buckets: previous rows have no seller. Today's silver says where a
  // listing seen today went; the others stay with their listing id.
  const seenHere = new Set<string>();
  const seenElsewhere = new Set<string>();
  for (let other = 0; other < shardCount; other += 1) {
    for (const slug of place.searches) {
      const key = keys.silverShard(place.day, other, slug);
      const bytes = await lake.get(key);
      if (bytes === undefined) continue;
      const { columns } = await readColumns(bytes, ['listing_id']);
      for (const id of columns.listing_id as string[]) {
        if (other === shard) seenHere.add(id);
        else if (fnv1a32(id) % shardCount === shard) seenElsewhere.add(id);
      }
    }
  }
  for (const id of seenHere) seenElsewhere.delete(id);
  return (id, sellerId) => {
    if (sellerId !== null) return shardOfListing(id, sellerId, shardCount) === shard;
    if (seenHere.has(id)) return true;
    if (seenElsewhere.has(id)) return false;
    return fnv1a32(id) % shardCount === shard;
  };
}

async function fetch(lake: Lake, key: string): Promise<Uint8Array> {
  const bytes = await lake.get(key);
  if (bytes === undefined) throw new GoldInputError(`state file ${key} is listed by a gold manifest but missing`, key);
  return bytes;
}
