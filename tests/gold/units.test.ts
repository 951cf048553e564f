import test from 'ava';
import fc from 'fast-check';
import { advanceListing, sightOf, type DayContext, type Observation, type SearchSight } from '#shared/gold/advance.ts';
import { canonicalJson } from '#shared/lake/json.ts';
import { lowerMedian } from '#shared/gold/kpis.ts';
import { TopN, compareRanked, rankKey, type RankFacts } from '#shared/gold/rankings.ts';
import { QuantileSketch, SKETCH_RELATIVE_ACCURACY } from '#shared/gold/sketch.ts';
import type { ListingState } from '#shared/gold/state.ts';
import { resolveGoldOptions, shardSettingsOf } from '#shared/gold/options.ts';
import { PartialBuilder } from '#shared/gold/accumulate.ts';
import type { GroupAggregate } from '#shared/gold/partial.ts';

const DAY = 20_400;

const observation = (overrides: Partial<Observation> = {}): Observation => ({
  listing_id: 'L1',
  price: 100,
  currency: 'EUR',
  is_reserved: false,
  is_shippable: true,
  title: 'Bici',
  category_id: 1,
  category_name: 'Bicis',
  region: 'Madrid',
  province: 'Madrid',
  city: 'Madrid',
  created_at: 0,
  listing_url: null,
  image_url: null,
  previous_price: null,
  searches: ['bikes'],
  seller_id: 'S1',
  comparable_key: '1|bici',
  ...overrides,
});

const PLANNED = ['bikes', 'cheap-bikes', 'city-bikes', 'other-search'];
const openSight = (marksVanished: boolean): SearchSight => ({ marksVanished, timeFilterDays: null, firstFetchedAt: null, oldestCreatedAt: null, minPrice: null, maxPrice: null });

/** Every PLANNED search, with no time window or price range; `complete` ones ran completely. */
const context = (complete: string[], day = DAY, sights: Record<string, Partial<SearchSight>> = {}): DayContext => ({
  day,
  sights: new Map(PLANNED.map((slug) => [slug, { ...openSight(complete.includes(slug)), ...sights[slug] }])),
  vanishedRetentionDays: 30,
});

function stateOf(overrides: Partial<ListingState> = {}): ListingState {
  const first = advanceListing(null, observation(), context(['bikes'], DAY - 5)).next!;
  return { ...first, ...overrides };
}

test('a listing not returned vanishes only when one of its searches ran completely', (t) => {
  const previous = stateOf({ searches: ['bikes', 'cheap-bikes'] });
  for (const complete of [[], ['other-search']]) {
    const carried = advanceListing(previous, null, context(complete));
    t.is(carried.event, 'carried', `complete searches ${JSON.stringify(complete)} prove nothing about it`);
    t.is(carried.next?.status, 'active');
    t.is(carried.next?.day, DAY);
    t.is(carried.next?.last_seen_day, DAY - 5);
  }
  const vanished = advanceListing(previous, null, context(['cheap-bikes']));
  t.is(vanished.event, 'vanished');
  t.like(vanished.next, { status: 'vanished', vanished_on: DAY, days_on_market: 5, last_seen_day: DAY - 5 });
});

test('a search proves a listing gone only if it could still see it: aged out of its time window or price range is not sold', (t) => {
  const DAY_MS = 86_400_000;
  const fetched = 1_000 * DAY_MS;
  const window = { timeFilterDays: 30, firstFetchedAt: fetched, oldestCreatedAt: fetched - 30 * DAY_MS + 3_600_000 };
  const sight = (createdAt: number, price = 100, range: Partial<SearchSight> = {}) =>
    sightOf({ ...openSight(true), ...window, ...range }, { created_at: createdAt, last_price: price });
  t.is(sight(fetched - 10 * DAY_MS), 'yes');
  t.is(sight(fetched - 30 * DAY_MS + 3_600_000), 'yes', 'as old as the oldest listing it returned');
  t.is(sight(fetched - 30 * DAY_MS), 'unsure', 'at the edge of the window');
  t.is(sight(fetched - 31.5 * DAY_MS), 'no', 'older than the window and its margin');
  t.is(sight(fetched - 10 * DAY_MS, 90, { minPrice: 100 }), 'no');
  t.is(sight(fetched - 10 * DAY_MS, 150, { maxPrice: 120 }), 'no');

  const old = stateOf({ created_at: fetched - 40 * DAY_MS, searches: ['bikes'] });
  const agedOut = advanceListing(old, null, context(['bikes'], DAY, { bikes: window }));
  t.is(agedOut.event, 'untracked');
  t.like(agedOut.next, { status: 'untracked', vanished_on: null, days_on_market: null });
  const atTheEdge = advanceListing(stateOf({ created_at: fetched - 30 * DAY_MS, searches: ['bikes'] }), null, context(['bikes'], DAY, { bikes: window }));
  t.is(atTheEdge.event, 'carried', 'unsure: neither sold nor untracked');
  const young = advanceListing(stateOf({ created_at: fetched - 5 * DAY_MS, searches: ['bikes'] }), null, context(['bikes'], DAY, { bikes: window }));
  t.is(young.event, 'vanished');
});

