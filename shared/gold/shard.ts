import { keys, type Day } from '../lake/keys.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import { compareUtf8 } from '../silver/parquet.ts';
import { PartialBuilder } from './accumulate.ts';
import { advanceListing, type DayContext } from './advance.ts';
import { dayNumber } from './days.ts';
import { GoldInputError } from './errors.ts';
import { encodePartial } from './partial-file.ts';
import { previousGoldDay } from './manifest.ts';
import { DayObservations } from './observations.ts';
import { openPreviousState } from './previous-state.ts';
import { StateWriter } from './state.ts';
import { parseGoldTask } from './task.ts';

export interface GoldShardResult {
  status: 'written';
  day: Day;
  shard: number;
  previousDay: Day | null;
  stateKey: string;
  partialKey: string;
  counts: {
    silverRows: number;
    listingsSeen: number;
    previousStateRows: number;
    stateRows: number;
    new: number;
    vanished: number;
    reappeared: number;
    carried: number;
    expired: number;
    priceDrops: number;
  };
}

/**
 * Gold shard K of day D: silver shard K of D (every search) + the state shard K of the previous
 * gold day → the state shard K of D, then the partial aggregate, written last because its arrival
 * triggers the fan-in. Outputs depend only on the task, the silver files and the previous state:
 * a rerun rewrites the same bytes.
 *
 * The previous gold day is the latest day before D that has a gold manifest: D−1 normally, none
 * on the first day (every listing is new), an older day after a gap (listings then vanish on D,
 * price drops are measured against that day). docs/gold.md explains the consequences.
 */
export async function runGoldShard(lake: Lake, taskKey: string): Promise<GoldShardResult> {
  const raw = await getJson<unknown>(lake, taskKey);
  if (raw === undefined) throw new GoldInputError(`gold task ${taskKey} does not exist`, taskKey);
  const task = parseGoldTask(raw, taskKey);
  const { day, shard, shardCount, settings } = task;

  const previous = await previousGoldDay(lake, day);
  const before = await openPreviousState(lake, previous?.manifest ?? null, shard, shardCount);
  const today = await DayObservations.open(
    lake,
    task.searches.map((search) => ({ slug: search.slug, key: search.silverKey })),
  );

  const context: DayContext = {
    day: dayNumber(day),
    completeSearches: new Set(task.searches.filter((search) => search.marksVanished).map((search) => search.slug)),
    vanishedRetentionDays: settings.vanishedRetentionDays,
  };
  const state = new StateWriter();
  const partial = new PartialBuilder({ day, shard, shardCount, previousDay: previous?.day ?? null, settings });
  const counts = { new: 0, vanished: 0, reappeared: 0, carried: 0, expired: 0, priceDrops: 0 };
  let previousStateRows = 0;

  // Both sides are sorted by listing id: one merge pass visits every listing once, in output order.
  for (;;) {
    const beforeId = before.currentId;
    const todayId = today.currentId;
    if (beforeId === undefined && todayId === undefined) break;
    const order = beforeId === undefined ? 1 : todayId === undefined ? -1 : compareUtf8(beforeId, todayId);
    let previousRow = null;
    if (order <= 0) {
      previousRow = before.current();
      previousStateRows += 1;
      const loading = before.advance();
      if (loading !== undefined) await loading;
    }
    let observation = null;
    if (order >= 0) {
      observation = today.take();
      const loading = today.loading();
      if (loading !== undefined) await loading;
    }
    const transition = advanceListing(previousRow, observation, context);
    if (transition.next !== null) state.push(transition.next);
    partial.ingest(transition, observation);
    if (transition.event !== 'seen') counts[transition.event] += 1;
    if (transition.priceDropPct !== null) counts.priceDrops += 1;
  }

  const stateRows = state.length;
  const stateKey = keys.goldState(day, shard);
  await lake.put(stateKey, state.finish(), 'application/vnd.apache.parquet');
  const inputs = { silverRows: { ...today.rowsBySearch }, previousStateRows, stateRows, expiredRows: counts.expired };
  const partialKey = keys.goldPartial(day, shard);
  await lake.put(partialKey, encodePartial(partial.finish(inputs)), 'application/json');
  const silverRows = Object.values(today.rowsBySearch).reduce((sum, rows) => sum + rows, 0);

  return {
    status: 'written',
    day,
    shard,
    previousDay: previous?.day ?? null,
    stateKey,
    partialKey,
    counts: { silverRows, listingsSeen: today.listings, previousStateRows, stateRows, ...counts },
  };
}
