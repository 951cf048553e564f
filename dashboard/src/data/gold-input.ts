/**
 * The dashboard's one data loader: reads the gold JSON from a directory, validates it, and fails
 * with an error naming the file and the problem. The build script calls it before Astro starts (so
 * a bad input fails in a second, not halfway through a build) and the pages call it again through
 * `dashboardData()`, which reuses the validated copy held by the same process.
 *
 * `latest.json` and `series.json` are required. `alerts.json` (the alert-evaluate stage's 30-day
 * window) is optional: a lake without it has no watches configured and the Alerts view says so;
 * when present it must be valid like the others.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as v from 'valibot';
import type { AlertsWindow } from '../../../shared/alerts/alert.ts';
import type { ListingHistories } from '../../../shared/gold/histories.ts';
import { SERIES_METRICS, type DashboardDay, type DashboardSeries } from '../../../shared/gold/dashboard.ts';
import { addDays } from '../../../shared/lake/days.ts';
import { AlertsWindowSchema, DashboardDaySchema, DashboardSeriesSchema, ListingHistoriesSchema } from './schema.ts';

/** The environment variable that tells the Astro build where the validated JSON is. */
export const DATA_DIR_ENV = 'DASHBOARD_DATA_DIR';

/** The files the build needs, relative to the data directory (a copy of the lake's `gold/dashboard/`). */
export const DATA_FILES = { latest: 'latest.json', series: 'series.json' } as const;
/** The optional file of the Alerts view, beside them (written by alert-evaluate, not by gold). */
export const ALERTS_FILE = 'alerts.json';
/**
 * The optional price and status paths of the listings with a page (gold writes it since listing
 * pages; without it the pages start each path from the listing's card).
 */
export const HISTORIES_FILE = 'histories.json';
/** Files the build uses when they exist. */
export const OPTIONAL_FILES = [ALERTS_FILE, HISTORIES_FILE] as const;

export interface DashboardData {
  latest: DashboardDay;
  series: DashboardSeries;
  /** The alerts of the last 30 days, or null when the lake has none (no watches configured). */
  alerts: AlertsWindow | null;
  /** The listings' price and status paths, or null when gold has not written them yet. */
  histories: ListingHistories | null;
}

