import * as v from 'valibot';
import { EXTRACT_OUTCOMES, type ExtractOutcome } from '../lake/bronze.ts';
import { type Day } from '../lake/keys.ts';
import { isDay } from '../lake/days.ts';
import { GoldInputError } from './gold-errors.ts';
import type { Bucketing } from '../lake/bucket.ts';
import type { SearchSight } from './advance.ts';
import { DEAL_RULES, type ShardSettings } from './options.ts';

/**
 * The task of gold shard K of day D (`control/gold/dt=D/shard=K.json`), written by fan-out. It
 * carries everything the shard needs to know about the day's searches, copied from their silver
 * manifests, so that N shards do not each re-read them; its bytes depend only on the run plan and
 * the silver manifests, so racing fan-outs write the same object.
 */

/** Version 3 adds `runId`; version 2 tasks (no run identity) still read. */
export const GOLD_TASK_VERSION = 3;

export interface GoldTaskSearch {
  slug: string;
  outcome: ExtractOutcome;
  /** Silver's verdict: `complete` and every page readable. */
  snapshotComplete: boolean;
  /** Whether this search can mark listings vanished today (= snapshotComplete). */
  marksVanished: boolean;
  /** Silver shard K of the search, as its manifest lists it, and its row count. */
  silverKey: string;
  silverRows: number;
  /** What the search could see today (its filters and how far back it reached). */
  sight: Omit<SearchSight, 'marksVanished'>;
}

export interface GoldTask {
  taskVersion: typeof GOLD_TASK_VERSION | 2;
  /** The gold run this task belongs to: a digest of everything the day's tasks are computed from. */
  runId?: string;
  day: Day;
  shard: number;
  shardCount: number;
  /** What silver bucketed the day's rows by (../lake/bucket.ts). */
  bucketing: Bucketing;
  settings: ShardSettings;
  /** Every planned search, sorted by slug. */
  searches: GoldTaskSearch[];
}

const TaskSchema = v.strictObject({
  taskVersion: v.picklist([2, GOLD_TASK_VERSION]),
  runId: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/, 'must be 16 hexadecimal digits'))),
  day: v.pipe(v.string(), v.check(isDay, 'must be a YYYY-MM-DD day')),
  shard: v.pipe(v.number(), v.integer(), v.minValue(0)),
  shardCount: v.pipe(v.number(), v.integer(), v.minValue(1)),
  bucketing: v.picklist(['listing', 'seller']),
  settings: v.strictObject({
    topN: v.pipe(v.number(), v.integer(), v.minValue(1)),
    topNPerCategory: v.pipe(v.number(), v.integer(), v.minValue(1)),
    dealMinPrice: v.pipe(v.number(), v.minValue(0)),
    vanishedRetentionDays: v.pipe(v.number(), v.integer(), v.minValue(0)),
    dealRule: v.picklist(DEAL_RULES),
    dealMaxPriceToFair: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
    dealMinComparables: v.pipe(v.number(), v.integer(), v.minValue(1)),
    minComparables: v.pipe(v.number(), v.integer(), v.minValue(1)),
    relistWindowDays: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  searches: v.array(
    v.strictObject({
      slug: v.pipe(v.string(), v.minLength(1)),
      outcome: v.picklist(EXTRACT_OUTCOMES),
      snapshotComplete: v.boolean(),
      marksVanished: v.boolean(),
      silverKey: v.pipe(v.string(), v.minLength(1)),
      silverRows: v.pipe(v.number(), v.integer(), v.minValue(0)),
      sight: v.strictObject({
        timeFilterDays: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
        firstFetchedAt: v.nullable(v.number()),
        oldestCreatedAt: v.nullable(v.number()),
        minPrice: v.nullable(v.pipe(v.number(), v.minValue(0))),
        maxPrice: v.nullable(v.pipe(v.number(), v.minValue(0))),
      }),
    }),
  ),
});

export function parseGoldTask(raw: unknown, key: string): GoldTask {
  const result = v.safeParse(TaskSchema, raw);
  if (!result.success) {
    const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
    throw new GoldInputError(`${key} is not a gold task: ${problems.join('; ')}`, key);
  }
  const task = result.output;
  if (task.shard >= task.shardCount) throw new GoldInputError(`${key}: shard ${task.shard} is not below shardCount ${task.shardCount}`, key);
  return task;
}
