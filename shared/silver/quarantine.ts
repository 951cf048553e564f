import { truncateCodePoints } from './text-repair.ts';

/**
 * Why input was set aside. Page reasons cost every item on the page; item reasons cost one item.
 * The manifest counts each reason; `quarantine/dt=D/search=S.jsonl` holds one record per case.
 */
export const PAGE_QUARANTINE_REASONS = [
  'page-missing', // the bronze manifest lists a key that is not in the lake
  'invalid-envelope', // not a stored BronzeEnvelope (gzip, either layout), or not a search page
  'envelope-mismatch', // the envelope names another day or search than its manifest
  'html-page', // an HTML body (the CloudFront "request could not be satisfied" block page, an error page)
  'http-error', // a non-2xx status with a non-HTML body
  'truncated-json', // a body that starts as JSON and stops before it ends
  'not-json', // any other body that is not JSON
  'no-items', // JSON without an items array at data.section.payload.items or data.section.items
] as const;

export const ITEM_QUARANTINE_REASONS = [
  'item-not-object', // an entry of the items array that is not an object
  'missing-id', // no `id`, or an empty one
  'invalid-id', // `id` is not a string
  'missing-price', // no `price`, or a price object without `amount`
  'invalid-price', // a price that is not a finite number >= 0
  'invalid-item', // an object that still fails validation after its unusable optional fields were dropped
] as const;

export type PageQuarantineReason = (typeof PAGE_QUARANTINE_REASONS)[number];
export type ItemQuarantineReason = (typeof ITEM_QUARANTINE_REASONS)[number];
export type QuarantineReason = PageQuarantineReason | ItemQuarantineReason;

/** One line of the quarantine file. Field order is fixed so that equal input gives equal bytes. */
export interface QuarantineRecord {
  reason: QuarantineReason;
  /** The bronze object the input came from. */
  sourceKey: string;
  /** 1-based page number, from the bronze manifest. */
  page: number;
  /** 0-based position in the page's items array; null for a page-level record. */
  itemIndex: number | null;
  /** The listing id when the item had a usable one; null otherwise. */
  listingId: string | null;
  /** A one-line explanation (what was expected, what was found). */
  detail: string;
  /** The offending input, cut to FRAGMENT_MAX_CHARS characters. */
  fragment: string;
  fragmentTruncated: boolean;
}

/** Enough to recognise the input (a full item, the head of a page) without copying whole pages. */
export const FRAGMENT_MAX_CHARS = 2048;

export function fragmentOf(text: string): { fragment: string; fragmentTruncated: boolean } {
  const fragment = truncateCodePoints(text, FRAGMENT_MAX_CHARS);
  return { fragment, fragmentTruncated: fragment.length !== text.length };
}

/** A value as JSON text for a fragment; never throws (BigInt, cycles and the like cannot come from JSON.parse, but be safe). */
export function jsonFragment(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function quarantineLine(record: QuarantineRecord): string {
  return `${JSON.stringify({
    reason: record.reason,
    sourceKey: record.sourceKey,
    page: record.page,
    itemIndex: record.itemIndex,
    listingId: record.listingId,
    detail: record.detail,
    fragment: record.fragment,
    fragmentTruncated: record.fragmentTruncated,
  })}\n`;
}
