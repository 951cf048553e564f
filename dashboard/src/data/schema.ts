/**
 * Runtime schemas of the dashboard's input (the gold JSON under `gold/dashboard/`), mirroring the
 * types of shared/gold/dashboard.ts and, for the optional `alerts.json`, `AlertsWindow` of
 * shared/alerts/alert.ts. The types stay the source of truth: the assertions at the
 * bottom fail the type check when the two drift apart. Objects accept unknown keys, so gold may add
 * fields without breaking a deployed dashboard build.
 */
import * as v from 'valibot';
import type { AlertsWindow } from '../../../shared/alerts/alert.ts';
import type { DashboardDay, DashboardSeries } from '../../../shared/gold/dashboard.ts';
import type { ListingHistories } from '../../../shared/gold/histories.ts';

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const Day = v.pipe(v.string(), v.regex(DAY_PATTERN, 'must be a day written YYYY-MM-DD'));
const Count = v.pipe(v.number(), v.integer('must be an integer'), v.minValue(0, 'must not be negative'));
const FiniteNumber = v.pipe(v.number(), v.finite('must be a finite number'));
const MaybeNumber = v.nullable(FiniteNumber);
const MaybeString = v.nullable(v.string());

const Outcome = v.picklist(['complete', 'page-cap', 'empty', 'blocked', 'failed', 'filter-ignored', 'drifted']);
const Flag = v.picklist(['failed', 'blocked', 'empty', 'page-cap', 'filter-ignored', 'drifted', 'pages-quarantined', 'sudden-drop', 'silver-gold-mismatch']);

const kpiEntries = {
  activeListings: Count,
  seenListings: Count,
  newListings: Count,
  vanishedListings: Count,
  soldListings: Count,
  relistedListings: Count,
  untrackedListings: Count,
  reappearedListings: Count,
  reservedShare: MaybeNumber,
  shippableShare: MaybeNumber,
  priceMin: MaybeNumber,
  priceMax: MaybeNumber,
  priceMean: MaybeNumber,
  priceP10: MaybeNumber,
  priceP25: MaybeNumber,
  priceP50: MaybeNumber,
  priceP75: MaybeNumber,
  priceP90: MaybeNumber,
  priceDropCount: Count,
  priceDropMedianPct: MaybeNumber,
  daysOnMarketMedian: MaybeNumber,
  soldPriceP25: MaybeNumber,
  soldPriceP50: MaybeNumber,
  soldPriceP75: MaybeNumber,
  sellThrough: MaybeNumber,
  daysToSellMedian: MaybeNumber,
  soldBelowFair: Count,
  soldNearFair: Count,
  soldAboveFair: Count,
  daysToSellBelowFair: MaybeNumber,
  daysToSellNearFair: MaybeNumber,
  daysToSellAboveFair: MaybeNumber,
};

export const KpisSchema = v.object(kpiEntries);
const CategoryKpisSchema = v.object({ ...kpiEntries, categoryId: v.nullable(v.number()), categoryName: MaybeString });
const RegionKpisSchema = v.object({ ...kpiEntries, region: MaybeString });
const ProvinceKpisSchema = v.object({ ...kpiEntries, region: MaybeString, province: MaybeString });
const CityKpisSchema = v.object({ ...kpiEntries, region: MaybeString, city: MaybeString });
const SearchKpisSchema = v.object({ ...kpiEntries, searchSlug: v.string(), outcome: Outcome, snapshotComplete: v.boolean() });

const ListingCardSchema = v.object({
  listingId: v.string(),
  title: MaybeString,
  price: FiniteNumber,
  priceBeforeChange: MaybeNumber,
  priceChangedOn: v.nullable(Day),
  priceDropPct: MaybeNumber,
  // Absent in day files written before it was carried.
  priceChangeCount: v.optional(v.nullable(Count), null),
  firstPrice: FiniteNumber,
  minPrice: FiniteNumber,
  currency: MaybeString,
  status: v.picklist(['active', 'vanished', 'relisted', 'untracked']),
  firstSeenDay: Day,
  lastSeenDay: Day,
  vanishedOn: v.nullable(Day),
  daysOnMarket: MaybeNumber,
  daysListed: FiniteNumber,
  createdAt: MaybeString,
  isReserved: v.nullable(v.boolean()),
  isShippable: v.nullable(v.boolean()),
  categoryId: v.nullable(v.number()),
  categoryName: MaybeString,
  region: MaybeString,
  city: MaybeString,
  listingUrl: MaybeString,
  imageUrl: MaybeString,
  searches: v.array(v.string()),
  sellerId: MaybeString,
  itemId: v.string(),
  relistedFrom: MaybeString,
  fairPrice: MaybeNumber,
  fairPriceGroup: MaybeString,
  comparables: Count,
  // Absent in day files written before provinces.
  province: v.optional(MaybeString, null),
  listedPreviousPrice: v.optional(MaybeNumber, null),
});

