import { categoryTree, type CategoryJson, type CategoryTree } from './categories.ts';
import { haversineKm, jitteredLocation, pickCityIndex } from './geography.ts';
import { IdCodec } from './ids.ts';
import { ItemRenderer, roundPriceCents, type ItemDetail, type SearchItem } from './items.ts';
import {
  TIME_FILTERS,
  parseSearchQuery,
  queryKey,
  type OrderBy,
  type SearchParamsInput,
  type SearchQuery,
} from './query.ts';
import { Random, hash3, hashString, unitHash } from './random.ts';
import { ListingStore, NEVER } from './store.ts';
import { TITLE_EDITS, foldForSearch, productIndexOf } from './listing-text.ts';
import { DAY_MS, addDays, daysBetween, requireDay, snapshotAt } from './time.ts';

/**
 * The market model: a seeded, deterministic population of listings that evolves one day at a time.
 *
 * Day D is the market as of 06:00 Europe/Madrid on D (see time.ts). Evolving from D-1 to D, each
 * listing still there on D-1 draws once from the day's stream, in serial order:
 *   - not reserved: sold/removed with `dailySoldRate`, else reserved with `dailyReserveRate` (once
 *     per listing), else its price drops 5–30 % with `dailyPriceDropRate`;
 *   - reserved: sold with `reservedSoldRate`, else back on sale with `unreserveRate`.
 * A share `relistRate` of the listings that vanish come back under a new id (a relist: the seller
 * deleted and re-published it), usually the same day, sometimes one or two days later, with the
 * same description, seller and place; a relist may touch up its title or move its price a little
 * (RELIST below). Then new listings arrive: `dailyNewRate` ×
 * `listings` a day, plus a fifth of the gap between `listings` and the current stock, so the stock
 * hovers around its start size; a share `twinRate` of them come with a twin: a second, identical
 * unit the same seller publishes at the same time (a shop with two of the same item), which sells
 * on its own and is not a relist. Every event happens at a seeded instant inside the day's window
 * (06:00 on D-1, 06:00 on D], which is what `created_at`/`modified_at` report.
 *
 * The start day's listings were published over the preceding months (ages exponential with mean
 * 1 / dailySoldRate days, at most a year); about reserveRate / (reservedSoldRate + unreserveRate)
 * of them start reserved.
 */
export interface MarketOptions {
  seed: number;
  /** Active listings on the start day (1 .. 2,000,000). */
  listings: number;
  /** YYYY-MM-DD; days before it do not exist. */
  startDay: string;
  /** New listings a day as a share of `listings` (relists not included). Default 0.045. */
  dailyNewRate?: number;
  /** Share of on-sale (not reserved) listings sold or removed each day. Default 0.05. */
  dailySoldRate?: number;
  /** Share of on-sale listings whose price drops each day. Default 0.04. */
  dailyPriceDropRate?: number;
  /** Share of on-sale listings reserved each day. Default 0.02. */
  dailyReserveRate?: number;
  /** Share of reserved listings sold each day. Default 0.25. */
  reservedSoldRate?: number;
  /** Share of reserved listings put back on sale each day. Default 0.08. */
  unreserveRate?: number;
  /** Share of vanished listings relisted under a new id (same day or up to two days later). Default 0.1. */
  relistRate?: number;
  /** Share of new listings published together with an identical twin by the same seller. Default 0.01. */
  twinRate?: number;
  /**
   * How many results an order can page through at most (the live API stops relevance at ~53k and
   * closest at ~59k); `remaining_documents` still counts them all. Default { most_relevance: 53000, closest: 59000 }.
   */
  resultCaps?: Partial<Record<OrderBy, number>>;
}

export type ResolvedMarketOptions = Required<Omit<MarketOptions, 'resultCaps'>> & { resultCaps: Partial<Record<OrderBy, number>> };

export const MARKET_DEFAULTS = {
  dailyNewRate: 0.045,
  dailySoldRate: 0.05,
  dailyPriceDropRate: 0.04,
  dailyReserveRate: 0.02,
  reservedSoldRate: 0.25,
  unreserveRate: 0.08,
  relistRate: 0.1,
  twinRate: 0.01,
  resultCaps: { most_relevance: 53_000, closest: 59_000 } as Partial<Record<OrderBy, number>>,
} as const;

export const MAX_LISTINGS = 2_000_000;
/** Day indices are stored as Uint16 with 0xFFFF meaning "never"; ten years is plenty. */
export const MAX_DAYS = 3_650;
/** The API serves this many items a page, whatever the request asks for. */
export const PAGE_SIZE = 40;

