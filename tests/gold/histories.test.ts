/**
 * Listing histories (shared/gold/histories.ts), day by day: what a listing's price and status path
 * records while it is in the lists, after it leaves them and when it comes back, and what its page
 * can then claim. Against the simulator's ground truth they are scored by local/signal-check.ts
 * (tests/integration/signals-ground-truth.test.ts, npm run signals).
 */
import test from 'ava';
import type { DashboardDay, ListingCard, ListingLists } from '#shared/gold/dashboard.ts';
import { extendHistories, HISTORY_MAX_RETAINED, HISTORY_RETENTION_DAYS, pagedListingIds, type ListingHistories } from '#shared/gold/histories.ts';
import { addDays } from '#shared/lake/days.ts';

const EMPTY: ListingLists = { deals: [], priceDrops: [], newest: [], vanished: [] };

function card(id: string, fields: Partial<ListingCard>): ListingCard {
  return {
    listingId: id,
    title: id,
    price: 100,
    priceBeforeChange: null,
    priceChangedOn: null,
    priceChangeCount: 0,
    priceDropPct: null,
    firstPrice: 100,
    minPrice: 100,
    currency: 'EUR',
    status: 'active',
    firstSeenDay: '2026-11-01',
    lastSeenDay: '2026-11-01',
    vanishedOn: null,
    daysOnMarket: null,
    daysListed: 0,
    createdAt: null,
    isReserved: false,
    isShippable: true,
    categoryId: 1,
    categoryName: 'Móviles',
    region: null,
    city: null,
    listingUrl: null,
    imageUrl: null,
    searches: ['s'],
    sellerId: null,
    itemId: id,
    relistedFrom: null,
    fairPrice: null,
    fairPriceGroup: null,
    comparables: 0,
    province: null,
    listedPreviousPrice: null,
    ...fields,
  };
}

/** A day whose search list `newest` holds `cards` (and the market-wide list `overall`). */
function day(date: string, cards: ListingCard[], overall: ListingCard[] = []): Pick<DashboardDay, 'day' | 'lists' | 'listings'> {
  return {
    day: date,
    lists: {
      overall: { ...EMPTY, deals: overall.map((c) => ({ listingId: c.listingId, price: c.price, referencePrice: c.price * 2, priceToReference: 0.5, comparables: 9 })) },
      categories: { '1': { ...EMPTY, newest: [{ listingId: 'category-only', createdAt: null }] } },
      searches: { s: { ...EMPTY, newest: cards.map((c) => ({ listingId: c.listingId, createdAt: null })) } },
    },
    listings: Object.fromEntries([...cards, ...overall, card('category-only', {})].map((c) => [c.listingId, c])),
  };
}

test('the listings with a page: market-wide and search lists, not the per-category ones', (t) => {
  t.deepEqual(pagedListingIds(day('2026-11-01', [card('a', {})], [card('b', {})])), ['b', 'a']);
});

