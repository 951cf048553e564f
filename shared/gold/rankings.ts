import type { DealRule } from './options.ts';

/**
 * The top-N lists and their total orders. Every order ends with listing_id, so no two listings
 * ever tie and "the first N" is one well-defined set whatever order candidates arrive in.
 *
 * Why per-shard candidates merge to the global top-N: a listing lives in exactly one shard, and
 * each order is fixed before any shard runs (it needs nothing global). If a listing is among the
 * N first of a group overall, fewer than N listings of that group precede it anywhere, hence
 * fewer than N in its own shard: it is in its shard's N first. So the N first of the union of the
 * shards' lists are the global N first, and merging lists (union, sort, cut at N) is associative
 * and commutative.
 *
 * Deals (the default rule, 'comparables') are ranked by price / fair price, which each shard knows
 * from the previous gold day's comparable groups: an order fixed before any shard runs, like the
 * others, so shards keep their N best for the market, each category and each search.
 *
 * Deals under the 'category-median' rule need the peer median, which only the fan-in knows. Within one peer group the ratio
 * price / median orders listings exactly as price does, and the deal condition
 * (price <= 0.6 × median) keeps a prefix of that order. So shards keep the N cheapest listings of
 * each category and search (price >= dealMinPrice), and the fan-in cuts that list where the
 * condition stops holding: the result is the group's N best deals. The overall list is the N
 * lowest ratios among the per-category lists: a listing in the overall N first has fewer than N
 * better listings in its own category, so it is in its category's list.
 */

export const LIST_NAMES = ['deals', 'priceDrops', 'newest', 'vanished'] as const;
export type ListName = (typeof LIST_NAMES)[number];

/** The groups each list is kept for. Under 'category-median', overall deals are derived from the category lists (see above). */
export const LIST_DIMENSIONS = {
  deals: ['overall', 'category', 'search'],
  priceDrops: ['overall', 'category', 'search'],
  newest: ['overall', 'category', 'search'],
  vanished: ['overall', 'category', 'search'],
} as const satisfies Record<ListName, readonly string[]>;

/**
 * How many candidates a list keeps per group. Category lists are shorter (topNPerCategory),
 * except deals: the market-wide deals are chosen from the category deal lists, which therefore
 * must hold topN candidates each (the argument above needs N per group); the dashboard shows the
 * first topNPerCategory of them.
 */
export function candidateCount(list: ListName, dimension: string, settings: { topN: number; topNPerCategory: number; dealRule: DealRule }): number {
  const derivesOverall = list === 'deals' && settings.dealRule === 'category-median';
  return dimension === 'category' && !derivesOverall ? settings.topNPerCategory : settings.topN;
}

/** What an order looks at. */
export interface RankFacts {
  listingId: string;
  price: number;
  /** Drop of today's price below the previous observation, in percent; null without a drop. */
  priceDropPct: number | null;
  createdAtMs: number | null;
  daysOnMarket: number | null;
  /** Price / fair price (./comparables.ts); null without a fair price. */
  priceToFair: number | null;
}

/**
 * The order of each list as two numbers compared ascending, then the listing id:
 * - deals: lowest price / fair price first ('comparables'), or cheapest first ('category-median');
 * - priceDrops: largest drop (percent) first;
 * - newest: latest publication (`created_at`) first, unknown last;
 * - vanished: fewest days on market first (what sells fastest), then the dearest.
 */
export function rankKey(list: ListName, facts: RankFacts, dealRule: DealRule): [number, number] {
  switch (list) {
    case 'deals':
      return dealRule === 'comparables' ? [facts.priceToFair ?? Number.POSITIVE_INFINITY, 0] : [facts.price, 0];
    case 'priceDrops':
      return [-(facts.priceDropPct ?? 0), 0];
    case 'newest':
      return [facts.createdAtMs === null ? Number.POSITIVE_INFINITY : -facts.createdAtMs, 0];
    case 'vanished':
      return [facts.daysOnMarket ?? Number.POSITIVE_INFINITY, -facts.price];
  }
}

export interface RankedEntry {
  key: [number, number];
  listingId: string;
}

export function compareRanked(a: RankedEntry, b: RankedEntry): number {
  if (a.key[0] !== b.key[0]) return a.key[0] < b.key[0] ? -1 : 1;
  if (a.key[1] !== b.key[1]) return a.key[1] < b.key[1] ? -1 : 1;
  return a.listingId < b.listingId ? -1 : a.listingId > b.listingId ? 1 : 0;
}

/**
 * Keeps the N first entries of a stream in bounded memory: entries pile up to 2N, then are sorted
 * and cut back to N (amortised O(log N) per entry). Once N are known, an entry that does not beat
 * the Nth is refused before it is built (`wants`), so most listings cost one comparison.
 */
export class TopN<Entry extends RankedEntry> {
  private entries: Entry[] = [];
  private cutoff: RankedEntry | undefined;

  constructor(private readonly n: number) {}

  /** Whether an entry with this key could still be among the N first. */
  wants(key: [number, number], listingId: string): boolean {
    return this.cutoff === undefined || compareRanked({ key, listingId }, this.cutoff) < 0;
  }

  offer(entry: Entry): void {
    if (!this.wants(entry.key, entry.listingId)) return;
    this.entries.push(entry);
    if (this.entries.length >= 2 * this.n) this.compact();
  }

  /** The N first, in order. */
  result(): Entry[] {
    this.compact();
    return this.entries;
  }

  private compact(): void {
    this.entries.sort(compareRanked);
    if (this.entries.length > this.n) this.entries.length = this.n;
    if (this.entries.length === this.n) this.cutoff = this.entries[this.n - 1];
  }
}
