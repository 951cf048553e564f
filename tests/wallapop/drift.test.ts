import test from 'ava';
import { DRIFT_LIMITS, addPage, checkPage, driftVerdict, emptyDriftTally, type DriftTally } from '#shared/wallapop/drift.ts';
import type { PageShape, SearchQuery } from '#shared/wallapop/index.ts';

const MADRID = { latitude: 40.4168, longitude: -3.7038 };
const QUERY: SearchQuery = { ...MADRID, categoryId: 24200, minPrice: 100, maxPrice: 400, distanceKm: 50 };
const SHAPE: PageShape = { itemsAt: 'data.section.payload.items', tokenAt: 'meta.next_page', strayTokens: [], sectionType: 'organic_search_results' };

/** An item that honours QUERY unless told otherwise. */
const item = (id: number, overrides: Record<string, unknown> = {}) => ({
  id: `item${id}`,
  title: 'iPhone 13',
  user_id: 'seller',
  price: { amount: 250, currency: 'EUR' },
  category_id: 24202,
  taxonomy: [{ id: 24200 }, { id: 24201 }, { id: 24202 }],
  location: { latitude: 40.45, longitude: -3.69, region2: 'Madrid' },
  reserved: { flag: false },
  created_at: 1_790_000_000_000,
  web_slug: `iphone-13-${id}`,
  ...overrides,
});
const page = (items: unknown[], nextPage: string | null = 'token', shape: PageShape = SHAPE) => ({ items, nextPage, shape });
const tallyOf = (...pages: Array<ReturnType<typeof page>>): DriftTally => pages.reduce((total, next) => addPage(total, checkPage(QUERY, next)), emptyDriftTally());
const items = (count: number, make: (index: number) => Record<string, unknown> = (index) => item(index)) => Array.from({ length: count }, (_, index) => make(index));

test('a page that honours the request has no symptom', (t) => {
  const tally = tallyOf(page(items(40)), page(items(40)), page(items(12), null));
  t.deepEqual(driftVerdict(QUERY, tally), { outcome: null, symptoms: [], decisive: false });
  t.like(tally, { pages: 3, items: 92, categoryChecked: 92, priceChecked: 92, radiusChecked: 92, firstFullPage: 40, shortPages: 0 });
  t.deepEqual(tally.shapes, ['data.section.payload.items + meta.next_page']);
});

test('a few odd items are tolerated; a share beyond the limit is a filter the API ignored', (t) => {
  const odd = (every: number) => items(40, (index) => (index % every === 0 ? item(index, { price: { amount: 900 } }) : item(index)));
  const tolerated = driftVerdict(QUERY, tallyOf(page(odd(20)), page(odd(20), null)));
  t.is(tolerated.outcome, null, `4 of 80 (${4 / 80}) is within ${DRIFT_LIMITS.FILTER_SHARE}`);
  const ignored = driftVerdict(QUERY, tallyOf(page(odd(5)), page(odd(5), null)));
  t.is(ignored.outcome, 'filter-ignored');
  t.deepEqual(ignored.symptoms, [{ kind: 'price-ignored', message: 'the price filter (100–400 €) was ignored: 16 of 80 items checked (20 %) are outside it, e.g. item0 at 900 €' }]);
  t.false(ignored.decisive, '20 % is a filter ignored, not yet a reason to stop early');
});

test('every filter is checked: category (from the taxonomy path), price, radius; a clear majority is decisive', (t) => {
  const elsewhere = items(40, (index) => item(index, { category_id: 12461, taxonomy: [{ id: 12461 }], price: { amount: 20 }, location: { latitude: 41.39, longitude: 2.17 } }));
  const verdict = driftVerdict(QUERY, tallyOf(page(elsewhere)));
  t.is(verdict.outcome, 'filter-ignored');
  t.true(verdict.decisive);
  t.deepEqual(verdict.symptoms.map((symptom) => symptom.kind), ['category-ignored', 'price-ignored', 'radius-ignored']);
  t.regex(verdict.symptoms[0]!.message, /^the category filter \(24200\) was ignored: 40 of 40 items checked \(100 %\) are outside it, e\.g\. item0 in category 12461$/);
  t.regex(verdict.symptoms[2]!.message, /^the 50 km radius was ignored: 40 of 40 .* item0 50\d km away$/);
});

