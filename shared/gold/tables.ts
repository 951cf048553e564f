import type { DecodedArray } from 'hyparquet';
import type { Day, GoldTable } from '../lake/keys.ts';
import { COMPARABLE_COLUMNS, writeComparableTable, type ComparableRow } from './comparable-table.ts';
import type { Kpis, ListingCard } from './dashboard.ts';
import { columnExtractor } from '../lake/columns.ts';
import { dayNumber } from '../lake/days.ts';
import { writeColumns, type GoldColumnSpec } from './parquet.ts';
import type { DayFigures } from './day-figures.ts';

/**
 * The gold tables: one Parquet file per table per day (`gold/tables/<table>/dt=D/part-0.parquet`),
 * figures unrounded. Column lists are the data dictionary's source (docs/gold.md).
 */

export const KPI_COLUMNS = [
  { name: 'active_listings', kind: 'INT32', nullable: false, description: 'Listings active at the end of the day (seen today, or not proven gone).' },
  { name: 'seen_listings', kind: 'INT32', nullable: false, description: 'Listings a search returned today; the price and share columns describe these.' },
  { name: 'new_listings', kind: 'INT32', nullable: false, description: 'Listings first seen today, relists excluded.' },
  { name: 'vanished_listings', kind: 'INT32', nullable: false, description: 'Listings found missing today by a complete search that could still see them: sold_listings plus those re-published today.' },
  { name: 'reappeared_listings', kind: 'INT32', nullable: false, description: 'Vanished, relisted or untracked listings returned again today.' },
  { name: 'reserved_share', kind: 'DOUBLE', nullable: true, description: 'Reserved / seen (0–1); null when nothing was seen.' },
  { name: 'shippable_share', kind: 'DOUBLE', nullable: true, description: 'Shippable / seen (0–1).' },
  { name: 'price_min', kind: 'DOUBLE', nullable: true, description: 'Lowest asking price today (exact).' },
  { name: 'price_max', kind: 'DOUBLE', nullable: true, description: 'Highest asking price today (exact).' },
  { name: 'price_mean', kind: 'DOUBLE', nullable: true, description: 'Mean asking price today (exact, over prices rounded to cents).' },
  { name: 'price_p10', kind: 'DOUBLE', nullable: true, description: '10th percentile of asking prices (DDSketch, ±1 %).' },
  { name: 'price_p25', kind: 'DOUBLE', nullable: true, description: '25th percentile (DDSketch, ±1 %).' },
  { name: 'price_p50', kind: 'DOUBLE', nullable: true, description: 'Median asking price (DDSketch, ±1 %).' },
  { name: 'price_p75', kind: 'DOUBLE', nullable: true, description: '75th percentile (DDSketch, ±1 %).' },
  { name: 'price_p90', kind: 'DOUBLE', nullable: true, description: '90th percentile (DDSketch, ±1 %).' },
  { name: 'price_drop_count', kind: 'INT32', nullable: false, description: 'Listings whose price today is below their previous observation.' },
  { name: 'price_drop_median_pct', kind: 'DOUBLE', nullable: true, description: 'Median drop in percent of the previous price (DDSketch, ±1 %).' },
  { name: 'days_on_market_median', kind: 'INT32', nullable: true, description: 'Lower median of days on market of the listings vanished today (exact).' },
  { name: 'sold_listings', kind: 'INT32', nullable: false, description: 'Listings vanished today and not re-published by their seller: likely sold.' },
  { name: 'relisted_listings', kind: 'INT32', nullable: false, description: 'Listings their seller re-published today under a new id (the same item: neither sold nor new).' },
  { name: 'untracked_listings', kind: 'INT32', nullable: false, description: 'Listings that left the sight of every configured search today (search removed, aged out of its time window or price range).' },
  { name: 'sold_price_p25', kind: 'DOUBLE', nullable: true, description: 'Last asking prices of the listings sold today: 25th percentile (DDSketch, ±1 %).' },
  { name: 'sold_price_p50', kind: 'DOUBLE', nullable: true, description: 'Median last asking price of the listings sold today: what things sell for (DDSketch, ±1 %).' },
  { name: 'sold_price_p75', kind: 'DOUBLE', nullable: true, description: '75th percentile of the sold listings’ last asking prices (DDSketch, ±1 %).' },
  { name: 'sell_through', kind: 'DOUBLE', nullable: true, description: 'sold_listings / active_listings; null without active listings.' },
  { name: 'days_to_sell_median', kind: 'INT32', nullable: true, description: 'Lower median of days on market (across relists) of the listings sold today (exact).' },
  { name: 'sold_below_fair', kind: 'INT32', nullable: false, description: 'Sold listings whose last price was below 0.9 × their fair price.' },
  { name: 'sold_near_fair', kind: 'INT32', nullable: false, description: 'Sold listings priced within 0.9–1.1 × their fair price.' },
  { name: 'sold_above_fair', kind: 'INT32', nullable: false, description: 'Sold listings priced above 1.1 × their fair price.' },
  { name: 'days_to_sell_below_fair', kind: 'INT32', nullable: true, description: 'Lower median days to sell of the sold_below_fair listings (exact).' },
  { name: 'days_to_sell_near_fair', kind: 'INT32', nullable: true, description: 'Lower median days to sell of the sold_near_fair listings (exact).' },
  { name: 'days_to_sell_above_fair', kind: 'INT32', nullable: true, description: 'Lower median days to sell of the sold_above_fair listings (exact).' },
] as const satisfies readonly GoldColumnSpec[];