const RATE_KEYS = ['dailyNewRate', 'dailySoldRate', 'dailyPriceDropRate', 'dailyReserveRate', 'reservedSoldRate', 'unreserveRate', 'relistRate', 'twinRate'] as const;
const KNOWN_OPTIONS = new Set<string>(['seed', 'listings', 'startDay', 'resultCaps', ...RATE_KEYS]);

/** Salts of the seeded streams, one per purpose, so adding a draw in one place never shifts another. */
const SALT = {
  listingIds: 0x6c697374,
  userIds: 0x75736572,
  imageIds: 0x696d6167,
  attributes: 0x61747472,
  initial: 0x696e6974,
  day: 0x64617973,
  eventTime: 0x6576656e,
  initialModified: 0x6d6f6430,
  relevance: 0x72656c76,
  relistDelay: 0x726c6479,
  relistPrice: 0x726c7072,
  relistTitle: 0x726c7469,
  twin: 0x7477696e,
} as const;

/**
 * How relists differ from the listing they replace, as sellers do it: most come back within the
 * day, some a day or two later; most keep the price, some cut it a little, a few raise it; a
 * quarter touch up the title. The draws come from per-listing hashes, not the day's stream.
 */
const RELIST = {
  /** Cumulative probability of a delay of 0, 1, 2 days. */
  delayCumulative: [0.75, 0.95, 1],
  /** Cumulative probability of keeping the price, cutting it 2–15 %, raising it 2–10 %. */
  priceCumulative: [0.55, 0.9, 1],
  titleEditRate: 0.25,
} as const;

const EVENT = { drop: 1, reserve: 2, unreserve: 3, gone: 4 } as const;

export interface PriceDrop {
  id: string;
  /** Euros, before and after. */
  from: number;
  to: number;
}

export interface DayChanges {
  day: string;
  /** null on the start day. */
  previousDay: string | null;
  /** Listings published during the day (all active listings on the start day: everything is first seen). */
  newIds: string[];
  /** Listings there yesterday and gone today (sold or removed). Empty on the start day. */
  vanishedIds: string[];
  priceDrops: PriceDrop[];
  /** Listings reserved during the day. */
  reservedIds: string[];
  /** Reserved listings put back on sale during the day. */
  unreservedIds: string[];
  /**
   * Listings published today that re-publish a vanished one under a new id (`id` is in newIds; the
   * previous one vanished on `previousVanishedOn`: today, or up to two days earlier).
   */
  relisted: Array<{ id: string; previousId: string; previousVanishedOn: string }>;
  /** Listings that vanished today and will not come back as a relist: sold or removed for good. */
  soldIds: string[];
}

/** What a listing is, in the market's own terms: the ground truth a fair-price estimate is judged by. */
export interface ProductTruth {
  /** `<category id>#<product index>`: listings with the same key are the same product. */
  key: string;
  /** The catalogue's title template of the product. */
  name: string;
  categoryId: number;
  /** The product's median price in euros (listings' first prices are log-normal around it). */
  medianEur: number;
}

/** One page of a search, as the server serves it. */
export interface SearchPage {
  items: SearchItem[];
  /** Results the order lets you page through (after the result cap). */
  total: number;
  /** All matching listings, cap or not: what `remaining_documents` counts down from. */
  matching: number;
  /** Offset of the next page, or undefined on the last page. */
  nextOffset: number | undefined;
}

interface DayRecord {
  /** Serials below this existed by the day's snapshot. */
  serialEnd: number;
  vanished: Uint32Array;
  reserved: Uint32Array;
  unreserved: Uint32Array;
  /** This day's entries in the drop log: [dropStart, dropEnd). */
  dropStart: number;
  dropEnd: number;
  /** Pairs (new serial, vanished serial). */
  relists: Uint32Array;
}

interface PendingRelist {
  old: number;
  /** Day index the relist is published on. */
  dueDay: number;
}

interface Resolved {
  serials: Uint32Array;
  matching: number;
}

const EMPTY_RESOLVED: Resolved = { serials: new Uint32Array(0), matching: 0 };
const RESULT_CACHE_SIZE = 32;

