import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, cloudFrontErrorPage, type DrawnFault, type FaultKind, type FaultOptions } from './faults.ts';
import { IMAGE_PATH_PREFIX, thumbnailPng } from './images.ts';
import type { Market } from './market.ts';
import { MAX_DISTANCE_KM, QueryError, parseSearchQuery, queryKey, queryParams, type SearchQuery } from './query.ts';
import { hash3, hashString } from './random.ts';
import { isDay } from './time.ts';
import { PageTokens } from './tokens.ts';

/**
 * The simulator's HTTP server (node:http, no framework): Wallapop's search, section, categories
 * and item endpoints over a Market, plus admin routes under `/__sim/` that report ground truth and
 * steer the simulation. It always serves "the current day", set through the handle or the admin
 * route; pagination tokens pin the day their search started on.
 */

/** How a search endpoint behaves: normally, as a bare 400 on every call, or as absent (404). */
export type SectionEndpointMode = 'ok' | 'bad-request' | 'missing';
export type EndpointMode = SectionEndpointMode;

/**
 * Where a search response keeps its items and its next_page token (docs/wallapop-api.md):
 * `payload+meta` = `data.section.payload.items` + `meta.next_page` (captured from /search),
 * `items+meta` = `data.section.items` + `meta.next_page` (captured from /search/section),
 * `items+section` = `data.section.items` + `data.section.next_page` (described by one client's
 * docs and by our issue tracker, contradicted by the captures; kept so the client is tested on it).
 */
export type ResponseShape = 'payload+meta' | 'items+meta' | 'items+section';
/**
 * How an item's discount is written: `object` = `discount.previous_price: {amount, currency}` (the
 * only form seen in captured data), `number` = a bare amount, `top-level` = a top-level
 * `previous_price` object (both described by client models only).
 */
export type DiscountForm = 'object' | 'number' | 'top-level';
export type IgnorableFilter = 'category' | 'price' | 'distance';

/**
 * The API variant served: the forms the real API is seen in, and a mode that silently ignores
 * filters (what a renamed parameter looks like from the client's side). Ground truth is never
 * affected: it always answers the question as asked.
 */
export interface ApiVariant {
  /** Default `payload+meta`, as captured. */
  searchShape?: ResponseShape;
  /** Default `items+meta`, as captured from the web app. */
  sectionShape?: ResponseShape;
  /** Default `object`, as captured. */
  discount?: DiscountForm;
  /** Filters the search endpoints accept but do not apply. Default none. */
  ignore?: IgnorableFilter[];
  /**
   * After the last page of results, one more page of `vector_search_results` ("Similares a tu
   * búsqueda"): listings that do not match, as a captured /search/section answer shows. Default off.
   */
  similarAfterResults?: boolean;
}

export const DEFAULT_API_VARIANT: Required<ApiVariant> = { searchShape: 'payload+meta', sectionShape: 'items+meta', discount: 'object', ignore: [], similarAfterResults: false };
const RESPONSE_SHAPES: readonly ResponseShape[] = ['payload+meta', 'items+meta', 'items+section'];
const DISCOUNT_FORMS: readonly DiscountForm[] = ['object', 'number', 'top-level'];
const IGNORABLE_FILTERS: readonly IgnorableFilter[] = ['category', 'price', 'distance'];

