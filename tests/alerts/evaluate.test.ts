import test from 'ava';
import fc from 'fast-check';
import { alertIdOf, formatEuros, safeHttpsUrl, type DayAlerts } from '#shared/alerts/alert.ts';
import { evaluateWatches, type EvaluationContext } from '#shared/alerts/evaluate.ts';
import { extendWindow } from '#shared/alerts/evaluate-stage.ts';
import { cleanTitle, digestSubject, digestText, webhookPayload } from '#shared/alerts/message.ts';
import { foldWords, TermMatcher } from '#shared/alerts/keyword-match.ts';
import { parseWatchConfig, type WatchConfig } from '#shared/alerts/watches.ts';
import { dayNumber } from '#shared/lake/days.ts';
import type { ListingState } from '#shared/gold/state.ts';

/** Pure evaluation: rows in, alerts out. Every expectation below is stated from the rows by hand. */

const D = '2026-11-10';
const TODAY = dayNumber(D);

function row(id: string, overrides: Partial<ListingState> = {}): ListingState {
  return {
    listing_id: id,
    day: TODAY,
    status: 'active',
    first_seen_day: TODAY - 5,
    last_seen_day: TODAY,
    vanished_on: null,
    days_on_market: null,
    first_price: 100,
    min_price: 100,
    last_price: 100,
    price_before_change: null,
    price_changed_on: null,
    price_change_count: 0,
    currency: 'EUR',
    is_reserved: false,
    is_shippable: true,
    searches: ['phones'],
    title: `Listing ${id}`,
    category_id: 7,
    category_name: 'Phones',
    region: 'Comunidad de Madrid',
    city: 'Madrid',
    created_at: null,
    listing_url: `https://es.wallapop.com/item/${id}`,
    image_url: null,
    seller_id: 'seller',
    item_id: id,
    relisted_from: null,
    comparable_key: '7|listing',
    fair_price: null,
    fair_price_group: null,
    comparables: 0,
    province: 'Madrid',
    listed_previous_price: null,
    ...overrides,
  };
}

const fresh = (id: string, price: number, extra: Partial<ListingState> = {}) => row(id, { first_seen_day: TODAY, first_price: price, min_price: price, last_price: price, ...extra });
const dropped = (id: string, from: number, to: number, extra: Partial<ListingState> = {}) =>
  row(id, { first_price: from, min_price: to, last_price: to, price_before_change: from, price_changed_on: TODAY, price_change_count: 1, ...extra });

function config(watches: Record<string, unknown[]>): WatchConfig {
  return parseWatchConfig({ watches }, 'test watches', ['phones', 'consoles']);
}

function context(watches: WatchConfig, extra: Partial<EvaluationContext> = {}): EvaluationContext {
  return {
    day: D,
    isFirstDay: false,
    config: watches,
    peers: { search: new Map([['phones', 200], ['consoles', null]]), category: new Map([['7', 300]]), dealMinPrice: 1 },
    ...extra,
  };
}

const ids = (result: { alerts: Array<{ listingId: string }> }) => result.alerts.map((alert) => alert.listingId);

test('new-under-price: first seen today, active, seen today, at or under the price, in the search', (t) => {
  const watches = config({ phones: [{ id: 'cheap', rule: 'new-under-price', maxPrice: 150 }] });
  const rows = [
    fresh('N1', 150),
    fresh('N2', 90),
    fresh('N3', 151), // over
    row('OLD', { last_price: 50 }), // not new
    fresh('OTHER', 50, { searches: ['consoles'] }), // another search
    fresh('GONE', 50, { status: 'vanished', vanished_on: TODAY }),
    fresh('UNSEEN', 50, { last_seen_day: TODAY - 1 }),
    fresh('BOTH', 60, { searches: ['consoles', 'phones'] }),
  ];
  const result = evaluateWatches(rows, context(watches));
  t.deepEqual(ids(result), ['BOTH', 'N2', 'N1'], 'cheapest first');
  t.deepEqual(result.rules, [{ searchSlug: 'phones', ruleId: 'cheap', kind: 'new-under-price', matched: 3, kept: 3 }]);
  const [first] = result.alerts;
  t.like(first, { alertId: alertIdOf(D, 'phones', 'cheap', 'BOTH'), day: D, kind: 'new-under-price', price: 60, summary: 'New at 60 € (watch: up to 150 €)' });
  t.deepEqual(ids(evaluateWatches(rows, context(watches, { isFirstDay: true }))), [], 'the first gold day is a baseline');
});