const DAY_COLUMN = { name: 'day', kind: 'DATE', nullable: false, description: 'The day (equals the dt= partition).' } as const satisfies GoldColumnSpec;

export const GOLD_TABLE_COLUMNS = {
  market_daily: [DAY_COLUMN, ...KPI_COLUMNS],
  category_daily: [
    DAY_COLUMN,
    { name: 'category_id', kind: 'INT32', nullable: true, description: 'Wallapop category id; null for listings without one.' },
    { name: 'category_name', kind: 'STRING', nullable: true, description: "Name from the day's category snapshot." },
    ...KPI_COLUMNS,
  ],
  region_daily: [DAY_COLUMN, { name: 'region', kind: 'STRING', nullable: true, description: 'Region as Wallapop reports it; null when unknown.' }, ...KPI_COLUMNS],
  province_daily: [
    DAY_COLUMN,
    { name: 'region', kind: 'STRING', nullable: true, description: 'Region of the province.' },
    { name: 'province', kind: 'STRING', nullable: true, description: 'Province (location.region2, e.g. Córdoba); null when the API did not say.' },
    ...KPI_COLUMNS,
  ],
  city_daily: [
    DAY_COLUMN,
    { name: 'region', kind: 'STRING', nullable: true, description: 'Region of the city.' },
    { name: 'city', kind: 'STRING', nullable: true, description: 'City as the seller set it.' },
    ...KPI_COLUMNS,
  ],
  search_daily: [
    DAY_COLUMN,
    { name: 'search_slug', kind: 'STRING', nullable: false, description: 'The configured search (every planned search has a row).' },
    { name: 'outcome', kind: 'STRING', nullable: false, description: "How the day's extraction ended: complete, page-cap, empty, blocked, failed, filter-ignored (the API ignored a filter), drifted (its answers changed shape)." },
    { name: 'snapshot_complete', kind: 'BOOLEAN', nullable: false, description: 'Complete and every page readable: only then can the search mark listings vanished.' },
    ...KPI_COLUMNS,
  ],
  listing_highlights: [
    DAY_COLUMN,
    { name: 'list', kind: 'STRING', nullable: false, description: "'deal', 'price_drop', 'newest' or 'vanished'." },
    { name: 'dimension', kind: 'STRING', nullable: false, description: "'overall', 'category' or 'search'." },
    { name: 'group_key', kind: 'STRING', nullable: false, description: "Category id or search slug; '' for overall and for listings without a category." },
    { name: 'rank', kind: 'INT32', nullable: false, description: '1-based position in the list.' },
    { name: 'listing_id', kind: 'STRING', nullable: false, description: 'The listing.' },
    { name: 'title', kind: 'STRING', nullable: true, description: 'Title (untrusted user text).' },
    { name: 'price', kind: 'DOUBLE', nullable: false, description: 'Asking price (last seen).' },
    { name: 'peer_median', kind: 'DOUBLE', nullable: true, description: "Deals under the 'category-median' rule: median price of the peer group; null under 'comparables'." },
    { name: 'price_to_median', kind: 'DOUBLE', nullable: true, description: "Deals under 'category-median': price / peer_median." },
    { name: 'previous_price', kind: 'DOUBLE', nullable: true, description: 'Price drops: the price before today.' },
    { name: 'drop_pct', kind: 'DOUBLE', nullable: true, description: 'Price drops: (previous − price) / previous × 100.' },
    { name: 'days_on_market', kind: 'INT32', nullable: true, description: 'Vanished: vanished_on − first_seen_day.' },
    { name: 'created_at', kind: 'TIMESTAMP', nullable: true, description: 'Publication time from the API.' },
    { name: 'first_seen_day', kind: 'DATE', nullable: false, description: 'First day seen.' },
    { name: 'category_id', kind: 'INT32', nullable: true, description: 'Category id.' },
    { name: 'category_name', kind: 'STRING', nullable: true, description: 'Category name.' },
    { name: 'region', kind: 'STRING', nullable: true, description: 'Region.' },
    { name: 'province', kind: 'STRING', nullable: true, description: 'Province.' },
    { name: 'city', kind: 'STRING', nullable: true, description: 'City.' },
    { name: 'listing_url', kind: 'STRING', nullable: true, description: 'Link to the listing.' },
    { name: 'image_url', kind: 'STRING', nullable: true, description: 'First image.' },
    { name: 'fair_price', kind: 'DOUBLE', nullable: true, description: "The listing's fair price: median asking price of its comparables on the previous gold day (what 'comparables' deals are judged against)." },
    { name: 'comparables', kind: 'INT32', nullable: false, description: 'How many listings fair_price is the median of (0 without one).' },
    { name: 'price_to_fair', kind: 'DOUBLE', nullable: true, description: 'price / fair_price.' },
    { name: 'item_id', kind: 'STRING', nullable: false, description: 'The item across relists (first listing of its chain).' },
    { name: 'relisted_from', kind: 'STRING', nullable: true, description: 'The listing this one re-publishes, if it is a relist.' },
    { name: 'listed_previous_price', kind: 'DOUBLE', nullable: true, description: "The listing's own \"was\" price as Wallapop shows it (before the seller's latest reduction); null without one." },
  ],
  comparable_daily: COMPARABLE_COLUMNS,
} as const satisfies Record<GoldTable, readonly GoldColumnSpec[]>;

