import type { Day } from '../lake/keys.ts';
import type { ListingCard } from './dashboard.ts';
import { canonicalJson } from './json.ts';
import type { ShardSettings } from './options.ts';
import { LIST_DIMENSIONS, LIST_NAMES, candidateCount, compareRanked, rankKey, type ListName, type RankFacts, type RankedEntry } from './rankings.ts';
import { QuantileSketch, SKETCH_RELATIVE_ACCURACY, type SketchBins } from './sketch.ts';

/**
 * The partial aggregate of one or more shards of a day: everything the fan-in needs, in a form
 * that merges exactly. Counts, cent sums and histograms add (integers: exact); min and max take
 * the extreme; sketches add their bins; top-N lists keep the N first of the union (./rankings.ts).
 * Every part of `mergePartials` is therefore associative and commutative, and the canonical JSON
 * of a merge is the same bytes whatever the order or grouping of the merges.
 */

/** 2: sketches as plain bins (1: DDSketch protobuf, base64; still read). */
export const PARTIAL_VERSION = 2;

export const DIMENSIONS = ['overall', 'category', 'region', 'city', 'search'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The figures of one group (one category, one region, … or the whole market). */
export interface GroupAggregate {
  /** The category name for categories (the smallest one if shards disagree); null otherwise. */
  label: string | null;
  active: number;
  seen: number;
  new: number;
  vanished: number;
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
  settings: ShardSettings;
  inputs: PartialInputs;
  groups: Record<Dimension, Map<string, GroupAggregate>>;
  /** list → dimension → group key → listing ids in rank order (at most topN). */
  lists: Record<ListName, Partial<Record<Dimension, Map<string, string[]>>>>;
  /** Every listing the lists refer to, and no other. */
  listings: Map<string, ListingCard>;
}

export function emptyGroup(): GroupAggregate {
  return {
    label: null,
    active: 0,
    seen: 0,
    new: 0,
    vanished: 0,
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
  };
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
  const daysOnMarket = new Map(a.daysOnMarket);
  for (const [days, count] of b.daysOnMarket) daysOnMarket.set(days, (daysOnMarket.get(days) ?? 0) + count);
  return {
    label: smallerLabel(a.label, b.label),
    active: a.active + b.active,
    seen: a.seen + b.seen,
    new: a.new + b.new,
    vanished: a.vanished + b.vanished,
    reappeared: a.reappeared + b.reappeared,
    reserved: a.reserved + b.reserved,
    shippable: a.shippable + b.shippable,
    priceSumCents: a.priceSumCents + b.priceSumCents,
    priceMin: minOf(a.priceMin, b.priceMin),
    priceMax: maxOf(a.priceMax, b.priceMax),
    prices: QuantileSketch.merged(a.prices, b.prices),
    priceDrops: a.priceDrops + b.priceDrops,
    dropPcts: QuantileSketch.merged(a.dropPcts, b.dropPcts),
    daysOnMarket,
  };
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

  // A later partial's card wins, as in `new Map([...a.listings, ...b.listings])` (shards are disjoint: no listing is in two).
  const candidates = new Map<string, ListingCard>();
  for (const partial of partials) for (const [id, card] of partial.listings) candidates.set(id, card);
  const facts = new Map<string, RankFacts>();
  const factsOf = (list: ListName, listingId: string): RankFacts => {
    let found = facts.get(listingId);
    if (found === undefined) {
      const card = candidates.get(listingId);
      if (card === undefined) throw new PartialMergeError(`list ${list} refers to listing ${listingId}, which the partial does not describe (day ${first.day})`);
      facts.set(listingId, (found = rankFactsOfCard(card)));
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
      for (const [key, idLists] of byKey) {
        const seen = new Set<string>();
        const ranked: RankedEntry[] = [];
        for (const ids of idLists) {
          for (const listingId of ids) {
            if (seen.has(listingId)) continue;
            seen.add(listingId);
            ranked.push({ listingId, key: rankKey(list, factsOf(list, listingId)) });
          }
        }
        ranked.sort(compareRanked);
        if (ranked.length > n) ranked.length = n;
        const top = ranked.map((entry) => entry.listingId);
        merged.set(key, top);
        for (const id of top) referenced.add(id);
      }
      lists[list][dimension] = merged;
    }
  }
  const listings = new Map<string, ListingCard>();
  for (const id of referenced) listings.set(id, candidates.get(id)!);

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
    settings: first.settings,
    inputs: { silverRows, ...inputs },
    groups,
    lists,
    listings,
  };
}

