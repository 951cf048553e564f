import type { DriftTally } from './drift.ts';
import type { RequestEndpoint } from './endpoints.ts';
import type { PageShape } from './schemas.ts';

/*
 * Kept out of client.ts so that errors.ts, whose errors carry the last response, does not import the
 * client that throws them.
 */

export interface FetchedResponse {
  request: { method: 'GET'; url: string; endpoint: RequestEndpoint; params: Record<string, string> };
  status: number;
  contentType: string | null;
  /** Verbatim response text, never re-serialised. */
  body: string;
  /** ISO UTC time the last attempt's response arrived. */
  fetchedAt: string;
  /** Attempts this response took, including any on the endpoint that was fallen back from. */
  attempts: number;
  elapsedMs: number;
}

export interface SearchPage extends FetchedResponse {
  /** Raw item objects; item-level validation is silver's job. */
  items: Record<string, unknown>[];
  /** Null when absent or empty; read from `data.section.next_page` or `meta.next_page`, whichever carries it. */
  nextPage: string | null;
  /** Where this page kept its items and token (both shapes occur on both endpoints). */
  shape: PageShape;
  /** The page held against the request: items outside its filters, unreadable fields (./drift.ts). */
  check: DriftTally;
  /** `pointers.ORGANIC.remaining_documents` from the next_page token, when readable. */
  estimatedTotal: number | null;
}

export type SearchStop = {
  /** `other-section`: the last page yielded holds another section than the results (e.g. similar listings): not results. */
  reason: 'end' | 'empty-page' | 'repeated-token' | 'max-pages' | 'other-section';
  /** Pages yielded by this pagination. */
  pages: number;
  /** The token a continuation would send next (the repeated one for `repeated-token`); null at `end`. */
  nextPage: string | null;
};
