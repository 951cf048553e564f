/**
 * The dashboard's one data loader: reads the gold JSON from a directory, validates it, and fails
 * with an error naming the file and the problem. The build script calls it before Astro starts (so
 * a bad input fails in a second, not halfway through a build) and the pages call it again through
 * `dashboardData()`, which reuses the validated copy held by the same process.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as v from 'valibot';
import { SERIES_METRICS, type DashboardDay, type DashboardSeries } from '../../../shared/gold/dashboard.ts';
import { DashboardDaySchema, DashboardSeriesSchema } from './schema.ts';

/** The environment variable that tells the Astro build where the validated JSON is. */
export const DATA_DIR_ENV = 'DASHBOARD_DATA_DIR';
/** `1` renders listing thumbnails from Wallapop's image URLs (off by default: no external requests). */
export const THUMBNAILS_ENV = 'DASHBOARD_THUMBNAILS';

/** The files the build needs, relative to the data directory (a copy of the lake's `gold/dashboard/`). */
export const DATA_FILES = { latest: 'latest.json', series: 'series.json' } as const;

export interface DashboardData {
  latest: DashboardDay;
  series: DashboardSeries;
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

/** Validates a latest/series pair: each on its own, then that they describe the same newest day. */
export function validateDashboardData(
  latestValue: unknown,
  seriesValue: unknown,
  names: { latest: string; series: string } = { latest: DATA_FILES.latest, series: DATA_FILES.series },
): DashboardData {
  const latest = validateDay(latestValue, names.latest);
  const series = validateSeries(seriesValue, names.series);
  if (latest.day !== series.lastDay) {
    throw new DashboardDataError(names.series, `runs through ${series.lastDay}, but ${names.latest} is the day ${latest.day}: copy both files from the same gold run`);
  }
  return { latest, series };
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

/** Reads and validates `latest.json` and `series.json` from `dir`. */
export async function readDashboardData(dir: string, shownAs: (file: string) => string = (file) => join(dir, file)): Promise<DashboardData> {
  const names = { latest: shownAs(DATA_FILES.latest), series: shownAs(DATA_FILES.series) };
  const [latestText, seriesText] = await Promise.all([
    readText(join(dir, DATA_FILES.latest), names.latest),
    readText(join(dir, DATA_FILES.series), names.series),
  ]);
  return validateDashboardData(parseJson(latestText, names.latest), parseJson(seriesText, names.series), names);
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

export function thumbnailsEnabled(): boolean {
  return process.env[THUMBNAILS_ENV] === '1';
}
