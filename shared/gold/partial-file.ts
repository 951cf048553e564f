import { PRICE_POSITIONS, type PricePosition } from './comparables.ts';
import type { ListingCard } from './dashboard.ts';
import { CHUNK_CHARS, canonicalJson, canonicalJsonBytes } from '../lake/json.ts';
import { joinBytes } from '../lake/bytes.ts';
import { DEFAULT_GOLD_OPTIONS, shardSettingsOf } from './options.ts';
import {
  DIMENSIONS,
  PartialMergeError,
  emptyGroup,
  emptyGroups,
  emptyLists,
  rankFactsOfCard,
  type ComparableAggregate,
  type Dimension,
  type GoldPartial,
  type GroupAggregate,
  type PartialInputs,
  type RankedCards,
} from './partial.ts';
import { LIST_DIMENSIONS, LIST_NAMES, type ListName, type RankFacts } from './rankings.ts';
import { QuantileSketch, SKETCH_RELATIVE_ACCURACY, type SketchBins } from './sketch.ts';

/**
 * The partial's file, `gold/partials/dt=D/shard=K.json`: what a shard hands the fan-in. Internal,
 * but versioned, because a fan-in may read partials written by the previous release.
 *
 * Version 6 is version 5 with each card's price change count (the listing pages say when a price
 * path has changes they did not see). Version 5 cards read with a null count.
 *
 * Version 5 is version 4 with provinces: a `province` group dimension, and cards that carry the
 * province and the listing's own "was" price. Version 4 partials read with no province groups and
 * null for the new card fields.
 *
 * Version 4 is version 3 with the figures of relists, sales and comparables: groups carry sold,
 * relisted and untracked counts, sold-price sketches and days-to-sell histograms; the header carries
 * `comparables` (per comparable key: active count, sorted asking prices in cents, sold prices and
 * days to sell, sorted by price then days); cards and candidates carry the fair price. Versions 1–3
 * still read: their new fields are zero or empty, and their settings say the deal rule they were
 * computed under ('category-median').
 *
 * Version 3 is one JSON document laid out in lines so that the fan-in can decode a card only if
 * the merge keeps it (at 1M listings, 8 shards send ~190,000 candidate cards, most of each
 * partial's bytes, and the published lists keep ~32,000):
 *
 *   {"partialVersion":3,"header":{…canonical JSON…},"cards":[
 *   ["<listing id>",<CARD_FIELDS values>…],
 *   …
 *   ["<listing id>",<CARD_FIELDS values>…]
 *   ]}
 *
 * The header holds everything but the cards, and `candidates`: each card's rank facts (what the
 * lists are ordered by) in the order of the card lines, which are sorted by listing id. A line is
 * one card's JSON (JSON escapes every newline inside strings). Every part is written in one fixed
 * order, so equal partials give equal bytes. Versions 1 (sketches as DDSketch protobuf, base64)
 * and 2 (sketches as plain bins, cards in one `listings` object) still read.
 */
export const PARTIAL_VERSION = 6;

type Histogram = Record<string, number>;

interface GroupJson extends Omit<GroupAggregate, 'prices' | 'dropPcts' | 'daysOnMarket' | 'soldPrices' | 'daysToSell' | 'daysToSellByPosition' | 'sold' | 'relisted' | 'untracked'> {
  /** The sketch's bins (versions 2–4) or DDSketch protobuf, base64 (version 1). Null when empty. */
  prices: SketchBins | string | null;
  dropPcts: SketchBins | string | null;
  daysOnMarket: Histogram;
  /** Version 4. */
  sold?: number;
  relisted?: number;
  untracked?: number;
  soldPrices?: SketchBins | null;
  daysToSell?: Histogram;
  daysToSellByPosition?: Record<PricePosition, Histogram>;
}

/** A comparable key's figures: [active, asking cents (sorted), sold cents, days to sell (pairs sorted by cents, then days)]. */
type ComparableJson = [number, number[], number[], number[]];

type SketchEncoding = 'bins' | 'protobuf+base64';