/** `mergeGroups` over several groups at once (the same figures: every part is associative and commutative). */
function mergeGroupList(list: readonly GroupAggregate[]): GroupAggregate {
  const result = emptyGroup();
  for (const group of list) {
    result.label = smallerLabel(result.label, group.label);
    result.active += group.active;
    result.seen += group.seen;
    result.new += group.new;
    result.vanished += group.vanished;
    result.reappeared += group.reappeared;
    result.reserved += group.reserved;
    result.shippable += group.shippable;
    result.priceSumCents += group.priceSumCents;
    result.priceMin = minOf(result.priceMin, group.priceMin);
    result.priceMax = maxOf(result.priceMax, group.priceMax);
    result.prices.mergeFrom(group.prices);
    result.priceDrops += group.priceDrops;
    result.dropPcts.mergeFrom(group.dropPcts);
    for (const [days, count] of group.daysOnMarket) result.daysOnMarket.set(days, (result.daysOnMarket.get(days) ?? 0) + count);
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
  };
}

// ---------------------------------------------------------------------------------------------
// Serialisation: `gold/partials/dt=D/shard=K.json`
//
// Version 2 stores sketches as plain bins (`{ zeroCount, offset, counts }`, see QuantileSketch.toBins)
// instead of version 1's DDSketch protobuf in base64: partials are internal (shard → fan-in), and
// published outputs keep the protobuf. Version 1 partials (written before an upgrade) still read.

interface GroupJson extends Omit<GroupAggregate, 'prices' | 'dropPcts' | 'daysOnMarket'> {
  /** Version 2: the sketch's bins; version 1: DDSketch protobuf, base64. Null when empty. */
  prices: SketchBins | string | null;
  dropPcts: SketchBins | string | null;
  daysOnMarket: Record<string, number>;
}

type SketchEncoding = 'bins' | 'protobuf+base64';

interface PartialJson {
  partialVersion: typeof PARTIAL_VERSION | 1;
  day: Day;
  shardCount: number;
  shards: number[];
  previousDay: Day | null;
  settings: ShardSettings;
  sketch: { algorithm: 'DDSketch'; relativeAccuracy: number; encoding: SketchEncoding };
  inputs: PartialInputs;
  groups: Record<Dimension, Record<string, GroupJson>>;
  lists: Record<ListName, Partial<Record<Dimension, Record<string, string[]>>>>;
  /** Cards as arrays of their fields in CARD_FIELDS order: most of a partial is cards, and most of a card would be key names. */
  cardFields: readonly string[];
  listings: Record<string, unknown[]>;
}

const SKETCH_ENCODING: Record<number, SketchEncoding> = { 1: 'protobuf+base64', [PARTIAL_VERSION]: 'bins' };

/** The card fields, in the order partials store them (listingId is the key). */
export const CARD_FIELDS = [
  'title',
  'price',
  'priceBeforeChange',
  'priceChangedOn',
  'priceDropPct',
  'firstPrice',
  'minPrice',
  'currency',
  'status',
  'firstSeenDay',
  'lastSeenDay',
  'vanishedOn',
  'daysOnMarket',
  'daysListed',
  'createdAt',
  'isReserved',
  'isShippable',
  'categoryId',
  'categoryName',
  'region',
  'city',
  'listingUrl',
  'imageUrl',
  'searches',
] as const satisfies ReadonlyArray<Exclude<keyof ListingCard, 'listingId'>>;