const KPI_FIELDS: Record<(typeof KPI_COLUMNS)[number]['name'], keyof Kpis> = {
  active_listings: 'activeListings',
  seen_listings: 'seenListings',
  new_listings: 'newListings',
  vanished_listings: 'vanishedListings',
  reappeared_listings: 'reappearedListings',
  reserved_share: 'reservedShare',
  shippable_share: 'shippableShare',
  price_min: 'priceMin',
  price_max: 'priceMax',
  price_mean: 'priceMean',
  price_p10: 'priceP10',
  price_p25: 'priceP25',
  price_p50: 'priceP50',
  price_p75: 'priceP75',
  price_p90: 'priceP90',
  price_drop_count: 'priceDropCount',
  price_drop_median_pct: 'priceDropMedianPct',
  days_on_market_median: 'daysOnMarketMedian',
  sold_listings: 'soldListings',
  relisted_listings: 'relistedListings',
  untracked_listings: 'untrackedListings',
  sold_price_p25: 'soldPriceP25',
  sold_price_p50: 'soldPriceP50',
  sold_price_p75: 'soldPriceP75',
  sell_through: 'sellThrough',
  days_to_sell_median: 'daysToSellMedian',
  sold_below_fair: 'soldBelowFair',
  sold_near_fair: 'soldNearFair',
  sold_above_fair: 'soldAboveFair',
  days_to_sell_below_fair: 'daysToSellBelowFair',
  days_to_sell_near_fair: 'daysToSellNearFair',
  days_to_sell_above_fair: 'daysToSellAboveFair',
};

type Row = Record<string, unknown>;

/** Per table, its rows → one array per column, read with one property access per column (../lake/columns.ts); a missing value reads as undefined, which the writer stores as null. */
const columnsOfTable = new Map<GoldTable, (rows: readonly Row[]) => Record<string, unknown[]>>();

function toParquet(table: GoldTable, rows: readonly Row[]): Uint8Array {
  const columns = GOLD_TABLE_COLUMNS[table];
  let extract = columnsOfTable.get(table);
  if (extract === undefined) columnsOfTable.set(table, (extract = columnExtractor<Row, string>(columns.map((column) => column.name))));
  return writeColumns(columns, extract(rows) as Record<string, DecodedArray>, { 'gold.table': table });
}