test('a listing whose searches were all removed becomes untracked (not active, not sold); a search returning it makes it active again', (t) => {
  const orphan = stateOf({ searches: ['removed-search'] });
  const untracked = advanceListing(orphan, null, context(['bikes']));
  t.is(untracked.event, 'untracked');
  t.is(untracked.next?.status, 'untracked');
  t.is(advanceListing(untracked.next!, null, context(['bikes'], DAY + 1)).event, 'carried');
  t.is(advanceListing(untracked.next!, null, context(['bikes'], DAY + 31)).event, 'expired', 'kept for the retention period after it was last seen');
  const back = advanceListing(untracked.next!, observation({ searches: ['bikes'] }), context(['bikes'], DAY + 1));
  t.is(back.event, 'reappeared');
  t.is(back.next?.status, 'active');
});

test('a relist continues its item: first seen, prices and searches carry over; the old listing is relisted, not vanished', (t) => {
  const old = stateOf({ listing_id: 'OLD', item_id: 'FIRST', first_price: 150, min_price: 110, last_price: 120, price_change_count: 2, searches: ['bikes'] });
  const relisted = advanceListing(old, null, context(['bikes']), { relistedToday: true });
  t.is(relisted.event, 'relisted');
  t.like(relisted.next, { status: 'relisted', vanished_on: DAY, days_on_market: 5 });
  const relist = advanceListing(null, observation({ listing_id: 'NEW', price: 100, searches: ['city-bikes'] }), context(['bikes']), { relistedFrom: old });
  t.is(relist.event, 'relist');
  t.like(relist.next, {
    listing_id: 'NEW',
    item_id: 'FIRST',
    relisted_from: 'OLD',
    first_seen_day: DAY - 5,
    first_price: 150,
    min_price: 100,
    last_price: 100,
    price_before_change: 120,
    price_changed_on: DAY,
    price_change_count: 3,
  });
  t.deepEqual(relist.next?.searches, ['bikes', 'city-bikes']);
  t.is(relist.priceDropPct, (20 / 120) * 100, 'a relist at a lower price is a price drop');
  // A relist found a day late: the old listing went missing yesterday and keeps that day.
  const goneYesterday = { ...old, status: 'vanished' as const, vanished_on: DAY - 1, days_on_market: 4 };
  t.like(advanceListing(goneYesterday, null, context(['bikes']), { relistedToday: true }).next, { status: 'relisted', vanished_on: DAY - 1, days_on_market: 4 });
  const fresh = advanceListing(null, observation({ listing_id: 'NEW2' }), context(['bikes']));
  t.like(fresh.next, { item_id: 'NEW2', relisted_from: null, first_seen_day: DAY });
});

test('vanished listings are kept for the retention period, then dropped; a returning one is not new', (t) => {
  const gone = stateOf({ status: 'vanished', vanished_on: DAY - 30, days_on_market: 3 });
  t.is(advanceListing(gone, null, context(['bikes'])).event, 'carried');
  t.is(advanceListing(gone, null, context(['bikes'], DAY + 1)).event, 'expired');
  t.is(advanceListing(gone, null, context(['bikes'], DAY + 1)).next, null);
  const back = advanceListing(gone, observation({ price: 80 }), context(['bikes']));
  t.is(back.event, 'reappeared');
  t.like(back.next, { status: 'active', vanished_on: null, days_on_market: null, first_seen_day: DAY - 5, last_price: 80, min_price: 80 });
  t.is(back.priceDropPct, 20);
});

