export interface RetryPolicy {
  /** Attempts per request, first one included. */
  maxAttempts: number;
  backoffBaseMs: number;
  maxBackoffMs: number;
  /** A longer Retry-After is cut to this, so one header cannot stall a Lambda for its whole budget. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  backoffBaseMs: 1000,
  maxBackoffMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** Why an attempt is worth repeating. */
export type RetryReason = 'rate-limited' | 'server-error' | 'blocked' | 'timeout' | 'network' | 'invalid-body';

/** What one HTTP status means for the retry loop. */
export type StatusClass = 'success' | 'final' | Exclude<RetryReason, 'timeout' | 'network' | 'invalid-body'>;

const RETRYABLE_SERVER_STATUSES = new Set([500, 502, 503, 504]);

export function classifyStatus(status: number, contentType: string | null, body: string): StatusClass {
  if (status >= 200 && status < 300) return 'success';
  if (status === 429) return 'rate-limited';
  if (RETRYABLE_SERVER_STATUSES.has(status)) return 'server-error';
  // CloudFront's block page is HTML; a JSON 403 is Wallapop refusing the request itself (e.g. the dead
  // /general/search) and will not change on retry.
  if (status === 403 && isHtml(contentType, body)) return 'blocked';
  return 'final';
}

export function isHtml(contentType: string | null, body: string): boolean {
  if (contentType?.toLowerCase().includes('text/html')) return true;
  return /^\s*</.test(body);
}

/**
 * Delay before retry number `retry` (1 = the first retry): `base × 2^(retry-1) × U(0.75, 1.25)`,
 * capped at `maxBackoffMs`; so with the defaults about 1 s, 2 s, 4 s, 8 s.
 */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, 'backoffBaseMs' | 'maxBackoffMs'>, random: () => number = Math.random): number {
  const jitter = 0.75 + 0.5 * random();
  const raw = policy.backoffBaseMs * 2 ** Math.max(0, retry - 1) * jitter;
  return Math.round(Math.min(policy.maxBackoffMs, raw));
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Null when absent or
 * unreadable, so the caller falls back to backoff; a date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

/** The wait before retry number `retry`: Retry-After when the server gave one (capped), else backoff. */
export function retryDelay(
  retry: number,
  retryAfterHeader: string | null | undefined,
  policy: RetryPolicy,
  nowMs: number,
  random: () => number = Math.random,
): { delayMs: number; retryAfterMs: number | null } {
  const retryAfterMs = parseRetryAfter(retryAfterHeader, nowMs);
  if (retryAfterMs !== null) return { delayMs: Math.min(retryAfterMs, policy.maxRetryAfterMs), retryAfterMs };
  return { delayMs: backoffDelay(retry, policy, random), retryAfterMs: null };
}