const ListingListsSchema = v.object({
  deals: v.array(v.object({ listingId: v.string(), price: FiniteNumber, referencePrice: FiniteNumber, priceToReference: FiniteNumber, comparables: v.nullable(Count) })),
  priceDrops: v.array(v.object({ listingId: v.string(), price: FiniteNumber, previousPrice: FiniteNumber, dropPct: FiniteNumber })),
  newest: v.array(v.object({ listingId: v.string(), createdAt: MaybeString })),
  vanished: v.array(v.object({ listingId: v.string(), lastPrice: FiniteNumber, daysOnMarket: FiniteNumber })),
});

const SearchQualitySchema = v.object({
  searchSlug: v.string(),
  outcome: Outcome,
  snapshotComplete: v.boolean(),
  marksVanished: v.boolean(),
  bronzePages: Count,
  bronzeItems: Count,
  estimatedTotal: v.nullable(v.number()),
  extractErrors: Count,
  pagesQuarantined: Count,
  itemsQuarantined: Count,
  duplicatesCollapsed: Count,
  silverRows: Count,
  goldRowsRead: Count,
  listingsSeen: Count,
  listingsSeenPreviousDay: v.nullable(Count),
  changePct: MaybeNumber,
  flags: v.array(Flag),
  driftSymptoms: v.optional(v.array(v.string())),
});

const DataQualitySchema = v.object({
  qualityVersion: v.literal(1),
  day: Day,
  previousDay: v.nullable(Day),
  gapDays: Count,
  unfinishedDays: v.array(Day),
  isFirstDay: v.boolean(),
  shardCount: Count,
  stages: v.object({
    bronzePages: Count,
    bronzeItems: Count,
    pagesQuarantined: Count,
    itemsQuarantined: Count,
    duplicatesCollapsed: Count,
    silverRows: Count,
    listingsSeen: Count,
    stateRows: Count,
    activeListings: Count,
  }),
  searches: v.array(SearchQualitySchema),
  alerts: v.array(v.object({ searchSlug: v.string(), flag: Flag, message: v.string() })),
  thresholds: v.object({ suddenDropRatio: FiniteNumber, suddenDropMinPrevious: FiniteNumber }),
});

export const DashboardDaySchema = v.object({
  schemaVersion: v.literal(2),
  day: Day,
  previousDay: v.nullable(Day),
  isFirstDay: v.boolean(),
  sketch: v.object({ algorithm: v.literal('DDSketch'), relativeAccuracy: FiniteNumber }),
  settings: v.object({
    topN: Count,
    dealRule: v.picklist(['comparables', 'category-median']),
    dealMaxPriceToFair: FiniteNumber,
    dealMinComparables: Count,
    dealMaxPriceToMedian: FiniteNumber,
    dealMinPrice: FiniteNumber,
    minComparables: Count,
  }),
  overall: KpisSchema,
  categories: v.array(CategoryKpisSchema),
  regions: v.array(RegionKpisSchema),
  provinces: v.optional(v.array(ProvinceKpisSchema)),
  cities: v.array(CityKpisSchema),
  searches: v.array(SearchKpisSchema),
  lists: v.object({
    overall: ListingListsSchema,
    categories: v.record(v.string(), ListingListsSchema),
    searches: v.record(v.string(), ListingListsSchema),
  }),
  listings: v.record(v.string(), ListingCardSchema),
  quality: DataQualitySchema,
  staleHistory: v.optional(v.object({ since: Day, reason: v.string() })),
});