test('a category cannot be checked without a taxonomy path: a foreign leaf id may still be a descendant', (t) => {
  const tally = tallyOf(page(items(40, (index) => item(index, { taxonomy: undefined, category_id: 10304 + index }))));
  t.is(tally.categoryChecked, 0);
  t.is(driftVerdict(QUERY, tally).outcome, null);
});

test('the radius allows for blurred positions', (t) => {
  // 50 km × 1.15 + 3 km = 60.5 km: Toledo (~67 km) is outside, Guadalajara (~55 km) is not.
  const guadalajara = { latitude: 40.6333, longitude: -3.1667 };
  const toledo = { latitude: 39.8628, longitude: -4.0273 };
  t.is(tallyOf(page(items(10, (index) => item(index, { location: guadalajara })))).outsideRadius, 0);
  t.is(tallyOf(page(items(10, (index) => item(index, { location: toledo })))).outsideRadius, 10);
});

test('unreadable fields on many items and a token elsewhere make a search drifted; a short page is a notice', (t) => {
  const retyped = items(40, (index) => item(index, { price: `${250} EUR`, location: 'Madrid' }));
  const shape = driftVerdict(QUERY, tallyOf(page(retyped)));
  t.is(shape.outcome, 'drifted');
  t.deepEqual(shape.symptoms, [{ kind: 'unknown-shape', message: 'items came in an unknown shape: location (40), price (40) of 40 items could not be read' }]);
  const noIds = driftVerdict(QUERY, tallyOf(page(items(40, (index) => item(index, { id: undefined })))));
  t.deepEqual(noIds.symptoms.map((symptom) => symptom.message), ['items came in an unknown shape: id (40) of 40 items could not be read']);
  t.is(driftVerdict(QUERY, tallyOf(page(items(40, (index) => (index < 3 ? item(index, { price: 'x' }) : item(index)))))).outcome, null, 'a few odd items are silver\'s business');

  const short = driftVerdict(QUERY, tallyOf(page(items(40)), page(items(10)), page(items(40)), page(items(3), null)));
  t.deepEqual(short, {
    outcome: null,
    decisive: false,
    symptoms: [{ kind: 'page-size', severity: 'notice', message: "the page size changed: 1 page(s) before the last held less than half of the first page's 40 items" }],
  }, 'a notice: no item is lost by a short page');
  t.deepEqual(driftVerdict(QUERY, tallyOf(page(items(40)), page(items(10)))).symptoms, [], 'a short page that ends the results is no change');

  const stray = driftVerdict(QUERY, tallyOf(page(items(40), null, { itemsAt: 'data.section.items', tokenAt: null, strayTokens: ['data.cursor'], sectionType: null })));
  t.deepEqual(stray, {
    outcome: 'drifted',
    decisive: false,
    symptoms: [{ kind: 'token-elsewhere', message: 'pagination may have moved: a page without next_page carried data.cursor, so the search may have ended early' }],
  });
});

test('the tally survives JSON (extract carries it across continuations) and adds up in any split', (t) => {
  const pages = [page(items(40)), page(items(40, (index) => item(index, { price: { amount: 5 } }))), page(items(7), null)];
  const whole = tallyOf(...pages);
  const resumed = addPage(JSON.parse(JSON.stringify(tallyOf(pages[0]!, pages[1]!))) as DriftTally, checkPage(QUERY, pages[2]!));
  t.deepEqual(resumed, whole);
  t.is(whole.examples.price, 'item0 at 5 €', 'the first example seen is kept');
});
