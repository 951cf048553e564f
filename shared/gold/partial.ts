import type { Day } from '../lake/keys.ts';
import { PRICE_POSITIONS, type PricePosition } from './comparables.ts';
import type { ListingCard } from './dashboard.ts';
import { canonicalJson } from '../lake/json.ts';
import type { ShardSettings } from './options.ts';
import { LIST_DIMENSIONS, LIST_NAMES, candidateCount, compareRanked, rankKey, type ListName, type RankFacts, type RankedEntry } from './rankings.ts';
import { QuantileSketch } from './sketch.ts';

/**
 * The partial aggregate of one or more shards of a day: everything the fan-in needs, in a form
 * that merges exactly. Counts, cent sums and histograms add (integers: exact); min and max take
 * the extreme; sketches add their bins; top-N lists keep the N first of the union (./rankings.ts).
 * Every part of `mergePartials` is therefore associative and commutative, and the encoded file
 * of a merge (./partial-file.ts) is the same bytes whatever the order or grouping of the merges.
 */

export const DIMENSIONS = ['overall', 'category', 'region', 'province', 'city', 'search'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The figures of one group (one category, one region, … or the whole market). */
export interface GroupAggregate {
  /** The category name for categories (the smallest one if shards disagree); null otherwise. */
  label: string | null;
  active: number;
  seen: number;
  /** First seen today, relists excluded. */
  new: number;
  /** Found missing today: sold plus those re-published today. */
  vanished: number;
  /** Vanished and not re-published: likely sold. */
  sold: number;
  /** Re-published today under a new id (the old listing; a few went missing in the days before). */
  relisted: number;
  /** Left the sight of every configured search today. */
  untracked: number;
  reappeared: number;
  reserved: number;
  shippable: number;
  /** Sum of today's prices in integer cents: exact in any order, unlike a sum of doubles. */
  priceSumCents: number;
  priceMin: number | null;
  priceMax: number | null;
  prices: QuantileSketch;
  priceDrops: number;
  dropPcts: QuantileSketch;
  /** days on market → number of listings vanished today with it. */
  daysOnMarket: Map<number, number>;
  /** Last asking prices of the listings sold today. */
  soldPrices: QuantileSketch;
  /** days to sell (across relists) → listings sold today with it. */
  daysToSell: Map<number, number>;
  /** The same, by where the last price sat against the fair price (sold listings without one are left out). */
  daysToSellByPosition: Record<PricePosition, Map<number, number>>;
}

/**
 * One comparable key's listings in a shard (./comparables.ts): exact prices, so the fan-in can give
 * exact medians of every group and prefix. Prices are integer cents; lists are sorted when encoded.
 */
export interface ComparableAggregate {
  /** Active listings with this key at the end of the day. */
  active: number;
  /** Asking prices of the listings seen today. */
  seenCents: number[];
  /** Last asking prices of the listings sold today, and (same positions) their days to sell. */
  soldCents: number[];
  soldDays: number[];
}

export interface PartialInputs {
  /** Silver rows read per search (every planned search present, zero included). */
  silverRows: Record<string, number>;
  previousStateRows: number;
  stateRows: number;
  /** Vanished listings dropped after the retention period. */
  expiredRows: number;
}

export interface GoldPartial {
  day: Day;
  shardCount: number;
  /** The shards merged into this partial, ascending. */
  shards: number[];
  previousDay: Day | null;
  /** The gold run (its dispatch) that computed the partial; absent in partials from before run identity. */
  runId?: string;
  settings: ShardSettings;
  inputs: PartialInputs;
  groups: Record<Dimension, Map<string, GroupAggregate>>;
  /** list → dimension → group key → listing ids in rank order (at most topN). */
  lists: Record<ListName, Partial<Record<Dimension, Map<string, string[]>>>>;
  /** Every listing the lists refer to, and no other. */
  listings: ReadonlyMap<string, ListingCard>;
  /** comparable key → its listings' figures. */
  comparables: Map<string, ComparableAggregate>;
}

/**
 * Cards that can tell a listing's rank facts without building its card: a partial read from its
 * file (./partial-file.ts) decodes a card only when the merge keeps it, and most candidates a shard
 * sends are not kept.
 */
export interface RankedCards extends ReadonlyMap<string, ListingCard> {
  rankFacts(listingId: string): RankFacts | undefined;
}

const knowsRankFacts = (cards: ReadonlyMap<string, ListingCard>): cards is RankedCards => typeof (cards as Partial<RankedCards>).rankFacts === 'function';

export function emptyGroup(): GroupAggregate {
  return {
    label: null,
    active: 0,
    seen: 0,
    new: 0,
    vanished: 0,
    sold: 0,
    relisted: 0,
    untracked: 0,
    reappeared: 0,
    reserved: 0,
    shippable: 0,
    priceSumCents: 0,
    priceMin: null,
    priceMax: null,
    prices: new QuantileSketch(),
    priceDrops: 0,
    dropPcts: new QuantileSketch(),
    daysOnMarket: new Map(),
    soldPrices: new QuantileSketch(),
    daysToSell: new Map(),
    daysToSellByPosition: emptyPositionHistograms(),
  };
}

export function emptyPositionHistograms(): Record<PricePosition, Map<number, number>> {
  return { below: new Map(), near: new Map(), above: new Map() };
}

export function emptyComparable(): ComparableAggregate {
  return { active: 0, seenCents: [], soldCents: [], soldDays: [] };
}

/** Adds `from`'s counts into `into` (histograms of value → count). */
export function addHistogram(into: Map<number, number>, from: ReadonlyMap<number, number>): void {
  for (const [value, count] of from) into.set(value, (into.get(value) ?? 0) + count);
}

function mergeComparables(partials: readonly GoldPartial[]): Map<string, ComparableAggregate> {
  const merged = new Map<string, ComparableAggregate>();
  for (const partial of partials) {
    for (const [key, aggregate] of partial.comparables) {
      const found = merged.get(key);
      if (found === undefined) {
        merged.set(key, { active: aggregate.active, seenCents: [...aggregate.seenCents], soldCents: [...aggregate.soldCents], soldDays: [...aggregate.soldDays] });
        continue;
      }
      found.active += aggregate.active;
      for (const cents of aggregate.seenCents) found.seenCents.push(cents);
      for (const [index, cents] of aggregate.soldCents.entries()) {
        found.soldCents.push(cents);
        found.soldDays.push(aggregate.soldDays[index]!);
      }
    }
  }
  return merged;
}

export function emptyLists(): GoldPartial['lists'] {
  const lists = {} as GoldPartial['lists'];
  for (const list of LIST_NAMES) {
    lists[list] = {};
    for (const dimension of LIST_DIMENSIONS[list]) lists[list][dimension] = new Map();
  }
  return lists;
}

export function emptyGroups(): GoldPartial['groups'] {
  return Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, new Map()])) as GoldPartial['groups'];
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const smallerLabel = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a <= b ? a : b);