/** What every version's JSON has besides the cards. */
interface PartialHeaderJson {
  day: GoldPartial['day'];
  shardCount: number;
  shards: number[];
  previousDay: GoldPartial['previousDay'];
  /** Version 5 partials of a run with an identity. */
  runId?: string;
  settings: GoldPartial['settings'];
  sketch: { algorithm: 'DDSketch'; relativeAccuracy: number; encoding: SketchEncoding };
  inputs: PartialInputs;
  groups: Record<Dimension, Record<string, GroupJson>>;
  lists: Record<ListName, Partial<Record<Dimension, Record<string, string[]>>>>;
  /** Cards as arrays of their fields in CARD_FIELDS order: most of a partial is cards, and most of a card would be key names. */
  cardFields: readonly string[];
  /** Version 4. */
  comparables?: Record<string, ComparableJson>;
}

interface HeaderJsonV3 extends PartialHeaderJson {
  candidateFields: readonly string[];
  /** One row per card line, in the same order. */
  candidates: CandidateRow[];
}

/** Versions 1 and 2: one JSON object, cards by listing id. */
interface PartialJsonV2 extends PartialHeaderJson {
  /** 1 or 2 (anything else is refused). */
  partialVersion: number;
  listings: Record<string, unknown[]>;
}

const SKETCH_ENCODING: Record<number, SketchEncoding> = { 1: 'protobuf+base64', 2: 'bins', 3: 'bins', 4: 'bins', 5: 'bins', [PARTIAL_VERSION]: 'bins' };

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
  'sellerId',
  'itemId',
  'relistedFrom',
  'fairPrice',
  'fairPriceGroup',
  'comparables',
  'province',
  'listedPreviousPrice',
  'priceChangeCount',
] as const satisfies ReadonlyArray<Exclude<keyof ListingCard, 'listingId'>>;

/** The card fields of versions 1–3: CARD_FIELDS up to `searches`. */
const CARD_FIELDS_V3 = CARD_FIELDS.slice(0, CARD_FIELDS.indexOf('searches') + 1);
/** The card fields of version 4: CARD_FIELDS up to `comparables`. */
const CARD_FIELDS_V4 = CARD_FIELDS.slice(0, CARD_FIELDS.indexOf('comparables') + 1);
/** The card fields of version 5: CARD_FIELDS up to `listedPreviousPrice`. */
const CARD_FIELDS_V5 = CARD_FIELDS.slice(0, CARD_FIELDS.indexOf('listedPreviousPrice') + 1);
const cardFieldsOf = (version: number): readonly string[] =>
  version === PARTIAL_VERSION ? CARD_FIELDS : version === 5 ? CARD_FIELDS_V5 : version === 4 ? CARD_FIELDS_V4 : CARD_FIELDS_V3;

const CANDIDATE_FIELDS = ['listingId', 'price', 'priceDropPct', 'createdAtMs', 'daysOnMarket', 'priceToFair'] as const satisfies ReadonlyArray<keyof RankFacts>;
const CANDIDATE_FIELDS_V3 = CANDIDATE_FIELDS.slice(0, 5);
type CandidateRow = [string, number, number | null, number | null, number | null, (number | null)?];

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
    card.sellerId,
    card.itemId,
    card.relistedFrom,
    card.fairPrice,
    card.fairPriceGroup,
    card.comparables,
    card.province,
    card.listedPreviousPrice,
    card.priceChangeCount,
  ];
}

/**
 * The card of stored values (CARD_FIELDS order, from `offset`), built as one object literal (tests
 * check it against CARD_FIELDS). A version 1–4 card (CARD_FIELDS_V3, CARD_FIELDS_V4) gets the later fields' defaults.
 */
