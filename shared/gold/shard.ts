import { keys, type Day } from '../lake/keys.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import { compareUtf8 } from '../silver/parquet.ts';
import { PartialBuilder } from './accumulate.ts';
import { advanceListing, type DayContext } from './advance.ts';
import { dayNumber } from './days.ts';
import { GoldInputError } from './errors.ts';
import { encodePartial } from './partial.ts';
import { previousGoldDay } from './manifest.ts';
import { DayObservations } from './observations.ts';
import { loadPreviousState } from './previous-state.ts';
import { StateColumnsBuilder } from './state.ts';
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
  const previousState = await loadPreviousState(lake, previous?.manifest ?? null, shard, shardCount);
  const today = await DayObservations.read(
    lake,
    task.searches.map((search) => ({ slug: search.slug, key: search.silverKey })),
  );

  const context: DayContext = {
    day: dayNumber(day),
    completeSearches: new Set(task.searches.filter((search) => search.marksVanished).map((search) => search.slug)),
    vanishedRetentionDays: settings.vanishedRetentionDays,
  };
  const state = new StateColumnsBuilder();
  const partial = new PartialBuilder({ day, shard, shardCount, previousDay: previous?.day ?? null, settings });
  const counts = { new: 0, vanished: 0, reappeared: 0, carried: 0, expired: 0, priceDrops: 0 };

  // Both sides are sorted by listing id: one merge pass visits every listing once, in output order.
  let before = 0;
  let now = 0;
  while (before < previousState.rowCount || now < today.size) {
    const order =
      before >= previousState.rowCount ? 1 : now >= today.size ? -1 : compareUtf8(previousState.id(before), today.ids[now]!);
    const previousRow = order <= 0 ? previousState.row(before++) : null;
    const observation = order >= 0 ? today.observation(now++) : null;
    const transition = advanceListing(previousRow, observation, context);
    const row = state.length;
    if (transition.next !== null) state.push(transition.next);
    partial.ingest(transition, observation, row);
    if (transition.event !== 'seen') counts[transition.event] += 1;
    if (transition.priceDropPct !== null) counts.priceDrops += 1;
  }

  const silverRows = Object.values(today.rowsBySearch).reduce((sum, rows) => sum + rows, 0);
  const stateKey = keys.goldState(day, shard);
  await lake.put(stateKey, state.toParquet(), 'application/vnd.apache.parquet');
  const inputs = {
    silverRows: { ...today.rowsBySearch },
    previousStateRows: previousState.rowCount,
    stateRows: state.length,
    expiredRows: counts.expired,
  };
  const partialKey = keys.goldPartial(day, shard);
  await lake.put(partialKey, encodePartial(partial.finish(state, inputs)), 'application/json');

  return {
    status: 'written',
    day,
    shard,
    previousDay: previous?.day ?? null,
    stateKey,
    partialKey,
    counts: { silverRows, listingsSeen: today.size, previousStateRows: previousState.rowCount, stateRows: state.length, ...counts },
  };
}