export function mergeGroups(a: GroupAggregate, b: GroupAggregate): GroupAggregate {
  return mergeGroupList([a, b]);
}

export class PartialMergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PartialMergeError';
  }
}

/** Throws unless `b` can be merged with `a`: same day, run and settings, disjoint shards. */
export function checkMergeable(a: GoldPartial, b: GoldPartial): void {
  const same = (what: string, x: unknown, y: unknown) => {
    if (canonicalJson(x) !== canonicalJson(y)) throw new PartialMergeError(`cannot merge partials with different ${what}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
  };
  same('day', a.day, b.day);
  same('shard count', a.shardCount, b.shardCount);
  same('previous day', a.previousDay, b.previousDay);
  same('run', a.runId ?? null, b.runId ?? null);
  same('settings', a.settings, b.settings);
  const overlap = a.shards.filter((shard) => b.shards.includes(shard));
  if (overlap.length > 0) throw new PartialMergeError(`cannot merge partials that both contain shard(s) ${overlap.join(', ')}: it would count them twice`);
}

/** The partial of the union of `a`'s and `b`'s shards. Both must be of the same day, run and settings, with disjoint shards. */
export function mergePartials(a: GoldPartial, b: GoldPartial): GoldPartial {
  return mergeAllPartials([a, b]);
}

/**
 * The partial of the union of all `partials`' shards, in one pass: the same result as folding
 * `mergePartials` over them (in any order or grouping), without the N−1 intermediate partials.
 * Group figures add up group by group; each list's candidates from every partial are ranked once,
 * with each card's rank facts (and its `Date.parse`) computed once. A single partial is returned as is.
 */
export function mergeAllPartials(partials: readonly GoldPartial[]): GoldPartial {
  const first = partials[0];
  if (first === undefined) throw new PartialMergeError('no partials to merge');
  if (partials.length === 1) return first;
  const shards = new Set<number>();
  for (const [index, partial] of partials.entries()) {
    if (index > 0) checkMergeable(first, partial);
    for (const shard of partial.shards) {
      if (shards.has(shard)) throw new PartialMergeError(`cannot merge partials that both contain shard(s) ${shard}: it would count them twice`);
      shards.add(shard);
    }
  }

  const groups = emptyGroups();
  for (const dimension of DIMENSIONS) {
    const byKey = new Map<string, GroupAggregate[]>();
    for (const partial of partials) {
      for (const [key, group] of partial.groups[dimension]) {
        const list = byKey.get(key);
        if (list === undefined) byKey.set(key, [group]);
        else list.push(group);
      }
    }
    const merged = groups[dimension];
    for (const [key, list] of byKey) merged.set(key, list.length === 1 ? list[0]! : mergeGroupList(list));
  }

  // Which partial's cards hold each candidate; a later partial wins, as in
  // `new Map([...a.listings, ...b.listings])` (shards are disjoint: no listing is in two).
  const holders = new Map<string, ReadonlyMap<string, ListingCard>>();
  for (const partial of partials) for (const id of partial.listings.keys()) holders.set(id, partial.listings);
  const facts = new Map<string, RankFacts>();
  const factsOf = (list: ListName, listingId: string): RankFacts => {
    let found = facts.get(listingId);
    if (found === undefined) {
      const cards = holders.get(listingId);
      if (cards === undefined) throw new PartialMergeError(`list ${list} refers to listing ${listingId}, which the partial does not describe (day ${first.day})`);
      found = knowsRankFacts(cards) ? cards.rankFacts(listingId) : rankFactsOfCard(cards.get(listingId)!);
      if (found === undefined) throw new PartialMergeError(`listing ${listingId} has a card but no rank facts (day ${first.day})`);
      facts.set(listingId, found);
    }
    return found;
  };

  const lists = emptyLists();
  const referenced = new Set<string>();
  for (const list of LIST_NAMES) {
    for (const dimension of LIST_DIMENSIONS[list]) {
      const n = candidateCount(list, dimension, first.settings);
      const byKey = new Map<string, string[][]>();
      for (const partial of partials) {
        const lists = partial.lists[list][dimension];
        if (lists === undefined) continue;
        for (const [key, ids] of lists) {
          const found = byKey.get(key);
          if (found === undefined) byKey.set(key, [ids]);
          else found.push(ids);
        }
      }
      const merged = new Map<string, string[]>();
      const rank = (listingId: string) => rankKey(list, factsOf(list, listingId), first.settings.dealRule);
      for (const [key, idLists] of byKey) {
        const top = firstOfRanked(idLists, n, rank, `list ${list} of ${dimension} ${key}`);
        merged.set(key, top);
        for (const id of top) referenced.add(id);
      }
      lists[list][dimension] = merged;
    }
  }
  const listings = new Map<string, ListingCard>();
  for (const id of referenced) listings.set(id, holders.get(id)!.get(id)!);

  const silverRows: Record<string, number> = {};
  const inputs = { previousStateRows: 0, stateRows: 0, expiredRows: 0 };
  for (const partial of partials) {
    for (const [search, rows] of Object.entries(partial.inputs.silverRows)) silverRows[search] = (silverRows[search] ?? 0) + rows;
    inputs.previousStateRows += partial.inputs.previousStateRows;
    inputs.stateRows += partial.inputs.stateRows;
    inputs.expiredRows += partial.inputs.expiredRows;
  }

  return {
    day: first.day,
    shardCount: first.shardCount,
    shards: [...shards].sort((x, y) => x - y),
    previousDay: first.previousDay,
    ...(first.runId === undefined ? {} : { runId: first.runId }),
    settings: first.settings,
    inputs: { silverRows, ...inputs },
    groups,
    lists,
    listings,
    comparables: mergeComparables(partials),
  };
}

/**
 * The n first of the union of lists that are each in rank order (as every partial keeps them), by
 * a k-way merge: only the entries that make the cut, and the head of each list, are ranked, so a
 * candidate that loses is never looked at. The same n as sorting the union and cutting it. A list
 * found out of order is refused, since its unread tail could then hold a better entry.
 */
function firstOfRanked(idLists: readonly string[][], n: number, rank: (listingId: string) => [number, number], where: string): string[] {
  const cursors = idLists.filter((ids) => ids.length > 0).map((ids) => ({ ids, at: 0, head: { listingId: ids[0]!, key: rank(ids[0]!) } as RankedEntry }));
  const top: string[] = [];
  const taken = new Set<string>();
  while (top.length < n && cursors.length > 0) {
    let best = 0;
    for (let index = 1; index < cursors.length; index += 1) if (compareRanked(cursors[index]!.head, cursors[best]!.head) < 0) best = index;
    const cursor = cursors[best]!;
    const { head } = cursor;
    // The same listing in two lists (partials never share one, but merging must stay a union) counts once.
    if (!taken.has(head.listingId)) {
      taken.add(head.listingId);
      top.push(head.listingId);
    }
    cursor.at += 1;
    if (cursor.at === cursor.ids.length) {
      cursors.splice(best, 1);
      continue;
    }
    const listingId = cursor.ids[cursor.at]!;
    const next: RankedEntry = { listingId, key: rank(listingId) };
    if (compareRanked(head, next) >= 0) throw new PartialMergeError(`${where} is not in rank order: ${listingId} follows ${head.listingId}`);
    cursor.head = next;
  }
  return top;
}

/** The sum of several groups' figures, the smallest label winning (`mergeGroups` over several at once: every part is associative and commutative). */
export function mergeGroupList(list: readonly GroupAggregate[]): GroupAggregate {
  const result = emptyGroup();
  for (const group of list) {
    result.label = smallerLabel(result.label, group.label);
    result.active += group.active;
    result.seen += group.seen;
    result.new += group.new;
    result.vanished += group.vanished;
    result.sold += group.sold;
    result.relisted += group.relisted;
    result.untracked += group.untracked;
    result.reappeared += group.reappeared;
    result.reserved += group.reserved;
    result.shippable += group.shippable;
    result.priceSumCents += group.priceSumCents;
    result.priceMin = minOf(result.priceMin, group.priceMin);
    result.priceMax = maxOf(result.priceMax, group.priceMax);
    result.prices.mergeFrom(group.prices);
    result.priceDrops += group.priceDrops;
    result.dropPcts.mergeFrom(group.dropPcts);
    addHistogram(result.daysOnMarket, group.daysOnMarket);
    result.soldPrices.mergeFrom(group.soldPrices);
    addHistogram(result.daysToSell, group.daysToSell);
    for (const position of PRICE_POSITIONS) addHistogram(result.daysToSellByPosition[position], group.daysToSellByPosition[position]);
  }
  return result;
}

export function rankFactsOfCard(card: ListingCard): RankFacts {
  return {
    listingId: card.listingId,
    price: card.price,
    priceDropPct: card.priceDropPct,
    createdAtMs: card.createdAt === null ? null : Date.parse(card.createdAt),
    daysOnMarket: card.daysOnMarket,
    priceToFair: card.fairPrice === null || !(card.fairPrice > 0) ? null : card.price / card.fairPrice,
  };
}