const Column = v.array(v.nullable(FiniteNumber));
/** One column per metric of SERIES_METRICS (the type assertions below catch a metric added to one only). */
const SeriesColumnsSchema = v.object({
  activeListings: Column,
  seenListings: Column,
  newListings: Column,
  vanishedListings: Column,
  soldListings: Column,
  relistedListings: Column,
  reservedShare: Column,
  shippableShare: Column,
  priceMean: Column,
  priceP10: Column,
  priceP25: Column,
  priceP50: Column,
  priceP75: Column,
  priceP90: Column,
  priceDropCount: Column,
  priceDropMedianPct: Column,
  daysOnMarketMedian: Column,
  soldPriceP25: Column,
  soldPriceP50: Column,
  soldPriceP75: Column,
  sellThrough: Column,
  daysToSellMedian: Column,
});

export const DashboardSeriesSchema = v.object({
  schemaVersion: v.literal(2),
  firstDay: Day,
  lastDay: Day,
  days: v.array(Day),
  overall: SeriesColumnsSchema,
  categories: v.record(v.string(), v.object({ categoryId: v.nullable(v.number()), categoryName: MaybeString, metrics: SeriesColumnsSchema })),
  regions: v.record(v.string(), v.object({ region: MaybeString, metrics: SeriesColumnsSchema })),
  provinces: v.optional(v.record(v.string(), v.object({ region: MaybeString, province: MaybeString, metrics: SeriesColumnsSchema }))),
  searches: v.record(v.string(), v.object({ searchSlug: v.string(), metrics: SeriesColumnsSchema })),
});

/** One alert of `gold/dashboard/alerts.json` (`Alert` in shared/alerts/alert.ts). */
const AlertSchema = v.object({
  alertId: v.string(),
  day: Day,
  searchSlug: v.string(),
  ruleId: v.string(),
  kind: v.picklist(['new-under-price', 'price-drop', 'deal', 'reserved', 'vanished']),
  listingId: v.string(),
  title: MaybeString,
  price: FiniteNumber,
  currency: MaybeString,
  previousPrice: MaybeNumber,
  dropPct: MaybeNumber,
  peer: v.nullable(v.picklist(['comparables', 'search', 'category'])),
  peerMedian: MaybeNumber,
  priceToMedian: MaybeNumber,
  comparables: v.optional(v.nullable(Count)),
  daysOnMarket: MaybeNumber,
  categoryId: v.nullable(v.number()),
  categoryName: MaybeString,
  region: MaybeString,
  city: MaybeString,
  listingUrl: MaybeString,
  imageUrl: MaybeString,
  summary: v.string(),
});

/** `gold/dashboard/alerts.json`: the alerts of the 30 days through the newest evaluated day. */
export const AlertsWindowSchema = v.object({
  schemaVersion: v.literal(1),
  day: Day,
  fromDay: Day,
  windowDays: v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'must be at least 1')),
  days: v.array(v.object({ day: Day, count: Count })),
  alerts: v.array(AlertSchema),
});

const Status = v.picklist(['active', 'vanished', 'relisted', 'untracked']);

/** `gold/dashboard/histories.json`: the price and status paths of the listings with a page. */
export const ListingHistoriesSchema = v.object({
  schemaVersion: v.literal(1),
  day: Day,
  retentionDays: Count,
  listings: v.record(
    v.string(),
    v.object({
      prices: v.array(v.tuple([Day, FiniteNumber])),
      priceChanges: Count,
      statuses: v.array(v.tuple([Day, Status, v.nullable(v.boolean())])),
      lastListed: Day,
    }),
  ),
});

// The schemas and the pipeline's types must describe the same JSON (both directions).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const dayMatches: Same<v.InferOutput<typeof DashboardDaySchema>, DashboardDay> = true;
const seriesMatches: Same<v.InferOutput<typeof DashboardSeriesSchema>, DashboardSeries> = true;
const alertsMatches: Same<v.InferOutput<typeof AlertsWindowSchema>, AlertsWindow> = true;
const historiesMatch: Same<v.InferOutput<typeof ListingHistoriesSchema>, ListingHistories> = true;
void historiesMatch;
void dayMatches;
void seriesMatches;
void alertsMatches;
