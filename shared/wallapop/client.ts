import type { ClientEvent } from './client-events.ts';
import type { SearchPagesOptions, WallapopClientOptions } from './client-options.ts';
import { checkPage } from './drift.ts';
import { SEARCH_PATHS, otherEndpoint, type RequestEndpoint, type SearchEndpoint } from './endpoints.ts';
import {
  WallapopBadRequestError,
  WallapopBlockedError,
  WallapopError,
  WallapopHttpError,
  WallapopNetworkError,
  WallapopRateLimitedError,
  WallapopSchemaError,
  WallapopTimeoutError,
  excerpt,
} from './api-errors.ts';
import { DEFAULT_APP_VERSION, DEFAULT_USER_AGENT, searchHeaders } from './headers.ts';
import { estimatedTotalOf } from './next-page-token.ts';
import { RateLimiter, defaultSleep } from './rate-limiter.ts';
import type { FetchedResponse, SearchPage, SearchStop } from './responses.ts';
import { DEFAULT_RETRY_POLICY, classifyStatus, retryDelay, type RetryPolicy, type RetryReason } from './retry.ts';
import {
  CategoriesSchema,
  ItemDetailSchema,
  parseBody,
  isOtherSection,
  readSearchPage,
  type CategoryNode,
  type ItemDetail,
  type SearchPageContent,
  type ValidationResult,
} from './schemas.ts';
import { buildSearchParams, type SearchQuery } from './search-params.ts';

const DEFAULT_BASE_URL = 'https://api.wallapop.com';

interface Target {
  endpoint: RequestEndpoint;
  path: string;
  params: Record<string, string>;
  headers: Record<string, string>;
}

/** Attempts and start time of one logical request, shared across a fallback. */
interface Tally {
  attempts: number;
  startedAt: number;
}

type Outcome<T> = { kind: 'ok'; response: FetchedResponse; value: T } | { kind: 'passed'; response: FetchedResponse };

type AttemptResult =
  | { kind: 'response'; status: number; contentType: string | null; retryAfter: string | null; body: string; arrivedAt: number; startedAt: number }
  | { kind: 'timeout' }
  | { kind: 'network'; error: unknown };

const NO_STATUSES: ReadonlySet<number> = new Set();
/** Statuses that mean "this endpoint does not take this request", the cue to try the other one. */
const FALLBACK_STATUSES: ReadonlySet<number> = new Set([400, 404]);
const GONE_STATUSES: ReadonlySet<number> = new Set([404]);

export class WallapopClient {
  private readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly headerOptions: { userAgent: string; appVersion: string };
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly onEvent: ((event: ClientEvent) => void) | undefined;
  private readonly limiter: RateLimiter;
  /**
   * The endpoint that last answered a search. Starts as the preferred one; after a fallback the
   * other one is tried first, so a warm Lambda does not pay a rejected request on every search.
   */
  private workingEndpoint: SearchEndpoint;