export function cardOfValues(listingId: string, v: readonly unknown[], offset = 0, fieldCount: number = CARD_FIELDS.length): ListingCard {
  const old = fieldCount === CARD_FIELDS_V3.length;
  const beforeProvinces = fieldCount < CARD_FIELDS_V5.length;
  const beforeChangeCounts = fieldCount < CARD_FIELDS.length;
  // Keys in sorted order: the dashboard's day file writes these cards with canonicalJson, which
  // then hands them to JSON.stringify as they are instead of copying them (../lake/json.ts).
  return {
    categoryId: v[offset + 17],
    categoryName: v[offset + 18],
    city: v[offset + 20],
    comparables: old ? 0 : v[offset + 29],
    createdAt: v[offset + 14],
    currency: v[offset + 7],
    daysListed: v[offset + 13],
    daysOnMarket: v[offset + 12],
    fairPrice: old ? null : v[offset + 27],
    fairPriceGroup: old ? null : v[offset + 28],
    firstPrice: v[offset + 5],
    firstSeenDay: v[offset + 9],
    imageUrl: v[offset + 22],
    isReserved: v[offset + 15],
    isShippable: v[offset + 16],
    itemId: old ? listingId : v[offset + 25],
    lastSeenDay: v[offset + 10],
    listedPreviousPrice: beforeProvinces ? null : v[offset + 31],
    listingId,
    listingUrl: v[offset + 21],
    minPrice: v[offset + 6],
    price: v[offset + 1],
    priceBeforeChange: v[offset + 2],
    priceChangeCount: beforeChangeCounts ? null : v[offset + 32],
    priceChangedOn: v[offset + 3],
    priceDropPct: v[offset + 4],
    province: beforeProvinces ? null : v[offset + 30],
    region: v[offset + 19],
    relistedFrom: old ? null : v[offset + 26],
    searches: v[offset + 23],
    sellerId: old ? null : v[offset + 24],
    status: v[offset + 8],
    title: v[offset],
    vanishedOn: v[offset + 11],
  } as ListingCard;
}

const V3_OPENING = `{"partialVersion":${PARTIAL_VERSION},"header":`;
const LINED_VERSIONS = [3, 4, 5, PARTIAL_VERSION];
const V3_CARDS = ',"cards":[';
const V3_CLOSING = ']}\n';
const V3_OPENING_BYTES = new TextEncoder().encode(V3_OPENING);
const V3_CARDS_LINE_BYTES = new TextEncoder().encode(`${V3_CARDS}\n`);

/** The partial's file (version 3, above): the same partial always gives the same bytes. */
export function encodePartial(partial: GoldPartial): string {
  return decoder.decode(encodePartialBytes(partial));
}

/**
 * `encodePartial` as the UTF-8 bytes a shard stores. Written in chunks, like the fan-in's day
 * file (canonicalJsonBytes): one string of every card line turned all ~10 MB into two-byte text
 * as soon as one title held an emoji, and was then encoded whole.
 */
