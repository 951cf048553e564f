import { getJson, type Lake } from '../lake/lake.ts';
import { keys, type Day } from '../lake/keys.ts';
import type { RunPlan } from '../lake/run-plan.ts';
import { previousGoldDay } from '../gold/index.ts';

/**
 * How many shards a day gets when the shard count is `auto` (the default): about LISTINGS_PER_SHARD
 * listings of state per shard, judged from the previous gold day.
 *
 * Each shard is a Lambda that starts cold and adds a partial for the fan-in, so a shard costs about
 * a second of CPU before its first row (docs/performance.md): 100,000 listings in 8 shards cost
 * ~25 % more gold CPU than in one. A shard's memory, on the other side, grows with its rows: the
 * 1M benchmark's largest shard (133,000 rows) peaks at ~370 MB of its 1,024.
 *
 * The count moves only when it must: up as soon as a shard would hold more than MAX_LISTINGS_PER_SHARD,
 * down only when shards hold fewer than MIN_LISTINGS_PER_SHARD, each time to ⌈rows / LISTINGS_PER_SHARD⌉.
 * A market hovering around a boundary therefore keeps its count: every change makes each shard of
 * the next day read every previous state file once (./../gold/previous-state.ts).
 */
export const LISTINGS_PER_SHARD = 125_000;
export const MAX_LISTINGS_PER_SHARD = 150_000;
export const MIN_LISTINGS_PER_SHARD = 50_000;
/** Before any gold day there is nothing to size from: the count that holds 1,000,000 listings. */
export const FIRST_DAY_SHARDS = 8;
/** The most shards a day may have, `auto` included: no lower cap, since a shard's memory is what must stay bounded and a fan-in of more partials is only slower. */
export const MAX_SHARDS = 1000;

export type ShardCountSetting = number | 'auto';

/** Whether `value` is a shard count a day may have: a whole number from 1 to MAX_SHARDS. */
export function isShardCount(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_SHARDS;
}

/** The shard count for a day after a gold day with `previous.stateRows` rows in `previous.shardCount` shards (null: no gold day yet). */
export function autoShardCount(previous: { stateRows: number; shardCount: number } | null): number {
  if (previous === null) return FIRST_DAY_SHARDS;
  const { stateRows, shardCount } = previous;
  const perShard = stateRows / shardCount;
  if (perShard <= MAX_LISTINGS_PER_SHARD && (perShard >= MIN_LISTINGS_PER_SHARD || shardCount === 1)) return Math.min(shardCount, MAX_SHARDS);
  return Math.min(MAX_SHARDS, Math.max(1, Math.ceil(stateRows / LISTINGS_PER_SHARD)));
}

/**
 * The shard count day D is planned with. A number is used as it is. `auto` keeps the count of a plan
 * already written for D (silver may have bucketed some searches with it: a day never changes its
 * count), else sizes from the previous gold day.
 */
export async function shardCountOfDay(lake: Lake, day: Day, setting: ShardCountSetting): Promise<number> {
  if (setting !== 'auto') return setting;
  const existing = await getJson<RunPlan>(lake, keys.runPlan(day));
  if (existing !== undefined && isShardCount(existing.shardCount)) return existing.shardCount;
  const previous = await previousGoldDay(lake, day);
  return autoShardCount(previous === null ? null : { stateRows: previous.manifest.totals.stateRows, shardCount: previous.manifest.shardCount });
}

/** `auto`, or a shard count (`isShardCount`), as SHARD_COUNT says it; anything else is an error naming `source`. */
export function parseShardCountSetting(raw: string | undefined, source: string): ShardCountSetting {
  if (raw === undefined || raw === '' || raw === 'auto') return 'auto';
  const value = Number(raw);
  if (!isShardCount(value)) throw new Error(`${source} must be "auto" or a whole number of shards from 1 to ${MAX_SHARDS}, got "${raw}"`);
  return value;
}
