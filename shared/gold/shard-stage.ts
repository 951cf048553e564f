import { dayInKey, keys, type Day } from '../lake/keys.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import { compareUtf8 } from '../lake/parquet.ts';
import { started } from '../lake/read-ahead.ts';
import { PartialBuilder } from './accumulate.ts';
import { advanceListing, type DayContext, type ListingEvent, type SearchSight } from './advance.ts';
import { readComparableReference } from './comparable-table.ts';
import { comparableKeyOf } from './comparables.ts';
import { dayNumber } from '../lake/days.ts';
import { GoldInputError } from './gold-errors.ts';
import { encodePartialBytes } from './partial-file.ts';
import { previousGoldDay } from './manifest.ts';
import { DayObservations, fetchSilverShard } from './observations.ts';
import { previousStateOf } from './previous-state.ts';
import { planRelists } from './relist-plan.ts';
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
    relists: number;
    vanished: number;
    relisted: number;
    untracked: number;
    reappeared: number;
    carried: number;
    expired: number;
    priceDrops: number;
    /** Listings the relist pre-pass weighed: new today, and missing today or within the relist window. */
    relistCandidates: { fresh: number; missing: number };
    /** Comparable groups of the previous gold day that can give a fair price. */
    comparableGroups: number;
  };
}

/**
 * Gold shard K of day D: silver shard K of D (every search) + the state shard K of the previous
 * gold day → the state shard K of D, then the partial aggregate, written last because its arrival
 * triggers the fan-in. Outputs depend only on the task, the silver files, the previous state and
 * the previous day's comparable groups: a rerun rewrites the same bytes.
 *
 * The previous gold day is the latest day before D that has a gold manifest: D−1 normally, none
 * on the first day (every listing is new), an older day after a gap (listings then vanish on D,
 * price drops are measured against that day). docs/gold.md explains the consequences.
 *
 * Two passes over the inputs: the relist pre-pass (./relist-plan.ts) reads a few columns to link
 * today's new listings to the listings they re-publish; the merge then writes every row once, in order.
 */
export async function runGoldShard(lake: Lake, taskKey: string): Promise<GoldShardResult> {
  // Which gold day came before depends only on the day, which the task's key names: it is looked up
  // while the task is read (again after, should the task name another day).
  const keyDay = dayInKey(taskKey);
  const earlyLookup = keyDay === undefined ? undefined : { day: keyDay, previous: started(previousGoldDay(lake, keyDay)) };
  const raw = await getJson<unknown>(lake, taskKey);
  if (raw === undefined) throw new GoldInputError(`gold task ${taskKey} does not exist`, taskKey);
  const task = parseGoldTask(raw, taskKey);
  const { day, shard, shardCount, settings } = task;

  // Today's silver does not depend on which gold day came before: it downloads while that is looked up.
  const silverRead = started(fetchSilverShard(lake, task.searches.map((search) => ({ slug: search.slug, key: search.silverKey }))));
  const previous = await (earlyLookup?.day === day ? earlyLookup.previous : previousGoldDay(lake, day));
  const [previousState, silver, reference] = await Promise.all([
    previousStateOf(lake, previous?.manifest ?? null, { day, shard, shardCount, bucketing: task.bucketing, searches: task.searches.map((search) => search.slug) }),
    silverRead,
    readComparableReference(lake, previous?.manifest ?? null, settings.minComparables),
  ]);

  const context: DayContext = {
    day: dayNumber(day),
    sights: new Map(task.searches.map((search): [string, SearchSight] => [search.slug, { ...search.sight, marksVanished: search.marksVanished }])),
    vanishedRetentionDays: settings.vanishedRetentionDays,
  };
  const relists = await planRelists(previousState, silver, context, settings.relistWindowDays);

  const before = await previousState.open();
  const today = await DayObservations.open(silver);
  const state = new StateWriter();
  const partial = new PartialBuilder({ day, shard, shardCount, previousDay: previous?.day ?? null, ...(task.runId === undefined ? {} : { runId: task.runId }), settings });
  const counts: Record<Exclude<ListingEvent, 'seen'>, number> & { priceDrops: number } = {
    new: 0,
    relist: 0,
    vanished: 0,
    relisted: 0,
    untracked: 0,
    reappeared: 0,
    carried: 0,
    expired: 0,
    priceDrops: 0,
  };
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
    let link = {};
    if (order >= 0) {
      observation = today.take();
      // A listing seen before under the same title and category keeps its key: folding every title every day is the shard's cost.
      observation.comparable_key =
        previousRow !== null && previousRow.comparable_key !== null && previousRow.title === observation.title && previousRow.category_id === observation.category_id
          ? previousRow.comparable_key
          : comparableKeyOf(observation.category_id, observation.title);
      const relistedFrom = previousRow === null ? relists.predecessors.get(observation.listing_id) : undefined;
      link = { fairPrice: reference.fairPriceOf(observation.comparable_key), ...(relistedFrom === undefined ? {} : { relistedFrom }) };
      const loading = today.loading();
      if (loading !== undefined) await loading;
    } else if (relists.relisted.has(previousRow!.listing_id)) {
      link = { relistedToday: true };
    }
    const transition = advanceListing(previousRow, observation, context, link);
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
  await lake.put(partialKey, encodePartialBytes(partial.finish(inputs)), 'application/json');
  const silverRows = Object.values(today.rowsBySearch).reduce((sum, rows) => sum + rows, 0);
  const { relist, ...events } = counts;

  return {
    status: 'written',
    day,
    shard,
    previousDay: previous?.day ?? null,
    stateKey,
    partialKey,
    counts: { silverRows, listingsSeen: today.listings, previousStateRows, stateRows, ...events, relists: relist, relistCandidates: relists.candidates, comparableGroups: reference.size },
  };
}