test('prices: changes are counted, drops measured against the previous observation, searches accumulate', (t) => {
  const previous = stateOf({ searches: ['bikes'] });
  const up = advanceListing(previous, observation({ price: 120, searches: ['city-bikes'] }), context([]));
  t.is(up.event, 'seen');
  t.is(up.priceDropPct, null);
  t.like(up.next, { first_price: 100, min_price: 100, last_price: 120, price_before_change: 100, price_changed_on: DAY, price_change_count: 1 });
  t.deepEqual(up.next?.searches, ['bikes', 'city-bikes']);
  const down = advanceListing(up.next!, observation({ price: 90 }), context([], DAY + 1));
  t.like(down.next, { min_price: 90, last_price: 90, price_before_change: 120, price_change_count: 2 });
  t.is(down.priceDropPct, 25);
  const same = advanceListing(down.next!, observation({ price: 90, title: 'Bici nueva' }), context([], DAY + 2));
  t.like(same.next, { price_change_count: 2, price_changed_on: DAY + 1, title: 'Bici nueva', last_seen_day: DAY + 2 });
  t.is(same.priceDropPct, null);
});

test('the sketch: any quantile within 1 % of the exact value of its rank; merging is exact and order-free', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 400 }),
      fc.constantFrom(0, 0.1, 0.25, 0.5, 0.75, 0.9, 1),
      fc.nat({ max: 399 }),
      (values, q, split) => {
        const whole = new QuantileSketch();
        const left = new QuantileSketch();
        const right = new QuantileSketch();
        values.forEach((value, index) => {
          whole.add(value);
          (index < split ? left : right).add(value);
        });
        const exact = [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;
        const estimate = whole.quantile(q)!;
        const merged = QuantileSketch.merged(right, left);
        return (
          Math.abs(estimate - exact) <= SKETCH_RELATIVE_ACCURACY * exact + 1e-12 &&
          merged.encode() === whole.encode() &&
          QuantileSketch.decode(whole.encode()).encode() === whole.encode()
        );
      },
    ),
    { numRuns: 300 },
  );
  t.is(new QuantileSketch().quantile(0.5), null);
  t.throws(() => new QuantileSketch().add(-1));
});

test('TopN keeps exactly the N first of a stream, ties broken by listing id', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ price: fc.integer({ min: 0, max: 20 }), id: fc.string({ minLength: 1, maxLength: 4 }) }), { maxLength: 200 }),
      fc.integer({ min: 1, max: 30 }),
      (items, n) => {
        const unique = [...new Map(items.map((item) => [item.id, item])).values()];
        const entries = unique.map((item) => {
          const facts: RankFacts = { listingId: item.id, price: item.price, priceDropPct: null, createdAtMs: null, daysOnMarket: null, priceToFair: item.price / 10 };
          return { key: rankKey('deals', facts, 'comparables'), listingId: item.id };
        });
        const top = new TopN<(typeof entries)[number]>(n);
        for (const entry of entries) top.offer(entry);
        const expected = [...entries].sort(compareRanked).slice(0, n).map((entry) => entry.listingId);
        return JSON.stringify(top.result().map((entry) => entry.listingId)) === JSON.stringify(expected);
      },
    ),
  );
  t.pass();
});

test('orders: newest puts unknown publication last, vanished fastest first then dearest', (t) => {
  const facts = (listingId: string, more: Partial<RankFacts>): RankFacts => ({ listingId, price: 10, priceDropPct: null, createdAtMs: null, daysOnMarket: null, priceToFair: null, ...more });
  const newest = [facts('a', {}), facts('b', { createdAtMs: 5 }), facts('c', { createdAtMs: 9 })].map((f) => ({ key: rankKey('newest', f, 'comparables'), listingId: f.listingId }));
  t.deepEqual(newest.sort(compareRanked).map((entry) => entry.listingId), ['c', 'b', 'a']);
  const vanished = [facts('a', { daysOnMarket: 3, price: 5 }), facts('b', { daysOnMarket: 1 }), facts('c', { daysOnMarket: 3, price: 50 })].map((f) => ({ key: rankKey('vanished', f, 'comparables'), listingId: f.listingId }));
  t.deepEqual(vanished.sort(compareRanked).map((entry) => entry.listingId), ['b', 'c', 'a']);
  // Deals: the lowest price / fair price first under 'comparables', the cheapest under 'category-median'.
  const deals = [facts('a', { price: 100, priceToFair: 0.5 }), facts('b', { price: 5, priceToFair: 0.55 }), facts('c', { price: 300, priceToFair: 0.2 })];
  t.deepEqual(deals.map((f) => ({ key: rankKey('deals', f, 'comparables'), listingId: f.listingId })).sort(compareRanked).map((entry) => entry.listingId), ['c', 'a', 'b']);
  t.deepEqual(deals.map((f) => ({ key: rankKey('deals', f, 'category-median'), listingId: f.listingId })).sort(compareRanked).map((entry) => entry.listingId), ['b', 'a', 'c']);
});

