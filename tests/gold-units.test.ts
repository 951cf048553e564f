import test from 'ava';
import fc from 'fast-check';
import { advanceListing, type DayContext, type Observation } from '#shared/gold/advance.ts';
import { canonicalJson } from '#shared/gold/json.ts';
import { lowerMedian } from '#shared/gold/kpis.ts';
import { TopN, compareRanked, rankKey, type RankFacts } from '#shared/gold/rankings.ts';
import { QuantileSketch, SKETCH_RELATIVE_ACCURACY } from '#shared/gold/sketch.ts';
import type { ListingState } from '#shared/gold/state.ts';
import { resolveGoldOptions } from '#shared/gold/options.ts';

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
  city: 'Madrid',
  created_at: 0,
  listing_url: null,
  image_url: null,
  searches: ['bikes'],
  ...overrides,
});

const context = (complete: string[], day = DAY): DayContext => ({ day, completeSearches: new Set(complete), vanishedRetentionDays: 30 });

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
          const facts: RankFacts = { listingId: item.id, price: item.price, priceDropPct: null, createdAtMs: null, daysOnMarket: null };
          return { key: rankKey('deals', facts), listingId: item.id };
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
  const facts = (listingId: string, more: Partial<RankFacts>): RankFacts => ({ listingId, price: 10, priceDropPct: null, createdAtMs: null, daysOnMarket: null, ...more });
  const newest = [facts('a', {}), facts('b', { createdAtMs: 5 }), facts('c', { createdAtMs: 9 })].map((f) => ({ key: rankKey('newest', f), listingId: f.listingId }));
  t.deepEqual(newest.sort(compareRanked).map((entry) => entry.listingId), ['c', 'b', 'a']);
  const vanished = [facts('a', { daysOnMarket: 3, price: 5 }), facts('b', { daysOnMarket: 1 }), facts('c', { daysOnMarket: 3, price: 50 })].map((f) => ({ key: rankKey('vanished', f), listingId: f.listingId }));
  t.deepEqual(vanished.sort(compareRanked).map((entry) => entry.listingId), ['b', 'c', 'a']);
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
