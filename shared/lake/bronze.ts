import type { Day } from './keys.ts';

/**
 * One bronze object: a Wallapop response kept verbatim, wrapped in the request that produced it.
 * `body` is the response text as the client received it (decoded as UTF-8, not re-serialised), so
 * a truncated or HTML page is kept as evidence and silver decides what to do with it.
 *
 * Stored gzip-compressed, in one of two layouts (shared/extract/envelope.ts writes them,
 * shared/silver/page.ts reads both):
 * - version 2 (written since 2026-12-04): one line of JSON, the envelope without `body`, then a
 *   newline, then the body's text in UTF-8, not escaped. `zcat page.json.gz | head -1` is the
 *   envelope; the rest is the response. Silver parses the body once, where version 1 made it
 *   unescape the body out of a JSON string first (a third of silver's CPU: docs/performance.md);
 * - version 1: the whole envelope as one JSON object, the body a JSON string in it.
 */
export interface BronzeEnvelope {
  /** The stored layout (above). */
  envelopeVersion: 1 | 2;
  kind: 'search-page' | 'categories';
  day: Day;
  /** Search slug, for search pages. */
  search?: string;
  /** 1-based page number within the search's day, for search pages. */
  page?: number;
  request: {
    method: 'GET';
    url: string;
    /** Which Wallapop endpoint answered: `search` (/api/v3/search), `section` (/api/v3/search/section), `categories`. */
    endpoint: 'search' | 'section' | 'categories';
    params: Record<string, string>;
  };
  response: {
    status: number;
    contentType: string | null;
    /** ISO-8601 UTC time the response arrived: the only wall-clock time downstream stages may use. */
    fetchedAt: string;
    /** Attempts this page took (1 = first try succeeded). */
    attempts: number;
    elapsedMs: number;
    /** Number of items the extractor counted in the body. */
    itemCount: number;
  };
  body: string;
}

/** Why a search's extraction ended. Only `complete` lets gold mark missing listings as vanished. */
export type ExtractOutcome =
  | 'complete' // pagination reached its natural end
  | 'page-cap' // stopped at the configured page cap: the day's snapshot is partial
  | 'empty' // HTTP 200 with zero items on the first page: suspicious (geolocation, block), never "no market"
  | 'blocked' // repeated CloudFront 403s
  | 'failed' // any other error after retries
  | 'filter-ignored' // the items do not honour a filter of the request (category, price, radius): not the market asked for
  | 'drifted'; // the answers changed shape (unreadable fields, page size, pagination elsewhere): the snapshot may be partial

export const EXTRACT_OUTCOMES = ['complete', 'page-cap', 'empty', 'blocked', 'failed', 'filter-ignored', 'drifted'] as const satisfies readonly ExtractOutcome[];

/** Commit marker of one search's extraction for one day. Written last; triggers silver. */
export interface BronzeManifest {
  manifestVersion: 1;
  day: Day;
  search: string;
  outcome: ExtractOutcome;
  /** Pages in order; silver reads exactly these keys. */
  pages: Array<{ key: string; page: number; items: number; endpoint: 'search' | 'section' }>;
  pageCount: number;
  itemCount: number;
  /** The API's own estimate of the total, read from the first page's next_page token when present. */
  estimatedTotal: number | null;
  /** The forced attempt of the day's plan that ran this extraction (`RunPlan.attempt`); absent otherwise. */
  planAttempt?: string;
  /** How many Lambda invocations the extraction took (1 + continuations). */
  invocations: number;
  firstFetchedAt: string | null;
  lastFetchedAt: string | null;
  errors: Array<{ page: number; kind: string; message: string }>;
  /**
   * Every page held against the request (shared/wallapop/drift.ts): what was checked and, when the
   * answers did not honour it, one sentence per symptom. Absent in manifests written before the check.
   */
  drift?: { checks: DriftTally; symptoms: DriftSymptom[] };
  /**
   * Pages the API answered with another section than the results (e.g. `vector_search_results`,
   * similar listings after the last result): stored in bronze as evidence, never read by silver.
   */
  otherSections?: Array<{ key: string; page: number; items: number; endpoint: 'search' | 'section'; sectionType: string }>;
}

/* The drift check's record (computed in shared/wallapop/drift.ts), stored in the bronze manifest. */

/** What one page, or a whole search so far, showed. Plain JSON: extract carries it across continuations. */
export interface DriftTally {
  pages: number;
  items: number;
  /** Items whose category could be checked (they carry a taxonomy or the requested id). */
  categoryChecked: number;
  outsideCategory: number;
  priceChecked: number;
  outsidePrice: number;
  radiusChecked: number;
  outsideRadius: number;
  /** Field path → items where the field is present but not of the type the pipeline reads. */
  unreadable: Record<string, number>;
  /** Items of the first page that had a next page: the page size every later full page should have. */
  firstFullPage: number | null;
  /** Pages holding less than half of `firstFullPage` although another page of results followed them. */
  shortPages: number;
  /** The last page added was short and had a token: short only if results follow (not if the search ends there, or similar listings follow). */
  pendingShort: boolean;
  /** Token-like fields in unknown places on pages that had no readable token. */
  strayTokens: string[];
  /** Shapes seen, as `itemsAt + tokenAt`, for the doctor and the manifest. */
  shapes: string[];
  /** One example per broken filter, for the sentence that reports it. */
  examples: Partial<Record<'category' | 'price' | 'radius', string>>;
}

export type DriftSymptomKind = 'category-ignored' | 'price-ignored' | 'radius-ignored' | 'unknown-shape' | 'page-size' | 'token-elsewhere';

export interface DriftSymptom {
  kind: DriftSymptomKind;
  /** One sentence, naming what was asked and what came back. */
  message: string;
  /**
   * `notice`: recorded and shown (doctor, manifest) but not a reason to distrust the snapshot. A
   * page-size change is one: no item is lost by it, and a captured /search answer held a short page
   * with a token (`step` 1 of its pagination).
   */
  severity?: 'notice';
}
