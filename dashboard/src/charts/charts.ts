/**
 * The dashboard's charts: static SVG drawn at build time with Observable Plot on a linkedom
 * document (zero client JS). Each builder takes plain arrays and a text alternative and returns
 * CSP-clean, escaped markup (see ./svg.ts). Listing titles never go into a chart.
 */
import { tr } from '../i18n/lang.ts';
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { fmt, fmtDay } from '../data/format.ts';
import { toSafeSvg, type SafeSvg, type SvgNode } from './svg.ts';

const { document } = parseHTML('<!doctype html><html lang="es"><head></head><body></body></html>');

export const WIDTH = 640;

/** Colours chosen for at least 4.5:1 contrast on white (they also label lines as text). */
export const COLORS = {
  blue: '#1d4f91',
  green: '#17693a',
  red: '#a3361a',
  purple: '#6d2f9c',
  brown: '#6b4f00',
  bandInner: '#8fb0de',
  bandOuter: '#d3e0f3',
  bar: '#2c6bb8',
  grid: '#d0d5dd',
} as const;

type PlotOptions = NonNullable<Parameters<typeof Plot.plot>[0]>;

function render(options: PlotOptions, label: string): SafeSvg {
  const figure = Plot.plot({ document, width: WIDTH, style: null, ...options } as PlotOptions) as unknown as SvgNode & { setAttribute(name: string, value: string): void };
  figure.setAttribute('font-size', '12');
  return toSafeSvg(figure, label);
}

const dateCache = new Map<string, Date>();
/** Days as Dates (UTC midnight), memoised: every chart of a build shares the same days. */
export function datesOf(days: readonly string[]): Date[] {
  return days.map((day) => {
    let date = dateCache.get(day);
    if (date === undefined) {
      date = new Date(`${day}T00:00:00Z`);
      dateCache.set(day, date);
    }
    return date;
  });
}

function timeAxis(dates: readonly Date[]): PlotOptions['x'] {
  const first = dates[0]?.getTime() ?? 0;
  const last = dates[dates.length - 1]?.getTime() ?? first;
  const spanDays = (last - first) / 86_400_000;
  return {
    type: 'utc',
    label: null,
    ticks: spanDays <= 14 ? Math.max(1, Math.round(spanDays / 2)) : 6,
    tickFormat: spanDays <= 92 ? (date: Date) => fmtDay.short(date.toISOString().slice(0, 10)) : (date: Date) => fmtDay.monthYear(date),
  };
}

/** 'percent': a value in percent (12.5 → "12,5 %"); 'share': a fraction (0.125 → "12,5 %"). */
export type ValueFormat = 'count' | 'euro' | 'days' | 'percent' | 'share';
const axisFormat: Record<ValueFormat, (value: number) => string> = {
  // Below ten thousand in full: "2,5 mil" would name every tick of a narrow range alike.
  count: (value) => (Math.abs(value) < 10_000 ? fmt.int(value) : fmt.compact(value)),
  euro: (value) => fmt.eurWhole(value),
  days: (value) => fmt.dec(value),
  percent: (value) => fmt.pct(value),
  share: (value) => fmt.share(value),
};
export const valueFormat: Record<ValueFormat, (value: number | null) => string> = {
  count: (value) => fmt.int(value),
  euro: (value) => fmt.eur(value),
  days: (value) => fmt.days(value),
  percent: (value) => fmt.pct(value),
  share: (value) => fmt.share(value),
};

export interface LineSpec {
  label: string;
  values: ReadonlyArray<number | null>;
  color: string;
}

/** First, last, lowest and highest value of a series, in words (the chart's text alternative). */
export function describeSeries(days: readonly string[], values: ReadonlyArray<number | null>, format: ValueFormat): string {
  let first = -1;
  let last = -1;
  let low = -1;
  let high = -1;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    if (first < 0) first = i;
    last = i;
    if (low < 0 || value < values[low]!) low = i;
    if (high < 0 || value > values[high]!) high = i;
  }
  if (first < 0) return tr('sin datos en el periodo', 'no data in the period');
  let missing = 0; // days without data between the first and the last that have some
  for (let i = first; i <= last; i += 1) if (values[i] === null || values[i] === undefined) missing += 1;
  const show = (i: number) => `${valueFormat[format](values[i]!)} (${fmtDay.short(days[i]!)})`;
  const parts = [tr(`de ${show(first)} a ${show(last)}`, `from ${show(first)} to ${show(last)}`), `${tr('mínimo', 'lowest')} ${show(low)}`, `${tr('máximo', 'highest')} ${show(high)}`];
  if (missing > 0) parts.push(tr(`${missing} ${missing === 1 ? 'día' : 'días'} sin datos`, `${missing} ${missing === 1 ? 'day' : 'days'} without data`));
  return parts.join('; ');
}

const known = (value: number | null | undefined): value is number => value !== null && value !== undefined;

/** Days with a value whose neighbours have none: a line cannot show them, a dot does. */
function isolated(values: ReadonlyArray<number | null>): number[] {
  const found: number[] = [];
  for (let i = 0; i < values.length; i += 1) if (known(values[i]) && !known(values[i - 1]) && !known(values[i + 1])) found.push(i);
  return found;
}

function lastDefined(values: ReadonlyArray<number | null>): number {
  for (let i = values.length - 1; i >= 0; i -= 1) if (values[i] !== null && values[i] !== undefined) return i;
  return -1;
}

