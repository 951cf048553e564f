import type { ExtractOutcome } from '../lake/bronze.ts';
import type { Day } from '../lake/keys.ts';
import type { DealRule } from './options.ts';
import type { ListingStatus } from './state.ts';

/**
 * The dashboard's input: the JSON files the fan-in writes under `gold/dashboard/`. The dashboard
 * imports these types; docs/gold.md describes every field. Money is in euros (the `currency` the
 * API reports, EUR on es.wallapop.com); prices and medians are rounded to cents, shares to 4
 * decimals, percentages to 2. `null` means "no data" (no listing to measure, or a day without a
 * run), never zero.
 *
 *   gold/dashboard/latest.json        DashboardDay of the newest published day
 *   gold/dashboard/series.json        DashboardSeries through the newest published day
 *   gold/dashboard/days/dt=D.json     DashboardDay of day D (kept for every day)
 *   gold/dashboard/series/dt=D.json   DashboardSeries through day D
 */

/** 2: sold, relisted and untracked listings, sold prices, time to sell, fair prices and comparables. */
export const DASHBOARD_SCHEMA_VERSION = 2;

/** The market figures of one group (a category, region, city, search or the whole market) on one day. */
export interface Kpis {
  /** Listings tracked as active at the end of the day: seen today, or not seen but not proven gone. */
  activeListings: number;
  /** Listings some search returned today. Prices, shares and drops describe these. */
  seenListings: number;
  /** Listings first seen today, relists excluded (on the first gold day: every listing, see `DashboardDay.isFirstDay`). */
  newListings: number;
  /** Listings found missing today by a complete search that could still see them: soldListings + those re-published today. */
  vanishedListings: number;
  /** Vanished and not re-published by their seller: likely sold. */
  soldListings: number;
  /** Listings their seller re-published today under a new id (counted once, as the same item: neither sold nor new). */
  relistedListings: number;
  /** Listings no configured search can see any more (search removed, aged out of its time window or price range): they leave the active count. */
  untrackedListings: number;
  /** Listings that were vanished, relisted or untracked and a search returned again today. */
  reappearedListings: number;
  /** Share of today's seen listings marked reserved / shippable (0…1). */
  reservedShare: number | null;
  shippableShare: number | null;
  /** Exact, over today's asking prices. */
  priceMin: number | null;
  priceMax: number | null;
  priceMean: number | null;
  /** From the price sketch: within ±1 % of an asking price of that rank. */
  priceP10: number | null;
  priceP25: number | null;
  priceP50: number | null;
  priceP75: number | null;
  priceP90: number | null;
  /** Listings whose price today is lower than at their previous observation. */
  priceDropCount: number;
  /** Median size of those drops, in percent of the previous price (sketch, ±1 %). */
  priceDropMedianPct: number | null;
  /** Median of vanished_on − first_seen_day over today's vanished listings, in days (exact, lower median). */
  daysOnMarketMedian: number | null;
  /** Last asking prices of today's sold listings: what things sell for (sketch, ±1 %). */
  soldPriceP25: number | null;
  soldPriceP50: number | null;
  soldPriceP75: number | null;
  /** soldListings / activeListings: the share of the market that sold today. */
  sellThrough: number | null;
  /** Median days on market of today's sold listings, across relists (exact, lower median). */
  daysToSellMedian: number | null;
  /** Sold listings whose last price was below (< 0.9×), near or above (> 1.1×) their fair price, and their median days to sell. */
  soldBelowFair: number;
  soldNearFair: number;
  soldAboveFair: number;
  daysToSellBelowFair: number | null;
  daysToSellNearFair: number | null;
  daysToSellAboveFair: number | null;
}

export interface CategoryKpis extends Kpis {
  /** null: listings without a category id. */
  categoryId: number | null;
  categoryName: string | null;
}

export interface RegionKpis extends Kpis {
  region: string | null;
}

export interface ProvinceKpis extends Kpis {
  region: string | null;
  province: string | null;
}

export interface CityKpis extends Kpis {
  region: string | null;
  city: string | null;
}

export interface SearchKpis extends Kpis {
  searchSlug: string;
  /** How today's extraction ended; only `complete` searches can mark listings vanished. */
  outcome: ExtractOutcome;
  snapshotComplete: boolean;
}

/**
 * What a listing is and where, as every reader shows it (a dashboard card, an alert). Titles and
 * URLs are untrusted user text: escape them.
 */
export interface ListingFacts {
  listingId: string;
  title: string | null;
  currency: string | null;
  categoryId: number | null;
  categoryName: string | null;
  region: string | null;
  city: string | null;
  listingUrl: string | null;
  imageUrl: string | null;
}