test('lower median of a histogram; canonical JSON ignores insertion order', (t) => {
  t.is(lowerMedian(new Map()), null);
  t.is(lowerMedian(new Map([[3, 1]])), 3);
  t.is(lowerMedian(new Map([[1, 1], [7, 1]])), 1);
  t.is(lowerMedian(new Map([[10, 2], [2, 2], [5, 1]])), 5);
  t.is(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: null } }), canonicalJson({ a: { c: null, d: [1, { y: 1, z: 0 }] }, b: 1 }));
  t.throws(() => canonicalJson({ a: Number.NaN }));
});

test('options: defaults, overrides, and errors that name the field', (t) => {
  t.is(resolveGoldOptions().topN, 50);
  t.like(resolveGoldOptions({ topN: 10 }), { topN: 10, topNPerCategory: 10 });
  t.throws(() => resolveGoldOptions({ topN: 10, topNPerCategory: 11 }), { message: /topNPerCategory/ });
  t.throws(() => resolveGoldOptions({ topN: 0 }), { message: /topN/ });
  t.throws(() => resolveGoldOptions({ dealMaxPriceToMedian: 1.5 }), { message: /dealMaxPriceToMedian/ });
  t.throws(() => resolveGoldOptions({ topn: 3 } as never), { message: /topn/ });
});

test('a partial sums the market from its categories and a region from its provinces: the same figures as counting every listing into them', (t) => {
  const settings = shardSettingsOf(resolveGoldOptions({}));
  const meta = { day: '2026-11-21', shard: 0, shardCount: 1, previousDay: '2026-11-20', settings } as const;
  const listingArbitrary = fc.record({
    previousPrice: fc.option(fc.integer({ min: 1, max: 900 })),
    price: fc.integer({ min: 1, max: 900 }),
    seen: fc.boolean(),
    searchComplete: fc.boolean(),
    reserved: fc.option(fc.boolean()),
    category: fc.option(fc.constantFrom(1, 2, 3)),
    region: fc.option(fc.constantFrom('Madrid', 'Andalucía')),
    province: fc.option(fc.constantFrom('Madrid', 'Córdoba', 'Sevilla')),
  });
  fc.assert(
    fc.property(fc.array(listingArbitrary, { minLength: 1, maxLength: 40 }), (listings) => {
      // Each listing's transition, once with its own category and place, once with one category and place for all.
      const transitions = (same: boolean) =>
        listings.map((listing, index) => {
          const where = same ? { category_id: 9, category_name: null, region: 'R', province: 'P' } : { category_id: listing.category, category_name: listing.category === null ? null : `Category ${listing.category}`, region: listing.region, province: listing.province };
          const previous = listing.previousPrice === null ? null : stateOf({ listing_id: `L${index}`, last_price: listing.previousPrice, ...where });
          const seen = listing.seen || previous === null ? observation({ listing_id: `L${index}`, price: listing.price, is_reserved: listing.reserved, ...where }) : null;
          return { transition: advanceListing(previous, seen, context(listing.searchComplete ? ['bikes'] : [])), seen };
        });
      const built = (same: boolean, keep: (index: number) => boolean = () => true) => {
        const builder = new PartialBuilder(meta);
        transitions(same).forEach(({ transition, seen }, index) => {
          if (keep(index)) builder.ingest(transition, seen);
        });
        return builder.finish({ silverRows: {}, previousStateRows: 0, stateRows: 0, expiredRows: 0 });
      };
      const figures = (group: GroupAggregate | undefined) => (group === undefined ? undefined : canonicalJson({ ...group, label: null, prices: group.prices.toBins(), dropPcts: group.dropPcts.toBins(), soldPrices: group.soldPrices.toBins(), daysOnMarket: [...group.daysOnMarket].sort(), daysToSell: [...group.daysToSell].sort(), daysToSellByPosition: Object.values(group.daysToSellByPosition).map((histogram) => [...histogram].sort()) }));
      const partial = built(false);
      t.is(partial.groups.overall.get('')?.label ?? null, null);
      t.is(figures(partial.groups.overall.get('')), figures(built(true).groups.category.get('9')));
      for (const region of [null, 'Madrid', 'Andalucía']) {
        const inRegion = (index: number) => listings[index]!.region === region && transitions(false)[index]!.transition.next !== null;
        const expected = listings.some((_, index) => inRegion(index)) ? figures(built(true, inRegion).groups.province.get('["R","P"]')) : undefined;
        t.is(figures(partial.groups.region.get(region ?? '')), expected, `region ${String(region)}`);
      }
    }),
    { numRuns: 150 },
  );
});
