import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMPTY_CATEGORY_INDEX, indexCategories } from '#shared/silver/categories.ts';
import { normaliseItem } from '#shared/silver/item.ts';
import { parseSearchBody } from '#shared/silver/page.ts';
import { checkPage, driftVerdict } from '#shared/wallapop/drift.ts';
import { CategoriesSchema, WallapopClient, parseBody, type SearchEndpoint, type SearchPage, type SearchQuery } from '#shared/wallapop/index.ts';

/**
 * Real answers of the live API, captured by other projects and kept (trimmed) in
 * fixtures/wallapop-captures/ with their sources: the client and silver must read them as
 * they are. A change here means the pipeline no longer reads what Wallapop was seen to send.
 */

const capture = (name: string) => readFileSync(new URL(`../../fixtures/wallapop-captures/${name}`, import.meta.url), 'utf8');

/** Serves one body on both search endpoints and returns a client pointed at it. */
async function clientServing(t: ExecutionContext, body: string): Promise<WallapopClient> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return new WallapopClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requestsPerSecond: 0, maxAttempts: 1 });
}

/** The request a captured page answered, as its next_page token echoes it (`params.searchRequestParams`). */
function requestOf(body: string): SearchQuery {
  const token = (JSON.parse(body) as { meta: { next_page: string } }).meta.next_page;
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { params: { searchRequestParams: Record<string, string | number> } };
  const asked = claims.params.searchRequestParams;
  return {
    keywords: String(asked.keywords),
    latitude: Number(asked.latitude),
    longitude: Number(asked.longitude),
    ...(asked.distance_in_km !== undefined ? { distanceKm: Number(asked.distance_in_km) } : {}),
  };
}

const CAPTURES: Array<{ file: string; endpoint: SearchEndpoint; itemsAt: SearchPage['shape']['itemsAt']; items: number; estimatedTotal: number | null; provinces: string[] }> = [
  // FazZy577/wall, the web app's own /search/section call (2026-07).
  { file: 'search-section-gta5-ps4.json', endpoint: 'section', itemsAt: 'data.section.items', items: 3, estimatedTotal: 40 + 2331, provinces: ['Córdoba', 'Madrid', 'Barcelona'] },
  // Luissalet/TantalusHoard, /search (2026-09): a short page whose token continues at `step` 1.
  { file: 'search-etb.json', endpoint: 'search', itemsAt: 'data.section.payload.items', items: 3, estimatedTotal: null, provinces: ['Madrid', 'Madrid', 'Madrid'] },
  // berendgort/wallapop-cli, /search (2026-10), its token replaced by the author.
  { file: 'search-bicicleta-sanitized.json', endpoint: 'search', itemsAt: 'data.section.payload.items', items: 2, estimatedTotal: null, provinces: ['Barcelona', 'Barcelona'] },
];

for (const expected of CAPTURES) {
  test(`${expected.file}: the client reads items, token and shape; silver reads every item, province included`, async (t) => {
    const body = capture(expected.file);
    const client = await clientServing(t, body);
    const page: SearchPage = await client.fetchSearchPage({ latitude: 40.4, longitude: -3.7 }, null, { endpoint: expected.endpoint, fallback: false });
    const token = (JSON.parse(body) as { meta: { next_page: string } }).meta.next_page;
    t.is(page.items.length, expected.items);
    t.is(page.nextPage, token, 'the token is at meta.next_page in every capture, whichever the endpoint');
    t.deepEqual(page.shape, { itemsAt: expected.itemsAt, tokenAt: 'meta.next_page', strayTokens: [], sectionType: 'organic_search_results' });
    t.is(page.estimatedTotal, expected.estimatedTotal);

    const silverPage = parseSearchBody(body, 200, 'application/json');
    if (!silverPage.ok) return t.fail(silverPage.detail);
    t.is(silverPage.path, expected.itemsAt);
    const rows = silverPage.items.map((item) => normaliseItem(item, { day: '2026-10-01', search: 'capture', page: 1, fetchedAtMs: 0, categories: EMPTY_CATEGORY_INDEX }));
    for (const row of rows) {
      if (!row.ok) return t.fail(`${row.reason}: ${row.detail}`);
      t.deepEqual(row.notes.invalidFields, [], `${row.row.listing_id}: every field read`);
      t.truthy(row.row.seller_id && row.row.title && row.row.listing_url && row.row.created_at && row.row.category_id);
    }
    t.deepEqual(rows.map((row) => (row.ok ? row.row.province : null)), expected.provinces, 'location.region2 → province');

    if (!token.endsWith('fixture_next_page')) {
      const verdict = driftVerdict(requestOf(body), checkPage(requestOf(body), page));
      t.deepEqual(verdict.symptoms, [], 'the answer honours the request it echoes');
      t.is(page.check.unreadable['(item)'], undefined);
    }
  });
}

test('discounts as captured data carries them ({amount, currency} and a percentage) reach silver', async (t) => {
  // Derived from Cucks13/TFB's CSV of API items (2025-01): the values are the capture's, the JSON is rebuilt.
  const { items } = JSON.parse(capture('discount-items-derived.json')) as { items: Array<Record<string, unknown>> };
  const body = JSON.stringify({ data: { section: { type: 'organic_search_results', payload: { items } } }, meta: {} });
  const client = await clientServing(t, body);
  const page = await client.fetchSearchPage({ latitude: 40.4, longitude: -3.7 }, null, { endpoint: 'search', fallback: false });
  t.deepEqual(page.check.unreadable, {}, 'the drift check reads the discount form');
  const rows = page.items.map((item) => normaliseItem(item, { day: '2025-01-16', search: 'capture', page: 1, fetchedAtMs: 0, categories: EMPTY_CATEGORY_INDEX }));
  t.deepEqual(
    rows.map((row) => (row.ok ? [row.row.price, row.row.previous_price, row.row.province, row.notes.invalidFields] : row.reason)),
    [
      [15, 40, 'Madrid', []],
      [20, 40, 'Madrid', []],
      [14, 15, 'Madrid', []],
    ],
  );
});

test('a captured "Similares a tu búsqueda" page (vector_search_results) is known for what it is: the search stops there', async (t) => {
  const body = capture('search-section-cod-bo6-vector.json');
  const client = await clientServing(t, body);
  const pages: SearchPage[] = [];
  const iterator = client.searchPages({ latitude: 41.1185, longitude: 1.254, keywords: 'cod bo6 ps4' }, { endpoint: 'section' });
  let step = await iterator.next();
  while (!step.done) {
    pages.push(step.value);
    step = await iterator.next();
  }
  t.is(step.value.reason, 'other-section', 'its next_page would only fetch more similar listings');
  t.is(pages.length, 1);
  t.is(pages[0]!.shape.sectionType, 'vector_search_results');
});

test('the captured category tree (a trimmed subset) validates and indexes', (t) => {
  const body = capture('categories-subset.json');
  const parsed = parseBody(CategoriesSchema, body);
  t.true(parsed.ok);
  const index = indexCategories(JSON.parse(body));
  t.is(index.skippedNodes, 0);
  t.true(index.size >= 4);
  t.truthy(index.get(100), 'the cars root, an id more than one client confirms');
});
