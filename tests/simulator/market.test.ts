import test, { type ExecutionContext } from 'ava';
import {
  CITIES,
  MARKET_DEFAULTS,
  PAGE_SIZE,
  addDays,
  createMarket,
  foldForSearch,
  haversineKm,
  peekClaims,
  snapshotAt,
  startSimulator,
  type FaultOptions,
  type SearchItem,
  type SectionEndpointMode,
  type SimulatorHandle,
} from '../../simulator/index.ts';

const DAY = '2026-11-24';
const NEXT_DAY = addDays(DAY, 1);
const MADRID = { latitude: 40.4168, longitude: -3.7038 };
const APP_HEADERS = { 'x-appversion': '826800' };

/** Shared by the tests: a market is deterministic whatever order it is asked in. */
const market = createMarket({ seed: 7, listings: 5_000, startDay: DAY });

type Params = Record<string, string | number>;

async function simulator(
  t: ExecutionContext,
  options: { faults?: FaultOptions; sectionEndpoint?: SectionEndpointMode; day?: string } = {},
): Promise<SimulatorHandle> {
  const handle = await startSimulator({ market, ...options });
  t.teardown(() => handle.close());
  return handle;
}

function searchUrl(base: string, params: Params, endpoint: 'search' | 'section' = 'search'): string {
  const path = endpoint === 'search' ? '/api/v3/search' : '/api/v3/search/section';
  const query = new URLSearchParams(stringify({ source: 'search_box', ...params }));
  if (endpoint === 'section') query.set('section_type', 'organic_search_results');
  return `${base}${path}?${query}`;
}