/** A complete variant from a partial one; throws RangeError naming the bad field. */
export function resolveApiVariant(variant: ApiVariant | undefined): Required<ApiVariant> {
  const resolved = { ...DEFAULT_API_VARIANT, ...(variant ?? {}) };
  const oneOf = <T>(name: string, value: T, allowed: readonly T[]) => {
    if (!allowed.includes(value)) throw new RangeError(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  };
  oneOf('searchShape', resolved.searchShape, RESPONSE_SHAPES);
  oneOf('sectionShape', resolved.sectionShape, RESPONSE_SHAPES);
  oneOf('discount', resolved.discount, DISCOUNT_FORMS);
  if (!Array.isArray(resolved.ignore)) throw new RangeError(`ignore must be an array of ${IGNORABLE_FILTERS.join(', ')}`);
  for (const filter of resolved.ignore) oneOf('ignore[]', filter, IGNORABLE_FILTERS);
  if (typeof resolved.similarAfterResults !== 'boolean') throw new RangeError(`similarAfterResults must be true or false, got ${JSON.stringify(resolved.similarAfterResults)}`);
  return resolved;
}

export interface SimulatorOptions {
  market: Market;
  /** The day served at start. Default: the market's start day. */
  day?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  faults?: FaultOptions;
  sectionEndpoint?: SectionEndpointMode;
  /** How `/api/v3/search` behaves (default ok): `bad-request` leaves /search/section as the only way in, as for the web app. */
  searchEndpoint?: EndpointMode;
  /** Response shapes, discount form and ignored filters (default: DEFAULT_API_VARIANT). */
  variant?: ApiVariant;
  /** HMAC secret of next_page tokens. Default: derived from the market seed. */
  tokenSecret?: string;
  /** Called after every request (admin ones too), e.g. for a CLI access log. */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  endpoint: Endpoint;
  fault: FaultKind | 'blocked' | 'empty' | undefined;
  ms: number;
}

export type Endpoint = 'search' | 'section' | 'categories' | 'item' | 'admin' | 'unknown';

export interface SimulatorStats {
  day: string;
  /** Requests to the Wallapop endpoints (admin routes are not counted). */
  requests: number;
  byStatus: Record<string, number>;
  byEndpoint: Partial<Record<Endpoint, number>>;
  /** Injected faults, plus `blocked` (blockSearches) and `empty` (emptySearches) answers. */
  byFault: Partial<Record<FaultKind | 'blocked' | 'empty', number>>;
}

export interface SimulatorHandle {
  /** Base URL, e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string;
  port: number;
  market: Market;
  /** The day currently served. */
  day(): string;
  /** Serves `day` from now on (evolving the market to it first). Throws for an invalid day. */
  setDay(day: string): void;
  /** Replaces the fault options and restarts the fault stream from its seed. */
  setFaults(faults: FaultOptions | undefined): void;
  setSectionEndpoint(mode: SectionEndpointMode): void;
  setSearchEndpoint(mode: EndpointMode): void;
  /** Serves another API variant from the next request on (a partial variant is completed with the defaults). */
  setVariant(variant: ApiVariant | undefined): void;
  stats(): SimulatorStats;
  resetStats(): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const APP_VERSION = /^\d{6}$/;
const MAX_ADMIN_BODY_BYTES = 64 * 1024;

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(value),
});
const apiError = (status: number, code: string, message: string): Reply => json(status, { code, message });

class AdminError extends Error {}

