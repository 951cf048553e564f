import type { ClientEvent } from './client-events.ts';
import type { SearchEndpoint } from './endpoints.ts';

export interface WallapopClientOptions {
  /** Default `https://api.wallapop.com`; a path prefix is kept. */
  baseUrl?: string;
  /** Default 1; `0` or `Infinity` = no limiter. Applies to every attempt, retries included. */
  requestsPerSecond?: number;
  /** Attempts per request, first included. Default 5. */
  maxAttempts?: number;
  /** Per attempt, until the whole body is read. Default 20000. */
  timeoutMs?: number;
  /** Default 1000. */
  backoffBaseMs?: number;
  /** Default 30000. */
  maxBackoffMs?: number;
  /** Default 60000. */
  maxRetryAfterMs?: number;
  /** `X-AppVersion` for `/search/section` only. Default '826800'. */
  appVersion?: string;
  /** Default: a desktop Chrome UA of the current major version (see DEFAULT_USER_AGENT). */
  userAgent?: string;
  /** Default 'search'; the other endpoint is the fallback. */
  preferredEndpoint?: SearchEndpoint;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** U[0,1) for backoff jitter. */
  random?: () => number;
  /** Epoch ms; drives `fetchedAt`, `elapsedMs`, HTTP-date Retry-After and (when given) the limiter. */
  now?: () => number;
  /** Retries, fallbacks, waits: for logs and metrics. A throwing listener is ignored. */
  onEvent?: (event: ClientEvent) => void;
}

export interface SearchPagesOptions {
  /** Resume from this token (e.g. a continuation's). */
  nextPage?: string | null;
  /** Tokens already used by earlier invocations of the same pagination. Not modified. */
  seenTokens?: Iterable<string>;
  maxPages?: number;
  /** The endpoint that issued `nextPage`, when known; otherwise the client's current working endpoint. */
  endpoint?: SearchEndpoint;
}