/** One or more daily series as lines, each labelled at its last point. */
export function lineChart(input: { days: readonly string[]; lines: readonly LineSpec[]; format: ValueFormat; label: string; height?: number; zero?: boolean }): SafeSvg {
  const dates = datesOf(input.days);
  const marks: Plot.Markish[] = [];
  const ends: Array<{ date: Date; value: number; label: string; color: string }> = [];
  for (const line of input.lines) {
    const index = Array.from(line.values.keys());
    marks.push(
      Plot.lineY(index, {
        x: (i: number) => dates[i],
        y: (i: number) => line.values[i] ?? Number.NaN,
        stroke: line.color,
        strokeWidth: 2,
        curve: 'linear',
      }),
    );
    const lonely = isolated(line.values);
    if (lonely.length > 0) marks.push(Plot.dot(lonely, { x: (i: number) => dates[i], y: (i: number) => line.values[i], fill: line.color, r: 2.5 }));
    const end = lastDefined(line.values);
    if (end >= 0) ends.push({ date: dates[end]!, value: line.values[end]!, label: line.label, color: line.color });
  }
  // A single line is labelled at its end; several get an HTML legend (see Chart.astro's legend).
  if (input.lines.length === 1 && ends.length === 1) {
    marks.push(Plot.dot(ends, { x: 'date', y: 'value', fill: ends[0]!.color, r: 3 }));
    marks.push(Plot.text(ends, { x: 'date', y: 'value', text: 'label', fill: ends[0]!.color, textAnchor: 'start', dx: 6, fontWeight: 600 }));
  }
  return render(
    {
      height: input.height ?? 240,
      marginLeft: 60,
      marginRight: input.lines.length === 1 ? 80 : 16,
      x: timeAxis(dates),
      y: { grid: true, label: null, zero: input.zero ?? input.format === 'count', tickFormat: axisFormat[input.format], ticks: 5 },
      color: { type: 'identity' },
      marks,
    },
    input.label,
  );
}

/** Price quantiles over time: p10–p90 (light), p25–p75 (darker) and the median line. */
export function priceBandChart(input: {
  days: readonly string[];
  p10: ReadonlyArray<number | null>;
  p25: ReadonlyArray<number | null>;
  p50: ReadonlyArray<number | null>;
  p75: ReadonlyArray<number | null>;
  p90: ReadonlyArray<number | null>;
  label: string;
  height?: number;
}): SafeSvg {
  const dates = datesOf(input.days);
  const index = Array.from(input.days.keys());
  const value = (values: ReadonlyArray<number | null>) => (i: number) => values[i] ?? Number.NaN;
  const end = lastDefined(input.p50);
  const ends =
    end < 0
      ? []
      : [
          { date: dates[end]!, value: input.p50[end]!, label: tr('mediana', 'median'), color: COLORS.blue },
          ...(input.p75[end] == null ? [] : [{ date: dates[end]!, value: input.p75[end]!, label: 'p75', color: '#33507a' }]),
          ...(input.p25[end] == null ? [] : [{ date: dates[end]!, value: input.p25[end]!, label: 'p25', color: '#33507a' }]),
        ];
  return render(
    {
      height: input.height ?? 260,
      marginLeft: 64,
      marginRight: 90,
      x: timeAxis(dates),
      y: { grid: true, label: null, tickFormat: axisFormat.euro, ticks: 5 },
      color: { type: 'identity' },
      marks: [
        Plot.areaY(index, { x: (i: number) => dates[i], y1: value(input.p10), y2: value(input.p90), fill: COLORS.bandOuter }),
        Plot.areaY(index, { x: (i: number) => dates[i], y1: value(input.p25), y2: value(input.p75), fill: COLORS.bandInner }),
        Plot.lineY(index, { x: (i: number) => dates[i], y: value(input.p50), stroke: COLORS.blue, strokeWidth: 2 }),
        Plot.ruleX(isolated(input.p50), { x: (i: number) => dates[i], y1: value(input.p25), y2: value(input.p75), stroke: COLORS.bandInner, strokeWidth: 5 }),
        Plot.dot(isolated(input.p50), { x: (i: number) => dates[i], y: value(input.p50), fill: COLORS.blue, r: 2.5 }),
        Plot.text(ends, { x: 'date', y: 'value', text: 'label', fill: 'color', textAnchor: 'start', dx: 6, fontWeight: 600 }),
      ],
    },
    input.label,
  );
}

export interface BarRow {
  label: string;
  value: number;
}

/** Horizontal bars, one per row, longest first as given. Labels are escaped like any text. */
export function barChart(input: { rows: readonly BarRow[]; format: ValueFormat; label: string; color?: string }): SafeSvg {
  const rows = input.rows.map((row, i) => ({ ...row, key: `${i}`, shown: valueFormat[input.format](row.value) }));
  const labels = new Map(rows.map((row) => [row.key, row.label.length > 34 ? `${row.label.slice(0, 33)}…` : row.label]));
  return render(
    {
      height: 28 + rows.length * 24,
      marginLeft: 230,
      marginRight: 80,
      x: { grid: true, label: null, tickFormat: axisFormat[input.format], ticks: 4 },
      y: { label: null, domain: rows.map((row) => row.key), tickFormat: (key: string) => labels.get(key) ?? '', tickSize: 0 },
      marks: [
        Plot.barX(rows, { y: 'key', x: 'value', fill: input.color ?? COLORS.bar }),
        Plot.text(rows, { y: 'key', x: 'value', text: 'shown', textAnchor: 'start', dx: 4, fill: 'currentColor', fontSize: 11 }),
        Plot.ruleX([0]),
      ],
    },
    input.label,
  );
}