function resolveOptions(options: MarketOptions): ResolvedMarketOptions {
  const unknown = Object.keys(options).filter((key) => !KNOWN_OPTIONS.has(key));
  if (unknown.length > 0) throw new TypeError(`unknown market option(s): ${unknown.join(', ')}`);
  if (!Number.isSafeInteger(options.seed)) throw new TypeError(`seed must be an integer, got ${options.seed}`);
  if (!Number.isInteger(options.listings) || options.listings < 1 || options.listings > MAX_LISTINGS) {
    throw new RangeError(`listings must be an integer in [1, ${MAX_LISTINGS}], got ${options.listings}`);
  }
  requireDay(options.startDay, 'startDay');
  const resolved = {
    ...MARKET_DEFAULTS,
    ...options,
    resultCaps: { ...MARKET_DEFAULTS.resultCaps, ...options.resultCaps },
  } as ResolvedMarketOptions;
  for (const key of RATE_KEYS) {
    const value = resolved[key];
    if (!(value >= 0 && value <= 1)) throw new RangeError(`${key} must be in [0, 1], got ${value}`);
  }
  if (resolved.dailySoldRate + resolved.dailyReserveRate + resolved.dailyPriceDropRate > 1) {
    throw new RangeError('dailySoldRate + dailyReserveRate + dailyPriceDropRate must not exceed 1');
  }
  if (resolved.reservedSoldRate + resolved.unreserveRate > 1) throw new RangeError('reservedSoldRate + unreserveRate must not exceed 1');
  return resolved;
}

export class Market {
  readonly options: ResolvedMarketOptions;
  readonly startDay: string;
  readonly tree: CategoryTree;
  private readonly seed: number;
  private readonly store: ListingStore;
  private readonly days: DayRecord[] = [];
  private readonly snapshots: number[] = [];
  private readonly listingIds: IdCodec;
  private readonly renderer: ItemRenderer;
  private readonly results = new Map<string, Resolved>();
  private readonly foldedTitles: Array<string | undefined> = [];
  /** Relists decided but not yet published, in the order their listings vanished. */
  private pendingRelists: PendingRelist[] = [];
  /** Vanished serials that will come back as a relist (so they are not sold). */
  private readonly relistedSerials = new Set<number>();

  constructor(options: MarketOptions) {
    this.options = resolveOptions(options);
    this.startDay = options.startDay;
    this.seed = options.seed | 0;
    this.tree = categoryTree();
    this.listingIds = new IdCodec(this.seed, SALT.listingIds);
    // Room for the first month of history before the columns grow.
    this.store = new ListingStore(Math.ceil(options.listings * (1 + 30 * (this.options.dailyNewRate + 0.01))));
    this.renderer = new ItemRenderer(
      {
        seed: this.seed,
        store: this.store,
        tree: this.tree,
        listingIds: this.listingIds,
        userIds: new IdCodec(this.seed, SALT.userIds),
        imageIds: new IdCodec(this.seed, SALT.imageIds),
        sellers: Math.max(50, Math.ceil(options.listings * 0.4)),
        startSnapshot: snapshotAt(options.startDay),
      },
      (serial, day) => this.modifiedAt(serial, day),
    );
    this.buildStartDay();
  }

  /** The market on `day` (evolving forward to it when needed). Throws for days before the start. */
  day(day: string): MarketDay {
    return new MarketDay(this, day, this.dayIndexOf(day));
  }

  /** The last day evolved so far. */
  get latestDay(): string {
    return addDays(this.startDay, this.days.length - 1);
  }

  /** Bytes held by the listing columns. */
  get stateBytes(): number {
    return this.store.byteLength();
  }

  /** Listings ever created (active or not) up to the latest evolved day. */
  get listingsEverCreated(): number {
    return this.store.count;
  }

  /** The day index of `day`, after evolving up to it. */
  dayIndexOf(day: string): number {
    const index = daysBetween(this.startDay, day);
    if (index < 0) throw new RangeError(`day ${day} is before the market's start day ${this.startDay}`);
    if (index >= MAX_DAYS) throw new RangeError(`day ${day} is more than ${MAX_DAYS} days after the start day ${this.startDay}`);
    while (this.days.length <= index) this.evolve();
    return index;
  }

  snapshotOf(dayIndex: number): number {
    while (this.snapshots.length <= dayIndex) this.snapshots.push(snapshotAt(addDays(this.startDay, this.snapshots.length)));
    return this.snapshots[dayIndex]!;
  }

  /** Serial of a listing id that existed by `dayIndex`, or undefined. */
  serialOf(id: string, dayIndex: number): number | undefined {
    return this.listingIds.decode(id, this.days[dayIndex]!.serialEnd);
  }

  idOf(serial: number): string {
    return this.listingIds.encode(serial);
  }