test('price-drop: minPct and minEuros each, and both together', (t) => {
  const rows = [dropped('A', 200, 150), dropped('B', 100, 80), dropped('C', 1000, 900), dropped('D', 100, 95), row('UP', { last_price: 120, price_before_change: 100, price_changed_on: TODAY })];
  const pct = evaluateWatches(rows, context(config({ phones: [{ id: 'pct', rule: 'price-drop', minPct: 20 }] })));
  t.deepEqual(ids(pct), ['A', 'B'], '25 % then 20 %');
  t.like(pct.alerts[0], { previousPrice: 200, price: 150, dropPct: 25, summary: 'Price drop 200 € → 150 € (−25 %)' });
  const euros = evaluateWatches(rows, context(config({ phones: [{ id: 'eur', rule: 'price-drop', minEuros: 50 }] })));
  t.deepEqual(ids(euros), ['A', 'C'], 'by percentage: 25 % then 10 %');
  const both = evaluateWatches(rows, context(config({ phones: [{ id: 'both', rule: 'price-drop', minPct: 20, minEuros: 50 }] })));
  t.deepEqual(ids(both), ['A']);
});

test('deal: new or dropped today, at most (100 − pct) % of the search or category median, never under the deal floor', (t) => {
  const rows = [
    fresh('S1', 100), // 0.5 of the search median 200
    fresh('S2', 121), // 0.605: not a deal at 40 %
    dropped('S3', 300, 110), // dropped into deal territory
    row('STALE', { last_price: 50 }), // cheap but neither new nor dropped today
    fresh('FREE', 0), // under dealMinPrice
    fresh('NOCAT', 10, { category_id: null }),
  ];
  const bySearch = evaluateWatches(rows, context(config({ phones: [{ id: 'deal', rule: 'deal', belowMedianPct: 40, peer: 'search' }] })));
  t.deepEqual(ids(bySearch), ['NOCAT', 'S1', 'S3']);
  t.like(bySearch.alerts[1], { peer: 'search', peerMedian: 200, priceToMedian: 0.5 });
  t.like(bySearch.alerts[2], { previousPrice: 300, price: 110 });
  const byCategory = evaluateWatches(rows, context(config({ phones: [{ id: 'cat', rule: 'deal', belowMedianPct: 60, peer: 'category' }] })));
  t.deepEqual(ids(byCategory), ['S1', 'S3'], '≤ 120 € against the category median of 300 €; no category, no peer');
  t.regex(byCategory.alerts[0]!.summary, /below the median of its category \(Phones\) \(300 €\)/);
  const noMedian = evaluateWatches(rows, context(config({ consoles: [{ id: 'nomedian', rule: 'deal', belowMedianPct: 10, peer: 'search' }] })));
  t.deepEqual(ids(noMedian), [], 'a search without a median has no deals');
});

test('deal against comparables (the default): at most (100 − pct) % of the listing’s own fair price, from enough comparables', (t) => {
  const fair = { fair_price: 400, fair_price_group: '7|ps5', comparables: 12 };
  const rows = [
    fresh('CHEAP-PS5', 200, fair), // 0.5 of its fair price: a deal, although dear for the search (median 200)
    fresh('ACCESSORY', 5, { fair_price: 9, comparables: 30 }), // 0.56 of what accessories cost: a deal too
    fresh('DEAR', 300, fair), // 0.75: not 40 % below
    fresh('FEW', 100, { ...fair, comparables: 3 }), // too few comparables to trust the fair price
    fresh('NOFAIR', 10), // no fair price at all
  ];
  const result = evaluateWatches(rows, context(config({ phones: [{ id: 'deal', rule: 'deal', belowMedianPct: 40 }] })));
  t.deepEqual(ids(result), ['CHEAP-PS5', 'ACCESSORY'], 'best deal first');
  t.like(result.alerts.find((alert) => alert.listingId === 'CHEAP-PS5'), { peer: 'comparables', peerMedian: 400, priceToMedian: 0.5, comparables: 12 });
  t.regex(result.alerts.find((alert) => alert.listingId === 'CHEAP-PS5')!.summary, /50 % below its fair price \(400 €, median of 12 comparable listings\)/);
  const loose = evaluateWatches(rows, context(config({ phones: [{ id: 'deal', rule: 'deal', belowMedianPct: 40, minComparables: 3 }] })));
  t.deepEqual(ids(loose), ['FEW', 'CHEAP-PS5', 'ACCESSORY']);
});