function kpiRow(day: number, kpis: Kpis, keys: Row = {}): Row {
  const row: Row = { day, ...keys };
  for (const [column, field] of Object.entries(KPI_FIELDS)) row[column] = kpis[field];
  return row;
}

const LIST_LABELS = { deals: 'deal', priceDrops: 'price_drop', newest: 'newest', vanished: 'vanished' } as const;

function highlightRows(day: number, figures: DayFigures, dealRule: 'comparables' | 'category-median'): Row[] {
  const rows: Row[] = [];
  // A listing is in several lists, and a day's cards share a few dozen first-seen days: each is checked and converted once.
  const dayNumbers = new Map<string, number>();
  const firstSeenDayNumber = (firstSeenDay: string) => {
    let number = dayNumbers.get(firstSeenDay);
    if (number === undefined) dayNumbers.set(firstSeenDay, (number = dayNumber(firstSeenDay)));
    return number;
  };
  const groups: Array<[string, string, DayFigures['lists']['overall']]> = [
    ['overall', '', figures.lists.overall],
    ...[...figures.lists.categories].map(([key, lists]): [string, string, DayFigures['lists']['overall']] => ['category', key, lists]),
    ...[...figures.lists.searches].map(([key, lists]): [string, string, DayFigures['lists']['overall']] => ['search', key, lists]),
  ];
  for (const [dimension, groupKey, lists] of groups) {
    for (const list of ['deals', 'priceDrops', 'newest', 'vanished'] as const) {
      (lists[list] as unknown as ReadonlyArray<{ listingId: string } & Record<string, unknown>>).forEach((entry, index) => {
        const card = figures.listings.get(entry.listingId) as ListingCard;
        rows.push({
          day,
          list: LIST_LABELS[list],
          dimension,
          group_key: groupKey,
          rank: index + 1,
          listing_id: card.listingId,
          title: card.title,
          price: card.price,
          peer_median: list === 'deals' && dealRule === 'category-median' ? entry.referencePrice : null,
          price_to_median: list === 'deals' && dealRule === 'category-median' ? entry.priceToReference : null,
          previous_price: list === 'priceDrops' ? entry.previousPrice : null,
          drop_pct: list === 'priceDrops' ? entry.dropPct : null,
          days_on_market: list === 'vanished' ? entry.daysOnMarket : null,
          created_at: card.createdAt === null ? null : Date.parse(card.createdAt),
          first_seen_day: firstSeenDayNumber(card.firstSeenDay),
          category_id: card.categoryId,
          category_name: card.categoryName,
          region: card.region,
          province: card.province,
          city: card.city,
          listing_url: card.listingUrl,
          image_url: card.imageUrl,
          fair_price: card.fairPrice,
          comparables: card.comparables,
          price_to_fair: card.fairPrice === null || !(card.fairPrice > 0) ? null : card.price / card.fairPrice,
          item_id: card.itemId,
          relisted_from: card.relistedFrom,
          listed_previous_price: card.listedPreviousPrice,
        });
      });
    }
  }
  return rows;
}

/** Every gold table of the day as Parquet bytes. */
export function goldTableFiles(day: Day, figures: DayFigures, comparables: readonly ComparableRow[], dealRule: 'comparables' | 'category-median'): Record<GoldTable, Uint8Array> {
  const n = dayNumber(day);
  return {
    market_daily: toParquet('market_daily', [kpiRow(n, figures.overall)]),
    category_daily: toParquet(
      'category_daily',
      figures.categories.map((row) => kpiRow(n, row, { category_id: row.categoryId, category_name: row.categoryName })),
    ),
    region_daily: toParquet('region_daily', figures.regions.map((row) => kpiRow(n, row, { region: row.region }))),
    province_daily: toParquet('province_daily', figures.provinces.map((row) => kpiRow(n, row, { region: row.region, province: row.province }))),
    city_daily: toParquet('city_daily', figures.cities.map((row) => kpiRow(n, row, { region: row.region, city: row.city }))),
    search_daily: toParquet(
      'search_daily',
      figures.searches.map((row) => kpiRow(n, row, { search_slug: row.searchSlug, outcome: row.outcome, snapshot_complete: row.snapshotComplete })),
    ),
    listing_highlights: toParquet('listing_highlights', highlightRows(n, figures, dealRule)),
    comparable_daily: writeComparableTable(comparables),
  };
}
