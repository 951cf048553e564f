import type { Day } from '../lake/keys.ts';
import type { ListingCard } from './dashboard.ts';
import { canonicalJson } from './json.ts';
import type { ShardSettings } from './options.ts';
import { LIST_DIMENSIONS, LIST_NAMES, candidateCount, compareRanked, rankKey, type ListName } from './rankings.ts';
import { QuantileSketch, SKETCH_RELATIVE_ACCURACY } from './sketch.ts';

/**
 * The partial aggregate of one or more shards of a day: everything the fan-in needs, in a form
 * that merges exactly. Counts, cent sums and histograms add (integers: exact); min and max take
 * the extreme; sketches add their bins; top-N lists keep the N first of the union (./rankings.ts).
 * Every part of `mergePartials` is therefore associative and commutative, and the canonical JSON
 * of a merge is the same bytes whatever the order or grouping of the merges.
 */

export const PARTIAL_VERSION = 1;

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

/** The partial of the union of `a`'s and `b`'s shards. Both must be of the same day, run and settings, with disjoint shards. */
export function mergePartials(a: GoldPartial, b: GoldPartial): GoldPartial {
  const same = (what: string, x: unknown, y: unknown) => {
    if (canonicalJson(x) !== canonicalJson(y)) throw new PartialMergeError(`cannot merge partials with different ${what}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
  };
  same('day', a.day, b.day);
  same('shard count', a.shardCount, b.shardCount);
  same('previous day', a.previousDay, b.previousDay);
  same('settings', a.settings, b.settings);
  const overlap = a.shards.filter((shard) => b.shards.includes(shard));
  if (overlap.length > 0) throw new PartialMergeError(`cannot merge partials that both contain shard(s) ${overlap.join(', ')}: it would count them twice`);

  const groups = emptyGroups();
  for (const dimension of DIMENSIONS) {
    const merged = new Map(a.groups[dimension]);
    for (const [key, group] of b.groups[dimension]) {
      const existing = merged.get(key);
      merged.set(key, existing === undefined ? group : mergeGroups(existing, group));
    }
    groups[dimension] = merged;
  }

  const candidates = new Map([...a.listings, ...b.listings]);
  const lists = emptyLists();
  const referenced = new Set<string>();
  const day = a.day;
  for (const list of LIST_NAMES) {
    for (const dimension of LIST_DIMENSIONS[list]) {
      const left = a.lists[list][dimension] ?? new Map<string, string[]>();
      const right = b.lists[list][dimension] ?? new Map<string, string[]>();
      const merged = new Map<string, string[]>();
      for (const key of new Set([...left.keys(), ...right.keys()])) {
        const ids = topIds(list, [...new Set([...(left.get(key) ?? []), ...(right.get(key) ?? [])])], candidates, candidateCount(list, dimension, a.settings), day);
        merged.set(key, ids);
        for (const id of ids) referenced.add(id);
      }
      lists[list][dimension] = merged;
    }
  }
  const listings = new Map<string, ListingCard>();
  for (const id of referenced) listings.set(id, candidates.get(id)!);

  const silverRows: Record<string, number> = { ...a.inputs.silverRows };
  for (const [search, rows] of Object.entries(b.inputs.silverRows)) silverRows[search] = (silverRows[search] ?? 0) + rows;

  return {
    day,
    shardCount: a.shardCount,
    shards: [...a.shards, ...b.shards].sort((x, y) => x - y),
    previousDay: a.previousDay,
    settings: a.settings,
    inputs: {
      silverRows,
      previousStateRows: a.inputs.previousStateRows + b.inputs.previousStateRows,
      stateRows: a.inputs.stateRows + b.inputs.stateRows,
      expiredRows: a.inputs.expiredRows + b.inputs.expiredRows,
    },
    groups,
    lists,
    listings,
  };
}

function topIds(list: ListName, ids: string[], cards: ReadonlyMap<string, ListingCard>, n: number, day: Day): string[] {
  const ranked = ids.map((listingId) => {
    const card = cards.get(listingId);
    if (card === undefined) throw new PartialMergeError(`list ${list} refers to listing ${listingId}, which the partial does not describe (day ${day})`);
    return { listingId, key: rankKey(list, rankFactsOfCard(card)) };
  });
  ranked.sort(compareRanked);
  return ranked.slice(0, n).map((entry) => entry.listingId);
}

export function rankFactsOfCard(card: ListingCard) {
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

interface GroupJson extends Omit<GroupAggregate, 'prices' | 'dropPcts' | 'daysOnMarket'> {
  /** DDSketch protobuf, base64; null when empty. */
  prices: string | null;
  dropPcts: string | null;
  daysOnMarket: Record<string, number>;
}

interface PartialJson {
  partialVersion: typeof PARTIAL_VERSION;
  day: Day;
  shardCount: number;
  shards: number[];
  previousDay: Day | null;
  settings: ShardSettings;
  sketch: { algorithm: 'DDSketch'; relativeAccuracy: number; encoding: 'protobuf+base64' };
  inputs: PartialInputs;
  groups: Record<Dimension, Record<string, GroupJson>>;
  lists: Record<ListName, Partial<Record<Dimension, Record<string, string[]>>>>;
  /** Cards as arrays of their fields in CARD_FIELDS order: most of a partial is cards, and most of a card would be key names. */
  cardFields: readonly string[];
  listings: Record<string, unknown[]>;
}

/** The card fields, in the order partials store them (listingId is the key). */
const CARD_FIELDS = [
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

const encodeSketch = (sketch: QuantileSketch) => (sketch.count === 0 ? null : sketch.encode());
const decodeSketch = (text: string | null) => (text === null ? new QuantileSketch() : QuantileSketch.decode(text));

/** Canonical JSON bytes of a partial: the same partial always gives the same text. */
export function encodePartial(partial: GoldPartial): string {
  const groups = {} as PartialJson['groups'];
  for (const dimension of DIMENSIONS) {
    const entries: Record<string, GroupJson> = {};
    for (const [key, group] of partial.groups[dimension]) {
      entries[key] = {
        ...group,
        prices: encodeSketch(group.prices),
        dropPcts: encodeSketch(group.dropPcts),
        daysOnMarket: Object.fromEntries([...group.daysOnMarket].map(([days, count]) => [String(days), count])),
      };
    }
    groups[dimension] = entries;
  }
  const lists = {} as PartialJson['lists'];
  for (const list of LIST_NAMES) {
    lists[list] = {};
    for (const dimension of LIST_DIMENSIONS[list]) lists[list][dimension] = Object.fromEntries(partial.lists[list][dimension] ?? []);
  }
  const json: PartialJson = {
    partialVersion: PARTIAL_VERSION,
    day: partial.day,
    shardCount: partial.shardCount,
    shards: partial.shards,
    previousDay: partial.previousDay,
    settings: partial.settings,
    sketch: { algorithm: 'DDSketch', relativeAccuracy: SKETCH_RELATIVE_ACCURACY, encoding: 'protobuf+base64' },
    inputs: partial.inputs,
    groups,
    lists,
    cardFields: CARD_FIELDS,
    listings: Object.fromEntries([...partial.listings].map(([id, card]) => [id, CARD_FIELDS.map((field) => card[field])])),
  };
  return canonicalJson(json);
}

export function decodePartial(text: string, source = 'partial'): GoldPartial {
  let json: PartialJson;
  try {
    json = JSON.parse(text) as PartialJson;
  } catch (error) {
    throw new PartialMergeError(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (json.partialVersion !== PARTIAL_VERSION) throw new PartialMergeError(`${source} has partialVersion ${String(json.partialVersion)}, expected ${PARTIAL_VERSION}`);
  if (canonicalJson(json.cardFields) !== canonicalJson(CARD_FIELDS)) throw new PartialMergeError(`${source} stores cards with fields ${JSON.stringify(json.cardFields)}, expected ${JSON.stringify(CARD_FIELDS)}`);
  if (json.sketch?.relativeAccuracy !== SKETCH_RELATIVE_ACCURACY) throw new PartialMergeError(`${source} uses sketches of relative accuracy ${String(json.sketch?.relativeAccuracy)}, expected ${SKETCH_RELATIVE_ACCURACY}`);
  const groups = emptyGroups();
  for (const dimension of DIMENSIONS) {
    for (const [key, group] of Object.entries(json.groups[dimension] ?? {})) {
      groups[dimension].set(key, {
        ...group,
        prices: decodeSketch(group.prices),
        dropPcts: decodeSketch(group.dropPcts),
        daysOnMarket: new Map(Object.entries(group.daysOnMarket).map(([days, count]) => [Number(days), count])),
      });
    }
  }
  const lists = emptyLists();
  for (const list of LIST_NAMES) {
    for (const dimension of LIST_DIMENSIONS[list]) lists[list][dimension] = new Map(Object.entries(json.lists[list]?.[dimension] ?? {}));
  }
  return {
    day: json.day,
    shardCount: json.shardCount,
    shards: json.shards,
    previousDay: json.previousDay,
    settings: json.settings,
    inputs: json.inputs,
    groups,
    lists,
    listings: new Map(
      Object.entries(json.listings).map(([listingId, values]) => [
        listingId,
        { listingId, ...Object.fromEntries(CARD_FIELDS.map((field, index) => [field, values[index]])) } as ListingCard,
      ]),
    ),
  };
}