test('include / exclude: any include term, no exclude term, whole words, case and accents ignored', (t) => {
  const rows = [
    fresh('PRO', 100, { title: 'iPhone 13 PRO Max' }),
    fresh('PROT', 100, { title: 'Protector pantalla iPhone' }),
    fresh('CAM', 100, { title: 'Cámara réflex' }),
    fresh('ROTO', 100, { title: 'iPhone 13 pro ROTO' }),
    fresh('NOTITLE', 100, { title: null }),
  ];
  const watches = config({ phones: [{ id: 'k', rule: 'new-under-price', maxPrice: 500, include: ['pro', 'camara'], exclude: ['roto'] }] });
  t.deepEqual(ids(evaluateWatches(rows, context(watches))).sort(), ['CAM', 'PRO']);
  t.is(foldWords('  Ñandú — ¡OFERTA!  '), 'nandu oferta');
  t.true(new TermMatcher(['pro max']).matchesAny('iphone PRO   max 256'));
  t.false(new TermMatcher(['128gb']).matchesAny('128 GB'));
});

test('reserved and vanished fire for the listings a rule names, on the day it happens', (t) => {
  const watches = config({
    phones: [
      { id: 'mine-reserved', rule: 'reserved', listingIds: ['R1', 'R2', 'R3', 'R4'] },
      { id: 'mine-vanished', rule: 'vanished', listingIds: ['V1', 'V2', 'R1'] },
    ],
  });
  const rows = [
    row('R1', { is_reserved: true }), // was not reserved
    row('R2', { is_reserved: true }), // already reserved yesterday
    row('R3', { is_reserved: true, searches: ['consoles'] }), // found by another search: still the user's listing
    row('R4', { is_reserved: true, last_seen_day: TODAY - 1 }), // not seen today
    row('V1', { status: 'vanished', vanished_on: TODAY, days_on_market: 6, last_seen_day: TODAY - 1 }),
    row('V2', { status: 'vanished', vanished_on: TODAY - 1, last_seen_day: TODAY - 2 }), // vanished earlier
    row('X', { is_reserved: true }),
  ];
  const previousReserved = new Map([
    ['R1', false],
    ['R2', true],
  ]);
  const result = evaluateWatches(rows, context(watches, { previousReserved }));
  t.deepEqual(
    result.alerts.map((alert) => `${alert.ruleId}:${alert.listingId}`),
    ['mine-reserved:R1', 'mine-reserved:R3', 'mine-vanished:V1'],
  );
  t.like(result.alerts[2], { kind: 'vanished', daysOnMarket: 6, summary: 'Gone (likely sold) at 100 € after 6 days' });
});

test('maxPerDay keeps the best alerts and says how many matched', (t) => {
  const rows = Array.from({ length: 30 }, (_, index) => fresh(`L${String(index).padStart(2, '0')}`, 100 - index));
  const result = evaluateWatches(rows, context(config({ phones: [{ id: 'cap', rule: 'new-under-price', maxPrice: 1000, maxPerDay: 3 }] })));
  t.deepEqual(ids(result), ['L29', 'L28', 'L27']);
  t.like(result.rules[0], { matched: 30, kept: 3 });
});