  isActive(serial: number, dayIndex: number): boolean {
    return serial < this.days[dayIndex]!.serialEnd && this.store.isAlive(serial, dayIndex);
  }

  activeSerials(dayIndex: number): Uint32Array {
    const end = this.days[dayIndex]!.serialEnd;
    const goneDay = this.store.goneDay;
    const out = new Uint32Array(end);
    let count = 0;
    for (let serial = 0; serial < end; serial += 1) if (goneDay[serial]! > dayIndex) out[count++] = serial;
    return out.subarray(0, count);
  }

  searchItem(serial: number, dayIndex: number): SearchItem {
    return this.renderer.searchItem(serial, dayIndex);
  }

  itemDetail(serial: number, dayIndex: number): ItemDetail {
    return this.renderer.detail(serial, dayIndex);
  }

  /** Matching serials of a query on a day, in the API's order and after the order's cap. */
  resolve(dayIndex: number, query: SearchQuery): Resolved {
    const key = `${dayIndex}|${queryKey(query)}`;
    const cached = this.results.get(key);
    if (cached) {
      this.results.delete(key);
      this.results.set(key, cached);
      return cached;
    }
    const resolved = this.evaluate(dayIndex, query);
    this.results.set(key, resolved);
    if (this.results.size > RESULT_CACHE_SIZE) this.results.delete(this.results.keys().next().value!);
    return resolved;
  }

  page(dayIndex: number, query: SearchQuery, offset: number): SearchPage {
    const { serials, matching } = this.resolve(dayIndex, query);
    const end = Math.min(serials.length, offset + PAGE_SIZE);
    const items: SearchItem[] = [];
    for (let position = offset; position < end; position += 1) items.push(this.searchItem(serials[position]!, dayIndex));
    return { items, total: serials.length, matching, nextOffset: end < serials.length ? end : undefined };
  }

  changes(dayIndex: number): DayChanges {
    const record = this.days[dayIndex]!;
    const day = addDays(this.startDay, dayIndex);
    const ids = (serials: Iterable<number>) => Array.from(serials, (serial) => this.idOf(serial));
    if (dayIndex === 0) {
      return {
        day,
        previousDay: null,
        newIds: ids(this.activeSerials(0)),
        vanishedIds: [],
        priceDrops: [],
        reservedIds: [],
        unreservedIds: [],
        relisted: [],
        soldIds: [],
      };
    }
    const store = this.store;
    const newSerials: number[] = [];
    for (let serial = this.days[dayIndex - 1]!.serialEnd; serial < record.serialEnd; serial += 1) newSerials.push(serial);
    const priceDrops: PriceDrop[] = [];
    for (let entry = record.dropStart; entry < record.dropEnd; entry += 1) {
      priceDrops.push({
        id: this.idOf(store.dropSerial[entry]!),
        from: store.priceBeforeDrop(entry) / 100,
        to: store.dropPriceCents[entry]! / 100,
      });
    }
    const relisted: DayChanges['relisted'] = [];
    for (let index = 0; index < record.relists.length; index += 2) {
      const previous = record.relists[index + 1]!;
      relisted.push({ id: this.idOf(record.relists[index]!), previousId: this.idOf(previous), previousVanishedOn: addDays(this.startDay, store.goneDay[previous]!) });
    }
    return {
      day,
      previousDay: addDays(day, -1),
      newIds: ids(newSerials),
      vanishedIds: ids(record.vanished),
      priceDrops,
      reservedIds: ids(record.reserved),
      unreservedIds: ids(record.unreserved),
      relisted,
      soldIds: ids(Array.from(record.vanished).filter((serial) => !this.relistedSerials.has(serial))),
    };
  }

  /** The product a listing is (relists and twins are the product of their origin). */
  productOf(serial: number): ProductTruth {
    const node = this.tree.node(this.store.category[serial]!);
    const index = productIndexOf(this.seed, this.store.origin[serial]!, node);
    const product = node.products[index]!;
    return { key: `${node.id}#${index}`, name: product.name, categoryId: node.id, medianEur: product.medianEur };
  }

  categories(): { categories: CategoryJson[] } {
    return this.tree.toJson();
  }

