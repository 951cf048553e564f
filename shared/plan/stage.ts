import { createHash, randomUUID } from 'node:crypto';
import { watchConfigDigest, type WatchConfig } from '../alerts/index.ts';
import type { SearchConfig } from '../config/searches.ts';
import { encodeEnvelope, envelopeOf, initialExtractTask } from '../extract/index.ts';
import { keys, type Day } from '../lake/keys.ts';
import { isDay } from '../lake/days.ts';
import { putJson, type Lake } from '../lake/lake.ts';
import type { RunPlan } from '../lake/run-plan.ts';
import { started } from '../lake/read-ahead.ts';
import { WriteQueue } from '../lake/write-queue.ts';
import { WallapopError, type WallapopClient } from '../wallapop/index.ts';
import { isShardCount, MAX_SHARDS, shardCountOfDay, type ShardCountSetting } from './shard-count.ts';

export interface PlanOptions {
  lake: Lake;
  client: WallapopClient;
  config: SearchConfig;
  day: Day;
  /** Shards of silver and gold for the day: a number, or `auto` (./shard-count.ts). */
  shardCount: ShardCountSetting;
  /** Re-extract searches that already have a manifest for the day: a new attempt of the day (RunPlan.attempt). */
  force?: boolean;
  /** The watches alerts will evaluate, recorded in the plan with the searches. */
  watches: { config: WatchConfig; file: string | null };
}

/** Extract tasks written at once: one round trip per 8 searches instead of one per search (the tasks are independent). */
const TASK_WRITES_IN_FLIGHT = 8;

/**
 * Plans day D: snapshots the category tree into bronze, writes the run plan, then one extract
 * task per search. Order matters: the tasks trigger extraction, and everything downstream reads the
 * plan and the snapshot, so both exist before the first task does.
 */
export async function runPlan(options: PlanOptions): Promise<RunPlan> {
  const { lake, client, config, day } = options;
  if (!isDay(day)) throw new Error(`plan: "${day}" is not a day (expected YYYY-MM-DD)`);
  if (options.shardCount !== 'auto' && !isShardCount(options.shardCount)) {
    throw new Error(`plan: the shard count must be "auto" or an integer from 1 to ${MAX_SHARDS}, got ${options.shardCount}`);
  }
  // Read while the category tree downloads.
  const shardCountRead = started(shardCountOfDay(lake, day, options.shardCount));

  const categoriesKey = keys.bronzeCategories(day);
  let categoriesSnapshot: RunPlan['categoriesSnapshot'];
  try {
    const categories = await client.fetchCategories();
    const envelope = envelopeOf(categories, { kind: 'categories', day, itemCount: categories.categories.length });
    await lake.put(categoriesKey, encodeEnvelope(envelope), 'application/gzip');
    categoriesSnapshot = { key: categoriesKey, ok: true };
  } catch (error) {
    // Without today's tree silver still works (category names are then null): not a reason to skip the day.
    if (!(error instanceof WallapopError)) throw error;
    categoriesSnapshot = { key: categoriesKey, ok: false, error: `${error.name}: ${error.message}` };
  }

  const shardCount = await shardCountRead;
  const attempt = options.force ? randomUUID().slice(0, 8) : undefined;
  const plan: RunPlan = {
    planVersion: 1,
    day,
    shardCount,
    ...(attempt === undefined ? {} : { attempt }),
    searches: config.searches,
    categoriesSnapshot,
    configuration: {
      searchesDigest: createHash('sha256').update(JSON.stringify(config.searches)).digest('hex').slice(0, 16),
      watches: options.watches.config,
      watchesDigest: watchConfigDigest(options.watches.config),
      watchesFile: options.watches.file,
    },
  };
  await putJson(lake, keys.runPlan(day), plan);
  const tasks = new WriteQueue(TASK_WRITES_IN_FLIGHT);
  for (const search of config.searches) {
    await tasks.write(() => putJson(lake, keys.extractTask(day, search.slug), initialExtractTask(day, search, options.force ?? false, attempt)));
  }
  await tasks.settle();
  return plan;
}

