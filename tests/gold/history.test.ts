import test from 'ava';
import { keys } from '#shared/lake/keys.ts';
import { goldKeys, type DashboardDay, type DashboardSeries, type DataQuality, type GoldManifest } from '#shared/gold/index.ts';
import { readStateFile, type ListingState } from '#shared/gold/state.ts';
import { dayOfNumber } from '#shared/lake/days.ts';
import { readJson, runGoldDay, writeSilverDay, type FixtureDay, type FixtureListing } from '../helpers/gold-fixtures.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';

/**
 * Four calendar days with known changes (day 3 has no run at all). Every count below is stated
 * from the fixture, by hand.
 */
const D1 = '2026-11-01';
const D2 = '2026-11-02';
const D4 = '2026-11-04';

const at = (id: string, price: number, extra: Partial<FixtureListing> = {}): FixtureListing => ({ id, price, ...extra });

const days: FixtureDay[] = [
  {
    day: D1,
    shardCount: 3,
    searches: [
      { slug: 'phones', listings: [at('P1', 100), at('P2', 200), at('P3', 300), at('P4', 400), at('P5', 500), at('S1', 50)] },
      { slug: 'consoles', listings: [at('C1', 150, { categoryId: 200 }), at('C2', 250, { categoryId: 200 }), at('C3', 350, { categoryId: 200 }), at('C4', 450, { categoryId: 200 }), at('S1', 50)] },
    ],
  },
  {
    day: D2,
    shardCount: 3,
    searches: [
      // P4, P5 and S1 are gone from a complete search: vanished. P2 dropped 200 → 180.
      { slug: 'phones', listings: [at('P1', 100), at('P2', 180), at('P3', 300), at('P6', 250)] },
      // Blocked: C1…C4 prove nothing and stay active.
      { slug: 'consoles', outcome: 'blocked', listings: [] },
    ],
  },
  {
    day: D4,
    shardCount: 3,
    searches: [
      // P1 drops 100 → 90, P6 rises, P4 comes back, P7 is new, P3 is gone.
      { slug: 'phones', listings: [at('P1', 90), at('P2', 180), at('P4', 400), at('P6', 260), at('P7', 70)] },
      // C2 drops 250 → 100, C5 is new, C3 and C4 are gone (first complete run since D1).
      { slug: 'consoles', listings: [at('C1', 150, { categoryId: 200 }), at('C2', 100, { categoryId: 200 }), at('C5', 500, { categoryId: 200 })] },
    ],
  },
];

async function stateOf(lake: MemoryLake, day: string): Promise<Map<string, ListingState>> {
  const manifest = await readJson<GoldManifest>(lake, keys.goldManifest(day));
  const rows = new Map<string, ListingState>();
  for (const { key } of manifest.state) for (const row of await readStateFile((await lake.get(key))!)) rows.set(row.listing_id, row);
  return rows;
}

async function runAll() {
  const lake = new MemoryLake();
  const published = [];
  for (const fixture of days) {
    await writeSilverDay(lake, fixture);
    published.push(await runGoldDay(lake, fixture.day));
  }
  return { lake, published };
}

test('new, vanished, reappeared and price-drop counts equal the fixture over days with a blocked search and a gap', async (t) => {
  const { lake, published } = await runAll();
  const [first, second, fourth] = published.map((result) => result.manifest.totals);

  // Every fixture listing has a seller of its own: nothing is a relist, every vanished listing is sold.
  t.deepEqual(first, { stateRows: 10, activeListings: 10, seenListings: 10, newListings: 10, vanishedListings: 0, soldListings: 0, relistedListings: 0, priceDrops: 0 });
  t.deepEqual(second, { stateRows: 11, activeListings: 8, seenListings: 4, newListings: 1, vanishedListings: 3, soldListings: 3, relistedListings: 0, priceDrops: 1 });
  t.deepEqual(fourth, { stateRows: 13, activeListings: 8, seenListings: 8, newListings: 2, vanishedListings: 3, soldListings: 3, relistedListings: 0, priceDrops: 2 });

  const day4 = await readJson<DashboardDay>(lake, goldKeys.dashboardDay(D4));
  t.is(day4.previousDay, D2);
  t.is(day4.overall.reappearedListings, 1);
  t.is(day4.overall.daysOnMarketMedian, 3, 'P3, C3 and C4: first seen D1, found gone D4');
  t.deepEqual(day4.lists.overall.vanished.map((entry) => entry.listingId).sort(), ['C3', 'C4', 'P3']);
  t.deepEqual(day4.lists.overall.newest.map((entry) => entry.listingId).sort(), ['C5', 'P7']);
  t.deepEqual(
    day4.lists.overall.priceDrops.map((entry) => [entry.listingId, entry.dropPct]),
    [['C2', 60], ['P1', 10]],
  );
});