test('evaluation is deterministic: any row order gives the same alerts, sorted by search, rule and rank', (t) => {
  const watches = config({
    phones: [
      { id: 'z-new', rule: 'new-under-price', maxPrice: 150 },
      { id: 'a-drop', rule: 'price-drop', minPct: 5 },
    ],
    consoles: [{ id: 'c-new', rule: 'new-under-price', maxPrice: 500 }],
  });
  const rows = [fresh('A', 100), fresh('B', 120, { searches: ['consoles', 'phones'] }), dropped('C', 100, 50), dropped('D', 100, 90), fresh('E', 400, { searches: ['consoles'] })];
  const expected = evaluateWatches(rows, context(watches));
  t.deepEqual(
    expected.alerts.map((alert) => `${alert.searchSlug}/${alert.ruleId}/${alert.listingId}`),
    ['consoles/c-new/B', 'consoles/c-new/E', 'phones/a-drop/C', 'phones/a-drop/D', 'phones/z-new/A', 'phones/z-new/B'],
  );
  fc.assert(
    fc.property(fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }), (shuffled) => {
      t.deepEqual(evaluateWatches(shuffled, context(watches)), expected);
    }),
    { numRuns: 50 },
  );
});

test('the 30-day window is extended from the previous one, never reread from history', (t) => {
  const day = (value: string, count: number): DayAlerts =>
    ({ alertsVersion: 1, day: value, alerts: Array.from({ length: count }, (_, index) => ({ day: value, alertId: `${value}-${index}` })) }) as unknown as DayAlerts;
  let window = extendWindow(null, day('2026-10-01', 2));
  t.deepEqual(window.days, [{ day: '2026-10-01', count: 2 }]);
  window = extendWindow(window, day('2026-10-15', 1));
  window = extendWindow(window, day('2026-10-30', 3));
  t.is(window.fromDay, '2026-10-01');
  t.deepEqual(window.days.map((entry) => entry.day), ['2026-10-30', '2026-10-15', '2026-10-01']);
  t.is(window.alerts.length, 6);
  window = extendWindow(window, day('2026-10-31', 0));
  t.deepEqual(window.days.map((entry) => entry.day), ['2026-10-31', '2026-10-30', '2026-10-15'], 'day 31 drops the first day');
  t.deepEqual(window.alerts.map((alert) => alert.day), ['2026-10-30', '2026-10-30', '2026-10-30', '2026-10-15']);
});

test('messages: one payload for Slack (text), Discord (content, no mentions) and Telegram; hostile titles are defused', (t) => {
  const [alert] = evaluateWatches(
    [fresh('H', 99.5, { title: '<!channel> @everyone <script>alert(1)</script>\u0007 ' + 'x'.repeat(300), listing_url: 'javascript:alert(1)', city: 'Móstoles' })],
    context(config({ phones: [{ id: 'h', rule: 'new-under-price', maxPrice: 100 }] })),
  ).alerts;
  t.is(alert!.listingUrl, null, 'only https URLs');
  const payload = webhookPayload(alert!);
  t.is(payload.text, payload.content);
  t.deepEqual(payload.allowed_mentions, { parse: [] });
  t.notRegex(payload.text, /[<>\u0007]/);
  t.regex(payload.text, /^New listing · ‹!channel› @everyone ‹script›alert\(1\)‹\/script› x+… · 99,50 € · Móstoles\nNew at 99,50 € \(watch: up to 100 €\) \[phones \/ h\]$/);
  t.is(payload.alert.alertId, alert!.alertId);
  t.is(cleanTitle(null), '(no title)');
  t.is(digestSubject(D, [alert!, alert!], 'Wallapop alerts'), 'Wallapop alerts 2026-11-10: 2 new alerts');
  const many = Array.from({ length: 2000 }, () => alert!);
  const digest = digestText(D, many);
  t.true(Buffer.byteLength(digest) < 256 * 1024, 'fits an SNS message');
  t.regex(digest, /… and \d+ more: see gold\/alerts\/dt=2026-11-10\/alerts\.json/);
  t.is(formatEuros(15000), '15.000 €');
  t.is(formatEuros(1234.5), '1234,50 €');
  t.is(safeHttpsUrl('https://es.wallapop.com/item/x y'), null);
});
