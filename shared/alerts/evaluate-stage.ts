import { categoryKey, type DashboardDay, dayOfGoldManifest, type GoldManifest, type ListingState, openStateCursor, readGoldManifest, type StateProjection } from '../gold/index.ts';
import { canonicalJson } from '../lake/json.ts';
import { alertKeys, alertPrefixes, dayOfAlertsKey, type Day } from '../lake/keys.ts';
import { addDays } from '../lake/days.ts';
import { getJson, type Lake } from '../lake/lake.ts';
import { readAhead, started } from '../lake/read-ahead.ts';
import { ALERTS_VERSION, ALERTS_WINDOW_DAYS, ALERTS_WINDOW_VERSION, type AlertsWindow, type DayAlerts } from './alert.ts';
import { AlertInputError } from './alert-errors.ts';
import { reservedListingIds, WatchEvaluator, type PeerMedians } from './evaluate.ts';
import type { DayWatches, WatchesSource } from './day-watches.ts';
import { hasRules, watchConfigDigest, type WatchConfig } from './watches.ts';

export interface AlertEvaluationResult {
  day: Day;
  alertsKey: string;
  alerts: number;
  rules: DayAlerts['rules'];
  watchesFrom?: WatchesSource;
  /** Whether `gold/dashboard/alerts.json` now shows this day (false when re-running a past day). */
  latestUpdated: boolean;
}

/**
 * State files downloading while one is read: as many as fit in STATE_BYTES_AHEAD, at least 3. A
 * small day's files all download in one round trip; at 1M listings in 8 shards (~19 MB each) three
 * do, four files held at most.
 */
const STATE_FILES_AHEAD = 3;
const STATE_BYTES_AHEAD = 64 * 1024 * 1024;
/** Our state files take 136–141 bytes a row (100k and 1M listings): an estimate from above. */
const STATE_BYTES_PER_ROW = 150;

function stateFilesAhead(manifest: GoldManifest): number {
  const files = manifest.state.length;
  const bytesPerFile = (manifest.totals.stateRows / Math.max(1, files)) * STATE_BYTES_PER_ROW;
  if (!Number.isFinite(bytesPerFile)) return STATE_FILES_AHEAD;
  return Math.max(STATE_FILES_AHEAD, Math.min(files, Math.floor(STATE_BYTES_AHEAD / Math.max(1, bytesPerFile))));
}

/**
 * Runs on a gold manifest: evaluates the watches on the day's state and writes the dashboard's
 * 30-day window through the day with its `latest` copy (unless a later day has alerts already),
 * then the day's alerts last: `gold/alerts/dt=D/alerts.json` is the commit marker that triggers
 * delivery, and the next day finds its previous window through it. Every output is a function of the gold day (manifest, state shards, dashboard
 * day file), the previous gold day's state of the listings `reserved` rules name, the previous
 * alerts day's window and the watch configuration; a rerun or a duplicated event writes the same bytes.
 */
export async function runAlertEvaluation(lake: Lake, manifestKey: string, watches: DayWatches | Promise<DayWatches>): Promise<AlertEvaluationResult> {
  const day = dayOfGoldManifest(manifestKey);
  if (day === undefined) throw new AlertInputError(`${manifestKey} is not a gold manifest (gold/_manifests/dt=YYYY-MM-DD.json)`, manifestKey);
  // The manifest, the alert days and the previous window do not depend on the watches (read from
  // the run plan) nor on the evaluation: they are read while those are.
  const manifestRead = started(readGoldManifest(lake, day));
  const previousWindowRead = started(lake.list(alertPrefixes.alerts).then((listed) => readPreviousWindow(lake, day, listed)));
  const { config, source: watchesFrom } = await watches;
  const manifest = await manifestRead;

  const evaluation = hasRules(config) ? await evaluateDay(lake, manifest, config) : { alerts: [], rules: [] };
  const dayAlerts: DayAlerts = {
    alertsVersion: ALERTS_VERSION,
    day,
    previousDay: manifest.previousDay,
    isFirstDay: manifest.previousDay === null,
    goldManifest: manifestKey,
    watchConfigDigest: watchConfigDigest(config),
    ...(watchesFrom === undefined ? {} : { watchesFrom }),
    rules: evaluation.rules,
    alerts: evaluation.alerts,
  };

  const { alertDays, previousWindow } = await previousWindowRead;
  const window = extendWindow(previousWindow, dayAlerts);
  const windowText = canonicalJson(window);
  const latestUpdated = alertDays.every((found) => found <= day);
  await Promise.all([lake.put(alertKeys.window(day), windowText, 'application/json'), latestUpdated ? lake.put(alertKeys.windowLatest, windowText, 'application/json') : undefined]);

  const alertsKey = alertKeys.day(day);
  await lake.put(alertsKey, canonicalJson(dayAlerts, { pretty: true }), 'application/json');
  return { day, alertsKey, alerts: dayAlerts.alerts.length, rules: dayAlerts.rules, ...(watchesFrom === undefined ? {} : { watchesFrom }), latestUpdated };
}