/** A card's stored values, in CARD_FIELDS order. */
export function cardValues(card: ListingCard): unknown[] {
  return [
    card.title,
    card.price,
    card.priceBeforeChange,
    card.priceChangedOn,
    card.priceDropPct,
    card.firstPrice,
    card.minPrice,
    card.currency,
    card.status,
    card.firstSeenDay,
    card.lastSeenDay,
    card.vanishedOn,
    card.daysOnMarket,
    card.daysListed,
    card.createdAt,
    card.isReserved,
    card.isShippable,
    card.categoryId,
    card.categoryName,
    card.region,
    card.city,
    card.listingUrl,
    card.imageUrl,
    card.searches,
  ];
}

/** The card of stored values (CARD_FIELDS order), built as one object literal (tests check it against CARD_FIELDS). */
export function cardOfValues(listingId: string, v: readonly unknown[]): ListingCard {
  return {
    listingId,
    title: v[0],
    price: v[1],
    priceBeforeChange: v[2],
    priceChangedOn: v[3],
    priceDropPct: v[4],
    firstPrice: v[5],
    minPrice: v[6],
    currency: v[7],
    status: v[8],
    firstSeenDay: v[9],
    lastSeenDay: v[10],
    vanishedOn: v[11],
    daysOnMarket: v[12],
    daysListed: v[13],
    createdAt: v[14],
    isReserved: v[15],
    isShippable: v[16],
    categoryId: v[17],
    categoryName: v[18],
    region: v[19],
    city: v[20],
    listingUrl: v[21],
    imageUrl: v[22],
    searches: v[23],
  } as ListingCard;
}

/** canonicalJson without its trailing newline. */
const canonical = (value: unknown) => canonicalJson(value).slice(0, -1);

/**
 * Canonical JSON bytes of a partial: the same partial always gives the same text (keys sorted at
 * every depth, exactly as `canonicalJson` of the PartialJson would write them). The cards, most of
 * the bytes, are written directly: each is an array of primitives (and the searches' strings),
 * whose canonical form is its JSON.stringify.
 */
export function encodePartial(partial: GoldPartial): string {
  const groups = {} as Record<Dimension, Record<string, unknown>>;
  for (const dimension of DIMENSIONS) {
    const entries: Record<string, unknown> = {};
    for (const [key, group] of partial.groups[dimension]) {
      const daysOnMarket: Record<string, number> = {};
      for (const [days, count] of group.daysOnMarket) daysOnMarket[String(days)] = count;
      entries[key] = { ...group, prices: group.prices.toBins(), dropPcts: group.dropPcts.toBins(), daysOnMarket };
    }
    groups[dimension] = entries;
  }
  const lists = {} as PartialJson['lists'];
  for (const list of LIST_NAMES) {
    lists[list] = {};
    for (const dimension of LIST_DIMENSIONS[list]) lists[list][dimension] = Object.fromEntries(partial.lists[list][dimension] ?? []);
  }
  const sketch: PartialJson['sketch'] = { algorithm: 'DDSketch', relativeAccuracy: SKETCH_RELATIVE_ACCURACY, encoding: 'bins' };
  // In sorted key order, as canonicalJson writes them.
  const fields: Array<[keyof PartialJson, string]> = [
    ['cardFields', canonical(CARD_FIELDS)],
    ['day', canonical(partial.day)],
    ['groups', canonical(groups)],
    ['inputs', canonical(partial.inputs)],
    ['listings', encodeListings(partial.listings)],
    ['lists', canonical(lists)],
    ['partialVersion', canonical(PARTIAL_VERSION)],
    ['previousDay', canonical(partial.previousDay)],
    ['settings', canonical(partial.settings)],
    ['shardCount', canonical(partial.shardCount)],
    ['shards', canonical(partial.shards)],
    ['sketch', canonical(sketch)],
  ];
  return `{${fields.map(([key, text]) => `"${key}":${text}`).join(',')}}\n`;
}