async function fetchText(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

interface Envelope {
  data: { section: { type: string; payload?: { items: SearchItem[] }; items?: SearchItem[]; next_page?: string } };
  meta: { next_page?: string };
}

/** Items and token wherever the page keeps them (the API variants differ; by default /search/section puts items under data.section). */
const itemsOf = (envelope: Envelope): SearchItem[] => envelope.data.section.payload?.items ?? envelope.data.section.items ?? [];
const tokenOf = (envelope: Envelope): string | undefined => envelope.data.section.next_page || envelope.meta.next_page;

/** Follows next_page to the end, resending every filter, retrying faulted requests. */
async function walk(base: string, params: Params, endpoint: 'search' | 'section' = 'search', retries = 0) {
  const pages: SearchItem[][] = [];
  const tokens: string[] = [];
  let token: string | undefined;
  let faulted = 0;
  for (;;) {
    const url = searchUrl(base, token ? { ...params, next_page: token } : params, endpoint);
    let answer = await fetchText(url, endpoint === 'section' ? APP_HEADERS : {});
    while (answer.status !== 200 || !isJson(answer.text)) {
      faulted += 1;
      if (faulted > retries) throw new Error(`page ${pages.length + 1}: HTTP ${answer.status} ${answer.text.slice(0, 120)}`);
      answer = await fetchText(url, endpoint === 'section' ? APP_HEADERS : {});
    }
    const envelope = JSON.parse(answer.text) as Envelope;
    // A page of similar listings after the results is not part of them.
    if (envelope.data.section.type !== 'organic_search_results') break;
    pages.push(itemsOf(envelope));
    token = tokenOf(envelope);
    if (!token) break;
    tokens.push(token);
  }
  return { pages, tokens, ids: pages.flat().map((item) => item.id), faulted };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const madridNewest: Params = { ...MADRID, distance_in_km: 500, order_by: 'newest', time_filter: 'lastMonth' };

test('the same seed builds the same market; another seed another one', (t) => {
  const again = createMarket({ seed: 7, listings: 5_000, startDay: DAY });
  const ids = market.day(DAY).activeIds();
  t.deepEqual(again.day(DAY).activeIds(), ids);
  for (const id of ids.slice(0, 50)) t.deepEqual(again.day(DAY).item(id), market.day(DAY).item(id));
  t.deepEqual(again.day(NEXT_DAY).changes(), market.day(NEXT_DAY).changes());
  t.deepEqual(again.day(NEXT_DAY).match(madridNewest), market.day(NEXT_DAY).match(madridNewest));

  const other = createMarket({ seed: 8, listings: 5_000, startDay: DAY });
  const otherIds = new Set(other.day(DAY).activeIds());
  t.is(ids.filter((id) => otherIds.has(id)).length, 0);
});

test('a day is the market as of 06:00 Europe/Madrid, on both sides of the DST switches', (t) => {
  const madridClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', dateStyle: 'short', timeStyle: 'short' });
  for (const day of ['2026-03-28', '2026-03-29', '2026-07-01', '2026-10-24', '2026-10-25', DAY]) {
    const [year, month, date] = day.split('-');
    t.is(madridClock.format(snapshotAt(day)), `${date}/${month}/${year}, 06:00`);
  }
  t.is(market.day(DAY).snapshotAt, snapshotAt(DAY));
});

test('ids are 12 lowercase base36 characters, unique and stable across days', (t) => {
  const ids = market.day(DAY).activeIds();
  t.is(ids.length, 5_000);
  t.true(ids.every((id) => /^[0-9a-z]{12}$/.test(id)));
  t.is(new Set(ids).size, ids.length);
  const tomorrow = new Set(market.day(NEXT_DAY).activeIds());
  const vanished = new Set(market.day(NEXT_DAY).changes().vanishedIds);
  t.true(ids.every((id) => tomorrow.has(id) || vanished.has(id)));
  t.is(market.day(DAY).item('zzzzzzzzzzzz'), undefined);
  t.is(market.day(DAY).item('not-an-id'), undefined);
});

test('earlier days keep their answers after the market evolved past them', (t) => {
  const fresh = createMarket({ seed: 7, listings: 5_000, startDay: DAY });
  const evolved = createMarket({ seed: 7, listings: 5_000, startDay: DAY });
  evolved.day(addDays(DAY, 5));
  t.deepEqual(evolved.day(NEXT_DAY).match(madridNewest), fresh.day(NEXT_DAY).match(madridNewest));
  const id = fresh.day(NEXT_DAY).activeIds()[17]!;
  t.deepEqual(evolved.day(NEXT_DAY).item(id), fresh.day(NEXT_DAY).item(id));
  t.throws(() => fresh.day(addDays(DAY, -1)), { instanceOf: RangeError });
});

test('/search pages hold 40 items, follow ground truth in order, and the last page has no next_page', async (t) => {
  const sim = await simulator(t);
  const truth = market.day(DAY).match(madridNewest);
  t.true(truth.length > 10 * PAGE_SIZE, `only ${truth.length} results`);

  const { pages, tokens, ids } = await walk(sim.url, madridNewest);
  t.deepEqual(ids, truth);
  t.is(new Set(ids).size, ids.length);
  pages.slice(0, -1).forEach((page) => t.is(page.length, PAGE_SIZE));
  t.true(pages.at(-1)!.length > 0 && pages.at(-1)!.length <= PAGE_SIZE);
  t.is(pages.length, Math.ceil(truth.length / PAGE_SIZE));
  for (const item of [pages[0]![0]!, pages.at(-1)!.at(-1)!]) t.deepEqual(item, market.day(DAY).item(item.id));

  const newest = pages.flat().map((item) => item.created_at);
  t.deepEqual(newest, [...newest].sort((a, b) => b - a));

  const [header] = tokens[0]!.split('.');
  t.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
  tokens.forEach((token, index) => {
    const claims = peekClaims(token) as { pointers: { ORGANIC: { remaining_documents: number } }; day: string };
    t.is(claims.pointers.ORGANIC.remaining_documents, truth.length - (index + 1) * PAGE_SIZE);
    t.is(claims.day, DAY);
  });

  const groundTruth = await fetchText(`${sim.url}/__sim/ground-truth?${new URLSearchParams({ day: DAY, ...stringify(madridNewest) })}`);
  t.deepEqual((JSON.parse(groundTruth.text) as { ids: string[] }).ids, truth);
});

test('a result set of an exact multiple of 40 ends without a next_page and without an empty page', async (t) => {
  const sim = await simulator(t);
  // Widen the radius until the count happens to be a multiple of 40.
  let params: Params | undefined;
  for (let km = 5; km < 400 && !params; km += 0.5) {
    const candidate = { ...MADRID, distance_in_km: km, order_by: 'newest' };
    const count = market.day(DAY).match(candidate).length;
    if (count > 0 && count % PAGE_SIZE === 0) params = candidate;
  }
  if (!params) return t.fail('no radius gave a multiple of 40');
  const { pages } = await walk(sim.url, params);
  t.true(pages.length > 1);
  t.true(pages.every((page) => page.length === PAGE_SIZE));
});

test('/search/section serves the same pages under data.section.items and wants a 6-digit x-appversion', async (t) => {
  const sim = await simulator(t);
  const params = { ...MADRID, distance_in_km: 100, order_by: 'price_low_to_high', keywords: 'iphone' };
  const viaSearch = await walk(sim.url, params, 'search');
  const viaSection = await walk(sim.url, params, 'section');
  t.true(viaSearch.ids.length > PAGE_SIZE);
  t.deepEqual(viaSection.ids, viaSearch.ids);

  t.is((await fetchText(searchUrl(sim.url, params, 'section'))).status, 400);
  t.is((await fetchText(searchUrl(sim.url, params, 'section'), { 'x-appversion': '8268' })).status, 400);

  sim.setSectionEndpoint('bad-request');
  t.is((await fetchText(searchUrl(sim.url, params, 'section'), APP_HEADERS)).status, 400);
  sim.setSectionEndpoint('missing');
  t.is((await fetchText(searchUrl(sim.url, params, 'section'), APP_HEADERS)).status, 404);
  t.is((await fetchText(searchUrl(sim.url, params, 'search'))).status, 200);
});

test('API variants: either shape on either endpoint, discounts in every form, filters accepted but ignored', async (t) => {
  const sim = await simulator(t);
  const params = { ...MADRID, distance_in_km: 200, category_id: 24200, min_sale_price: 20, max_sale_price: 300, order_by: 'newest' };
  const body = async (endpoint: 'search' | 'section') => JSON.parse((await fetchText(searchUrl(sim.url, params, endpoint), endpoint === 'section' ? APP_HEADERS : {})).text) as Record<string, any>;

  const defaults = { search: await body('search'), section: await body('section') };
  t.truthy(defaults.search.data.section.payload.items.length);
  t.truthy(defaults.search.meta.next_page);
  t.is(defaults.section.data.section.payload, undefined);
  t.truthy(defaults.section.data.section.items.length);
  t.truthy(defaults.section.meta.next_page, 'section: items under data.section, the token in meta, as captured');
  t.is(defaults.section.data.section.next_page, undefined);

  sim.setVariant({ searchShape: 'items+section', sectionShape: 'payload+meta' });
  const swapped = { search: await body('search'), section: await body('section') };
  t.deepEqual(swapped.search.data.section.items, defaults.search.data.section.payload.items);
  t.is(swapped.search.data.section.next_page, defaults.search.meta.next_page);
  t.deepEqual(swapped.section.data.section.payload.items, defaults.section.data.section.items);

  sim.setVariant({ similarAfterResults: true });
  const withSimilar = await walk(sim.url, params, 'section');
  const similarPage = await (async () => {
    const last = withSimilar.tokens.at(-1)!;
    t.is(withSimilar.tokens.length, withSimilar.pages.length, 'the last page of results carries a token: to the similar listings');
    return JSON.parse((await fetchText(searchUrl(sim.url, { ...params, next_page: last }, 'section'), APP_HEADERS)).text) as Record<string, any>;
  })();
  t.is(similarPage.data.section.type, 'vector_search_results');
  const resultIds = new Set((await walk(sim.url, params, 'search')).ids);
  t.true(similarPage.data.section.items.length > 0 && similarPage.data.section.items.every((item: { id: string }) => !resultIds.has(item.id)), 'similar listings are not results');

  sim.setVariant(undefined);
  const discounted = (items: Array<Record<string, any>>) => items.filter((item) => item.discount !== undefined || item.previous_price !== undefined);
  const wide = { ...MADRID, distance_in_km: 2000, order_by: 'newest', time_filter: 'lastMonth' };
  sim.setVariant({ discount: 'number' });
  const numberForm = discounted((await walk(sim.url, wide)).pages.flat() as unknown as Array<Record<string, any>>);
  t.true(numberForm.length > 0, 'some listings carry a discount');
  t.true(numberForm.every((item) => typeof item.discount.previous_price === 'number' && item.discount.previous_price > item.price.amount));
  sim.setVariant({ discount: 'object' });
  const objectForm = discounted((await walk(sim.url, wide)).pages.flat() as unknown as Array<Record<string, any>>);
  t.deepEqual(objectForm.map((item) => item.discount.previous_price), numberForm.map((item) => ({ amount: item.discount.previous_price, currency: 'EUR' })));
  sim.setVariant({ discount: 'top-level' });
  const topLevel = discounted((await walk(sim.url, wide)).pages.flat() as unknown as Array<Record<string, any>>);
  t.deepEqual(topLevel.map((item) => [item.previous_price, item.discount]), numberForm.map((item) => [{ amount: item.discount.previous_price, currency: 'EUR' }, { percentage: item.discount.percentage }]));

  sim.setVariant({ ignore: ['category', 'price'] });
  const ignored = (await walk(sim.url, params)).pages.flat();
  t.true(ignored.some((item) => !item.taxonomy.some((entry) => entry.id === 24200)), 'items outside the category');
  t.true(ignored.some((item) => item.price.amount > 300 || item.price.amount < 20), 'items outside the price range');
  const truth = await (await fetch(`${sim.url}/__sim/ground-truth?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`)).json() as { ids: string[] };
  t.true(ignored.length > truth.ids.length, 'ground truth still answers the question as asked');
  t.throws(() => sim.setVariant({ ignore: ['keywords' as never] }), { message: /ignore\[\] must be one of category, price, distance/ });
});

test('category_id matches the node and all its descendants', async (t) => {
  const sim = await simulator(t);
  const { pages } = await walk(sim.url, { ...MADRID, distance_in_km: 2000, category_id: 10304, order_by: 'newest' });
  const items = pages.flat();
  t.true(items.length > 20);
  t.true(items.every((item) => item.taxonomy.some((entry) => entry.id === 10304)));
  t.true(items.every((item) => item.taxonomy[0]!.id === 24200));
  t.true(new Set(items.map((item) => item.category_id)).size >= 3, 'listings sit in several subcategories');
  t.false(items.some((item) => item.category_id === 10304 && item.taxonomy.length < 3));

  const root = market.day(DAY).match({ ...MADRID, distance_in_km: 2000, category_id: 24200 });
  const componentIds = new Set(items.map((item) => item.id));
  t.true(root.length > componentIds.size);
  t.true([...componentIds].every((id) => root.includes(id)));
  t.deepEqual(market.day(DAY).match({ ...MADRID, category_id: 999_999_999 }), []);
});

test('distance, price range and time filters hold for every item', async (t) => {
  const sim = await simulator(t);
  const day = market.day(DAY);
  const near = (await walk(sim.url, { ...MADRID, distance_in_km: 40, order_by: 'closest' })).pages.flat();
  const distances = near.map((item) => haversineKm(MADRID.latitude, MADRID.longitude, item.location.latitude, item.location.longitude));
  t.true(near.length > 100);
  t.true(distances.every((km) => km <= 40));
  t.deepEqual(distances, [...distances].sort((a, b) => a - b));
  const everywhere = day.match({ ...MADRID, distance_in_km: 2000 });
  t.true(everywhere.length > near.length);
  t.true(near.some((item) => item.location.city !== 'Madrid'), 'nearby towns are within 40 km');
  t.false(day.match({ ...MADRID, distance_in_km: 500 }).some((id) => day.item(id)!.location.region === 'Canarias'));

  const priced = (await walk(sim.url, { ...MADRID, min_sale_price: 100, max_sale_price: 250, order_by: 'price_high_to_low' })).pages.flat();
  const prices = priced.map((item) => item.price.amount);
  t.true(prices.length > 100);
  t.true(prices.every((price) => price >= 100 && price <= 250));
  t.deepEqual(prices, [...prices].sort((a, b) => b - a));

  const snapshot = snapshotAt(DAY);
  const counts: number[] = [];
  for (const [filter, days] of [['today', 1], ['lastWeek', 7], ['lastMonth', 30]] as const) {
    const items = (await walk(sim.url, { ...MADRID, time_filter: filter, order_by: 'newest' })).pages.flat();
    t.true(items.every((item) => item.created_at > snapshot - days * 86_400_000 && item.created_at <= snapshot), filter);
    counts.push(items.length);
  }
  t.true(counts[0]! > 0 && counts[0]! < counts[1]! && counts[1]! < counts[2]!, counts.join(' < '));
});

test('keywords match every token in the title, ignoring case and accents', async (t) => {
  const sim = await simulator(t);
  const search = async (keywords: string) => (await walk(sim.url, { ...MADRID, distance_in_km: 2000, keywords, order_by: 'newest' })).pages.flat();

  const camara = await search('camara');
  t.true(camara.length > 0);
  t.true(camara.some((item) => item.title.includes('Cámara')));
  t.deepEqual((await search('CÁMARA')).map((item) => item.id), camara.map((item) => item.id));

  for (const keywords of ['iphone 13', 'playstation 5', 'ps5', 'nintendo switch', 'bicicleta']) {
    const items = await search(keywords);
    t.true(items.length > 0, keywords);
    t.true(items.every((item) => keywords.split(' ').every((token) => foldForSearch(item.title).includes(token))), keywords);
  }
  const bikes = await search('bicicleta');
  t.true(bikes.some((item) => item.taxonomy[0]!.id === 17000) && bikes.some((item) => item.taxonomy[0]!.id !== 17000));
  t.deepEqual(await search('montaña bicicleta'), await search('Bicicleta   de MONTANA'));
});

test('the API answers 400 to what Wallapop rejects', async (t) => {
  const sim = await simulator(t);
  const base = { ...MADRID, order_by: 'newest' };
  const noSource = await fetchText(`${sim.url}/api/v3/search?${new URLSearchParams(stringify(base))}`);
  t.is(noSource.status, 400);
  t.like(JSON.parse(noSource.text), { code: 'BAD_REQUEST' });
  t.is((await fetchText(searchUrl(sim.url, { ...base, time_filter: 'lastYear' }))).status, 400);
  t.is((await fetchText(searchUrl(sim.url, { ...base, distance_in_km: 3000 }))).status, 400);
  t.is((await fetchText(searchUrl(sim.url, { ...base, distance_in_km: 2000 }))).status, 200);
  t.is((await fetchText(searchUrl(sim.url, { ...base, order_by: 'cheapest' }))).status, 400);

  const first = JSON.parse((await fetchText(searchUrl(sim.url, base))).text) as Envelope;
  const token = first.meta.next_page!;
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { offset: number };
  const forged = Buffer.from(JSON.stringify({ ...claims, offset: 0 })).toString('base64url');
  for (const bad of [`${header}.${payload}.${flipped}`, `${header}.${forged}.${signature}`, 'garbage', `${payload}.${header}.${signature}`]) {
    const answer = await fetchText(searchUrl(sim.url, { ...base, next_page: bad }));
    t.is(answer.status, 400, bad);
  }
  t.is((await fetchText(searchUrl(sim.url, { ...base, next_page: token }))).status, 200);
  t.is((await fetchText(searchUrl(sim.url, { ...base, keywords: 'iphone', next_page: token }))).status, 400, 'filters must be resent unchanged');
  t.is((await fetchText(searchUrl(sim.url, { order_by: 'newest', next_page: token }))).status, 400, 'filters must be resent');
});

test('without latitude/longitude the answer is 200 with no items and no next_page', async (t) => {
  const sim = await simulator(t);
  for (const endpoint of ['search', 'section'] as const) {
    const answer = await fetchText(searchUrl(sim.url, { keywords: 'iphone', order_by: 'newest' }, endpoint), APP_HEADERS);
    t.is(answer.status, 200);
    const envelope = JSON.parse(answer.text) as Envelope;
    t.deepEqual(itemsOf(envelope), []);
    t.is(envelope.meta.next_page, undefined);
  }
  t.deepEqual(market.day(DAY).match({ keywords: 'iphone', latitude: 40.4 }), []);
});

test('categories: 18 roots, hundreds of nodes down to depth 5, confirmed ids, parent_id on children', async (t) => {
  const sim = await simulator(t);
  const answer = await fetchText(`${sim.url}/api/v3/categories`);
  t.is(answer.status, 200);
  interface Node {
    id: number;
    name: string;
    vertical_id: string;
    icon: string;
    parent_id?: number;
    subcategories: Node[];
  }
  const { categories } = JSON.parse(answer.text) as { categories: Node[] };
  t.is(categories.length, 18);
  const byId = new Map<number, { node: Node; depth: number; parent?: number }>();
  const visit = (node: Node, depth: number, parent?: number): void => {
    t.false(byId.has(node.id), `id ${node.id} is unique`);
    byId.set(node.id, { node, depth, ...(parent !== undefined ? { parent } : {}) });
    t.is(node.parent_id, parent);
    node.subcategories.forEach((child) => visit(child, depth + 1, node.id));
  };
  categories.forEach((root) => visit(root, 1));
  t.true(byId.size >= 300, `${byId.size} nodes`);
  t.is(Math.max(...[...byId.values()].map((entry) => entry.depth)), 5);
  t.is(byId.get(100)?.node.name, 'Coches');
  t.is(byId.get(14000)?.node.name, 'Motos');
  t.is(byId.get(12800)?.node.name, 'Motor y accesorios');
  t.is(byId.get(24200)?.node.name, 'Tecnología y electrónica');
  t.is(byId.get(10304)?.node.name, 'Componentes de ordenador');
  t.true([...byId.values()].some((entry) => entry.node.name === 'Bicicletas'));
});

test('item detail has its own shape and answers 404 once the listing is gone', async (t) => {
  const sim = await simulator(t);
  const gone = market.day(NEXT_DAY).changes().vanishedIds[0]!;
  const searchItem = market.day(DAY).item(gone)!;
  const detail = await fetchText(`${sim.url}/api/v3/items/${gone}`);
  t.is(detail.status, 200);
  t.like(JSON.parse(detail.text), {
    id: gone,
    title: { original: searchItem.title },
    price: { cash: { amount: searchItem.price.amount, currency: 'EUR' } },
    slug: searchItem.web_slug,
  });

  sim.setDay(NEXT_DAY);
  t.is((await fetchText(`${sim.url}/api/v3/items/${gone}`)).status, 404);
  t.is((await fetchText(`${sim.url}/api/v3/items/zzzzzzzzzzzz`)).status, 404);
  const relisted = market.day(NEXT_DAY).changes().relisted[0]!;
  t.is((await fetchText(`${sim.url}/api/v3/items/${relisted.id}`)).status, 200);
});

test('each day: new listings appear, some vanish, drop price, get reserved; relists keep their text', (t) => {
  const start = market.day(DAY);
  t.deepEqual(start.changes().newIds.sort(), start.activeIds().sort(), 'on the start day everything is new');

  const yesterday = new Set(market.day(DAY).activeIds());
  const today = market.day(NEXT_DAY);
  const active = new Set(today.activeIds());
  const changes = today.changes();
  t.is(changes.previousDay, DAY);
  for (const list of [changes.newIds, changes.vanishedIds, changes.priceDrops, changes.reservedIds, changes.relisted]) t.true(list.length > 0);
  t.true(changes.newIds.every((id) => !yesterday.has(id) && active.has(id)));
  t.true(changes.vanishedIds.every((id) => yesterday.has(id) && !active.has(id)));
  t.deepEqual([...active].filter((id) => !yesterday.has(id)).sort(), [...changes.newIds].sort());

  const windowStart = snapshotAt(DAY);
  const windowEnd = snapshotAt(NEXT_DAY);
  for (const drop of changes.priceDrops) {
    t.true(drop.to < drop.from);
    t.is(market.day(DAY).item(drop.id)!.price.amount, drop.from);
    const item = today.item(drop.id)!;
    t.is(item.price.amount, drop.to);
    t.true(item.modified_at > windowStart && item.modified_at <= windowEnd);
  }
  for (const id of changes.reservedIds) {
    t.false(market.day(DAY).item(id)!.reserved.flag);
    t.true(today.item(id)!.reserved.flag);
  }
  for (const id of changes.newIds) {
    const createdAt = today.item(id)!.created_at;
    t.true(createdAt > windowStart && createdAt <= windowEnd);
  }
  for (const { id, previousId, previousVanishedOn } of changes.relisted) {
    t.true(changes.newIds.includes(id));
    t.true(previousVanishedOn <= NEXT_DAY && previousVanishedOn >= DAY);
    t.false(changes.soldIds.includes(previousId), 'a relisted listing was not sold');
    const before = market.day(addDays(previousVanishedOn, -1)).item(previousId)!;
    const after = today.item(id)!;
    t.is(after.user_id, before.user_id);
    t.is(after.description, before.description);
    t.true(after.title === before.title || after.title.includes(before.title.split(' ')[0]!), `${after.title} re-publishes ${before.title}`);
    t.true(after.price.amount >= before.price.amount * 0.84 && after.price.amount <= before.price.amount * 1.11, `${after.price.amount} vs ${before.price.amount}`);
  }
  // Sold = vanished and never re-published: the others come back within two days.
  const sold = new Set(changes.soldIds);
  t.true(changes.soldIds.every((id) => changes.vanishedIds.includes(id)));
  const comingBack = new Set([0, 1, 2].flatMap((later) => market.day(addDays(NEXT_DAY, later)).changes().relisted.map((relist) => relist.previousId)));
  t.deepEqual(changes.vanishedIds.filter((id) => !sold.has(id)).sort(), changes.vanishedIds.filter((id) => comingBack.has(id)).sort());
  const share = active.size / yesterday.size;
  t.true(share > 0.95 && share < 1.05, `stock changed by ${share}`);
});

test('relists are realistic: some a day or two late, some with a touched-up title or a moved price; twins are two units, not a relist', (t) => {
  const days = Array.from({ length: 8 }, (_, index) => addDays(DAY, index + 1));
  const relists = days.flatMap((day) => market.day(day).changes().relisted.map((relist) => ({ ...relist, day })));
  t.true(relists.length > 100, `${relists.length} relists`);
  const late = relists.filter((relist) => relist.previousVanishedOn < relist.day);
  t.true(late.length > relists.length * 0.1 && late.length < relists.length * 0.45, `${late.length} of ${relists.length} relists came back a day or two later`);
  let edited = 0;
  let repriced = 0;
  for (const relist of relists) {
    const before = market.day(addDays(relist.previousVanishedOn, -1)).item(relist.previousId)!;
    const after = market.day(relist.day).item(relist.id)!;
    if (after.title !== before.title) edited += 1;
    if (after.price.amount !== before.price.amount) repriced += 1;
    t.is(market.day(relist.day).product(relist.id)!.key, market.day(addDays(relist.previousVanishedOn, -1)).product(relist.previousId)!.key);
  }
  t.true(edited > relists.length * 0.1 && edited < relists.length * 0.45, `${edited} edited titles`);
  t.true(repriced > relists.length * 0.2 && repriced < relists.length * 0.7, `${repriced} moved prices`);

  // Twins: two active listings of one seller with the same title, description and price, neither a relist.
  const relistIds = new Set(relists.map((relist) => relist.id));
  const start = market.day(DAY);
  const bySignature = new Map<string, string[]>();
  for (const id of start.activeIds()) {
    const item = start.item(id)!;
    const signature = JSON.stringify([item.user_id, item.title, item.description, item.price.amount]);
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), id]);
  }
  const twins = [...bySignature.values()].filter((ids) => ids.length >= 2);
  t.true(twins.length >= 20, `${twins.length} twin groups among ${start.activeCount()} listings`);
  for (const ids of twins) t.false(ids.some((id) => relistIds.has(id)));
});