test('a blocked search marks none of its listings vanished; a listing shared with a complete search does vanish', async (t) => {
  const { lake } = await runAll();
  const state = await stateOf(lake, D2);
  for (const id of ['C1', 'C2', 'C3', 'C4']) {
    t.is(state.get(id)?.status, 'active', `${id} is carried over while consoles is blocked`);
    t.is(state.get(id)?.last_seen_day, state.get(id)?.first_seen_day);
  }
  t.is(state.get('S1')?.status, 'vanished', 'S1 belonged to phones too, which ran completely without it');
  t.deepEqual(state.get('S1')?.searches, ['consoles', 'phones']);

  const day2 = await readJson<DashboardDay>(lake, goldKeys.dashboardDay(D2));
  const consoles = day2.searches.find((row) => row.searchSlug === 'consoles')!;
  t.is(consoles.outcome, 'blocked');
  t.is(consoles.activeListings, 4);
  t.is(consoles.seenListings, 0);
  const quality = await readJson<DataQuality>(lake, goldKeys.quality(D2));
  const consolesQuality = quality.searches.find((search) => search.searchSlug === 'consoles')!;
  t.false(consolesQuality.marksVanished);
  t.true(consolesQuality.flags.includes('blocked'));
  t.true(quality.alerts.some((alert) => alert.searchSlug === 'consoles' && alert.flag === 'blocked'));
});

test('the state keeps each listing history: prices, changes, first/last seen, vanished and back', async (t) => {
  const { lake } = await runAll();
  const state = await stateOf(lake, D4);
  const p2 = state.get('P2')!;
  t.like(p2, { status: 'active', first_price: 200, min_price: 180, last_price: 180, price_before_change: 200, price_change_count: 1 });
  t.is(dayOfNumber(p2.price_changed_on!), D2);
  t.is(dayOfNumber(p2.first_seen_day), D1);
  t.is(dayOfNumber(p2.last_seen_day), D4);

  const p4 = state.get('P4')!;
  t.like(p4, { status: 'active', vanished_on: null, days_on_market: null, price_change_count: 0 });
  t.is(dayOfNumber(p4.first_seen_day), D1, 'a listing that comes back keeps its history and is not new');

  const p6 = state.get('P6')!;
  t.like(p6, { first_price: 250, min_price: 250, last_price: 260, price_change_count: 1 });

  const p3 = state.get('P3')!;
  t.like(p3, { status: 'vanished', days_on_market: 3 });
  t.is(dayOfNumber(p3.vanished_on!), D4);
  t.is(dayOfNumber(p3.last_seen_day), D2);

  t.is(state.get('P5')?.status, 'vanished', 'vanished listings stay in the state during the retention period');
  t.is(dayOfNumber(state.get('P5')!.vanished_on!), D2);
});

test('the first day is a baseline and a gap day is a column of nulls in the series', async (t) => {
  const { lake } = await runAll();
  const day1 = await readJson<DashboardDay>(lake, goldKeys.dashboardDay(D1));
  t.true(day1.isFirstDay);
  t.is(day1.previousDay, null);
  t.is(day1.overall.newListings, 10);

  const quality = await readJson<DataQuality>(lake, goldKeys.quality(D4));
  t.is(quality.gapDays, 1);
  t.is(quality.previousDay, D2);
  t.false(quality.isFirstDay);

  const series = await readJson<DashboardSeries>(lake, goldKeys.dashboardSeries);
  t.deepEqual(series.days, [D1, D2, '2026-11-03', D4]);
  t.deepEqual(series.overall.newListings, [10, 1, null, 2]);
  t.deepEqual(series.overall.vanishedListings, [0, 3, null, 3]);
  t.deepEqual(series.searches.consoles!.metrics.seenListings, [5, 0, null, 3]);
  t.deepEqual(await readJson(lake, goldKeys.dashboardLatest), await readJson(lake, goldKeys.dashboardDay(D4)));
});
