import { titleWords } from './comparables.ts';

/**
 * Listing identity across relists. Sellers on Wallapop delete a listing and publish the same item
 * again under a new id to bump it; without this, gold would count every relist as a sale plus a
 * new listing, and restart the item's days on market.
 *
 * A new listing (first seen today) is a relist of a listing that went missing (today, or up to
 * `relistWindowDays` earlier, and not already linked) when all of these hold:
 * - same seller and same category;
 * - the titles agree: at least RELIST_RULE.minContainment of the shorter title's significant words
 *   are in the other (so "iPhone 13 128GB" re-published as "URGENTE iPhone 13 128GB ¡rebajado!"
 *   matches, "iPhone 13 256GB" does not);
 * - the new price is within RELIST_RULE.priceRatio of the old listing's last price;
 * - the two were never seen on the same day (a second unit the seller lists beside the first is
 *   another item, not a relist).
 * Each listing is linked at most once: the best-scoring pairs first (title agreement, then price
 * closeness), ties broken by listing ids, so the result does not depend on input order.
 *
 * Seller buckets put every listing of a seller in one gold shard, so a shard sees both sides.
 */

export const RELIST_RULE = {
  /** Share of the shorter title's significant words the other title must contain. */
  minContainment: 0.8,
  /** new price / old last price must lie within [min, max]. */
  priceRatio: { min: 0.7, max: 1.2 },
} as const;

/** What the linker looks at in a listing. */
export interface RelistCandidate {
  listingId: string;
  sellerId: string;
  categoryId: number;
  title: string;
  /** Today's price for a new listing, the last price for a missing one. */
  price: number;
}

export interface MissingCandidate extends RelistCandidate {
  lastSeenDay: number;
}

export interface RelistLink {
  /** The new listing. */
  listingId: string;
  /** The listing it re-publishes. */
  relistedFrom: string;
}

interface ScoredPair {
  fresh: RelistCandidate;
  missing: MissingCandidate;
  containment: number;
  priceDistance: number;
}

/** The links among one day's new listings and the listings that went missing, one seller at a time. */
export function linkRelists(fresh: readonly RelistCandidate[], missing: readonly MissingCandidate[], today: number): RelistLink[] {
  const missingBySeller = new Map<string, MissingCandidate[]>();
  for (const candidate of missing) {
    const list = missingBySeller.get(candidate.sellerId);
    if (list === undefined) missingBySeller.set(candidate.sellerId, [candidate]);
    else list.push(candidate);
  }
  const freshBySeller = new Map<string, RelistCandidate[]>();
  for (const candidate of fresh) {
    if (!missingBySeller.has(candidate.sellerId)) continue;
    const list = freshBySeller.get(candidate.sellerId);
    if (list === undefined) freshBySeller.set(candidate.sellerId, [candidate]);
    else list.push(candidate);
  }

  const links: RelistLink[] = [];
  const words = new Map<string, Set<string>>();
  const wordsOf = (candidate: RelistCandidate) => {
    let found = words.get(candidate.listingId);
    if (found === undefined) words.set(candidate.listingId, (found = new Set(titleWords(candidate.title))));
    return found;
  };
  for (const [seller, freshOnes] of freshBySeller) {
    const pairs: ScoredPair[] = [];
    for (const newer of freshOnes) {
      for (const older of missingBySeller.get(seller)!) {
        if (older.categoryId !== newer.categoryId || older.lastSeenDay >= today) continue;
        const ratio = older.price > 0 ? newer.price / older.price : newer.price === 0 ? 1 : Number.POSITIVE_INFINITY;
        if (ratio < RELIST_RULE.priceRatio.min || ratio > RELIST_RULE.priceRatio.max) continue;
        const containment = wordContainment(wordsOf(newer), wordsOf(older));
        if (containment < RELIST_RULE.minContainment) continue;
        pairs.push({ fresh: newer, missing: older, containment, priceDistance: Math.abs(Math.log(ratio === 0 ? 1 : ratio)) });
      }
    }
    pairs.sort(
      (a, b) =>
        b.containment - a.containment ||
        a.priceDistance - b.priceDistance ||
        compareIds(a.missing.listingId, b.missing.listingId) ||
        compareIds(a.fresh.listingId, b.fresh.listingId),
    );
    const takenFresh = new Set<string>();
    const takenMissing = new Set<string>();
    for (const pair of pairs) {
      if (takenFresh.has(pair.fresh.listingId) || takenMissing.has(pair.missing.listingId)) continue;
      takenFresh.add(pair.fresh.listingId);
      takenMissing.add(pair.missing.listingId);
      links.push({ listingId: pair.fresh.listingId, relistedFrom: pair.missing.listingId });
    }
  }
  return links.sort((a, b) => compareIds(a.listingId, b.listingId));
}

/** |a ∩ b| / min(|a|, |b|): 1 when one title's words are all in the other; 0 when either has none. */
export function wordContainment(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size === 0) return 0;
  let shared = 0;
  for (const word of small) if (large.has(word)) shared += 1;
  return shared / small.size;
}

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
