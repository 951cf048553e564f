import { isDay, keyFields, prefixes, type Day } from '../lake/keys.ts';
import { GoldInputError } from './errors.ts';

/**
 * Gold's own objects beyond the stage keys of shared/lake/keys.ts (tasks, state, partials and the
 * manifest live there because other stages trigger on them). None of these prefixes triggers a
 * function, and each key is a function of the day alone.
 */

/** The gold tables, one Parquet file per day each (partition `dt=`), as Athena and DuckDB read them. */
export const GOLD_TABLES = ['market_daily', 'category_daily', 'region_daily', 'province_daily', 'city_daily', 'search_daily', 'listing_highlights', 'comparable_daily'] as const;
export type GoldTable = (typeof GOLD_TABLES)[number];

export const goldPrefixes = {
  tables: 'gold/tables/',
  dashboard: 'gold/dashboard/',
  quality: 'gold/quality/',
} as const;

export const goldKeys = {
  table: (table: GoldTable, day: Day) => `${goldPrefixes.tables}${table}/dt=${day}/part-0.parquet`,
  /** Everything the dashboard shows about one day; immutable once the day is published. */
  dashboardDay: (day: Day) => `${goldPrefixes.dashboard}days/dt=${day}.json`,
  /** The daily series from the first gold day through `day`, built by extending the previous day's. */
  dashboardSeriesThrough: (day: Day) => `${goldPrefixes.dashboard}series/dt=${day}.json`,
  /** The price and status paths of the listings with a page, through `day` (shared/gold/histories.ts). */
  dashboardHistoriesThrough: (day: Day) => `${goldPrefixes.dashboard}histories/dt=${day}.json`,
  /** Copies of the newest day's files, at fixed keys the dashboard build fetches. */
  dashboardLatest: `${goldPrefixes.dashboard}latest.json`,
  dashboardSeries: `${goldPrefixes.dashboard}series.json`,
  dashboardHistories: `${goldPrefixes.dashboard}histories.json`,
  quality: (day: Day) => `${goldPrefixes.quality}dt=${day}.json`,
  partialsOfDay: (day: Day) => `${prefixes.goldPartials}dt=${day}/`,
} as const;

/** The day named by a key's `dt=` segment; an error naming the key when it has none. */
export function dayOfKey(key: string): Day {
  const day = keyFields(key).dt;
  if (day === undefined || !isDay(day)) throw new GoldInputError(`${key} has no dt=YYYY-MM-DD segment`, key);
  return day;
}

/** The day of a gold manifest key, or undefined for any other key under the manifests prefix. */
export function dayOfGoldManifest(key: string): Day | undefined {
  const match = /^gold\/_manifests\/dt=(\d{4}-\d{2}-\d{2})\.json$/.exec(key);
  return match?.[1] !== undefined && isDay(match[1]) ? match[1] : undefined;
}

