import test, { type ExecutionContext } from 'ava';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  RateLimiter,
  WallapopBadRequestError,
  WallapopBlockedError,
  WallapopClient,
  WallapopError,
  WallapopHttpError,
  WallapopNetworkError,
  WallapopRateLimitedError,
  WallapopSchemaError,
  WallapopTimeoutError,
  backoffDelay,
  buildSearchParams,
  estimatedTotalOf,
  parseRetryAfter,
  searchHeaders,
  type ClientEvent,
  type SearchPage,
  type SearchQuery,
  type SearchStop,
  type WallapopClientOptions,
} from '#shared/wallapop/index.ts';

// ---------------------------------------------------------------------------------------------
// A scripted HTTP server on 127.0.0.1: records every request and answers from the test's handler.

interface Seen {
  pathname: string;
  params: Record<string, string>;
  /** Parameter names in the order they appear in the URL. */
  order: string[];
  headers: IncomingHttpHeaders;
  /** performance.now() when the request arrived. */
  at: number;
}

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent verbatim; anything else as JSON. */
  body?: unknown;
  /** Wait this long before answering (to trigger client timeouts). */
  delayMs?: number;
}

type Handler = (request: Seen, index: number) => Reply | Promise<Reply>;

async function serve(t: ExecutionContext, handler: Handler): Promise<{ baseUrl: string; requests: Seen[] }> {
  const requests: Seen[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen: Seen = {
      pathname: url.pathname,
      params: Object.fromEntries(url.searchParams),
      order: [...url.searchParams.keys()],
      headers: req.headers,
      at: performance.now(),
    };
    requests.push(seen);
    void Promise.resolve(handler(seen, requests.length - 1)).then(async (reply) => {
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (res.destroyed) return;
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      const json = typeof reply.body !== 'string';
      res.writeHead(reply.status ?? 200, { 'content-type': json ? 'application/json' : 'text/plain', ...reply.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, requests };
}

/** Fast, deterministic client: no limiter, sleeps recorded instead of taken, fixed jitter. */
function testClient(baseUrl: string, options: WallapopClientOptions = {}) {
  const waits: number[] = [];
  const events: ClientEvent[] = [];
  const client = new WallapopClient({
    baseUrl,
    requestsPerSecond: 0,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { client, waits, events };
}

function jwt(payload: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

function token(remaining: number, n = remaining): string {
  return jwt({ pointers: { ORGANIC: { remaining_documents: remaining, offset: n } } });
}

const item = (id: string) => ({ id, title: `item ${id}`, price: { amount: 10, currency: 'EUR' }, brand_new_field: { x: 1 } });
const items = (...ids: string[]) => ids.map(item);

function searchBody(list: unknown[], nextPage?: string) {
  return { data: { section: { type: 'organic_search_results', payload: { items: list } } }, meta: nextPage === undefined ? {} : { next_page: nextPage } };
}

function sectionBody(list: unknown[], nextPage?: string) {
  return { data: { section: { type: 'organic_search_results', items: list } }, meta: nextPage === undefined ? {} : { next_page: nextPage } };
}

const QUERY: SearchQuery = {
  keywords: 'iphone 13',
  categoryId: 24200,
  latitude: 40.4168,
  longitude: -3.7038,
  distanceKm: 50,
  minPrice: 100,
  maxPrice: 900,
  timeFilter: 'lastWeek',
};

const CLOUDFRONT_403 =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY><H1>403 ERROR</H1></BODY></HTML>';

async function collect(generator: AsyncGenerator<SearchPage, SearchStop>): Promise<{ pages: SearchPage[]; stop: SearchStop }> {
  const pages: SearchPage[] = [];
  for (;;) {
    const step = await generator.next();
    if (step.done) return { pages, stop: step.value };
    pages.push(step.value);
  }
}

// ---------------------------------------------------------------------------------------------
// Request building

test('buildSearchParams: fixed order, section_type only for /search/section, next_page resends every filter', (t) => {
  const first = buildSearchParams(QUERY, 'search');
  t.deepEqual(Object.entries(first), [
    ['source', 'search_box'],
    ['keywords', 'iphone 13'],
    ['category_id', '24200'],
    ['latitude', '40.4168'],
    ['longitude', '-3.7038'],
    ['distance_in_km', '50'],
    ['min_sale_price', '100'],
    ['max_sale_price', '900'],
    ['order_by', 'newest'],
    ['time_filter', 'lastWeek'],
  ]);
  const later = buildSearchParams(QUERY, 'section', 'tok.en.x');
  t.deepEqual(Object.entries(later), [['section_type', 'organic_search_results'], ...Object.entries(first), ['next_page', 'tok.en.x']]);
  t.deepEqual(buildSearchParams({ latitude: 1, longitude: 2, orderBy: 'closest' }, 'search', null), {
    source: 'search_box',
    latitude: '1',
    longitude: '2',
    order_by: 'closest',
  });
  t.throws(() => buildSearchParams({ ...QUERY, minPrice: 10.5 }, 'search'), { instanceOf: RangeError, message: /minPrice/ });
  t.throws(() => buildSearchParams({ ...QUERY, latitude: Number.NaN }, 'search'), { instanceOf: RangeError, message: /latitude/ });
});

test('searchHeaders: browser headers everywhere, X-AppVersion only for /search/section', (t) => {
  const search = searchHeaders('search', { userAgent: 'UA/1' });
  t.like(search, {
    'X-DeviceOS': '0',
    'User-Agent': 'UA/1',
    Accept: 'application/json, text/plain, */*',
    'Accept-Language': 'es-ES',
    Origin: 'https://es.wallapop.com',
    Referer: 'https://es.wallapop.com/',
  });
  t.false('X-AppVersion' in search);
  t.is(searchHeaders('section')['X-AppVersion'], '826800');
  t.is(searchHeaders('section', { appVersion: '830000' })['X-AppVersion'], '830000');
  t.regex(searchHeaders('search')['User-Agent'] ?? '', /^Mozilla\/5\.0 \(Windows NT 10\.0; Win64; x64\) .* Chrome\/\d{3}\.0\.0\.0 Safari\/537\.36$/);
});

test('params and headers on the wire, for both endpoints and for later pages', async (t) => {
  const { baseUrl, requests } = await serve(t, (request) => {
    const page = Number(request.params.next_page?.split('-')[1] ?? 1);
    const next = page < 2 ? `page-${page + 1}` : undefined;
    return { body: request.pathname.endsWith('/section') ? sectionBody(items(`s${page}`), next) : searchBody(items(`p${page}`), next) };
  });

  for (const endpoint of ['search', 'section'] as const) {
    const { client } = testClient(baseUrl, { preferredEndpoint: endpoint, userAgent: 'TestAgent/1.0', appVersion: '826801' });
    const { pages, stop } = await collect(client.searchPages(QUERY));
    t.is(pages.length, 2);
    t.deepEqual(stop, { reason: 'end', pages: 2, nextPage: null });
    t.is(pages[0]?.request.endpoint, endpoint);
  }
  t.is(requests.length, 4);
  const [search1, search2, section1, section2] = requests;
  t.is(search1?.pathname, '/api/v3/search');
  t.is(section1?.pathname, '/api/v3/search/section');
  t.deepEqual(search1?.order, Object.keys(buildSearchParams(QUERY, 'search')));
  t.deepEqual(search2?.params, { ...buildSearchParams(QUERY, 'search'), next_page: 'page-2' });
  t.deepEqual(section2?.params, { ...buildSearchParams(QUERY, 'section'), next_page: 'page-2' });
  t.is(section1?.params.section_type, 'organic_search_results');
  t.is(search1?.params.section_type, undefined);

  for (const request of requests) {
    t.is(request.headers['x-deviceos'], '0');
    t.is(request.headers['user-agent'], 'TestAgent/1.0');
    t.is(request.headers.accept, 'application/json, text/plain, */*');
    t.is(request.headers['accept-language'], 'es-ES');
    t.is(request.headers.origin, 'https://es.wallapop.com');
    t.is(request.headers.referer, 'https://es.wallapop.com/');
  }
  t.is(search1?.headers['x-appversion'], undefined);
  t.is(search2?.headers['x-appversion'], undefined);
  t.is(section1?.headers['x-appversion'], '826801');
  t.is(section2?.headers['x-appversion'], '826801');
});

/** The shape one client's docs (and our issue tracker) give /search/section: items and token both under `data.section` (no capture shows it). */
function tokenInSectionBody(list: unknown[], nextPage?: string) {
  return { data: { section: { type: 'organic_search_results', items: list, ...(nextPage === undefined ? {} : { next_page: nextPage }) } }, meta: {} };
}

test('every shape is read on both endpoints, the token wherever it is: a section search is paged to its end', async (t) => {
  const bodies = {
    'payload+meta': (list: unknown[], next?: string) => searchBody(list, next),
    'items+meta': (list: unknown[], next?: string) => sectionBody(list, next),
    'items+section': tokenInSectionBody,
  } as const;
  for (const endpoint of ['search', 'section'] as const) {
    for (const [shapeName, body] of Object.entries(bodies)) {
      const { baseUrl } = await serve(t, (request) => {
        const page = Number(request.params.next_page?.split('-')[1] ?? 1);
        return { body: body(items(`${page}a`, `${page}b`), page < 4 ? `page-${page + 1}` : undefined) };
      });
      const { client } = testClient(baseUrl, { preferredEndpoint: endpoint });
      const { pages, stop } = await collect(client.searchPages(QUERY));
      t.deepEqual(stop, { reason: 'end', pages: 4, nextPage: null }, `${endpoint} answering ${shapeName}`);
      t.deepEqual(pages.flatMap((page) => page.items.map((entry) => entry.id)), ['1a', '1b', '2a', '2b', '3a', '3b', '4a', '4b']);
      const expected: Record<string, [string, string]> = {
        'payload+meta': ['data.section.payload.items', 'meta.next_page'],
        'items+meta': ['data.section.items', 'meta.next_page'],
        'items+section': ['data.section.items', 'data.section.next_page'],
      };
      const [itemsAt, tokenAt] = expected[shapeName]!;
      t.deepEqual(pages[0]?.shape, { itemsAt, tokenAt, strayTokens: [], sectionType: 'organic_search_results' });
      t.is(pages.at(-1)?.shape.tokenAt, null, 'the last page has no token');
    }
  }
});

test('a token-like field in an unknown place is reported, not silently ignored', async (t) => {
  const { baseUrl } = await serve(t, () => ({ body: { data: { section: { items: items('a') }, next_cursor: 'abc' }, meta: { next_page: '' } } }));
  const { client } = testClient(baseUrl);
  const page = await client.fetchSearchPage(QUERY);
  t.is(page.nextPage, null);
  t.deepEqual(page.shape, { itemsAt: 'data.section.items', tokenAt: null, strayTokens: ['data.next_cursor'], sectionType: null });
});

test('a page of another section than the results (captured: vector_search_results, "Similares a tu búsqueda") ends the pagination', async (t) => {
  const { baseUrl, requests } = await serve(t, (request) => {
    if (!request.params.next_page) return { body: sectionBody(items('a', 'b'), 'to-similar') };
    return { body: { data: { section: { type: 'vector_search_results', title: 'Similares a tu búsqueda', items: items('x', 'y') } }, meta: { next_page: 'more-similar' } } };
  });
  const { client } = testClient(baseUrl, { preferredEndpoint: 'section' });
  const { pages, stop } = await collect(client.searchPages(QUERY));
  t.deepEqual(stop, { reason: 'other-section', pages: 2, nextPage: 'more-similar' });
  t.is(pages[1]?.shape.sectionType, 'vector_search_results', 'yielded, so it can be kept as evidence');
  t.is(requests.length, 2, 'nothing is fetched after it');
});

test('a page keeps the body verbatim and reports the request, attempts and time', async (t) => {
  const body = `{ "data" : {"section":{"payload":{"items":[{"id":"a1","title":"Cámara ñ 😀","price":{"amount":1e2}}]}}},\n "meta":{"next_page":""} }`;
  const { baseUrl } = await serve(t, () => ({ body, headers: { 'content-type': 'application/json; charset=utf-8' } }));
  let clock = Date.UTC(2026, 10, 24, 6, 0, 0);
  const { client } = testClient(baseUrl, { now: () => (clock += 5) });
  const page = await client.fetchSearchPage({ latitude: 40, longitude: -3, keywords: 'cámara' });
  t.is(page.body, body);
  t.is(page.status, 200);
  t.is(page.contentType, 'application/json; charset=utf-8');
  t.deepEqual(page.items, [{ id: 'a1', title: 'Cámara ñ 😀', price: { amount: 100 } }]);
  t.is(page.nextPage, null);
  t.is(page.estimatedTotal, null);
  t.is(page.attempts, 1);
  t.true(page.elapsedMs > 0);
  t.regex(page.fetchedAt, /^2026-11-24T06:00:00\.\d{3}Z$/);
  t.is(page.request.method, 'GET');
  t.is(page.request.url, `${baseUrl}/api/v3/search?source=search_box&keywords=c%C3%A1mara&latitude=40&longitude=-3&order_by=newest`);
  t.deepEqual(page.request.params, buildSearchParams({ latitude: 40, longitude: -3, keywords: 'cámara' }, 'search'));
});

test('estimatedTotal comes from the next_page JWT and never fails on a strange token', async (t) => {
  t.is(estimatedTotalOf(token(52_345)), 52_345);
  t.is(estimatedTotalOf(jwt({ pointers: { ORGANIC: { remaining_documents: '17' } } })), 17);
  for (const odd of ['', 'opaque', 'a.b.c', 'a.%%%.c', jwt({ pointers: null }), jwt('x'), jwt({ pointers: { ORGANIC: { remaining_documents: -1 } } })]) {
    t.is(estimatedTotalOf(odd), null, odd);
  }
  const { baseUrl } = await serve(t, () => ({ body: searchBody(items('a'), token(1234)) }));
  const page = await testClient(baseUrl).client.fetchSearchPage(QUERY);
  t.is(page.estimatedTotal, 1234);
  t.is(page.nextPage, token(1234));
});

// ---------------------------------------------------------------------------------------------
// Endpoint fallback

test('fallback /search → /search/section on 400, and the rest of the pagination stays on /section', async (t) => {
  const { baseUrl, requests } = await serve(t, (request) => {
    if (request.pathname === '/api/v3/search') return { status: 400, body: { message: 'bad request' } };
    return { body: request.params.next_page ? sectionBody(items('b')) : sectionBody(items('a'), 'section-token') };
  });
  const { client, events, waits } = testClient(baseUrl);
  const { pages, stop } = await collect(client.searchPages(QUERY));
  t.deepEqual(
    requests.map((r) => [r.pathname, r.params.next_page ?? null]),
    [
      ['/api/v3/search', null],
      ['/api/v3/search/section', null],
      ['/api/v3/search/section', 'section-token'],
    ],
  );
  t.deepEqual(stop, { reason: 'end', pages: 2, nextPage: null });
  t.deepEqual(
    pages.map((p) => [p.request.endpoint, p.attempts]),
    [
      ['section', 2],
      ['section', 1],
    ],
  );
  t.is(requests[1]?.headers['x-appversion'], '826800');
  t.deepEqual(waits, [], 'a rejection is not retried, it is switched away from');
  t.like(events.find((e) => e.type === 'fallback'), { type: 'fallback', from: 'search', to: 'section', status: 400 });

  // The client now starts where the last search worked instead of paying a 400 each time.
  await client.fetchSearchPage(QUERY);
  t.is(requests.at(-1)?.pathname, '/api/v3/search/section');
  t.is(requests.length, 4);
});

test('fallback /search/section → /search on 404 when section is preferred', async (t) => {
  const { baseUrl, requests } = await serve(t, (request) =>
    request.pathname.endsWith('/section') ? { status: 404, body: 'Not Found' } : { body: searchBody(items('a', 'b')) },
  );
  const { client } = testClient(baseUrl, { preferredEndpoint: 'section' });
  const page = await client.fetchSearchPage(QUERY);
  t.is(page.request.endpoint, 'search');
  t.is(page.items.length, 2);
  t.deepEqual(
    requests.map((r) => r.pathname),
    ['/api/v3/search/section', '/api/v3/search'],
  );
  t.is(requests[1]?.headers['x-appversion'], undefined);
});

test('both endpoints 400 → WallapopBadRequestError quoting both bodies, nothing retried', async (t) => {
  const { baseUrl, requests } = await serve(t, (request) => ({
    status: 400,
    body: { error: request.pathname.endsWith('/section') ? 'section says no' : 'search says no' },
  }));
  const { client, waits } = testClient(baseUrl);
  const error = await t.throwsAsync(client.fetchSearchPage(QUERY), { instanceOf: WallapopBadRequestError });
  t.is(requests.length, 2);
  t.deepEqual(waits, []);
  t.regex(error.message, /search says no/);
  t.regex(error.message, /section says no/);
  t.deepEqual(
    error.rejections.map((r) => [new URL(r.url).pathname, r.status, r.bodyExcerpt]),
    [
      ['/api/v3/search', 400, '{"error":"search says no"}'],
      ['/api/v3/search/section', 400, '{"error":"section says no"}'],
    ],
  );
  t.is(error.attempts, 2);
  t.is(error.status, 400);
  t.is(error.response?.body, '{"error":"section says no"}');
});

test('a 400 on a later page is not retried and does not switch endpoints mid-pagination', async (t) => {
  const { baseUrl, requests } = await serve(t, (request) =>
    request.params.next_page ? { status: 400, body: { message: 'bad next_page' } } : { body: searchBody(items('a'), 'tok-1') },
  );
  const { client, waits } = testClient(baseUrl);
  const generator = client.searchPages(QUERY);
  t.is((await generator.next()).done, false);
  const error = await t.throwsAsync(generator.next(), { instanceOf: WallapopBadRequestError });
  t.is(error.attempts, 1);
  t.deepEqual(waits, []);
  t.deepEqual(
    requests.map((r) => r.pathname),
    ['/api/v3/search', '/api/v3/search'],
  );
});

// ---------------------------------------------------------------------------------------------
// Pagination stop rules

function paginated(pages: Array<{ ids: string[]; next?: string }>): Handler {
  return (request) => {
    const index = request.params.next_page ? Number(request.params.next_page.replace('tok-', '')) : 0;
    const page = pages[index] ?? { ids: [] };
    return { body: searchBody(items(...page.ids), page.next) };
  };
}

test('pagination ends when next_page is absent or empty', async (t) => {
  const { baseUrl, requests } = await serve(t, paginated([{ ids: ['a', 'b'], next: 'tok-1' }, { ids: ['c'], next: 'tok-2' }, { ids: ['d'], next: '' }]));
  const { pages, stop } = await collect(testClient(baseUrl).client.searchPages(QUERY));
  t.deepEqual(
    pages.map((p) => p.items.map((i) => i.id)),
    [['a', 'b'], ['c'], ['d']],
  );
  t.deepEqual(stop, { reason: 'end', pages: 3, nextPage: null });
  t.deepEqual(
    requests.map((r) => r.params.next_page ?? null),
    [null, 'tok-1', 'tok-2'],
  );
});

test('pagination stops at a page with no items (and yields it)', async (t) => {
  const { baseUrl } = await serve(t, paginated([{ ids: ['a'], next: 'tok-1' }, { ids: [], next: 'tok-2' }, { ids: ['never'] }]));
  const { pages, stop } = await collect(testClient(baseUrl).client.searchPages(QUERY));
  t.is(pages.length, 2);
  t.deepEqual(pages[1]?.items, []);
  t.deepEqual(stop, { reason: 'empty-page', pages: 2, nextPage: 'tok-2' });
});

test('pagination stops when a token repeats, including tokens seen by an earlier invocation', async (t) => {
  const { baseUrl } = await serve(t, paginated([{ ids: ['a'], next: 'tok-1' }, { ids: ['b'], next: 'tok-2' }, { ids: ['c'], next: 'tok-1' }]));
  const { client } = testClient(baseUrl);
  const run = await collect(client.searchPages(QUERY));
  t.is(run.pages.length, 3);
  t.deepEqual(run.stop, { reason: 'repeated-token', pages: 3, nextPage: 'tok-1' });

  // A continuation resumes at tok-1 and already knows tok-2: page 2 points at it, so it stops there.
  const seen = new Set(['tok-2']);
  const resumed = await collect(client.searchPages(QUERY, { nextPage: 'tok-1', seenTokens: seen }));
  t.deepEqual(
    resumed.pages.map((p) => p.request.params.next_page),
    ['tok-1'],
  );
  t.deepEqual(resumed.stop, { reason: 'repeated-token', pages: 1, nextPage: 'tok-2' });
  t.deepEqual([...seen], ['tok-2'], "the caller's set is not modified");
});

test('pagination stops at maxPages and hands back the token to continue from', async (t) => {
  const { baseUrl, requests } = await serve(t, paginated([{ ids: ['a'], next: 'tok-1' }, { ids: ['b'], next: 'tok-2' }, { ids: ['c'] }]));
  const { client } = testClient(baseUrl);
  const { pages, stop } = await collect(client.searchPages(QUERY, { maxPages: 2 }));
  t.is(pages.length, 2);
  t.deepEqual(stop, { reason: 'max-pages', pages: 2, nextPage: 'tok-2' });
  t.is(requests.length, 2);

  const none = await collect(client.searchPages(QUERY, { maxPages: 0, nextPage: 'tok-2' }));
  t.deepEqual(none, { pages: [], stop: { reason: 'max-pages', pages: 0, nextPage: 'tok-2' } });
  t.is(requests.length, 2);

  // maxPages landing on the natural last page is an end, not a cap.
  const last = await collect(client.searchPages(QUERY, { maxPages: 1, nextPage: 'tok-2' }));
  t.deepEqual(last.stop, { reason: 'end', pages: 1, nextPage: null });
});

// ---------------------------------------------------------------------------------------------
// Retries

test('429 honours Retry-After (seconds, 0, HTTP date), capped by maxRetryAfterMs', async (t) => {
  const now = Date.UTC(2026, 10, 24, 6, 0, 0);
  const script = [
    { status: 429, headers: { 'retry-after': '1' } },
    { status: 429, headers: { 'retry-after': '0' } },
    { status: 429, headers: { 'retry-after': new Date(now + 3000).toUTCString() } },
    { status: 429, headers: { 'retry-after': '120' } },
  ];
  const { baseUrl, requests } = await serve(t, (_request, index) => script[index] ?? { body: searchBody(items('a')) });
  const { client, waits, events } = testClient(baseUrl, { now: () => now, maxRetryAfterMs: 5000 });
  const page = await client.fetchSearchPage(QUERY);
  t.is(page.attempts, 5);
  t.is(requests.length, 5);
  t.deepEqual(waits, [1000, 0, 3000, 5000]);
  const retries = events.filter((e) => e.type === 'retry');
  t.deepEqual(
    retries.map((e) => [e.reason, e.status, e.retryAfterMs]),
    [
      ['rate-limited', 429, 1000],
      ['rate-limited', 429, 0],
      ['rate-limited', 429, 3000],
      ['rate-limited', 429, 120_000],
    ],
  );
});

test('429 on every attempt → WallapopRateLimitedError; without Retry-After the wait is exponential backoff', async (t) => {
  const { baseUrl, requests } = await serve(t, () => ({ status: 429, body: { message: 'slow down' } }));
  const { client, waits } = testClient(baseUrl, { maxAttempts: 4, backoffBaseMs: 100, maxBackoffMs: 250 });
  const error = await t.throwsAsync(client.fetchSearchPage(QUERY), { instanceOf: WallapopRateLimitedError });
  t.is(requests.length, 4);
  t.is(error.attempts, 4);
  t.is(error.status, 429);
  // random() = 0.5 → jitter 1.0: 100, 200, then 400 capped at 250.
  t.deepEqual(waits, [100, 200, 250]);
  t.false(requests.some((r) => r.pathname.endsWith('/section')), 'a 429 is not a reason to change endpoint');
});

test('5xx then success', async (t) => {
  const script = [{ status: 503, body: 'Service Unavailable' }, { status: 502 }, { status: 500 }, { status: 504 }];
  const { baseUrl } = await serve(t, (_request, index) => script[index] ?? { body: searchBody(items('a'), token(99)) });
  const { client, waits, events } = testClient(baseUrl, { backoffBaseMs: 10 });
  const page = await client.fetchSearchPage(QUERY);
  t.is(page.attempts, 5);
  t.is(page.status, 200);
  t.deepEqual(waits, [10, 20, 40, 80]);
  t.deepEqual(
    events.filter((e) => e.type === 'retry').map((e) => (e.type === 'retry' ? e.status : null)),
    [503, 502, 500, 504],
  );
});

test('5xx on every attempt → WallapopHttpError carrying the last response', async (t) => {
  const { baseUrl, requests } = await serve(t, () => ({ status: 503, body: 'upstream overloaded' }));
  const { client } = testClient(baseUrl, { maxAttempts: 3 });
  const error = await t.throwsAsync(client.fetchSearchPage(QUERY), { instanceOf: WallapopHttpError });
  t.is(requests.length, 3);
  t.is(error.status, 503);
  t.is(error.bodyExcerpt, 'upstream overloaded');
  t.is(error.response?.body, 'upstream overloaded');
  t.is(error.response?.attempts, 3);
});

test('truncated JSON then success', async (t) => {
  const full = JSON.stringify(searchBody(items('a', 'b', 'c'), 'tok-1'));
  const { baseUrl } = await serve(t, (_request, index) => ({ body: index === 0 ? full.slice(0, 57) : full, headers: { 'content-type': 'application/json' } }));
  const { client, waits, events } = testClient(baseUrl);
  const page = await client.fetchSearchPage(QUERY);
  t.is(page.attempts, 2);
  t.is(page.body, full);
  t.is(page.items.length, 3);
  t.is(waits.length, 1);
  t.like(events.find((e) => e.type === 'retry'), { reason: 'invalid-body', status: 200 });
});

test('a body that never validates → WallapopSchemaError naming the path, with the last response', async (t) => {
  const { baseUrl, requests } = await serve(t, (request) =>
    request.pathname.endsWith('/section') ? { body: { data: { section: { items: 'nope' } } } } : { body: { data: { section: { payload: {} } }, meta: {} } },
  );
  const { client } = testClient(baseUrl, { maxAttempts: 3 });
  const error = await t.throwsAsync(client.fetchSearchPage(QUERY), { instanceOf: WallapopSchemaError });
  t.regex(error.message, /data\.section: expected an items array at data\.section\.payload\.items or data\.section\.items, found neither/);
  t.is(error.path, 'data.section');
  t.is(error.attempts, 3);
  t.is(requests.length, 3, 'a schema failure retries on the same endpoint, it does not fall back');
  t.is(error.response?.body, '{"data":{"section":{"payload":{}}},"meta":{}}');
  t.is(error.response?.status, 200);

  const section = testClient(baseUrl, { maxAttempts: 1, preferredEndpoint: 'section' }).client;
  const sectionError = await t.throwsAsync(section.fetchSearchPage(QUERY), { instanceOf: WallapopSchemaError });
  t.regex(sectionError.message, /data\.section\.items: expected array, got "nope"/);
});

test('schema errors name wrong item types and non-JSON bodies', async (t) => {
  const bodies = [JSON.stringify(searchBody([item('a'), 7, ['x']])), '{"data":{"sect', JSON.stringify({ data: { section: { payload: { items: [] } } }, meta: { next_page: 5 } })];
  const { baseUrl } = await serve(t, (_request, index) => ({ body: bodies[index] ?? '' }));
  const messages: string[] = [];
  for (let i = 0; i < bodies.length; i += 1) {
    const { client } = testClient(baseUrl, { maxAttempts: 1 });
    const error = await t.throwsAsync(client.fetchSearchPage(QUERY), { instanceOf: WallapopSchemaError });
    messages.push(error.message);
  }
  t.regex(messages[0] ?? '', /data\.section\.payload\.items\.1: expected object, got 7 \(and 1 more\)/);
  t.regex(messages[1] ?? '', /\(body\): not JSON/);
  t.regex(messages[2] ?? '', /meta\.next_page: expected string, got 5/);
});

test('HTML 403 on every attempt → WallapopBlockedError; a JSON 403 is not retried', async (t) => {
  const { baseUrl, requests } = await serve(t, (request) =>
    request.pathname === '/api/v3/categories'
      ? { status: 403, body: { code: 'forbidden' } }
      : { status: 403, body: CLOUDFRONT_403, headers: { 'content-type': 'text/html', 'x-cache': 'Error from cloudfront' } },
  );
  const { client, waits, events } = testClient(baseUrl, { maxAttempts: 4 });
  const error = await t.throwsAsync(client.fetchSearchPage(QUERY), { instanceOf: WallapopBlockedError });
  t.true(error instanceof WallapopHttpError && error instanceof WallapopError);
  t.is(error.name, 'WallapopBlockedError');
  t.is(error.attempts, 4);
  t.is(requests.length, 4);
  t.is(waits.length, 3);
  t.is(error.response?.body, CLOUDFRONT_403);
  t.regex(error.message, /could not be satisfied/);
  t.true(events.every((e) => e.type !== 'retry' || e.reason === 'blocked'));

  const forbidden = await t.throwsAsync(client.fetchCategories(), { instanceOf: WallapopHttpError });
  t.false(forbidden instanceof WallapopBlockedError);
  t.is(requests.length, 5);
});

test('a slow server times out per attempt; a later fast answer succeeds', async (t) => {
  // Generous margins: on a loaded CI machine a request can take a few hundred ms to even arrive.
  const { baseUrl } = await serve(t, (_request, index) => ({ delayMs: index < 1 ? 6000 : 0, body: searchBody(items('a')) }));
  const { client, events } = testClient(baseUrl, { timeoutMs: 800 });
  const started = performance.now();
  const page = await client.fetchSearchPage(QUERY);
  t.true(performance.now() - started < 5000, 'the first attempt was abandoned, not waited out');
  t.is(page.attempts, 2);
  t.like(events.find((e) => e.type === 'retry'), { reason: 'timeout', status: null });
});

test('timeout on every attempt → WallapopTimeoutError', async (t) => {
  const { baseUrl, requests } = await serve(t, () => ({ delayMs: 5000, body: searchBody([]) }));
  const { client } = testClient(baseUrl, { timeoutMs: 800, maxAttempts: 2 });
  const error = await t.throwsAsync(client.fetchSearchPage(QUERY), { instanceOf: WallapopTimeoutError });
  t.is(error.attempts, 2);
  t.is(error.timeoutMs, 800);
  t.is(error.response, undefined);
  t.is(requests.length, 2);
});

test('connection refused is retried, then WallapopNetworkError', async (t) => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const { client, waits } = testClient(`http://127.0.0.1:${port}`, { maxAttempts: 3 });
  const error = await t.throwsAsync(client.fetchSearchPage(QUERY), { instanceOf: WallapopNetworkError });
  t.is(error.attempts, 3);
  t.is(waits.length, 2);
  t.regex(error.message, /ECONNREFUSED/);
});

test('a throwing onEvent listener does not change the outcome', async (t) => {
  const { baseUrl } = await serve(t, (_request, index) => (index === 0 ? { status: 500 } : { body: searchBody(items('a')) }));
  const { client } = testClient(baseUrl, {
    onEvent: () => {
      throw new Error('logger broke');
    },
  });
  t.is((await client.fetchSearchPage(QUERY)).attempts, 2);
});

test('400 is not retried (categories)', async (t) => {
  const { baseUrl, requests } = await serve(t, () => ({ status: 400, body: { message: 'missing source' } }));
  const { client, waits } = testClient(baseUrl);
  const error = await t.throwsAsync(client.fetchCategories(), { instanceOf: WallapopBadRequestError });
  t.is(requests.length, 1);
  t.deepEqual(waits, []);
  t.is(error.bodyExcerpt, '{"message":"missing source"}');
});

// ---------------------------------------------------------------------------------------------
// Categories and item detail

test('categories: a recursive tree, extra fields kept, leaves get an empty subcategories list', async (t) => {
  const tree = {
    categories: [
      {
        id: 24200,
        name: 'Tecnología y electrónica',
        vertical_id: 'consumer_goods',
        icon: 'tech',
        subcategories: [{ id: 10304, name: 'Componentes de ordenador', parent_id: 24200, subcategories: [{ id: 9999, name: 'Deep', parent_id: 10304 }] }],
      },
      { id: 100, name: 'Coches', subcategories: [] },
    ],
  };
  const { baseUrl, requests } = await serve(t, () => ({ body: tree }));
  const { client } = testClient(baseUrl);
  const result = await client.fetchCategories();
  t.is(requests[0]?.pathname, '/api/v3/categories');
  t.is(requests[0]?.headers['x-appversion'], undefined);
  t.is(result.request.endpoint, 'categories');
  t.deepEqual(result.request.params, {});
  t.is(result.body, JSON.stringify(tree));
  t.is(result.categories.length, 2);
  t.is(result.categories[0]?.vertical_id, 'consumer_goods');
  t.is(result.categories[0]?.subcategories[0]?.subcategories[0]?.name, 'Deep');
  t.deepEqual(result.categories[0]?.subcategories[0]?.subcategories[0]?.subcategories, []);
});

test('categories: a wrong node deep in the tree is named by its path', async (t) => {
  const { baseUrl } = await serve(t, () => ({ body: { categories: [{ id: 1, name: 'a', subcategories: [{ id: '2', name: 'b' }] }] } }));
  const error = await t.throwsAsync(testClient(baseUrl, { maxAttempts: 1 }).client.fetchCategories(), { instanceOf: WallapopSchemaError });
  t.regex(error.message, /categories\.0\.subcategories\.0\.id: expected number, got "2"/);
});

test('item detail; 404 → null; other failures still throw', async (t) => {
  const detail = { id: 'pzpko29729j3', title: { original: 'iPhone 13', translated: null }, price: { cash: { amount: 385, currency: 'EUR' } }, slug: 'iphone-13-1', extra: true };
  const { baseUrl, requests } = await serve(t, (request) => {
    if (request.pathname === '/api/v3/items/pzpko29729j3') return { body: detail };
    if (request.pathname === '/api/v3/items/broken') return { body: { id: 'broken', title: 'flat' } };
    return { status: 404, body: { message: 'item not found' } };
  });
  const { client, waits } = testClient(baseUrl, { maxAttempts: 2 });
  const found = await client.fetchItem('pzpko29729j3');
  t.is(found?.item.title.original, 'iPhone 13');
  t.is(found?.item.price.cash.amount, 385);
  t.is(found?.item.extra, true);
  t.is(found?.request.endpoint, 'item');
  t.is(await client.fetchItem('gone123'), null);
  t.deepEqual(waits, [], 'a 404 is an answer, not a failure');
  const error = await t.throwsAsync(client.fetchItem('broken'), { instanceOf: WallapopSchemaError });
  t.regex(error.message, /title: expected object, got "flat"/);
  t.deepEqual(
    requests.map((r) => r.pathname),
    ['/api/v3/items/pzpko29729j3', '/api/v3/items/gone123', '/api/v3/items/broken', '/api/v3/items/broken'],
  );
  await t.throwsAsync(client.fetchItem('../search'), { instanceOf: RangeError });
});

// ---------------------------------------------------------------------------------------------
// Pacing. Serial: these measure real time and must not share the event loop with other tests.

/**
 * Wall-clock pacing checks. The limiter spaces request starts, but a process preempted between a
 * start and its socket write (a loaded CI box) can shorten one gap on the wire by a time slice. A
 * pacing bug fails every round; a scheduling hiccup does not repeat; so up to three rounds run.
 */
async function inRounds(t: ExecutionContext, check: (tt: ExecutionContext) => Promise<void>): Promise<void> {
  for (let round = 1; ; round += 1) {
    const attempt = await t.try(check);
    if (attempt.passed || round === 3) {
      attempt.commit();
      return;
    }
    t.log(`round ${round} failed (${attempt.errors.map((e) => e.message).join('; ')}); running it again`);
    attempt.discard();
  }
}

const gapsBetween = (requests: Seen[]) => requests.slice(1).map((r, i) => r.at - (requests[i]?.at ?? 0));
/**
 * Most arrivals inside any window of `windowMs`. A rate limit bounds this (rate × window + 1)
 * whatever the jitter of a single arrival on a loaded machine, which a minimum gap cannot.
 */
const mostArrivalsWithin = (requests: Seen[], windowMs: number) =>
  Math.max(...requests.map((first, i) => requests.slice(i).filter((later) => later.at - first.at < windowMs).length));
const showGaps = (gaps: number[]) => `smallest gap ${Math.min(...gaps).toFixed(1)} ms of ${gaps.map((g) => g.toFixed(1)).join(', ')}`;

test.serial('limiter: at 20 req/s, 21 concurrent requests arrive at 20/s (≥ 1 s in all, ≤ 11 in any 500 ms)', async (t) => {
  const { baseUrl, requests } = await serve(t, () => ({ body: searchBody(items('a')) }));
  await inRounds(t, async (tt) => {
    const events: ClientEvent[] = [];
    const client = new WallapopClient({ baseUrl, requestsPerSecond: 20, onEvent: (e) => events.push(e) });
    // A first fetch pays one-off costs (loading undici, connecting) that are not what is measured.
    await client.fetchSearchPage(QUERY);
    requests.length = 0;
    events.length = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: 21 }, () => client.fetchSearchPage(QUERY)));
    const elapsed = performance.now() - started;
    const gaps = gapsBetween(requests);
    tt.is(requests.length, 21);
    tt.true(elapsed >= 990, `21 requests took ${elapsed.toFixed(0)} ms`);
    tt.true(mostArrivalsWithin(requests, 500) <= 11, `more than 11 arrivals within 500 ms: ${showGaps(gaps)}`);
    tt.true(gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length >= 47.5, `mean gap under 47.5 ms: ${showGaps(gaps)}`);
    // 20 callers waited for a turn (the first may also report the ~1 ms the others took to queue up).
    tt.true(events.filter((e) => e.type === 'throttle' && e.waitMs >= 40).length >= 20);
  });
});

test.serial('limiter: retries are paced too', async (t) => {
  let served = 0;
  const { baseUrl, requests } = await serve(t, () => {
    served += 1;
    return served % 4 === 1 ? { body: searchBody(items('a')) } : { status: 503 };
  });
  await new WallapopClient({ baseUrl, requestsPerSecond: 0 }).fetchSearchPage(QUERY);
  await inRounds(t, async (tt) => {
    requests.length = 0;
    const client = new WallapopClient({ baseUrl, requestsPerSecond: 20, backoffBaseMs: 0 });
    const page = await client.fetchSearchPage(QUERY);
    const gaps = gapsBetween(requests);
    tt.is(page.attempts, 4);
    tt.true(gaps.reduce((sum, gap) => sum + gap, 0) >= 3 * 47.5, `4 attempts in under ${3 * 47.5} ms: ${showGaps(gaps)}`);
    tt.true(mostArrivalsWithin(requests, 100) <= 3, `more than 3 attempts within 100 ms: ${showGaps(gaps)}`);
  });
});

test.serial('limiter off (0 or Infinity): requests go back to back', async (t) => {
  const { baseUrl, requests } = await serve(t, () => ({ body: searchBody(items('a')) }));
  for (const requestsPerSecond of [0, Number.POSITIVE_INFINITY]) {
    const sleeps: number[] = [];
    const client = new WallapopClient({
      baseUrl,
      requestsPerSecond,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const started = performance.now();
    for (let i = 0; i < 21; i += 1) await client.fetchSearchPage(QUERY);
    const elapsed = performance.now() - started;
    t.deepEqual(sleeps, []);
    t.true(elapsed < 900, `21 unthrottled requests took ${elapsed.toFixed(0)} ms`);
  }
  t.is(requests.length, 42);
});

// ---------------------------------------------------------------------------------------------
// Pure policy pieces

test('RateLimiter with a fake clock: call order, spacing from the actual previous start', async (t) => {
  let clock = 1000;
  const waits: number[] = [];
  const limiter = new RateLimiter({
    requestsPerSecond: 4,
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
      // A late timer: the next interval must count from this real release, not from the plan.
      clock += ms === 250 && waits.length === 1 ? 260 : ms;
    },
  });
  t.deepEqual(await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]), [0, 260, 510]);
  t.deepEqual(waits, [250, 250]);
  clock += 2000;
  t.is(await limiter.acquire(), 0, 'idle time is not banked as a burst');
  t.is(await limiter.acquire(), 250);
  t.deepEqual(waits, [250, 250, 250]);
  t.false(new RateLimiter({ requestsPerSecond: 0 }).enabled);
  t.false(new RateLimiter({ requestsPerSecond: Number.POSITIVE_INFINITY }).enabled);
  t.throws(() => new RateLimiter({ requestsPerSecond: -1 }), { instanceOf: RangeError });
});

test('backoff is 2^n × U(0.75, 1.25) × base, capped; Retry-After parsing', (t) => {
  const policy = { backoffBaseMs: 1000, maxBackoffMs: 30_000 };
  t.is(backoffDelay(1, policy, () => 0), 750);
  t.is(backoffDelay(1, policy, () => 0.999_999), 1250);
  t.is(backoffDelay(3, policy, () => 0.5), 4000);
  t.is(backoffDelay(10, policy, () => 0.5), 30_000);
  for (let retry = 1; retry <= 5; retry += 1) {
    const value = backoffDelay(retry, policy);
    t.true(value >= 750 * 2 ** (retry - 1) && value <= 1250 * 2 ** (retry - 1));
  }
  const now = Date.UTC(2026, 10, 24, 6, 0, 0);
  t.is(parseRetryAfter('7', now), 7000);
  t.is(parseRetryAfter(' 0 ', now), 0);
  t.is(parseRetryAfter('Tue, 24 Nov 2026 06:00:30 GMT', now), 30_000);
  t.is(parseRetryAfter('Tue, 24 Nov 2026 05:00:00 GMT', now), 0);
  t.is(parseRetryAfter('soon', now), null);
  t.is(parseRetryAfter(null, now), null);
});

test('client options are checked', (t) => {
  t.throws(() => new WallapopClient({ maxAttempts: 0 }), { instanceOf: RangeError, message: /maxAttempts/ });
  t.throws(() => new WallapopClient({ maxAttempts: Number.POSITIVE_INFINITY }), { instanceOf: RangeError });
  t.throws(() => new WallapopClient({ timeoutMs: Number.POSITIVE_INFINITY }), { instanceOf: RangeError, message: /timeoutMs/ });
  t.throws(() => new WallapopClient({ requestsPerSecond: -2 }), { instanceOf: RangeError });
});