/** The days that have alerts, and the window of the latest of them before `day` (null: none). */
async function readPreviousWindow(lake: Lake, day: Day, listed: readonly string[]): Promise<{ alertDays: Day[]; previousWindow: AlertsWindow | null }> {
  const alertDays = listed.map(dayOfAlertsKey).filter((found): found is Day => found !== undefined);
  const previousAlertDay = alertDays.filter((found) => found < day).sort().at(-1) ?? null;
  if (previousAlertDay === null) return { alertDays, previousWindow: null };
  const key = alertKeys.window(previousAlertDay);
  const previousWindow = (await getJson<AlertsWindow>(lake, key)) ?? null;
  // The window is written before the day's alerts: an alerts file without one was not written by us.
  if (previousWindow === null) throw new AlertInputError(`${alertKeys.day(previousAlertDay)} exists but its window ${key} does not`, key);
  return { alertDays, previousWindow };
}

/** The previous window's alerts still inside the 30 days ending at `today.day`, after today's. */
export function extendWindow(previous: AlertsWindow | null, today: DayAlerts, windowDays = ALERTS_WINDOW_DAYS): AlertsWindow {
  const fromDay = addDays(today.day, -(windowDays - 1));
  const kept = (previous?.alerts ?? []).filter((alert) => alert.day >= fromDay && alert.day < today.day);
  const keptDays = (previous?.days ?? []).filter((entry) => entry.day >= fromDay && entry.day < today.day);
  return {
    schemaVersion: ALERTS_WINDOW_VERSION,
    day: today.day,
    fromDay,
    windowDays,
    days: [{ day: today.day, count: today.alerts.length }, ...keptDays],
    alerts: [...today.alerts, ...kept],
  };
}

/** Today's medians per search and per category, as the dashboard day file reports them. */
export function peerMediansOf(dayFile: DashboardDay): PeerMedians {
  return {
    search: new Map(dayFile.searches.map((search) => [search.searchSlug, search.priceP50])),
    category: new Map(dayFile.categories.map((category) => [categoryKey(category.categoryId), category.priceP50])),
    dealMinPrice: dayFile.settings.dealMinPrice,
  };
}

async function evaluateDay(lake: Lake, manifest: GoldManifest, config: WatchConfig) {
  const dayFileRead = started(getJson<DashboardDay>(lake, manifest.dashboard.day));
  const marked = reservedListingIds(config);
  const reserved = marked.size > 0 && manifest.previousDay !== null ? await previousReserved(lake, manifest.previousDay, marked) : new Map<string, boolean | null>();
  // Started after the previous day's shards are read, so that at most one day's read-ahead is held.
  const states = readAhead(lake, [...manifest.state].sort((a, b) => a.shard - b.shard), stateFilesAhead(manifest));
  const dayFile = await dayFileRead;
  if (dayFile === undefined) throw new AlertInputError(`${manifest.dashboard.day} is listed by the gold manifest of ${manifest.day} but missing`, manifest.dashboard.day);
  const evaluator = new WatchEvaluator({ day: manifest.day, isFirstDay: manifest.previousDay === null, config, peers: peerMediansOf(dayFile), previousReserved: reserved });
  for await (const { entry, bytes } of states) await eachStateRow(entry.key, bytes, (row) => evaluator.push(row));
  return evaluator.finish();
}

/**
 * `is_reserved` of the given listings in the previous gold day's state. Shards are bucketed by
 * seller, which a rule does not name, so every shard is read, two columns of it.
 */
async function previousReserved(lake: Lake, previousDay: Day, ids: ReadonlySet<string>): Promise<Map<string, boolean | null>> {
  const previous = await readGoldManifest(lake, previousDay);
  const found = new Map<string, boolean | null>();
  for await (const { entry: { key }, bytes } of readAhead(lake, previous.state, stateFilesAhead(previous))) {
    if (bytes === undefined) throw new AlertInputError(`state file ${key} is listed by a gold manifest but missing`, key);
    const cursor = await openStateCursor(key, bytes, RESERVED_ONLY);
    while (cursor.currentId !== undefined) {
      if (ids.has(cursor.currentId)) found.set(cursor.currentId, cursor.current().is_reserved);
      await cursor.advance();
    }
  }
  return found;
}

const RESERVED_ONLY: StateProjection<{ is_reserved: boolean | null }> = {
  names: ['listing_id', 'is_reserved'],
  read: (columns) => (index) => ({ is_reserved: (columns.is_reserved![index] as boolean | null | undefined) ?? null }),
};

async function eachStateRow(key: string, bytes: Uint8Array | undefined, visit: (row: ListingState) => void): Promise<void> {
  if (bytes === undefined) throw new AlertInputError(`state file ${key} is listed by a gold manifest but missing`, key);
  const cursor = await openStateCursor(key, bytes);
  while (cursor.currentId !== undefined) {
    visit(cursor.current());
    await cursor.advance();
  }
}