export class DashboardDataError extends Error {
  constructor(
    /** The file at fault, as the user named it (a path or an s3:// URL). */
    readonly file: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problem}`, options);
    this.name = 'DashboardDataError';
  }
}

const MAX_ISSUES = 5;

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const lines = issues.slice(0, MAX_ISSUES).map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
  if (issues.length > MAX_ISSUES) lines.push(`… and ${issues.length - MAX_ISSUES} more`);
  return lines.join('; ');
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new DashboardDataError(file, `not valid JSON (${(cause as Error).message})`, { cause });
  }
}

/** Validates one parsed day file. */
export function validateDay(value: unknown, file: string): DashboardDay {
  const result = v.safeParse(DashboardDaySchema, value);
  if (!result.success) throw new DashboardDataError(file, `not a dashboard day file: ${describeIssues(result.issues)}`);
  const day = result.output as DashboardDay;
  for (const [group, lists] of [['overall', day.lists.overall] as const, ...Object.entries(day.lists.categories), ...Object.entries(day.lists.searches)]) {
    for (const [name, entries] of Object.entries(lists)) {
      for (const entry of entries as Array<{ listingId: string }>) {
        if (!(entry.listingId in day.listings)) {
          throw new DashboardDataError(file, `lists ${group}.${name} refers to listing ${JSON.stringify(entry.listingId)}, which is not in listings`);
        }
      }
    }
  }
  return day;
}

/** Validates one parsed series file, including that every column has one value per day. */
export function validateSeries(value: unknown, file: string): DashboardSeries {
  const result = v.safeParse(DashboardSeriesSchema, value);
  if (!result.success) throw new DashboardDataError(file, `not a dashboard series file: ${describeIssues(result.issues)}`);
  const series = result.output as DashboardSeries;
  const length = series.days.length;
  if (length === 0) throw new DashboardDataError(file, 'days is empty');
  if (series.days[0] !== series.firstDay || series.days[length - 1] !== series.lastDay) {
    throw new DashboardDataError(file, `days run from ${series.days[0]} to ${series.days[length - 1]}, but firstDay/lastDay say ${series.firstDay}…${series.lastDay}`);
  }
  for (let i = 1; i < length; i += 1) {
    if (series.days[i]! <= series.days[i - 1]!) throw new DashboardDataError(file, `days[${i}] (${series.days[i]}) does not follow ${series.days[i - 1]}`);
  }
  const check = (path: string, columns: DashboardSeries['overall']) => {
    for (const metric of SERIES_METRICS) {
      if (columns[metric].length !== length) {
        throw new DashboardDataError(file, `${path}.${metric} has ${columns[metric].length} values for ${length} days`);
      }
    }
  };
  check('overall', series.overall);
  for (const [key, group] of Object.entries(series.categories)) check(`categories.${key}.metrics`, group.metrics);
  for (const [key, group] of Object.entries(series.regions)) check(`regions.${key}.metrics`, group.metrics);
  for (const [key, group] of Object.entries(series.searches)) check(`searches.${key}.metrics`, group.metrics);
  return series;
}

/**
 * Validates one parsed alerts window, including that it hangs together: the days run newest first
 * from `day` and stay inside the window, every alert belongs to one of them, newest day first, and
 * each day's count is its number of alerts (the Alerts view shows those counts).
 */
export function validateAlerts(value: unknown, file: string): AlertsWindow {
  const result = v.safeParse(AlertsWindowSchema, value);
  if (!result.success) throw new DashboardDataError(file, `not an alerts window file: ${describeIssues(result.issues)}`);
  const window = result.output as AlertsWindow;
  const expectedFrom = addDays(window.day, -(window.windowDays - 1));
  if (window.fromDay !== expectedFrom) {
    throw new DashboardDataError(file, `fromDay is ${window.fromDay}, but a ${window.windowDays}-day window through ${window.day} starts on ${expectedFrom}`);
  }
  if (window.days[0]?.day !== window.day) {
    throw new DashboardDataError(file, `days must start with the window's day ${window.day} (found ${window.days[0]?.day ?? 'no days'})`);
  }
  const counts = new Map<string, number>();
  window.days.forEach((entry, i) => {
    if (i > 0 && entry.day >= window.days[i - 1]!.day) throw new DashboardDataError(file, `days[${i}] (${entry.day}) is not older than ${window.days[i - 1]!.day}: days run newest first`);
    if (entry.day < window.fromDay) throw new DashboardDataError(file, `days[${i}] (${entry.day}) is before the window's first day ${window.fromDay}`);
    counts.set(entry.day, 0);
  });
  const ids = new Set<string>();
  window.alerts.forEach((alert, i) => {
    const count = counts.get(alert.day);
    if (count === undefined) throw new DashboardDataError(file, `alerts[${i}] is of ${alert.day}, which is not one of the window's days`);
    if (i > 0 && alert.day > window.alerts[i - 1]!.day) throw new DashboardDataError(file, `alerts[${i}] (${alert.day}) comes after an alert of ${window.alerts[i - 1]!.day}: alerts run newest day first`);
    if (ids.has(alert.alertId)) throw new DashboardDataError(file, `alerts[${i}] repeats the alert id ${JSON.stringify(alert.alertId)}`);
    ids.add(alert.alertId);
    counts.set(alert.day, count + 1);
  });
  for (const entry of window.days) {
    if (counts.get(entry.day) !== entry.count) {
      throw new DashboardDataError(file, `days says ${entry.day} has ${entry.count} alerts, but alerts holds ${counts.get(entry.day)}`);
    }
  }
  return window;
}

/** Validates one parsed histories file: of the dashboard's day, every price path non-empty and in day order. */
export function validateHistories(value: unknown, file: string, day: string): ListingHistories {
  const result = v.safeParse(ListingHistoriesSchema, value);
  if (!result.success) throw new DashboardDataError(file, `not a listing histories file: ${describeIssues(result.issues)}`);
  const histories = result.output as ListingHistories;
  if (histories.day !== day) throw new DashboardDataError(file, `is of ${histories.day}, but the dashboard's day is ${day}: copy it from the same gold run`);
  for (const [id, history] of Object.entries(histories.listings)) {
    if (history.prices.length === 0) throw new DashboardDataError(file, `listings.${id}.prices is empty`);
    for (let i = 1; i < history.prices.length; i += 1) {
      if (history.prices[i]![0] < history.prices[i - 1]![0]) throw new DashboardDataError(file, `listings.${id}.prices[${i}] (${history.prices[i]![0]}) is before ${history.prices[i - 1]![0]}: prices run oldest first`);
    }
  }
  return histories;
}