/** A listing as the dashboard shows it. Titles and URLs are untrusted user text: escape them. */
export interface ListingCard extends ListingFacts {
  /** Today's (or the last seen) asking price. */
  price: number;
  /** Price before the most recent change, and the day of that change; null if it never changed. */
  priceBeforeChange: number | null;
  priceChangedOn: Day | null;
  /** Days on which the price changed (price_change_count); null in day files written before it was carried. */
  priceChangeCount: number | null;
  /** Percent the price dropped today versus the previous observation; null if it did not drop today. */
  priceDropPct: number | null;
  firstPrice: number;
  minPrice: number;
  status: ListingStatus;
  firstSeenDay: Day;
  lastSeenDay: Day;
  vanishedOn: Day | null;
  daysOnMarket: number | null;
  /** Days since first seen, as of the day of the file. */
  daysListed: number;
  /** Publication time from the API (ISO-8601 UTC). */
  createdAt: string | null;
  isReserved: boolean | null;
  isShippable: boolean | null;
  searches: string[];
  sellerId: string | null;
  /** The item across relists (the first listing of its chain) and the listing this one re-publishes. */
  itemId: string;
  relistedFrom: string | null;
  /** Median asking price of its comparables on the previous gold day; null without enough of them. */
  fairPrice: number | null;
  /** The comparable group it comes from, and how many listings it is the median of. */
  fairPriceGroup: string | null;
  comparables: number;
  /** Province (location.region2); null when unknown. */
  province: string | null;
  /** The listing's own "was" price as Wallapop shows it (before the seller's latest reduction); null without one. */
  listedPreviousPrice: number | null;
}

export interface DealEntry {
  listingId: string;
  price: number;
  /** What the deal is judged against: its fair price ('comparables' rule) or its category's or search's median ('category-median'). */
  referencePrice: number;
  /** price / referencePrice (at most 0.6 by default). */
  priceToReference: number;
  /** Listings the fair price is the median of ('comparables'); null under 'category-median'. */
  comparables: number | null;
}

export interface PriceDropEntry {
  listingId: string;
  price: number;
  previousPrice: number;
  dropPct: number;
}

export interface NewestEntry {
  listingId: string;
  createdAt: string | null;
}

export interface VanishedEntry {
  listingId: string;
  lastPrice: number;
  daysOnMarket: number;
}

/** The four lists of one group, each in rank order (rank 1 first), at most N long. */
export interface ListingLists {
  deals: DealEntry[];
  priceDrops: PriceDropEntry[];
  newest: NewestEntry[];
  vanished: VanishedEntry[];
}

export type QualityFlag =
  | 'failed' // the extraction ended in an error
  | 'blocked' // Wallapop blocked the extraction (403s)
  | 'empty' // HTTP 200 with zero items: suspicious, never "no market"
  | 'page-cap' // stopped at the page cap: the snapshot is partial
  | 'filter-ignored' // the API ignored a filter of the search: not the market asked for
  | 'drifted' // the API's answers changed shape: the snapshot may be partial
  | 'pages-quarantined' // some bronze pages were unreadable: the snapshot is partial
  | 'sudden-drop' // far fewer listings than the previous day
  | 'silver-gold-mismatch'; // gold read a different number of silver rows than silver wrote

export interface SearchQuality {
  searchSlug: string;
  outcome: ExtractOutcome;
  snapshotComplete: boolean;
  /** Only searches with a complete snapshot can mark listings vanished. */
  marksVanished: boolean;
  bronzePages: number;
  bronzeItems: number;
  /** The API's own estimate of the total, when it gave one. */
  estimatedTotal: number | null;
  extractErrors: number;
  pagesQuarantined: number;
  itemsQuarantined: number;
  duplicatesCollapsed: number;
  /** Rows silver wrote for the search (one per listing) and rows gold read from those files. */
  silverRows: number;
  goldRowsRead: number;
  /** Listings the search returned today and on the previous gold day (null on the first day or if it did not run). */
  listingsSeen: number;
  listingsSeenPreviousDay: number | null;
  /** (today − previous) / previous × 100. */
  changePct: number | null;
  flags: QualityFlag[];
  /** What the drift check found (one sentence each; shared/wallapop/drift.ts); absent before the check existed. */
  driftSymptoms?: string[];
}

