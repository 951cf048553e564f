/**
 * The lake's layout: every object key the pipeline reads or writes is built here, and only here.
 * Each key is a function of (day, search, shard, page) alone, which is what makes every stage
 * idempotent: a retried or duplicated event rewrites the same keys (invariant 2).
 *
 * Trigger prefixes are disjoint (one Lambda per prefix, see serverless.yml):
 *   control/extract/   → extract        bronze/search/…/_manifest.json → silver
 *   silver/_manifests/ → gold-fanout    control/gold/                  → gold-shard
 *   gold/partials/     → gold-fanin
 */

import { isDay, type Day } from './days.ts';

export type { Day } from './days.ts';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export const prefixes = {
  extractTasks: 'control/extract/',
  goldTasks: 'control/gold/',
  runPlans: 'control/runs/',
  claims: 'control/claims/',
  reruns: 'control/reruns/',
  bronzeSearch: 'bronze/search/',
  bronzeCategories: 'bronze/categories/',
  silverListings: 'silver/listings/',
  silverManifests: 'silver/_manifests/',
  quarantine: 'quarantine/',
  goldState: 'gold/state/',
  goldPartials: 'gold/partials/',
  goldManifests: 'gold/_manifests/',
} as const;

export const keys = {
  /** The run plan of day D: which searches run, with how many shards. Written by plan. */
  runPlan: (day: Day) => `${prefixes.runPlans}dt=${day}/plan.json`,

  /** The first extract task of a search on day D. Written by plan; triggers extract. */
  extractTask: (day: Day, search: string) => `${prefixes.extractTasks}dt=${day}/search=${search}.json`,
  /** A continuation task: extract ran out of time and hands over at page `page` (1-based). */
  extractContinuation: (day: Day, search: string, page: number) =>
    `${prefixes.extractTasks}dt=${day}/search=${search}/continue-${pad(page, 5)}.json`,

  /** Page `page` (1-based) of a search on day D: the verbatim API body inside a request envelope. */
  bronzePage: (day: Day, search: string, page: number) =>
    `${prefixes.bronzeSearch}dt=${day}/search=${search}/page-${pad(page, 5)}.json.gz`,
  bronzePagePrefix: (day: Day, search: string) => `${prefixes.bronzeSearch}dt=${day}/search=${search}/page-`,
  /** Commit marker of a search's extraction; lists its pages. Triggers silver. */
  bronzeManifest: (day: Day, search: string) => `${prefixes.bronzeSearch}dt=${day}/search=${search}/_manifest.json`,
  /** The category tree as Wallapop served it on day D (same envelope as a page). */
  bronzeCategories: (day: Day) => `${prefixes.bronzeCategories}dt=${day}/categories.json.gz`,

  silverShard: (day: Day, shard: number, search: string) =>
    `${prefixes.silverListings}dt=${day}/shard=${pad(shard, 3)}/search=${search}.parquet`,
  silverManifest: (day: Day, search: string) => `${prefixes.silverManifests}dt=${day}/search=${search}.json`,
  quarantine: (day: Day, search: string) => `${prefixes.quarantine}dt=${day}/search=${search}.jsonl`,

  goldTask: (day: Day, shard: number) => `${prefixes.goldTasks}dt=${day}/shard=${pad(shard, 3)}.json`,
  goldState: (day: Day, shard: number) => `${prefixes.goldState}dt=${day}/shard=${pad(shard, 3)}.parquet`,
  goldPartial: (day: Day, shard: number) => `${prefixes.goldPartials}dt=${day}/shard=${pad(shard, 3)}.json`,
  goldManifest: (day: Day) => `${prefixes.goldManifests}dt=${day}.json`,

  /** Which gold run of day D was dispatched, by whom, and whether its tasks are all written (../lake/claim.ts). Written by fan-out. */
  goldDispatchClaim: (day: Day) => `${prefixes.claims}gold-dispatch/dt=${day}.json`,
  /** Which gold run of day D is being (or was) published. Written by fan-in. */
  goldPublishClaim: (day: Day) => `${prefixes.claims}gold-publish/dt=${day}.json`,
  /** An operator's request to recompute day D's gold from unchanged inputs (`wallapop replay`): part of the run's identity. */
  goldRerunRequest: (day: Day) => `${prefixes.reruns}gold/dt=${day}.json`,
  /** Since which day the newest gold day rests on a recomputed history (`{ since: null }`: it does not). Written by fan-in. */
  goldStaleHistory: 'control/stale-history/gold.json',
} as const;



/** The day a key's `dt=` segment names, or undefined when it names none (or not a calendar day). */
export function dayInKey(key: string): Day | undefined {
  const day = keyFields(key).dt;
  return day !== undefined && isDay(day) ? day : undefined;
}

/** Reads `name=value` segments out of a key: `{ dt: '2026-11-24', search: 'iphone-13' }`. */
export function keyFields(key: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const segment of key.split('/')) {
    const match = /^([a-z]+)=(.+?)(?:\.[a-z.]+)?$/.exec(segment);
    if (match?.[1] && match[2]) fields[match[1]] = match[2];
  }
  return fields;
}

/**
 * Gold's own objects beyond the stage keys above (tasks, state, partials and the manifest are there
 * because other stages trigger on them). None of these prefixes triggers a function, and each key
 * is a function of the day alone.
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


/** The day of a gold manifest key, or undefined for any other key under the manifests prefix. */
export function dayOfGoldManifest(key: string): Day | undefined {
  const match = /^gold\/_manifests\/dt=(\d{4}-\d{2}-\d{2})\.json$/.exec(key);
  return match?.[1] !== undefined && isDay(match[1]) ? match[1] : undefined;
}

/**
 * Where alerts live in the lake. Every key is a function of the day (and the alert or channel),
 * so an evaluation or a delivery that runs twice rewrites the same keys.
 *
 *   gold/alerts/dt=D/alerts.json                 the day's alerts; commit marker, triggers `alert`
 *   gold/dashboard/alerts/dt=D.json              the 30 days of alerts through D (dashboard)
 *   gold/dashboard/alerts.json                   copy of the newest day's window, at a fixed key
 *   control/deliveries/dt=D/<channel>/<id>.json  proof that alert <id> went out on <channel>
 */

export const alertPrefixes = {
  alerts: 'gold/alerts/',
  dashboard: 'gold/dashboard/alerts',
  deliveries: 'control/deliveries/',
} as const;

export const alertKeys = {
  day: (day: Day) => `${alertPrefixes.alerts}dt=${day}/alerts.json`,
  window: (day: Day) => `${alertPrefixes.dashboard}/dt=${day}.json`,
  windowLatest: `${alertPrefixes.dashboard}.json`,
  delivery: (day: Day, channel: string, alertId: string) => `${alertPrefixes.deliveries}dt=${day}/${channel}/${alertId}.json`,
  deliveriesOf: (day: Day, channel: string) => `${alertPrefixes.deliveries}dt=${day}/${channel}/`,
} as const;

/** The day of a day's alerts key (`gold/alerts/dt=D/alerts.json`), or undefined for any other key. */
export function dayOfAlertsKey(key: string): Day | undefined {
  const match = /^gold\/alerts\/dt=(\d{4}-\d{2}-\d{2})\/alerts\.json$/.exec(key);
  return match?.[1] !== undefined && isDay(match[1]) ? match[1] : undefined;
}

/** The alert id of a delivery record key. */
export function alertIdOfDeliveryKey(key: string): string | undefined {
  return /\/([0-9a-f]{16})\.json$/.exec(key)?.[1];
}