  /** Latest of publication, the day's price drop, reservation and unreservation, up to `dayIndex`. */
  modifiedAt(serial: number, dayIndex: number): number {
    const store = this.store;
    let latest = store.createdAt[serial]!;
    const drop = store.dropInForce(serial, dayIndex);
    if (drop >= 0) latest = Math.max(latest, this.eventTime(serial, store.dropDay[drop]!, EVENT.drop));
    const reservedFrom = store.reservedFrom[serial]!;
    if (reservedFrom !== NEVER && reservedFrom >= 1 && reservedFrom <= dayIndex) {
      latest = Math.max(latest, this.eventTime(serial, reservedFrom, EVENT.reserve));
    }
    const reservedUntil = store.reservedUntil[serial]!;
    if (reservedUntil !== NEVER && reservedUntil <= dayIndex) latest = Math.max(latest, this.eventTime(serial, reservedUntil, EVENT.unreserve));
    if (serial < this.days[0]!.serialEnd && unitHash(this.seed, serial, SALT.initialModified) < 0.3) {
      // Some start-day listings were edited before the simulation began.
      const snapshot = this.snapshotOf(0);
      const created = store.createdAt[serial]!;
      latest = Math.max(latest, created + Math.floor(unitHash(this.seed, serial, SALT.initialModified + 1) * (snapshot - created)));
    }
    return latest;
  }

  /** The seeded instant of an event of `kind` on day index `dayIndex` (≥ 1): inside (snapshot D-1, snapshot D]. */
  private eventTime(serial: number, dayIndex: number, kind: number): number {
    const start = this.snapshotOf(dayIndex - 1);
    const length = this.snapshotOf(dayIndex) - start;
    return start + 1 + Math.floor(unitHash(this.seed ^ SALT.eventTime, serial * 8 + kind, dayIndex) * (length - 1));
  }

  /**
   * A listing's title folded for keyword matching. Titles are a pure function of the origin, so
   * they are memoised by origin: the first keyword search over a million listings generates every
   * title once (~2 s), later ones only scan (~70 MB of strings at a million listings).
   */
  private foldedTitle(serial: number): string {
    // An edited relist's title is its own (rare: not memoised).
    if (this.store.titleEdit[serial] !== 0) return foldForSearch(this.renderer.title(serial));
    const origin = this.store.origin[serial]!;
    let title = this.foldedTitles[origin];
    if (title === undefined) {
      title = foldForSearch(this.renderer.title(serial));
      this.foldedTitles[origin] = title;
    }
    return title;
  }

  /** Draws a fresh listing's category, product price, city and point from its own stream. */
  private createListing(serial: number, createdAt: number, attributes: Random): void {
    const store = this.store;
    attributes.reseed(this.seed, serial, SALT.attributes);
    const nodeIndex = this.tree.pickListingCategory(attributes);
    const node = this.tree.node(nodeIndex);
    const product = node.products[productIndexOf(this.seed, serial, node)]!;
    const priceDraw = attributes.logNormal(product.medianEur, node.sigma);
    const cityIndex = pickCityIndex(attributes);
    const point = jitteredLocation(cityIndex, attributes);
    store.origin[serial] = serial;
    store.category[serial] = nodeIndex;
    store.city[serial] = cityIndex;
    store.latitudeE5[serial] = point.latitudeE5;
    store.longitudeE5[serial] = point.longitudeE5;
    store.basePriceCents[serial] = product.medianEur > 0 ? roundPriceCents(priceDraw * 100) : 0;
    store.createdAt[serial] = createdAt;
  }

  private buildStartDay(): void {
    const { listings, dailySoldRate, dailyReserveRate, reservedSoldRate, unreserveRate } = this.options;
    const snapshot = this.snapshotOf(0);
    const random = new Random(hash3(this.seed, 0, SALT.initial));
    const attributes = new Random(0);
    const meanAgeMs = (dailySoldRate > 0 ? 1 / dailySoldRate : 30) * DAY_MS;
    const maxAgeMs = 365 * DAY_MS;
    const reservedShare = Math.min(0.5, dailyReserveRate / Math.max(1e-9, reservedSoldRate + unreserveRate));
    const first = this.store.allocate(listings);
    for (let serial = first; serial < first + listings; serial += 1) {
      let age = random.exponential(meanAgeMs);
      if (age > maxAgeMs) age = random.next() * maxAgeMs;
      this.createListing(serial, snapshot - 1 - Math.floor(age), attributes);
      if (this.isTwin(serial, first)) this.makeTwin(serial, serial - 1, snapshot - 1);
      if (random.next() < reservedShare) this.store.reservedFrom[serial] = 0;
    }
    const empty = new Uint32Array(0);
    this.days.push({ serialEnd: this.store.count, vanished: empty, reserved: empty, unreserved: empty, dropStart: 0, dropEnd: 0, relists: empty });
  }

