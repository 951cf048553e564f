import { foldKeywords } from './query.ts';
import { Random } from './random.ts';

/**
 * Failure modes seen in the wild (wallapop-api.md), injected at a seeded rate into the search,
 * section, categories and item endpoints, never into `/__sim/*`. Each eligible request draws from
 * one stream in arrival order, three numbers whether faulted or not, so the same requests in the
 * same order meet the same faults. A fault changes nothing on the server: retrying gets the
 * correct answer (unless the retry draws a fault of its own).
 */
export const FAULT_KINDS = ['rate-limit', 'server-error', 'slow', 'truncated', 'cloudfront-403'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultOptions {
  /** Probability in [0, 1] that an eligible request is faulted. */
  rate: number;
  /** Seeds the fault stream. Default 0. */
  seed?: number;
  /**
   * Relative weights of the kinds drawn when a request is faulted; kinds left out are never drawn
   * when any weight is given. Default: rate-limit 3, server-error 2, slow 1, truncated 1, cloudfront-403 1.
   */
  kinds?: Partial<Record<FaultKind, number>>;
  /** `Retry-After` of a 429, in seconds. Default 1 (tests use 0). */
  retryAfterSeconds?: number;
  /** Delay of a `slow` answer. Default 1500 ms. */
  slowMs?: number;
  /** Keywords whose every search gets the CloudFront 403, fault rate or not (compared folded: case and accents ignored). */
  blockSearches?: string[];
  /** Keywords whose searches answer 200 with zero items and no next_page, like a wrong geolocation. */
  emptySearches?: string[];
}

export const FAULT_DEFAULTS = {
  rate: 0,
  seed: 0,
  kinds: { 'rate-limit': 3, 'server-error': 2, slow: 1, truncated: 1, 'cloudfront-403': 1 } as Record<FaultKind, number>,
  retryAfterSeconds: 1,
  slowMs: 1500,
} as const;

const KNOWN_OPTIONS = new Set(['rate', 'seed', 'kinds', 'retryAfterSeconds', 'slowMs', 'blockSearches', 'emptySearches']);
const SERVER_ERROR_STATUSES = [500, 502, 503] as const;

export interface DrawnFault {
  kind: FaultKind;
  /** For `server-error`: which status. For `truncated`: where to cut, as a share of the body. */
  status: 500 | 502 | 503;
  cutAt: number;
}

export class FaultInjector {
  readonly rate: number;
  readonly retryAfterSeconds: number;
  readonly slowMs: number;
  private readonly random: Random;
  private readonly kinds: FaultKind[];
  private readonly cumulative: number[];
  private readonly blocked: Set<string>;
  private readonly empty: Set<string>;

  constructor(options: FaultOptions = { rate: 0 }) {
    const unknown = Object.keys(options).filter((key) => !KNOWN_OPTIONS.has(key));
    if (unknown.length > 0) throw new TypeError(`unknown fault option(s): ${unknown.join(', ')}`);
    if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError(`faults.rate must be in [0, 1], got ${options.rate}`);
    const weights = options.kinds ?? FAULT_DEFAULTS.kinds;
    for (const [kind, weight] of Object.entries(weights)) {
      if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new TypeError(`unknown fault kind ${kind}; known: ${FAULT_KINDS.join(', ')}`);
      if (!(typeof weight === 'number' && weight >= 0)) throw new RangeError(`weight of fault kind ${kind} must be a non-negative number`);
    }
    this.kinds = FAULT_KINDS.filter((kind) => (weights[kind] ?? 0) > 0);
    if (options.rate > 0 && this.kinds.length === 0) throw new RangeError('faults.kinds gives every kind a zero weight');
    let sum = 0;
    this.cumulative = this.kinds.map((kind) => (sum += weights[kind]!));
    this.rate = options.rate;
    this.retryAfterSeconds = options.retryAfterSeconds ?? FAULT_DEFAULTS.retryAfterSeconds;
    this.slowMs = options.slowMs ?? FAULT_DEFAULTS.slowMs;
    this.random = new Random(0).reseed(options.seed ?? FAULT_DEFAULTS.seed, 0x6661756c);
    this.blocked = new Set((options.blockSearches ?? []).map(normalisedKeywords));
    this.empty = new Set((options.emptySearches ?? []).map(normalisedKeywords));
  }

  /** The fault for the next eligible request, if any. */
  draw(): DrawnFault | undefined {
    const faulted = this.random.next();
    const kindDraw = this.random.next();
    const detail = this.random.next();
    if (faulted >= this.rate || this.kinds.length === 0) return undefined;
    const target = kindDraw * this.cumulative[this.cumulative.length - 1]!;
    const index = this.cumulative.findIndex((bound) => target < bound);
    return {
      kind: this.kinds[index < 0 ? this.kinds.length - 1 : index]!,
      status: SERVER_ERROR_STATUSES[Math.floor(detail * SERVER_ERROR_STATUSES.length)]!,
      cutAt: 0.2 + 0.6 * detail,
    };
  }

  isBlocked(keywords: string | null): boolean {
    return keywords !== null && this.blocked.has(normalisedKeywords(keywords));
  }

  isEmpty(keywords: string | null): boolean {
    return keywords !== null && this.empty.has(normalisedKeywords(keywords));
  }
}

function normalisedKeywords(keywords: string): string {
  return foldKeywords(keywords).join(' ');
}

/** The page CloudFront serves when it blocks a request (403) or cannot reach the origin (502/503). */
export function cloudFrontErrorPage(status: number, requestId: string): string {
  const reason =
    status === 403
      ? "Request blocked.\nWe can't connect to the server for this app or website at this time. There might be too much traffic or a configuration error. Try again later, or contact the app or website owner."
      : status === 502
        ? "Bad gateway.\nWe can't connect to the server for this app or website at this time. There might be too much traffic or a configuration error. Try again later, or contact the app or website owner."
        : "Service unavailable.\nWe can't connect to the server for this app or website at this time. There might be too much traffic or a configuration error. Try again later, or contact the app or website owner.";
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">
<TITLE>ERROR: The request could not be satisfied</TITLE>
</HEAD><BODY>
<H1>${status} ERROR</H1>
<H2>The request could not be satisfied.</H2>
<HR noshade size="1px">
${reason}
<BR clear="all">
If you provide content to customers through CloudFront, you can find steps to troubleshoot and help prevent this error by reviewing the CloudFront documentation.
<BR clear="all">
<HR noshade size="1px">
<PRE>
Generated by cloudfront (CloudFront)
Request ID: ${requestId}
</PRE>
<ADDRESS>
</ADDRESS>
</BODY></HTML>`;
}