function encodeListings(listings: ReadonlyMap<string, ListingCard>): string {
  const ids = [...listings.keys()].sort();
  if (ids.length === 0) return '{}';
  const out: string[] = [];
  for (const id of ids) {
    const values = cardValues(listings.get(id)!);
    for (const value of values) {
      if (value !== null && typeof value === 'object') {
        if (!Array.isArray(value) || !value.every((item) => item === null || typeof item === 'string')) throw new TypeError(`encodePartial: card ${id} has a field that is not a primitive or a list of strings`);
      } else if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: ${value} has no JSON form`);
      }
    }
    out.push(`${JSON.stringify(id)}:${JSON.stringify(values)}`);
  }
  return `{${out.join(',')}}`;
}

function decodeSketch(value: SketchBins | string | null, encoding: SketchEncoding, source: string): QuantileSketch {
  try {
    if (encoding === 'protobuf+base64') return value === null ? new QuantileSketch() : QuantileSketch.decode(value as string);
    if (typeof value === 'string') throw new RangeError('a protobuf sketch in a partial of plain bins');
    return QuantileSketch.fromBins(value);
  } catch (error) {
    throw new PartialMergeError(`${source} holds an unreadable sketch: ${(error as Error).message}`);
  }
}

export function decodePartial(text: string, source = 'partial'): GoldPartial {
  let json: PartialJson;
  try {
    json = JSON.parse(text) as PartialJson;
  } catch (error) {
    throw new PartialMergeError(`${source} is not JSON: ${(error as Error).message}`);
  }
  const encoding = SKETCH_ENCODING[json.partialVersion];
  if (encoding === undefined) throw new PartialMergeError(`${source} has partialVersion ${String(json.partialVersion)}, expected ${PARTIAL_VERSION}`);
  if (canonicalJson(json.cardFields) !== canonicalJson(CARD_FIELDS)) throw new PartialMergeError(`${source} stores cards with fields ${JSON.stringify(json.cardFields)}, expected ${JSON.stringify(CARD_FIELDS)}`);
  if (json.sketch?.relativeAccuracy !== SKETCH_RELATIVE_ACCURACY) throw new PartialMergeError(`${source} uses sketches of relative accuracy ${String(json.sketch?.relativeAccuracy)}, expected ${SKETCH_RELATIVE_ACCURACY}`);
  if (json.sketch.encoding !== encoding) throw new PartialMergeError(`${source} (partialVersion ${json.partialVersion}) stores sketches as ${String(json.sketch.encoding)}, expected ${encoding}`);
  const groups = emptyGroups();
  for (const dimension of DIMENSIONS) {
    const target = groups[dimension];
    for (const [key, group] of Object.entries(json.groups[dimension] ?? {})) {
      const daysOnMarket = new Map<number, number>();
      for (const [days, count] of Object.entries(group.daysOnMarket)) daysOnMarket.set(Number(days), count);
      target.set(key, {
        ...group,
        prices: decodeSketch(group.prices, encoding, source),
        dropPcts: decodeSketch(group.dropPcts, encoding, source),
        daysOnMarket,
      });
    }
  }
  const lists = emptyLists();
  for (const list of LIST_NAMES) {
    for (const dimension of LIST_DIMENSIONS[list]) lists[list][dimension] = new Map(Object.entries(json.lists[list]?.[dimension] ?? {}));
  }
  const listings = new Map<string, ListingCard>();
  for (const listingId in json.listings) listings.set(listingId, cardOfValues(listingId, json.listings[listingId]!));
  return {
    day: json.day,
    shardCount: json.shardCount,
    shards: json.shards,
    previousDay: json.previousDay,
    settings: json.settings,
    inputs: json.inputs,
    groups,
    lists,
    listings,
  };
}