/**
 * Validates a latest/series pair (each on its own, then that they describe the same newest day),
 * and the alerts window when there is one.
 */
export function validateDashboardData(
  latestValue: unknown,
  seriesValue: unknown,
  names: { latest: string; series: string; alerts?: string; histories?: string } = { latest: DATA_FILES.latest, series: DATA_FILES.series },
  alertsValue?: unknown,
  historiesValue?: unknown,
): DashboardData {
  const latest = validateDay(latestValue, names.latest);
  const series = validateSeries(seriesValue, names.series);
  if (latest.day !== series.lastDay) {
    throw new DashboardDataError(names.series, `runs through ${series.lastDay}, but ${names.latest} is the day ${latest.day}: copy both files from the same gold run`);
  }
  const alerts = alertsValue === undefined ? null : validateAlerts(alertsValue, names.alerts ?? ALERTS_FILE);
  const histories = historiesValue === undefined ? null : validateHistories(historiesValue, names.histories ?? HISTORIES_FILE, latest.day);
  return { latest, series, alerts, histories };
}

/** Reads one file of the data directory; a missing file is an error naming it. */
async function readText(path: string, shownAs: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new DashboardDataError(shownAs, code === 'ENOENT' ? 'file is missing' : `cannot be read (${(cause as Error).message})`, { cause });
  }
}

/** Reads an optional file of the data directory: undefined when it does not exist. */
async function readOptionalText(path: string, shownAs: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DashboardDataError(shownAs, `cannot be read (${(cause as Error).message})`, { cause });
  }
}

/** Reads and validates `latest.json`, `series.json` and, when they exist, `alerts.json` and `histories.json` from `dir`. */
export async function readDashboardData(dir: string, shownAs: (file: string) => string = (file) => join(dir, file)): Promise<DashboardData> {
  const names = { latest: shownAs(DATA_FILES.latest), series: shownAs(DATA_FILES.series), alerts: shownAs(ALERTS_FILE), histories: shownAs(HISTORIES_FILE) };
  const [latestText, seriesText, alertsText, historiesText] = await Promise.all([
    readText(join(dir, DATA_FILES.latest), names.latest),
    readText(join(dir, DATA_FILES.series), names.series),
    readOptionalText(join(dir, ALERTS_FILE), names.alerts),
    readOptionalText(join(dir, HISTORIES_FILE), names.histories),
  ]);
  return validateDashboardData(
    parseJson(latestText, names.latest),
    parseJson(seriesText, names.series),
    names,
    alertsText === undefined ? undefined : parseJson(alertsText, names.alerts),
    historiesText === undefined ? undefined : parseJson(historiesText, names.histories),
  );
}

/** Validated data shared by every page of one build (and with the build script, same process). */
const CACHE = Symbol.for('wallapop.dashboard.data');
type Cache = { dir: string; data: Promise<DashboardData> };
const holder = globalThis as typeof globalThis & { [CACHE]?: Cache };

/** Hands data the caller already validated to the pages of a build in this process. */
export function primeDashboardData(dir: string, data: DashboardData): void {
  holder[CACHE] = { dir: resolve(dir), data: Promise.resolve(data) };
}

/** The data of the directory named by DASHBOARD_DATA_DIR, read and validated once per process. */
export function dashboardData(): Promise<DashboardData> {
  const dir = process.env[DATA_DIR_ENV];
  if (!dir) throw new Error(`${DATA_DIR_ENV} is not set: build the dashboard with \`npm run dashboard:build -- --from <dir>\``);
  const cached = holder[CACHE];
  if (cached !== undefined && cached.dir === resolve(dir)) return cached.data;
  const data = readDashboardData(dir);
  holder[CACHE] = { dir: resolve(dir), data };
  return data;
}