/** The data-quality record of one day (also written alone at `gold/quality/dt=D.json`). */
export interface DataQuality {
  qualityVersion: 1;
  day: Day;
  previousDay: Day | null;
  /** Calendar days between the previous gold day and this one without gold (0 when consecutive). */
  gapDays: number;
  /** Planned days (a run plan exists) in that gap whose gold never completed. */
  unfinishedDays: Day[];
  isFirstDay: boolean;
  shardCount: number;
  /** Rows at each stage, summed over searches. */
  stages: {
    bronzePages: number;
    bronzeItems: number;
    pagesQuarantined: number;
    itemsQuarantined: number;
    duplicatesCollapsed: number;
    silverRows: number;
    /** Distinct listings seen today (a listing returned by two searches counts once). */
    listingsSeen: number;
    /** Rows of the day's state: active plus recently vanished listings. */
    stateRows: number;
    activeListings: number;
  };
  searches: SearchQuality[];
  /** One line per flagged search, for a banner. */
  alerts: Array<{ searchSlug: string; flag: QualityFlag; message: string }>;
  thresholds: { suddenDropRatio: number; suddenDropMinPrevious: number };
}

/** Everything about one day. */
export interface DashboardDay {
  schemaVersion: typeof DASHBOARD_SCHEMA_VERSION;
  day: Day;
  previousDay: Day | null;
  /** The first gold day: every listing is "new" (a baseline), nothing can have vanished. */
  isFirstDay: boolean;
  sketch: { algorithm: 'DDSketch'; relativeAccuracy: number };
  /** Length of the market-wide and per-search lists (per-category lists are shorter: docs/gold.md) and the deal rule. */
  settings: {
    topN: number;
    dealRule: DealRule;
    dealMaxPriceToFair: number;
    dealMinComparables: number;
    dealMaxPriceToMedian: number;
    dealMinPrice: number;
    minComparables: number;
  };
  overall: Kpis;
  /** Sorted by activeListings descending, then key. */
  categories: CategoryKpis[];
  regions: RegionKpis[];
  /** Absent in day files written before provinces (schema 2 files of earlier releases). */
  provinces?: ProvinceKpis[];
  cities: CityKpis[];
  /** Every planned search, in slug order, including those that returned nothing. */
  searches: SearchKpis[];
  lists: {
    overall: ListingLists;
    /** Keyed by category id (`""` for listings without one). */
    categories: Record<string, ListingLists>;
    /** Keyed by search slug. */
    searches: Record<string, ListingLists>;
  };
  /** Every listing the lists refer to. */
  listings: Record<string, ListingCard>;
  quality: DataQuality;
  /**
   * Only in `latest.json`, and only while an earlier day has been recomputed since this one was:
   * the first day whose history no longer holds (backfill from it) and why. The day file
   * `days/dt=D.json` never carries it.
   */
  staleHistory?: { since: Day; reason: string };
}

/** The metrics kept for every day in the series (a subset of Kpis: the charted ones). */
export const SERIES_METRICS = [
  'activeListings',
  'seenListings',
  'newListings',
  'vanishedListings',
  'soldListings',
  'relistedListings',
  'reservedShare',
  'shippableShare',
  'priceMean',
  'priceP10',
  'priceP25',
  'priceP50',
  'priceP75',
  'priceP90',
  'priceDropCount',
  'priceDropMedianPct',
  'daysOnMarketMedian',
  'soldPriceP25',
  'soldPriceP50',
  'soldPriceP75',
  'sellThrough',
  'daysToSellMedian',
] as const satisfies ReadonlyArray<keyof Kpis>;
export type SeriesMetric = (typeof SERIES_METRICS)[number];

/** One value per day of `DashboardSeries.days`; null for a day without data for the group. */
export type SeriesColumns = Record<SeriesMetric, Array<number | null>>;

/**
 * Every daily KPI since the first gold day, column-wise: `days[i]` is the day of every metric's
 * `[i]`. Days are consecutive calendar days; a day without a run is a column of nulls.
 * Cities are left out (thousands of them: the day files have their latest figures).
 */
export interface DashboardSeries {
  schemaVersion: typeof DASHBOARD_SCHEMA_VERSION;
  firstDay: Day;
  lastDay: Day;
  days: Day[];
  overall: SeriesColumns;
  /** Keyed by category id (`""` without one); `name` is the latest known. */
  categories: Record<string, { categoryId: number | null; categoryName: string | null; metrics: SeriesColumns }>;
  regions: Record<string, { region: string | null; metrics: SeriesColumns }>;
  /** Keyed like the gold groups (JSON [region, province]); absent in series written before provinces. */
  provinces?: Record<string, { region: string | null; province: string | null; metrics: SeriesColumns }>;
  searches: Record<string, { searchSlug: string; metrics: SeriesColumns }>;
}