  /** Whether `serial` is published as the twin of the listing created just before it (never the first of a batch). */
  private isTwin(serial: number, firstOfBatch: number): boolean {
    return serial > firstOfBatch && unitHash(this.seed, serial, SALT.twin) < this.options.twinRate;
  }

  /** Turns `serial` into a second unit of `of`: same text, seller, place and price, published minutes later. */
  private makeTwin(serial: number, of: number, latestCreatedAt: number): void {
    const store = this.store;
    store.origin[serial] = store.origin[of]!;
    store.category[serial] = store.category[of]!;
    store.city[serial] = store.city[of]!;
    store.latitudeE5[serial] = store.latitudeE5[of]!;
    store.longitudeE5[serial] = store.longitudeE5[of]!;
    store.basePriceCents[serial] = store.basePriceCents[of]!;
    const minutesLater = 1 + Math.floor(unitHash(this.seed, serial, SALT.twin + 1) * 30);
    store.createdAt[serial] = Math.min(latestCreatedAt, store.createdAt[of]! + minutesLater * 60_000);
  }

  /** Decides when and how a vanished listing comes back as a relist (RELIST), from its own hashes. */
  private scheduleRelist(old: number, dayIndex: number): void {
    const delayDraw = unitHash(this.seed, old, SALT.relistDelay);
    const delay = RELIST.delayCumulative.findIndex((bound) => delayDraw < bound);
    this.pendingRelists.push({ old, dueDay: dayIndex + delay });
    this.relistedSerials.add(old);
  }

  /** The relist's first price: the old listing's last price, kept, cut a little or raised a little. */
  private relistPriceCents(old: number, lastCents: number): number {
    const kind = unitHash(this.seed, old, SALT.relistPrice);
    const amount = unitHash(this.seed, old, SALT.relistPrice + 1);
    if (lastCents === 0 || kind < RELIST.priceCumulative[0]) return lastCents;
    const factor = kind < RELIST.priceCumulative[1] ? 1 - (0.02 + 0.13 * amount) : 1 + (0.02 + 0.08 * amount);
    return roundPriceCents(lastCents * factor);
  }

  private evolve(): void {
    const dayIndex = this.days.length;
    const previous = this.days[dayIndex - 1]!;
    const options = this.options;
    const store = this.store;
    const random = new Random(hash3(this.seed, dayIndex, SALT.day));
    const windowStart = this.snapshotOf(dayIndex - 1);
    const windowEnd = this.snapshotOf(dayIndex);
    const windowLength = windowEnd - windowStart;
    const vanished: number[] = [];
    const reserved: number[] = [];
    const unreserved: number[] = [];
    const dropStart = store.dropCount;
    const reserveBelow = options.dailySoldRate + options.dailyReserveRate;
    const dropBelow = reserveBelow + options.dailyPriceDropRate;
    let alive = 0;

    for (let serial = 0; serial < previous.serialEnd; serial += 1) {
      if (store.goneDay[serial]! < dayIndex) continue;
      const draw = random.next();
      let gone = false;
      if (store.isReserved(serial, dayIndex - 1)) {
        if (draw < options.reservedSoldRate) gone = true;
        else if (draw < options.reservedSoldRate + options.unreserveRate) {
          store.reservedUntil[serial] = dayIndex;
          unreserved.push(serial);
        }
      } else if (draw < options.dailySoldRate) {
        gone = true;
      } else if (draw < reserveBelow) {
        if (store.reservedFrom[serial] === NEVER) {
          store.reservedFrom[serial] = dayIndex;
          reserved.push(serial);
        }
      } else if (draw < dropBelow) {
        const current = store.priceCents(serial, dayIndex - 1);
        const dropped = roundPriceCents(current * (1 - random.uniform(0.05, 0.3)));
        if (dropped > 0 && dropped < current) store.addDrop(serial, dayIndex, dropped);
      }
      if (gone) {
        store.goneDay[serial] = dayIndex;
        vanished.push(serial);
        if (random.next() < options.relistRate) this.scheduleRelist(serial, dayIndex);
      } else {
        alive += 1;
      }
    }

    const due = this.pendingRelists.filter((relist) => relist.dueDay === dayIndex);
    this.pendingRelists = this.pendingRelists.filter((relist) => relist.dueDay !== dayIndex);
    const expectedNew = Math.max(0, options.dailyNewRate * options.listings + 0.2 * (options.listings - alive));
    const newCount = Math.round(expectedNew * random.uniform(0.9, 1.1));
    const firstNew = store.allocate(newCount + due.length);
    const attributes = new Random(0);
    for (let serial = firstNew; serial < firstNew + newCount; serial += 1) {
      this.createListing(serial, windowStart + 1 + Math.floor(random.next() * (windowLength - 1)), attributes);
      if (this.isTwin(serial, firstNew)) this.makeTwin(serial, serial - 1, windowEnd);
    }
    const relists = new Uint32Array(due.length * 2);
    due.forEach(({ old }, index) => {
      const serial = firstNew + newCount + index;
      const goneDay = store.goneDay[old]!;
      // Re-published after it was deleted: the same day (after the deletion), or within a later day.
      const after = goneDay === dayIndex ? this.eventTime(old, dayIndex, EVENT.gone) : windowStart + 1;
      store.origin[serial] = store.origin[old]!;
      store.category[serial] = store.category[old]!;
      store.city[serial] = store.city[old]!;
      store.latitudeE5[serial] = store.latitudeE5[old]!;
      store.longitudeE5[serial] = store.longitudeE5[old]!;
      store.basePriceCents[serial] = this.relistPriceCents(old, store.priceCents(old, goneDay - 1));
      store.createdAt[serial] = after + Math.floor(random.next() * (windowEnd - after));
      if (unitHash(this.seed, old, SALT.relistTitle) < RELIST.titleEditRate) {
        store.titleEdit[serial] = 1 + Math.floor(unitHash(this.seed, old, SALT.relistTitle + 1) * TITLE_EDITS);
      }
      relists[index * 2] = serial;
      relists[index * 2 + 1] = old;
    });

    this.days.push({
      serialEnd: store.count,
      vanished: Uint32Array.from(vanished),
      reserved: Uint32Array.from(reserved),
      unreserved: Uint32Array.from(unreserved),
      dropStart,
      dropEnd: store.dropCount,
      relists,
    });
  }