  constructor(options: WallapopClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.policy = {
      maxAttempts: positive('maxAttempts', options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts, true),
      backoffBaseMs: nonNegative('backoffBaseMs', options.backoffBaseMs ?? DEFAULT_RETRY_POLICY.backoffBaseMs),
      maxBackoffMs: nonNegative('maxBackoffMs', options.maxBackoffMs ?? DEFAULT_RETRY_POLICY.maxBackoffMs),
      maxRetryAfterMs: nonNegative('maxRetryAfterMs', options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs),
    };
    this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? 20_000, false);
    this.headerOptions = { userAgent: options.userAgent ?? DEFAULT_USER_AGENT, appVersion: options.appVersion ?? DEFAULT_APP_VERSION };
    // Looked up per call and never invoked as a method: some fetch implementations reject a foreign `this`.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.onEvent = options.onEvent;
    // The limiter keeps its monotonic default clock unless a test injects one.
    this.limiter = new RateLimiter({ requestsPerSecond: options.requestsPerSecond ?? 1, sleep: this.sleep, ...(options.now ? { now: options.now } : {}) });
    this.workingEndpoint = options.preferredEndpoint ?? 'search';
  }

  /**
   * One search page. A 400/404 from the first endpoint tried switches to the other for this request
   * (and, from then on, as the first choice). `options.endpoint` names the endpoint that issued
   * `nextPage`, when the caller knows it (tokens are used with the endpoint that issued them);
   * `fallback: false` asks that endpoint only (the doctor checks each one on its own).
   */
  fetchSearchPage(query: SearchQuery, nextPage?: string | null, options: { endpoint?: SearchEndpoint; fallback?: boolean } = {}): Promise<SearchPage> {
    return this.searchPage(query, nextPage ?? null, options.endpoint ?? this.workingEndpoint, options.fallback ?? true);
  }

  /**
   * Yields pages until a stop rule: next_page absent/empty, a page with 0 items, a token already
   * seen, maxPages, or a page of another section than the results (yielded, so it can be kept as
   * evidence, and marked by `isOtherSection(page.shape)`).
   */
  async *searchPages(query: SearchQuery, options: SearchPagesOptions = {}): AsyncGenerator<SearchPage, SearchStop> {
    const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
    if (Number.isNaN(maxPages) || maxPages < 0) throw new RangeError(`maxPages must be >= 0, got ${maxPages}`);
    const seen = new Set(options.seenTokens ?? []);
    let token = options.nextPage || null;
    if (token) seen.add(token);
    let endpoint = options.endpoint ?? this.workingEndpoint;
    let pages = 0;
    if (pages >= maxPages) return { reason: 'max-pages', pages, nextPage: token };
    for (;;) {
      // Only the first request may fall back: later tokens belong to the endpoint that issued them.
      const page = await this.searchPage(query, token, endpoint, pages === 0);
      endpoint = page.request.endpoint === 'section' ? 'section' : 'search';
      pages += 1;
      yield page;
      if (isOtherSection(page.shape)) return { reason: 'other-section', pages, nextPage: page.nextPage };
      if (page.items.length === 0) return { reason: 'empty-page', pages, nextPage: page.nextPage };
      if (page.nextPage === null) return { reason: 'end', pages, nextPage: null };
      if (seen.has(page.nextPage)) return { reason: 'repeated-token', pages, nextPage: page.nextPage };
      seen.add(page.nextPage);
      if (pages >= maxPages) return { reason: 'max-pages', pages, nextPage: page.nextPage };
      token = page.nextPage;
    }
  }

  async fetchCategories(): Promise<FetchedResponse & { categories: CategoryNode[] }> {
    const target: Target = { endpoint: 'categories', path: '/api/v3/categories', params: {}, headers: searchHeaders('search', this.headerOptions) };
    const outcome = await this.execute(target, (body) => parseBody(CategoriesSchema, body), NO_STATUSES, this.tally());
    if (outcome.kind !== 'ok') throw new Error('unreachable: no status passes through for categories');
    return { ...outcome.response, categories: outcome.value.categories };
  }

  /** Item detail, or null on 404 (the listing is gone: sold or removed). */
  async fetchItem(id: string): Promise<(FetchedResponse & { item: ItemDetail }) | null> {
    if (id === '' || /[/?#]/.test(id)) throw new RangeError(`not a Wallapop item id: ${JSON.stringify(id)}`);
    const target: Target = { endpoint: 'item', path: `/api/v3/items/${encodeURIComponent(id)}`, params: {}, headers: searchHeaders('search', this.headerOptions) };
    const outcome = await this.execute(target, (body) => parseBody(ItemDetailSchema, body), GONE_STATUSES, this.tally());
    if (outcome.kind !== 'ok') return null;
    return { ...outcome.response, item: outcome.value };
  }

  private tally(): Tally {
    return { attempts: 0, startedAt: this.now() };
  }

  private searchTarget(query: SearchQuery, nextPage: string | null, endpoint: SearchEndpoint): Target {
    return {
      endpoint,
      path: SEARCH_PATHS[endpoint],
      params: buildSearchParams(query, endpoint, nextPage),
      headers: searchHeaders(endpoint, this.headerOptions),
    };
  }

  private async searchPage(query: SearchQuery, nextPage: string | null, endpoint: SearchEndpoint, allowFallback: boolean): Promise<SearchPage> {
    const tally = this.tally();
    const first = await this.execute(this.searchTarget(query, nextPage, endpoint), readSearchPage, allowFallback ? FALLBACK_STATUSES : NO_STATUSES, tally);
    if (first.kind === 'ok') return this.pageOf(query, endpoint, first.response, first.value);

    const other = otherEndpoint(endpoint);
    this.emit({ type: 'fallback', from: endpoint, to: other, status: first.response.status, url: first.response.request.url });
    const second = await this.execute(this.searchTarget(query, nextPage, other), readSearchPage, FALLBACK_STATUSES, tally);
    if (second.kind === 'ok') return this.pageOf(query, other, second.response, second.value);

    const rejections = [first.response, second.response].map((r) => ({ url: r.request.url, status: r.status, body: r.body }));
    const summary = rejections.map((r) => `${r.url} → ${r.status} ${JSON.stringify(excerpt(r.body, 160))}`).join('; ');
    throw new WallapopBadRequestError(`both search endpoints rejected the request: ${summary}`, {
      response: second.response,
      attempts: tally.attempts,
      url: second.response.request.url,
      status: second.response.status,
      body: second.response.body,
      rejections,
    });
  }

  private pageOf(query: SearchQuery, endpoint: SearchEndpoint, response: FetchedResponse, content: SearchPageContent): SearchPage {
    this.workingEndpoint = endpoint;
    return { ...response, ...content, check: checkPage(query, content), estimatedTotal: estimatedTotalOf(content.nextPage) };
  }

  /**
   * Runs one request through the limiter and the retry policy. Resolves with the parsed body, or
   * with the response when its status is in `passThrough` (the caller decides); throws a
   * WallapopError for everything else once retries are exhausted or pointless.
   */
  private async execute<T>(target: Target, parse: (body: string) => ValidationResult<T>, passThrough: ReadonlySet<number>, tally: Tally): Promise<Outcome<T>> {
    const query = new URLSearchParams(target.params).toString();
    const url = `${this.baseUrl}${target.path}${query ? `?${query}` : ''}`;
    const { maxAttempts } = this.policy;

    for (let attempt = 1; ; attempt += 1) {
      tally.attempts += 1;
      const waitMs = await this.limiter.acquire();
      if (waitMs > 0) this.emit({ type: 'throttle', endpoint: target.endpoint, url, waitMs });

      const result = await this.attempt(url, target.headers);
      let reason: RetryReason;
      let status: number | null = null;
      let retryAfter: string | null = null;
      let detail: string;
      let failure: () => WallapopError;

      if (result.kind === 'response') {
        status = result.status;
        const response: FetchedResponse = {
          request: { method: 'GET', url, endpoint: target.endpoint, params: { ...target.params } },
          status: result.status,
          contentType: result.contentType,
          body: result.body,
          fetchedAt: new Date(result.arrivedAt).toISOString(),
          attempts: tally.attempts,
          elapsedMs: result.arrivedAt - tally.startedAt,
        };
        this.emit({ type: 'response', endpoint: target.endpoint, url, attempt, status: result.status, elapsedMs: result.arrivedAt - result.startedAt });
        const statusClass = classifyStatus(result.status, result.contentType, result.body);
        if (statusClass === 'success') {
          const parsed = parse(result.body);
          if (parsed.ok) return { kind: 'ok', response, value: parsed.value };
          reason = 'invalid-body';
          detail = parsed.issues[0] ?? parsed.path;
          failure = () => {
            const more = parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more)` : '';
            return new WallapopSchemaError(`unexpected response from ${url} after ${attempt} attempt(s): ${detail}${more}`, {
              response,
              attempts: tally.attempts,
              url,
              path: parsed.path,
              issues: parsed.issues,
            });
          };
        } else if (passThrough.has(result.status)) {
          return { kind: 'passed', response };
        } else if (statusClass === 'final') {
          throw statusError(response, tally.attempts, attempt, 'final');
        } else {
          reason = statusClass;
          retryAfter = result.retryAfter;
          detail = `HTTP ${result.status}`;
          failure = () => statusError(response, tally.attempts, attempt, statusClass);
        }
      } else if (result.kind === 'timeout') {
        reason = 'timeout';
        detail = `no complete response within ${this.timeoutMs} ms`;
        failure = () =>
          new WallapopTimeoutError(`${url}: ${detail} (attempt ${attempt} of ${maxAttempts})`, { attempts: tally.attempts, url, timeoutMs: this.timeoutMs });
      } else {
        reason = 'network';
        detail = networkMessage(result.error);
        failure = () =>
          new WallapopNetworkError(`${url}: ${detail} (attempt ${attempt} of ${maxAttempts})`, { attempts: tally.attempts, url, cause: result.error });
      }

      if (attempt >= maxAttempts) throw failure();
      const { delayMs, retryAfterMs } = retryDelay(attempt, retryAfter, this.policy, this.now(), this.random);
      this.emit({ type: 'retry', endpoint: target.endpoint, url, attempt, reason, status, delayMs, retryAfterMs, detail });
      await this.sleep(delayMs);
    }
  }

  /** One HTTP exchange; the timeout covers reading the body, where a stalled server usually hangs. */
  private async attempt(url: string, headers: Record<string, string>): Promise<AttemptResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const startedAt = this.now();
    try {
      const response = await this.fetchImpl(url, { method: 'GET', headers, signal: controller.signal });
      const body = await response.text();
      return {
        kind: 'response',
        status: response.status,
        contentType: response.headers.get('content-type'),
        retryAfter: response.headers.get('retry-after'),
        body,
        arrivedAt: this.now(),
        startedAt,
      };
    } catch (error) {
      if (controller.signal.aborted) return { kind: 'timeout' };
      return { kind: 'network', error };
    } finally {
      clearTimeout(timer);
    }
  }

  private emit(event: ClientEvent): void {
    if (!this.onEvent) return;
    try {
      this.onEvent(event);
    } catch {
      // Observability must never change what the client does.
    }
  }
}

function statusError(response: FetchedResponse, attempts: number, attempt: number, statusClass: 'final' | 'rate-limited' | 'server-error' | 'blocked'): WallapopError {
  const { url } = response.request;
  const details = { response, attempts, url, status: response.status, body: response.body };
  const body = JSON.stringify(excerpt(response.body, 160));
  const tries = `${attempt} attempt${attempt === 1 ? '' : 's'}`;
  switch (statusClass) {
    case 'blocked':
      return new WallapopBlockedError(`blocked: HTML 403 (CloudFront) from ${url} after ${tries}: ${body}`, details);
    case 'rate-limited':
      return new WallapopRateLimitedError(`rate limited: 429 from ${url} after ${tries}`, details);
    case 'server-error':
      return new WallapopHttpError(`HTTP ${response.status} from ${url} after ${tries}: ${body}`, details);
    case 'final':
      if (response.status === 400) return new WallapopBadRequestError(`HTTP 400 from ${url}: ${body}`, details);
      return new WallapopHttpError(`HTTP ${response.status} from ${url}: ${body}`, details);
  }
}

function networkMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return `${error.message}: ${typeof code === 'string' ? `${code} ` : ''}${cause.message}`;
  }
  return error.message;
}

function positive(name: string, value: number, integer: boolean): number {
  // Infinity is refused too: attempts must stay bounded, and setTimeout treats Infinity as 1 ms.
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) throw new RangeError(`WallapopClientOptions.${name} must be a finite positive ${integer ? 'integer' : 'number'}, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0)) throw new RangeError(`WallapopClientOptions.${name} must be >= 0, got ${value}`);
  return value;
}
