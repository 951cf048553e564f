import type { FetchedResponse } from './responses.ts';

export interface WallapopErrorDetails {
  /** The last response received, when there was one: callers keep it as evidence (bronze). */
  response?: FetchedResponse | undefined;
  /** Attempts made before giving up (across both search endpoints when a fallback happened). */
  attempts: number;
  /** The URL of the last attempt. */
  url: string;
  cause?: unknown;
}

/** Base of every failure the client reports; anything else escaping the client is a bug. */
export class WallapopError extends Error {
  override readonly name: string = 'WallapopError';
  readonly response: FetchedResponse | undefined;
  readonly attempts: number;
  readonly url: string;

  constructor(message: string, details: WallapopErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.response = details.response;
    this.attempts = details.attempts;
    this.url = details.url;
  }
}

/** A status the client does not retry or whose retries ran out. */
export class WallapopHttpError extends WallapopError {
  override readonly name: string = 'WallapopHttpError';
  readonly status: number;
  /** The start of the body, whitespace collapsed: enough to recognise an error page in a log line. */
  readonly bodyExcerpt: string;

  constructor(message: string, details: WallapopErrorDetails & { status: number; body: string }) {
    super(message, details);
    this.status = details.status;
    this.bodyExcerpt = excerpt(details.body);
  }
}

/** 403 with an HTML body (CloudFront "The request could not be satisfied") on every attempt. */
export class WallapopBlockedError extends WallapopHttpError {
  override readonly name: string = 'WallapopBlockedError';
}

/** 429 on every attempt, Retry-After honoured in between. */
export class WallapopRateLimitedError extends WallapopHttpError {
  override readonly name: string = 'WallapopRateLimitedError';
}

/**
 * 400: the query itself is wrong (missing `source`, bad `time_filter`, distance over 2000) or, for a
 * search, both endpoints rejected it; `rejections` then holds one entry per endpoint tried.
 */
export class WallapopBadRequestError extends WallapopHttpError {
  override readonly name: string = 'WallapopBadRequestError';
  readonly rejections: ReadonlyArray<{ url: string; status: number; bodyExcerpt: string }>;

  constructor(
    message: string,
    details: WallapopErrorDetails & { status: number; body: string; rejections?: ReadonlyArray<{ url: string; status: number; body: string }> },
  ) {
    super(message, details);
    this.rejections = (details.rejections ?? [{ url: details.url, status: details.status, body: details.body }]).map((r) => ({
      url: r.url,
      status: r.status,
      bodyExcerpt: excerpt(r.body),
    }));
  }
}

/** No complete response within `timeoutMs` on the last attempt. */
export class WallapopTimeoutError extends WallapopError {
  override readonly name: string = 'WallapopTimeoutError';
  readonly timeoutMs: number;

  constructor(message: string, details: WallapopErrorDetails & { timeoutMs: number }) {
    super(message, details);
    this.timeoutMs = details.timeoutMs;
  }
}

/** The connection failed (DNS, reset, refused) on the last attempt; `cause` holds fetch's error. */
export class WallapopNetworkError extends WallapopError {
  override readonly name: string = 'WallapopNetworkError';
}

/**
 * A 2xx body that is not JSON or does not have the expected shape, on every attempt. `path` is the
 * dot path of the first problem (`(body)` when the text is not JSON at all); `issues` lists them all.
 */
export class WallapopSchemaError extends WallapopError {
  override readonly name: string = 'WallapopSchemaError';
  readonly path: string;
  readonly issues: readonly string[];

  constructor(message: string, details: WallapopErrorDetails & { path: string; issues: readonly string[] }) {
    super(message, details);
    this.path = details.path;
    this.issues = details.issues;
  }
}

const EXCERPT_LENGTH = 240;

export function excerpt(body: string, length = EXCERPT_LENGTH): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}
