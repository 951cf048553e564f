import test from 'ava';
import { join } from 'node:path';
import { readSearchConfigFile } from '#shared/config/yaml-file.ts';
import { searchQueryOf } from '#shared/extract/query.ts';
import type { DashboardDay } from '#shared/gold/dashboard.ts';
import { goldKeys } from '#shared/lake/keys.ts';
import { addDays } from '#shared/lake/days.ts';
import { getJson } from '#shared/lake/lake.ts';
import { buildSearchParams } from '#shared/wallapop/index.ts';
import { createMarket } from '#simulator/index.ts';
import { startSimulatedPipeline } from '../helpers/simulated-pipeline.ts';

const SEARCHES = join(process.cwd(), 'fixtures/searches.yml');
const DAYS = ['2026-11-20', '2026-11-21', '2026-11-22'];

/**
 * The whole chain on the simulator, three days: gold's seen, new (plus relists), vanished (sold
 * plus relisted) and price-drop counts must equal what the simulated market says happened to the
 * listings the searches track. tests/integration/signals-ground-truth.test.ts scores the signals themselves.
 */
test('bronze → silver → gold through the S3-event chain matches the simulator’s ground truth, day after day', async (t) => {
  const market = createMarket({ seed: 23, listings: 8_000, startDay: DAYS[0]! });
  const { searches } = await readSearchConfigFile(SEARCHES);
  const { pipeline, sim } = await startSimulatedPipeline(t, { market, day: DAYS[0]!, searchesFile: SEARCHES });

  /** Listing ids any configured search returns on a day, by the simulator's own matching. */
  const tracked = (day: string) =>
    new Set(searches.flatMap((search) => market.day(day).match(buildSearchParams(searchQueryOf(search), 'search'))));

  const everSeen = new Set<string>();
  let previous: Set<string> | undefined;
  for (const day of DAYS) {
    sim.setDay(day);
    const run = await pipeline.runDay(day);
    t.deepEqual(run.deadLetters, [], day);
    t.true(run.report.gold.complete, `${day}: gold complete`);
    const gold = (await getJson<DashboardDay>(pipeline.lake, goldKeys.dashboardDay(day)))!;
    const today = tracked(day);

    t.is(gold.overall.seenListings, today.size, `${day}: listings seen`);
    if (previous === undefined) {
      t.true(gold.isFirstDay);
      t.is(gold.overall.newListings, today.size, `${day}: the first day is the baseline`);
    } else {
      const changes = market.day(day).changes();
      const firstSeen = [...today].filter((id) => !everSeen.has(id));
      // Relists of tracked listings are linked, not new (their ids are first seen all the same).
      const relists = changes.relisted.filter((relist) => today.has(relist.id) && everSeen.has(relist.previousId));
      const cheaperRelists = relists.filter((relist) => market.day(day).item(relist.id)!.price.amount < market.day(addDays(relist.previousVanishedOn, -1)).item(relist.previousId)!.price.amount);
      // Gone from every search that returned it: sold, or re-published (most of them the same day).
      const gone = [...previous].filter((id) => !today.has(id) && changes.vanishedIds.includes(id));
      const drops = changes.priceDrops.filter((drop) => today.has(drop.id) && previous!.has(drop.id));
      t.is(gold.overall.newListings + relists.length, firstSeen.length, `${day}: new listings and relists`);
      t.is(gold.overall.vanishedListings, gold.overall.soldListings + relists.filter((relist) => relist.previousVanishedOn === day).length, `${day}: vanished = sold + relisted the same day`);
      t.is(gold.overall.vanishedListings, gone.length, `${day}: vanished listings`);
      t.is(gold.overall.priceDropCount, drops.length + cheaperRelists.length, `${day}: price drops (a relist at a lower price is one)`);
      t.true(firstSeen.length > 0 && gone.length > 0 && drops.length > 0, `${day}: the market moved (${firstSeen.length} new, ${gone.length} vanished, ${drops.length} drops)`);
    }
    for (const id of today) everSeen.add(id);
    previous = today;
  }
});