  private evaluate(dayIndex: number, query: SearchQuery): Resolved {
    const { latitude, longitude } = query;
    if (latitude === undefined || longitude === undefined) return EMPTY_RESOLVED;
    let categoryStart = 0;
    let categoryEnd = Number.MAX_SAFE_INTEGER;
    if (query.categoryId !== undefined) {
      const node = this.tree.byCategoryId(query.categoryId);
      if (!node) return EMPTY_RESOLVED;
      categoryStart = node.index;
      categoryEnd = node.subtreeEnd;
    }
    const store = this.store;
    const end = this.days[dayIndex]!.serialEnd;
    const snapshot = this.snapshotOf(dayIndex);
    const createdAfter = query.timeFilter ? snapshot - TIME_FILTERS[query.timeFilter] * DAY_MS : -Infinity;
    const minCents = query.minPrice !== undefined ? Math.round(query.minPrice * 100) : -1;
    const maxCents = query.maxPrice !== undefined ? Math.round(query.maxPrice * 100) : Infinity;
    const hasPriceFilter = minCents > 0 || maxCents !== Infinity;
    const tokens = query.keywordTokens;

    // A degree of latitude is at least 111.19 km along any great circle, so a latitude band rules
    // most listings out before any trigonometry; the rest are measured exactly as clients would.
    const latitudeBandE5 = Math.ceil((query.distanceKm / 111.19) * 1e5) + 2;
    const centreLatitudeE5 = Math.round(latitude * 1e5);

    const matches: number[] = [];
    const distances: number[] = [];
    for (let serial = 0; serial < end; serial += 1) {
      if (store.goneDay[serial]! <= dayIndex) continue;
      if (store.createdAt[serial]! <= createdAfter) continue;
      const category = store.category[serial]!;
      if (category < categoryStart || category >= categoryEnd) continue;
      if (Math.abs(store.latitudeE5[serial]! - centreLatitudeE5) > latitudeBandE5) continue;
      const km = haversineKm(latitude, longitude, store.latitudeE5[serial]! / 1e5, store.longitudeE5[serial]! / 1e5);
      if (km > query.distanceKm) continue;
      if (hasPriceFilter) {
        const cents = store.priceCents(serial, dayIndex);
        if (cents < minCents || cents > maxCents) continue;
      }
      if (tokens.length > 0) {
        const title = this.foldedTitle(serial);
        if (!tokens.every((token) => title.includes(token))) continue;
      }
      matches.push(serial);
      if (query.orderBy === 'closest') distances.push(km);
    }

    const order = this.sortOrder(matches, distances, query, dayIndex);
    const cap = this.options.resultCaps[query.orderBy];
    const capped = cap !== undefined && order.length > cap ? order.subarray(0, cap) : order;
    return { serials: capped, matching: matches.length };
  }