export function encodePartialBytes(partial: GoldPartial): Uint8Array {
  const ids = [...partial.listings.keys()].sort();
  const candidates: CandidateRow[] = [];
  const cardParts: Uint8Array[] = [];
  let chunk = '';
  for (const [index, id] of ids.entries()) {
    const card = partial.listings.get(id)!;
    const facts = rankFactsOfCard(card);
    candidates.push([id, facts.price, facts.priceDropPct, facts.createdAtMs, facts.daysOnMarket, facts.priceToFair]);
    chunk += `${cardLine(id, card)}${index < ids.length - 1 ? ',' : ''}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      cardParts.push(encoder.encode(chunk));
      chunk = '';
    }
  }
  cardParts.push(encoder.encode(`${chunk}${V3_CLOSING}`));
  const header: HeaderJsonV3 = { ...headerJson(partial), candidateFields: CANDIDATE_FIELDS, candidates };
  const headerBytes = canonicalJsonBytes(header);
  // canonicalJson ends its text with a newline: the header's line ends with the cards' opening instead.
  return joinBytes([V3_OPENING_BYTES, headerBytes.subarray(0, headerBytes.length - 1), V3_CARDS_LINE_BYTES, ...cardParts]);
}

function headerJson(partial: GoldPartial): PartialHeaderJson {
  const groups = {} as PartialHeaderJson['groups'];
  for (const dimension of DIMENSIONS) {
    const entries: Record<string, GroupJson> = {};
    for (const [key, group] of partial.groups[dimension]) {
      entries[key] = {
        ...group,
        prices: group.prices.toBins(),
        dropPcts: group.dropPcts.toBins(),
        daysOnMarket: histogramJson(group.daysOnMarket),
        soldPrices: group.soldPrices.toBins(),
        daysToSell: histogramJson(group.daysToSell),
        daysToSellByPosition: { below: histogramJson(group.daysToSellByPosition.below), near: histogramJson(group.daysToSellByPosition.near), above: histogramJson(group.daysToSellByPosition.above) },
      };
    }
    groups[dimension] = entries;
  }
  const lists = {} as PartialHeaderJson['lists'];
  for (const list of LIST_NAMES) {
    lists[list] = {};
    for (const dimension of LIST_DIMENSIONS[list]) lists[list][dimension] = Object.fromEntries(partial.lists[list][dimension] ?? []);
  }
  return {
    day: partial.day,
    shardCount: partial.shardCount,
    shards: partial.shards,
    previousDay: partial.previousDay,
    ...(partial.runId === undefined ? {} : { runId: partial.runId }),
    settings: partial.settings,
    sketch: { algorithm: 'DDSketch', relativeAccuracy: SKETCH_RELATIVE_ACCURACY, encoding: 'bins' },
    inputs: partial.inputs,
    groups,
    lists,
    cardFields: CARD_FIELDS,
    comparables: comparablesJson(partial.comparables),
  };
}

function histogramJson(histogram: ReadonlyMap<number, number>): Histogram {
  const json: Histogram = {};
  for (const [value, count] of histogram) json[String(value)] = count;
  return json;
}

function histogramOf(json: Histogram | undefined): Map<number, number> {
  const histogram = new Map<number, number>();
  for (const [value, count] of Object.entries(json ?? {})) histogram.set(Number(value), count);
  return histogram;
}

/** Sorted lists, so a merged partial has the same bytes whatever order its shards were merged in. */
function comparablesJson(comparables: ReadonlyMap<string, ComparableAggregate>): Record<string, ComparableJson> {
  const json: Record<string, ComparableJson> = {};
  for (const [key, aggregate] of comparables) {
    const sold = aggregate.soldCents.map((cents, index) => [cents, aggregate.soldDays[index]!] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    json[key] = [aggregate.active, [...aggregate.seenCents].sort((a, b) => a - b), sold.map((pair) => pair[0]), sold.map((pair) => pair[1])];
  }
  return json;
}

/** One card as its line: the JSON of [id, …values], checked to be what a line may hold. */
function cardLine(id: string, card: ListingCard): string {
  const values = cardValues(card);
  for (const value of values) {
    if (value !== null && typeof value === 'object') {
      if (!Array.isArray(value) || !value.every((item) => item === null || typeof item === 'string')) throw new TypeError(`encodePartial: card ${id} has a field that is not a primitive or a list of strings`);
    } else if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError(`encodePartial: card ${id} has ${value}, which has no JSON form`);
    }
  }
  return JSON.stringify([id, ...values]);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const NEWLINE = 10;
const LINED_OPENINGS = LINED_VERSIONS.map((version) => ({ version, bytes: encoder.encode(`{"partialVersion":${version},"header":`) }));

/** A partial's file, any version, as bytes (what the fan-in reads) or text. Throws a PartialMergeError naming `source` on anything else. */
export function decodePartial(file: string | Uint8Array, source = 'partial'): GoldPartial {
  const bytes = typeof file === 'string' ? encoder.encode(file) : file;
  try {
    const lined = LINED_OPENINGS.find((opening) => startsWith(bytes, opening.bytes));
    return lined !== undefined ? decodeLined(bytes, lined.version, lined.bytes.length, source) : decodeVersion2(bytes, source);
  } catch (error) {
    if (error instanceof PartialMergeError) throw error;
    throw new PartialMergeError(`${source} is not a readable partial: ${(error as Error).message}`);
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let index = 0; index < prefix.length; index += 1) if (bytes[index] !== prefix[index]) return false;
  return true;
}

function parseJson<T>(text: string, source: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new PartialMergeError(`${source}: ${what} is not JSON: ${(error as Error).message}`);
  }
}

/** Versions 3 to 6: a header line, then a line per card. */
function decodeLined(bytes: Uint8Array, version: number, openingLength: number, source: string): GoldPartial {
  const headerEnd = bytes.indexOf(NEWLINE);
  const firstLine = decoder.decode(bytes.subarray(0, headerEnd === -1 ? bytes.length : headerEnd));
  if (headerEnd === -1 || !firstLine.endsWith(V3_CARDS)) throw new PartialMergeError(`${source} is cut short: its first line does not end with ${V3_CARDS}`);
  const header = parseJson<HeaderJsonV3>(firstLine.slice(openingLength, -V3_CARDS.length), source, 'the header');
  const candidateFields = version >= 4 ? CANDIDATE_FIELDS : CANDIDATE_FIELDS_V3;
  if (canonicalJson(header.candidateFields) !== canonicalJson(candidateFields)) {
    throw new PartialMergeError(`${source} stores candidates with fields ${JSON.stringify(header.candidateFields)}, expected ${JSON.stringify(candidateFields)}`);
  }
  const candidates = header.candidates;
  if (!Array.isArray(candidates)) throw new PartialMergeError(`${source} has no candidates list`);
  // Card k is line k + 1; a line but the last ends with a comma.
  const starts = new Uint32Array(candidates.length);
  const ends = new Uint32Array(candidates.length);
  let start = headerEnd + 1;
  for (let index = 0; index < candidates.length; index += 1) {
    const end = bytes.indexOf(NEWLINE, start);
    if (end === -1) throw new PartialMergeError(`${source} is cut short: it has ${index} of its ${candidates.length} cards`);
    starts[index] = start;
    ends[index] = index < candidates.length - 1 ? end - 1 : end;
    start = end + 1;
  }
  if (decoder.decode(bytes.subarray(start)) !== V3_CLOSING) throw new PartialMergeError(`${source} does not end after its ${candidates.length} cards`);
  return { ...partialOfHeader(header, version, 'bins', source), listings: new EncodedCards(bytes, candidates, starts, ends, source, cardFieldsOf(version).length) };
}

function decodeVersion2(bytes: Uint8Array, source: string): GoldPartial {
  const json = parseJson<PartialJsonV2>(decoder.decode(bytes), source, 'it');
  const encoding = SKETCH_ENCODING[json.partialVersion];
  if (encoding === undefined || json.partialVersion >= 3) throw new PartialMergeError(`${source} has partialVersion ${String(json.partialVersion)}, expected ${PARTIAL_VERSION}`);
  const listings = new Map<string, ListingCard>();
  for (const listingId in json.listings) listings.set(listingId, cardOfValues(listingId, json.listings[listingId]!, 0, CARD_FIELDS_V3.length));
  return { ...partialOfHeader(json, json.partialVersion, encoding, source), listings };
}

function partialOfHeader(json: PartialHeaderJson, version: number, encoding: SketchEncoding, source: string): Omit<GoldPartial, 'listings'> {
  const cardFields = cardFieldsOf(version);
  if (canonicalJson(json.cardFields) !== canonicalJson(cardFields)) throw new PartialMergeError(`${source} stores cards with fields ${JSON.stringify(json.cardFields)}, expected ${JSON.stringify(cardFields)}`);
  if (json.sketch?.relativeAccuracy !== SKETCH_RELATIVE_ACCURACY) throw new PartialMergeError(`${source} uses sketches of relative accuracy ${String(json.sketch?.relativeAccuracy)}, expected ${SKETCH_RELATIVE_ACCURACY}`);
  if (json.sketch.encoding !== encoding) throw new PartialMergeError(`${source} stores sketches as ${String(json.sketch.encoding)}, expected ${encoding}`);
  const groups = emptyGroups();
  for (const dimension of DIMENSIONS) {
    const target = groups[dimension];
    for (const [key, group] of Object.entries(json.groups[dimension] ?? {})) {
      const positions = group.daysToSellByPosition;
      target.set(key, {
        ...emptyGroup(),
        ...group,
        sold: group.sold ?? group.vanished,
        relisted: group.relisted ?? 0,
        untracked: group.untracked ?? 0,
        prices: decodeSketch(group.prices, encoding, source),
        dropPcts: decodeSketch(group.dropPcts, encoding, source),
        daysOnMarket: histogramOf(group.daysOnMarket),
        soldPrices: group.soldPrices === undefined ? new QuantileSketch() : decodeSketch(group.soldPrices, encoding, source),
        // Before relists, every vanished listing counted as sold.
        daysToSell: histogramOf(group.daysToSell ?? group.daysOnMarket),
        daysToSellByPosition: Object.fromEntries(PRICE_POSITIONS.map((position) => [position, histogramOf(positions?.[position])])) as GroupAggregate['daysToSellByPosition'],
      });
    }
  }
  const comparables = new Map<string, ComparableAggregate>();
  for (const [key, [active, seenCents, soldCents, soldDays]] of Object.entries(json.comparables ?? {})) comparables.set(key, { active, seenCents, soldCents, soldDays });
  const lists = emptyLists();
  for (const list of LIST_NAMES) {
    for (const dimension of LIST_DIMENSIONS[list]) lists[list][dimension] = new Map(Object.entries(json.lists[list]?.[dimension] ?? {}));
  }
  // Partials before version 4 were computed under the category-median deal rule, with no relists or comparables.
  const settings = version >= 4 ? json.settings : { ...shardSettingsOf(DEFAULT_GOLD_OPTIONS), ...json.settings, dealRule: 'category-median' as const };
  return {
    day: json.day,
    shardCount: json.shardCount,
    shards: json.shards,
    previousDay: json.previousDay,
    ...(typeof json.runId === 'string' ? { runId: json.runId } : {}),
    settings,
    inputs: json.inputs,
    groups,
    lists,
    comparables,
  };
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

/**
 * The cards of a version 3 file, still encoded: rank facts come from the header, and a card's line
 * is decoded the first time it is asked for.
 */
class EncodedCards implements RankedCards {
  private readonly lineOf = new Map<string, number>();
  private readonly decoded = new Map<string, ListingCard>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly candidates: readonly CandidateRow[],
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    private readonly source: string,
    private readonly fieldCount: number,
  ) {
    for (const [line, row] of candidates.entries()) this.lineOf.set(row[0], line);
  }

  get size(): number {
    return this.lineOf.size;
  }

  has(listingId: string): boolean {
    return this.lineOf.has(listingId);
  }

  rankFacts(listingId: string): RankFacts | undefined {
    const line = this.lineOf.get(listingId);
    if (line === undefined) return undefined;
    const [id, price, priceDropPct, createdAtMs, daysOnMarket, priceToFair] = this.candidates[line]!;
    return { listingId: id, price, priceDropPct, createdAtMs, daysOnMarket, priceToFair: priceToFair ?? null };
  }

  get(listingId: string): ListingCard | undefined {
    const found = this.decoded.get(listingId);
    if (found !== undefined) return found;
    const line = this.lineOf.get(listingId);
    if (line === undefined) return undefined;
    const values = parseJson<unknown[]>(decoder.decode(this.bytes.subarray(this.starts[line], this.ends[line])), this.source, `card ${line + 1}`);
    if (!Array.isArray(values) || values[0] !== listingId || values.length !== this.fieldCount + 1) {
      throw new PartialMergeError(`${this.source}: card ${line + 1} is not the card of ${listingId}`);
    }
    const card = cardOfValues(listingId, values, 1, this.fieldCount);
    this.decoded.set(listingId, card);
    return card;
  }

  keys(): MapIterator<string> {
    return this.lineOf.keys();
  }

  *entries(): MapIterator<[string, ListingCard]> {
    for (const id of this.lineOf.keys()) yield [id, this.get(id)!];
  }

  *values(): MapIterator<ListingCard> {
    for (const id of this.lineOf.keys()) yield this.get(id)!;
  }

  [Symbol.iterator](): MapIterator<[string, ListingCard]> {
    return this.entries();
  }

  forEach(callback: (value: ListingCard, key: string, map: ReadonlyMap<string, ListingCard>) => void, thisArg?: unknown): void {
    for (const [id, card] of this.entries()) callback.call(thisArg, card, id, this);
  }
}