test('ground truth names every listing’s product and that product’s median price', async (t) => {
  const day = market.day(DAY);
  const ids = day.activeIds().slice(0, 200);
  for (const id of ids) {
    const product = day.product(id)!;
    const item = day.item(id)!;
    t.is(product.categoryId, item.category_id);
    t.regex(product.key, /^\d+#\d+$/);
    t.true(product.medianEur >= 0);
  }
  t.is(day.product('zzzzzzzzzzzz'), undefined);
  const sim = await simulator(t, { day: DAY });
  const answer = (await (await fetch(`${sim.url}/__sim/items/${ids[0]}?day=${DAY}`)).json()) as { product: { key: string; medianEur: number } };
  t.deepEqual(answer.product, day.product(ids[0]!));
});

test('the admin routes move the day and report changes; searches then serve the new day', async (t) => {
  const sim = await simulator(t);
  const moved = await fetch(`${sim.url}/__sim/day`, { method: 'POST', body: JSON.stringify({ day: NEXT_DAY }) });
  t.is(moved.status, 200);
  t.is(sim.day(), NEXT_DAY);
  t.is((await fetch(`${sim.url}/__sim/day`, { method: 'POST', body: JSON.stringify({ day: '2020-01-01' }) })).status, 400);
  const changes = JSON.parse((await fetchText(`${sim.url}/__sim/changes?day=${NEXT_DAY}`)).text) as { newIds: string[] };
  t.deepEqual(changes.newIds, market.day(NEXT_DAY).changes().newIds);
  const { ids } = await walk(sim.url, { ...MADRID, order_by: 'newest', time_filter: 'today' });
  t.deepEqual(ids, market.day(NEXT_DAY).match({ ...MADRID, order_by: 'newest', time_filter: 'today' }));
  t.true(ids.length > 0 && ids.every((id) => changes.newIds.includes(id)));
});

test('a search keeps the day it started on when the server moves to the next day mid-walk', async (t) => {
  const sim = await simulator(t);
  const first = JSON.parse((await fetchText(searchUrl(sim.url, madridNewest))).text) as Envelope;
  sim.setDay(NEXT_DAY);
  const second = JSON.parse((await fetchText(searchUrl(sim.url, { ...madridNewest, next_page: first.meta.next_page! }))).text) as Envelope;
  t.deepEqual(itemsOf(second).map((item) => item.id), market.day(DAY).match(madridNewest).slice(PAGE_SIZE, 2 * PAGE_SIZE));
});

const onlyFault = (kind: keyof NonNullable<FaultOptions['kinds']>, extra: Partial<FaultOptions> = {}): FaultOptions => ({
  rate: 1,
  kinds: { [kind]: 1 },
  retryAfterSeconds: 0,
  ...extra,
});

test('fault rate-limit: 429 with Retry-After', async (t) => {
  const sim = await simulator(t, { faults: onlyFault('rate-limit') });
  const answer = await fetchText(searchUrl(sim.url, madridNewest));
  t.is(answer.status, 429);
  t.is(answer.headers.get('retry-after'), '0');
  t.is((await fetchText(`${sim.url}/api/v3/categories`)).status, 429);
  t.is((await fetchText(`${sim.url}/__sim/stats`)).status, 200, 'admin routes are never faulted');
  t.is(sim.stats().byFault['rate-limit'], 2);
});

test('fault server-error: 500, 502 and 503', async (t) => {
  const sim = await simulator(t, { faults: onlyFault('server-error', { seed: 3 }) });
  const statuses = new Set<number>();
  for (let index = 0; index < 30; index += 1) statuses.add((await fetchText(searchUrl(sim.url, madridNewest))).status);
  t.deepEqual([...statuses].sort(), [500, 502, 503]);
});

test('fault slow: answers correctly after slowMs', async (t) => {
  const sim = await simulator(t, { faults: onlyFault('slow', { slowMs: 150 }) });
  const started = performance.now();
  const answer = await fetchText(searchUrl(sim.url, madridNewest));
  t.true(performance.now() - started >= 140);
  t.is(answer.status, 200);
  t.deepEqual(itemsOf(JSON.parse(answer.text) as Envelope).map((item) => item.id), market.day(DAY).match(madridNewest).slice(0, PAGE_SIZE));
});

test('fault truncated: 200 with valid headers and a body cut mid-JSON', async (t) => {
  const sim = await simulator(t, { faults: onlyFault('truncated') });
  const answer = await fetchText(searchUrl(sim.url, madridNewest));
  t.is(answer.status, 200);
  t.regex(answer.headers.get('content-type') ?? '', /application\/json/);
  t.is(Number(answer.headers.get('content-length')), Buffer.byteLength(answer.text));
  t.false(isJson(answer.text));
  sim.setFaults(undefined);
  const whole = await fetchText(searchUrl(sim.url, madridNewest));
  t.true(whole.text.startsWith(answer.text.replace(/\uFFFD$/, '')));
});

test('fault cloudfront-403, and blockSearches / emptySearches by keyword', async (t) => {
  const sim = await simulator(t, { faults: onlyFault('cloudfront-403') });
  const blocked = await fetchText(`${sim.url}/api/v3/items/${market.day(DAY).activeIds()[0]}`);
  t.is(blocked.status, 403);
  t.regex(blocked.headers.get('content-type') ?? '', /text\/html/);
  t.true(blocked.text.includes('The request could not be satisfied'));

  sim.setFaults({ rate: 0, blockSearches: ['PS5'], emptySearches: ['Nintendo Switch'] });
  const ps5 = await fetchText(searchUrl(sim.url, { ...MADRID, keywords: 'ps5' }));
  t.is(ps5.status, 403);
  t.true(ps5.text.includes('The request could not be satisfied'));
  t.is((await fetchText(searchUrl(sim.url, { ...MADRID, keywords: 'iphone' }))).status, 200);
  t.true(market.day(DAY).match({ ...MADRID, keywords: 'nintendo switch' }).length > 0);
  const empty = JSON.parse((await fetchText(searchUrl(sim.url, { ...MADRID, keywords: 'nintendo  SWITCH' }))).text) as Envelope;
  t.deepEqual(itemsOf(empty), []);
  t.is(empty.meta.next_page, undefined);
  t.like(sim.stats().byFault, { blocked: 1, empty: 1 });
});

test('faults are seeded, and retrying a faulted request gets the right page', async (t) => {
  const faults: FaultOptions = { rate: 0.4, seed: 11, retryAfterSeconds: 0, slowMs: 5 };
  const statusSequence = async () => {
    const sim = await simulator(t, { faults });
    const statuses: number[] = [];
    for (let index = 0; index < 40; index += 1) statuses.push((await fetchText(`${sim.url}/api/v3/categories`)).status);
    return statuses;
  };
  const first = await statusSequence();
  t.deepEqual(await statusSequence(), first);
  t.true(first.some((status) => status !== 200) && first.some((status) => status === 200));

  const sim = await simulator(t, { faults });
  const walked = await walk(sim.url, madridNewest, 'search', 1_000);
  t.true(walked.faulted > 0);
  t.deepEqual(walked.ids, market.day(DAY).match(madridNewest));
  const stats = sim.stats();
  t.is(stats.requests, walked.pages.length + walked.faulted);
});

test('the market carries awkward real-world text at a steady rate', (t) => {
  const awkward = createMarket({ seed: 3, listings: 20_000, startDay: DAY }).day(DAY);
  const items = awkward.activeIds().map((id) => awkward.item(id)!);
  const titles = items.map((item) => item.title);
  const some = (what: string, test: (item: SearchItem) => boolean) => t.true(items.some(test), what);
  some('<script>', (item) => item.title.includes('<script>alert(1)</script>'));
  some('<img onerror>', (item) => item.title.includes('<img src=x onerror=alert(1)>'));
  some('emoji', (item) => /\p{Extended_Pictographic}/u.test(item.title));
  some('mojibake', (item) => /Ã[±©¡³º]/.test(item.title));
  some('300+ characters', (item) => item.title.length > 300);
  some('double quotes', (item) => item.title.includes('"'));
  some('single quotes', (item) => item.title.includes("'"));
  some('backslash', (item) => item.title.includes('\\'));
  some('ñ', (item) => item.title.includes('ñ'));
  some('ç', (item) => item.title.includes('ç'));
  some('no description', (item) => !('description' in item));
  some('no images', (item) => item.images.length === 0);
  some('discount', (item) => item.discount !== undefined && item.discount.previous_price > item.price.amount);
  some('reserved', (item) => item.reserved.flag);
  some('free', (item) => item.price.amount === 0);
  t.true(items.every((item) => item.price.currency === 'EUR'));
  const scripts = titles.filter((title) => title.includes('<script>')).length;
  t.log(`${scripts} <script> titles, ${titles.filter((title) => title.length > 300).length} long titles in ${titles.length}`);
  const cities = new Set(items.map((item) => item.location.city));
  t.true(cities.size >= 40);
  t.true(items.every((item) => /^\d{5}$/.test(item.location.postal_code)));
  t.is(CITIES.find((city) => city.name === 'Barcelona')?.postalCode, '08001');
});

// Serial, so the timing is not shared with the HTTP tests.
test.serial('a 1,000,000-listing market builds quickly and compactly', (t) => {
  const started = performance.now();
  const big = createMarket({ seed: 1, listings: 1_000_000, startDay: DAY });
  const built = performance.now();
  const active = big.day(DAY).activeCount();
  const evolveStarted = performance.now();
  const changes = big.day(NEXT_DAY).changes();
  const evolved = performance.now();
  const rss = process.memoryUsage().rss;
  t.is(active, 1_000_000);
  t.true(changes.newIds.length > 0);
  t.log(
    `build ${Math.round(built - started)} ms, evolve one day ${Math.round(evolved - evolveStarted)} ms, ` +
      `state ${(big.stateBytes / 1e6).toFixed(0)} MB, process RSS ${(rss / 1e6).toFixed(0)} MB`,
  );
  t.log(`defaults: ${JSON.stringify(MARKET_DEFAULTS)}`);
});

function stringify(params: Params): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)]));
}