test('a path grows while the listing is in the lists, and says when a change happened out of sight', (t) => {
  let histories: ListingHistories | null = null;
  histories = extendHistories(histories, day('2026-11-01', [card('a', {})]));
  t.deepEqual(histories.listings.a!.prices, [['2026-11-01', 100]]);
  t.is(histories.listings.a!.priceChanges, 0);
  t.false('category-only' in histories.listings, 'per-category cards get no history');

  // Day 3: dropped to 90 on day 3, seen.
  histories = extendHistories(histories, day('2026-11-03', [card('a', { price: 90, priceBeforeChange: 100, priceChangedOn: '2026-11-03', priceChangeCount: 1, minPrice: 90, isReserved: true })]));
  t.deepEqual(histories.listings.a!.prices, [['2026-11-01', 100], ['2026-11-03', 90]]);
  t.deepEqual(histories.listings.a!.statuses, [['2026-11-01', 'active', false], ['2026-11-03', 'active', true]]);

  // Days 4–8 out of the lists: kept. Day 9 back at 70, changed on day 9, but the state counts 3 changes (80 on day 6 was not seen).
  histories = extendHistories(histories, day('2026-11-04', []));
  t.truthy(histories.listings.a, 'kept while out of the lists');
  histories = extendHistories(histories, day('2026-11-09', [card('a', { price: 70, priceBeforeChange: 80, priceChangedOn: '2026-11-09', priceChangeCount: 3, minPrice: 70 })]));
  const a = histories.listings.a!;
  t.deepEqual(a.prices, [['2026-11-01', 100], ['2026-11-03', 90], ['2026-11-09', 70]]);
  t.is(a.priceChanges, 3, 'the state\'s count: one change more than the path shows');
  t.deepEqual(a.statuses.at(-1), ['2026-11-09', 'active', false]);

  // Gone: the status change is dated the day it was found missing.
  histories = extendHistories(histories, day('2026-11-10', [card('a', { price: 70, status: 'vanished', vanishedOn: '2026-11-10', priceChangedOn: '2026-11-09', priceChangeCount: 3 })]));
  t.deepEqual(histories.listings.a!.statuses.at(-1), ['2026-11-10', 'vanished', false]);
  t.is(histories.listings.a!.prices.length, 3, 'no new point without a new price');

  // Out of the lists longer than the retention: dropped.
  histories = extendHistories(histories, day(addDays('2026-11-10', HISTORY_RETENTION_DAYS), []));
  t.truthy(histories.listings.a);
  histories = extendHistories(histories, day(addDays('2026-11-10', HISTORY_RETENTION_DAYS + 1), []));
  t.false('a' in histories.listings);
});

test('a path of one observation is not kept once its listing leaves the lists: its card says the same when it comes back', (t) => {
  let histories = extendHistories(null, day('2026-11-01', [card('once', {}), card('twice', {})]));
  histories = extendHistories(histories, day('2026-11-02', [card('twice', { price: 90, priceChangedOn: '2026-11-02', priceBeforeChange: 100, priceChangeCount: 1 })]));
  t.false('once' in histories.listings);
  histories = extendHistories(histories, day('2026-11-03', []));
  t.truthy(histories.listings.twice, 'a path that learned a change is kept');
});

test('however fast the lists churn, at most HISTORY_MAX_RETAINED paths out of the lists are kept, the most recently listed', (t) => {
  const listings: ListingHistories['listings'] = {};
  for (let i = 0; i < HISTORY_MAX_RETAINED + 5; i += 1) {
    listings[`l${i}`] = { prices: [['2026-11-01', 100], ['2026-11-02', 90]], priceChanges: 1, statuses: [['2026-11-01', 'active', false]], lastListed: i < 5 ? '2026-11-03' : '2026-11-04' };
  }
  const histories = extendHistories({ schemaVersion: 1, day: '2026-11-04', retentionDays: HISTORY_RETENTION_DAYS, listings }, day('2026-11-05', []));
  t.is(Object.keys(histories.listings).length, HISTORY_MAX_RETAINED);
  for (let i = 0; i < 5; i += 1) t.false(`l${i}` in histories.listings, 'the least recently listed go first');
});

test('a listing first listed after a change starts from its state row: the first price, then the latest change', (t) => {
  const histories = extendHistories(null, day('2026-11-05', [card('b', { firstSeenDay: '2026-10-20', firstPrice: 300, price: 250, priceBeforeChange: 280, priceChangedOn: '2026-11-02', priceChangeCount: 2 })]));
  t.deepEqual(histories.listings.b!.prices, [['2026-10-20', 300], ['2026-11-02', 250]]);
  t.is(histories.listings.b!.priceChanges, 2, 'the change from 300 to 280 happened before the listing was in the lists');
});

test('days are appended in order', (t) => {
  const histories = extendHistories(null, day('2026-11-05', []));
  t.throws(() => extendHistories(histories, day('2026-11-05', [])), { instanceOf: RangeError });
});