export async function startSimulator(options: SimulatorOptions): Promise<SimulatorHandle> {
  const { market } = options;
  let currentDay = options.day ?? market.startDay;
  market.dayIndexOf(currentDay);
  let faults = new FaultInjector(options.faults);
  let sectionMode: SectionEndpointMode = options.sectionEndpoint ?? 'ok';
  let searchMode: EndpointMode = options.searchEndpoint ?? 'ok';
  let variant = resolveApiVariant(options.variant);
  const tokens = new PageTokens(options.tokenSecret ?? `wallapop-sim-${market.options.seed}`);
  let stats = emptyStats();
  let requestNumber = 0;

  const setDay = (day: string): void => {
    if (!isDay(day)) throw new RangeError(`day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
    market.dayIndexOf(day);
    currentDay = day;
  };
  const setFaults = (next: FaultOptions | undefined): void => {
    faults = new FaultInjector(next);
  };

  const searchReply = (url: URL, request: IncomingMessage, endpoint: 'search' | 'section'): { reply: Reply; empty: boolean } => {
    const params = url.searchParams;
    if (!params.get('source')) return { reply: apiError(400, 'BAD_REQUEST', 'source is required'), empty: false };
    if (endpoint === 'section') {
      if (params.get('section_type') !== 'organic_search_results') {
        return { reply: apiError(400, 'BAD_REQUEST', 'section_type must be organic_search_results'), empty: false };
      }
      const appVersion = request.headers['x-appversion'];
      if (typeof appVersion !== 'string' || !APP_VERSION.test(appVersion)) {
        return { reply: apiError(400, 'BAD_REQUEST', 'x-appversion header is missing or invalid'), empty: false };
      }
    }
    let query: SearchQuery;
    try {
      query = parseSearchQuery(params);
    } catch (error) {
      if (error instanceof QueryError) return { reply: apiError(400, 'BAD_REQUEST', error.message), empty: false };
      throw error;
    }
    const key = queryKey(query);
    let day = currentDay;
    let offset = 0;
    let similar = false;
    const token = params.get('next_page');
    if (token) {
      const claims = tokens.verify(token);
      if (!claims) return { reply: apiError(400, 'BAD_REQUEST', 'next_page is not a valid token'), empty: false };
      if (claims.query_key !== key) {
        return { reply: apiError(400, 'BAD_REQUEST', 'next_page belongs to another query: resend the same filters'), empty: false };
      }
      day = claims.day;
      offset = claims.offset;
      similar = claims.section_type === 'vector_search_results';
    }

    const empty = faults.isEmpty(params.get('keywords'));
    const dayIndex = market.dayIndexOf(day);
    const page = empty
      ? { items: [], matching: 0, nextOffset: undefined }
      : similar
        ? { items: similarItems(day, dayIndex, query), matching: 0, nextOffset: undefined }
        : market.page(dayIndex, servedQuery(query, variant.ignore), offset);
    const sign = (nextOffset: number, remaining: number, toSimilar = false) =>
      tokens.sign({
        query: queryParams(query),
        query_key: key,
        search_id: searchId(key, day),
        day,
        offset: nextOffset,
        pointers: { ORGANIC: { remaining_documents: remaining } },
        iat: Math.floor(market.snapshotOf(dayIndex) / 1000),
        ...(toSimilar ? { section_type: 'vector_search_results' as const } : {}),
      });
    let nextPage: string | undefined;
    if (page.nextOffset !== undefined) nextPage = sign(page.nextOffset, Math.max(0, page.matching - page.nextOffset));
    else if (variant.similarAfterResults && !similar && page.items.length > 0) nextPage = sign(0, 0, true);
    const items = variant.discount === 'number' ? page.items : page.items.map((item) => withDiscountForm(item, variant.discount));
    const shape = endpoint === 'search' ? variant.searchShape : variant.sectionShape;
    const section = similar ? { type: 'vector_search_results', title: 'Similares a tu búsqueda' } : { type: 'organic_search_results', title: 'Encuentra lo que buscas' };
    const continuation = nextPage === undefined ? {} : { next_page: nextPage };
    const body =
      shape === 'payload+meta'
        ? { data: { section: { ...section, payload: { items } } }, meta: continuation }
        : shape === 'items+meta'
          ? { data: { section: { ...section, items } }, meta: continuation }
          : { data: { section: { ...section, items, ...continuation } }, meta: {} };
    return { reply: json(200, body), empty };
  };

  /** Listings near the query that it does not match: what a `vector_search_results` page holds. */
  const similarItems = (day: string, dayIndex: number, query: SearchQuery) => {
    const matching = new Set(market.day(day).match(queryParams(query)));
    const around: SearchQuery = { keywordTokens: [], ...(query.latitude !== undefined ? { latitude: query.latitude, longitude: query.longitude } : {}), distanceKm: query.distanceKm, orderBy: 'newest' };
    return market.page(dayIndex, around, 0).items.filter((item) => !matching.has(item.id)).slice(0, 20);
  };

  const apiReply = (url: URL, request: IncomingMessage, endpoint: Endpoint): { reply: Reply; empty: boolean } => {
    switch (endpoint) {
      case 'search':
      case 'section':
        return searchReply(url, request, endpoint);
      case 'categories':
        return { reply: json(200, market.categories()), empty: false };
      case 'item': {
        const id = decodeURIComponent(url.pathname.slice('/api/v3/items/'.length));
        const detail = market.day(currentDay).detail(id);
        return { reply: detail ? json(200, detail) : apiError(404, 'NOT_FOUND', `item ${id} not found`), empty: false };
      }
      default:
        return { reply: apiError(404, 'NOT_FOUND', `no route for ${url.pathname}`), empty: false };
    }
  };

  const adminReply = async (url: URL, request: IncomingMessage): Promise<Reply> => {
    const route = `${request.method} ${url.pathname}`;
    const dayParam = (): string => {
      const day = url.searchParams.get('day') ?? currentDay;
      if (!isDay(day)) throw new AdminError(`day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
      return day;
    };
    switch (route) {
      case 'GET /__sim/ground-truth': {
        const day = dayParam();
        const ids = market.day(day).match(url.searchParams);
        return json(200, { day, total: ids.length, ids });
      }
      case 'GET /__sim/changes':
        return json(200, market.day(dayParam()).changes());
      case 'GET /__sim/day':
        return json(200, { day: currentDay, startDay: market.startDay });
      case 'POST /__sim/day': {
        const body = (await readJsonBody(request)) as { day?: unknown };
        if (typeof body?.day !== 'string') throw new AdminError('body must be {"day": "YYYY-MM-DD"}');
        setDay(body.day);
        return json(200, { day: currentDay });
      }
      case 'POST /__sim/faults': {
        const body = await readJsonBody(request);
        setFaults(body === null ? undefined : (body as FaultOptions));
        return json(200, { ok: true });
      }
      case 'POST /__sim/variant': {
        const body = await readJsonBody(request);
        variant = resolveApiVariant(body === null ? undefined : (body as ApiVariant));
        return json(200, variant);
      }
      case 'GET /__sim/variant':
        return json(200, variant);
      case 'GET /__sim/stats':
        return json(200, { ...stats, day: currentDay });
      default: {
        const itemMatch = /^GET \/__sim\/items\/([^/]+)$/.exec(route);
        if (itemMatch) {
          const day = dayParam();
          const id = decodeURIComponent(itemMatch[1]!);
          const item = market.day(day).item(id);
          return item ? json(200, { day, item, product: market.day(day).product(id) }) : apiError(404, 'NOT_FOUND', 'not an active listing on that day');
        }
        return apiError(404, 'NOT_FOUND', `no admin route ${route}`);
      }
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    if (request.method === 'GET' && url.pathname.startsWith(IMAGE_PATH_PREFIX)) {
      // Photos stand for Wallapop's CDN, not its API: no faults, not counted as API requests.
      const png = thumbnailPng(url.pathname);
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length), 'cache-control': 'public, max-age=86400' });
      response.end(png);
      return;
    }
    const endpoint = endpointOf(url.pathname);
    let fault: RequestLogEntry['fault'];
    let reply: Reply;
    let cutAt: number | undefined;

    try {
      if (endpoint === 'admin') {
        reply = await adminReply(url, request);
      } else if (request.method !== 'GET' && endpoint !== 'unknown') {
        reply = apiError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed here`);
      } else if ((endpoint === 'section' && sectionMode !== 'ok') || (endpoint === 'search' && searchMode !== 'ok')) {
        const mode = endpoint === 'section' ? sectionMode : searchMode;
        reply = mode === 'missing' ? apiError(404, 'NOT_FOUND', 'not found') : apiError(400, 'BAD_REQUEST', 'Bad Request');
      } else if (endpoint === 'unknown') {
        reply = apiError(404, 'NOT_FOUND', `no route for ${url.pathname}`);
      } else {
        requestNumber += 1;
        const drawn: DrawnFault | undefined = faults.draw();
        const isSearch = endpoint === 'search' || endpoint === 'section';
        if (isSearch && faults.isBlocked(url.searchParams.get('keywords'))) {
          fault = 'blocked';
          reply = cloudFront(403, requestNumber);
        } else if (drawn && drawn.kind !== 'slow' && drawn.kind !== 'truncated') {
          fault = drawn.kind;
          reply =
            drawn.kind === 'rate-limit'
              ? json(429, { code: 'TOO_MANY_REQUESTS', message: 'Too Many Requests' }, { 'retry-after': String(faults.retryAfterSeconds) })
              : drawn.kind === 'cloudfront-403'
                ? cloudFront(403, requestNumber)
                : drawn.status === 500
                  ? apiError(500, 'INTERNAL_SERVER_ERROR', 'Internal Server Error')
                  : cloudFront(drawn.status, requestNumber);
        } else {
          if (drawn?.kind === 'slow') {
            fault = 'slow';
            await new Promise((resolve) => setTimeout(resolve, faults.slowMs));
          }
          const answered = apiReply(url, request, endpoint);
          reply = answered.reply;
          if (answered.empty) fault = 'empty';
          if (drawn?.kind === 'truncated' && reply.status === 200) {
            fault = 'truncated';
            cutAt = drawn.cutAt;
          }
        }
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const badAdminRequest = endpoint === 'admin' && (error instanceof AdminError || error instanceof RangeError || error instanceof TypeError || error instanceof QueryError);
      reply = badAdminRequest ? apiError(400, 'BAD_REQUEST', message) : apiError(500, 'SIMULATOR_ERROR', message);
    }

    let body = Buffer.from(reply.body, 'utf8');
    // A cut body still gets a matching Content-Length: the headers are valid, only the JSON is not.
    if (cutAt !== undefined) body = body.subarray(0, Math.max(1, Math.min(body.length - 1, Math.floor(body.length * cutAt))));
    response.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
    response.end(body);

    if (endpoint !== 'admin') {
      stats.requests += 1;
      stats.byStatus[reply.status] = (stats.byStatus[reply.status] ?? 0) + 1;
      stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;
      if (fault) stats.byFault[fault] = (stats.byFault[fault] ?? 0) + 1;
    }
    options.onRequest?.({
      method: request.method ?? 'GET',
      path: url.pathname + url.search,
      status: reply.status,
      endpoint,
      fault,
      ms: Math.round(performance.now() - started),
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, JSON_HEADERS);
      response.end(JSON.stringify({ code: 'SIMULATOR_ERROR', message: String(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    market,
    day: () => currentDay,
    setDay,
    setFaults,
    setSectionEndpoint: (mode) => {
      sectionMode = mode;
    },
    setSearchEndpoint: (mode) => {
      searchMode = mode;
    },
    setVariant: (next) => {
      variant = resolveApiVariant(next);
    },
    stats: () => structuredClone({ ...stats, day: currentDay }),
    resetStats: () => {
      stats = emptyStats();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The query the market answers when the variant ignores some filters. */
function servedQuery(query: SearchQuery, ignore: readonly IgnorableFilter[]): SearchQuery {
  if (ignore.length === 0) return query;
  const served: SearchQuery = { ...query };
  if (ignore.includes('category')) delete served.categoryId;
  if (ignore.includes('price')) {
    delete served.minPrice;
    delete served.maxPrice;
  }
  if (ignore.includes('distance')) served.distanceKm = MAX_DISTANCE_KM;
  return served;
}

/** The item with its discount written the way `form` says (the market renders the number form). */
function withDiscountForm<T extends { discount?: { previous_price: number; percentage: number } }>(item: T, form: DiscountForm): T | Omit<T, 'discount'> {
  if (item.discount === undefined) return item;
  const money = { amount: item.discount.previous_price, currency: 'EUR' };
  if (form === 'object') return { ...item, discount: { ...item.discount, previous_price: money } };
  const { discount, ...rest } = item;
  return { ...rest, previous_price: money, discount: { percentage: discount.percentage } } as Omit<T, 'discount'>;
}

function emptyStats(): SimulatorStats {
  return { day: '', requests: 0, byStatus: {}, byEndpoint: {}, byFault: {} };
}

function endpointOf(pathname: string): Endpoint {
  if (pathname.startsWith('/__sim/')) return 'admin';
  if (pathname === '/api/v3/search') return 'search';
  if (pathname === '/api/v3/search/section') return 'section';
  if (pathname === '/api/v3/categories') return 'categories';
  if (/^\/api\/v3\/items\/[^/]+$/.test(pathname)) return 'item';
  return 'unknown';
}

function cloudFront(status: number, requestNumber: number): Reply {
  const requestId = Buffer.from(Array.from({ length: 5 }, (_, word) => hash3(requestNumber, word, status).toString(16)).join(''))
    .toString('base64url')
    .slice(0, 56);
  return {
    status,
    headers: {
      'content-type': 'text/html',
      server: 'CloudFront',
      'x-cache': 'Error from cloudfront',
      via: '1.1 0123456789abcdef.cloudfront.net (CloudFront)',
      'x-amz-cf-pop': 'MAD53-P1',
      'x-amz-cf-id': requestId,
    },
    body: cloudFrontErrorPage(status, requestId),
  };
}

function searchId(key: string, day: string): string {
  const words = [hashString(key), hashString(day), hashString(key + day), hashString(day + key)];
  const hex = words.map((word) => word.toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_ADMIN_BODY_BYTES) throw new AdminError('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new AdminError('request body is not JSON');
  }
}
