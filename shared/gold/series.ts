import { DASHBOARD_SCHEMA_VERSION, SERIES_METRICS, type DashboardDay, type DashboardSeries, type Kpis, type SeriesColumns } from './dashboard.ts';
import { dayNumber, dayOfNumber } from '../lake/days.ts';
import { categoryKey, provinceKey, regionKey } from './groups.ts';

/**
 * The daily series grows by one day per gold day: series(D) = series(previous gold day) + D, with
 * a column of nulls for each calendar day in between that had no gold. Nothing older is re-read,
 * so the fan-in's cost does not grow with history beyond rewriting the (compact, column-wise) file.
 */

function emptyColumns(length: number): SeriesColumns {
  return Object.fromEntries(SERIES_METRICS.map((metric) => [metric, new Array<number | null>(length).fill(null)])) as SeriesColumns;
}

/**
 * A metric the previous series does not have yet (it was written by an earlier release): its
 * past days are unknown, so they are nulls.
 */
function withEveryMetric(columns: SeriesColumns, length: number): SeriesColumns {
  for (const metric of SERIES_METRICS) columns[metric] ??= new Array<number | null>(length).fill(null);
  return columns;
}

function append(columns: SeriesColumns, nullDays: number, kpis: Kpis | undefined): void {
  for (const metric of SERIES_METRICS) {
    const values = columns[metric];
    for (let i = 0; i < nullDays; i += 1) values.push(null);
    values.push(kpis === undefined ? null : kpis[metric]);
  }
}

/** `today` must already carry dashboard precision (it is what the day file shows). */
export function extendSeries(previous: DashboardSeries | null, today: DashboardDay): DashboardSeries {
  const day = today.day;
  if (previous !== null && previous.lastDay >= day) {
    throw new RangeError(`cannot extend a series through ${previous.lastDay} with ${day}: days must be appended in order`);
  }
  const gap = previous === null ? 0 : dayNumber(day) - dayNumber(previous.lastDay) - 1;
  const days = previous === null ? [] : [...previous.days];
  for (let i = 1; i <= gap; i += 1) days.push(dayOfNumber(dayNumber(previous!.lastDay) + i));
  days.push(day);
  const priorLength = days.length - 1 - gap;

  const overall = previous === null ? emptyColumns(0) : withEveryMetric(structuredClone(previous.overall), priorLength);
  append(overall, gap, today.overall);

  const extend = <Meta extends object>(
    before: Record<string, Meta & { metrics: SeriesColumns }> | undefined,
    todays: Map<string, { meta: Meta; kpis: Kpis }>,
  ): Record<string, Meta & { metrics: SeriesColumns }> => {
    const result: Record<string, Meta & { metrics: SeriesColumns }> = {};
    for (const key of new Set([...Object.keys(before ?? {}), ...todays.keys()])) {
      const old = before?.[key];
      const current = todays.get(key);
      const metrics = old === undefined ? emptyColumns(priorLength) : withEveryMetric(structuredClone(old.metrics), priorLength);
      append(metrics, gap, current?.kpis);
      result[key] = { ...(old ?? {}), ...(current?.meta ?? {}), metrics } as Meta & { metrics: SeriesColumns };
    }
    return result;
  };

  return {
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    firstDay: days[0]!,
    lastDay: day,
    days,
    overall,
    categories: extend(
      previous?.categories,
      new Map(today.categories.map((row) => [categoryKey(row.categoryId), { meta: { categoryId: row.categoryId, categoryName: row.categoryName }, kpis: row }])),
    ),
    regions: extend(previous?.regions, new Map(today.regions.map((row) => [regionKey(row.region), { meta: { region: row.region }, kpis: row }]))),
    // A series written before provinces has none: their past days are nulls.
    provinces: extend(previous?.provinces, new Map((today.provinces ?? []).map((row) => [provinceKey(row.region, row.province), { meta: { region: row.region, province: row.province }, kpis: row }]))),
    searches: extend(previous?.searches, new Map(today.searches.map((row) => [row.searchSlug, { meta: { searchSlug: row.searchSlug }, kpis: row }]))),
  };
}