  private sortOrder(matches: number[], distances: number[], query: SearchQuery, dayIndex: number): Uint32Array {
    const store = this.store;
    const positions = Uint32Array.from(matches.keys());
    const createdAt = Float64Array.from(matches, (serial) => store.createdAt[serial]!);
    let primary: Float64Array | undefined;
    switch (query.orderBy) {
      case 'price_low_to_high':
        primary = Float64Array.from(matches, (serial) => store.priceCents(serial, dayIndex));
        break;
      case 'price_high_to_low':
        primary = Float64Array.from(matches, (serial) => -store.priceCents(serial, dayIndex));
        break;
      case 'closest':
        primary = Float64Array.from(distances);
        break;
      case 'most_relevance': {
        const salt = hashString(queryKey(query)) ^ SALT.relevance;
        primary = Float64Array.from(matches, (serial) => hash3(this.seed, serial, salt));
        break;
      }
      case 'newest':
        break;
    }
    // Ties fall back to newest first, then to the id, so every order is total and reproducible.
    positions.sort((a, b) => {
      if (primary && primary[a] !== primary[b]) return primary[a]! - primary[b]!;
      if (createdAt[a] !== createdAt[b]) return createdAt[b]! - createdAt[a]!;
      const idA = this.idOf(matches[a]!);
      const idB = this.idOf(matches[b]!);
      return idA < idB ? -1 : idA > idB ? 1 : 0;
    });
    return Uint32Array.from(positions, (position) => matches[position]!);
  }
}

/** The market as of one day's snapshot: the ground truth the simulator's API serves. */
export class MarketDay {
  readonly snapshotAt: number;

  constructor(
    readonly market: Market,
    readonly day: string,
    readonly dayIndex: number,
  ) {
    this.snapshotAt = market.snapshotOf(dayIndex);
  }

  /** Ids of every listing on sale or reserved on this day, in creation order. */
  activeIds(): string[] {
    return Array.from(this.market.activeSerials(this.dayIndex), (serial) => this.market.idOf(serial));
  }

  activeCount(): number {
    return this.market.activeSerials(this.dayIndex).length;
  }

  /** The search item the API serves for `id` today, or undefined when the listing is not active. */
  item(id: string): SearchItem | undefined {
    const serial = this.market.serialOf(id, this.dayIndex);
    return serial !== undefined && this.market.isActive(serial, this.dayIndex) ? this.market.searchItem(serial, this.dayIndex) : undefined;
  }

  /** What `GET /api/v3/items/{id}` serves today, or undefined (a 404) once the listing is gone. */
  detail(id: string): ItemDetail | undefined {
    const serial = this.market.serialOf(id, this.dayIndex);
    return serial !== undefined && this.market.isActive(serial, this.dayIndex) ? this.market.itemDetail(serial, this.dayIndex) : undefined;
  }

  /** Ids a search returns, in the API's order, over all its pages. Throws QueryError where the API answers 400. */
  match(query: SearchParamsInput | SearchQuery): string[] {
    const parsed = isParsedQuery(query) ? query : parseSearchQuery(query);
    return Array.from(this.market.resolve(this.dayIndex, parsed).serials, (serial) => this.market.idOf(serial));
  }

  /** One page (40 items from `offset`) of a search. */
  page(query: SearchQuery, offset: number): SearchPage {
    return this.market.page(this.dayIndex, query, offset);
  }

  /** The product an active listing is, with that product's median price; undefined when it is not active. */
  product(id: string): ProductTruth | undefined {
    const serial = this.market.serialOf(id, this.dayIndex);
    return serial !== undefined && this.market.isActive(serial, this.dayIndex) ? this.market.productOf(serial) : undefined;
  }

  /** What changed since the previous day (on the start day, every active listing counts as new). */
  changes(): DayChanges {
    return this.market.changes(this.dayIndex);
  }

  categories(): { categories: CategoryJson[] } {
    return this.market.categories();
  }
}

function isParsedQuery(query: SearchParamsInput | SearchQuery): query is SearchQuery {
  return !(query instanceof URLSearchParams) && Array.isArray((query as SearchQuery).keywordTokens);
}

export function createMarket(options: MarketOptions): Market {
  return new Market(options);
}
