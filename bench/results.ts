/**
 * The benchmark's results file (`bench/results/*.json`) and its tables. One row per measured
 * stage, always present (null figures when a section was skipped), so that a results file can be
 * checked for completeness (tests/bench/smoke.test.ts) and two files compared (bench/report.ts).
 */

export const BENCH_ROW_IDS = [
  'silver',
  'silver-1core',
  'silver-largest',
  'gold',
  'gold-1core',
  'gold-shard',
  'gold-fanin',
  'silver-s3',
  'gold-shard-s3',
  'gold-fanin-s3',
  'dashboard',
] as const;

export type BenchRowId = (typeof BENCH_ROW_IDS)[number];

export interface BenchRow {
  id: BenchRowId;
  stage: string;
  /** Median wall time of our stage, seconds. */
  oursS: number | null;
  /** Median wall time of DuckDB on the same work, seconds. */
  duckdbS: number | null;
  /** ours / DuckDB (lower is better; 1 = as fast). */
  ratio: number | null;
  /** Median CPU seconds (user + system, all threads and processes): robust to other load on the machine. */
  oursCpuS: number | null;
  duckdbCpuS: number | null;
  cpuRatio: number | null;
  /** Input rows of the stage: bronze items for silver, silver rows + previous state rows for gold. */
  rows: number | null;
  rowsPerS: number | null;
  /** Peak RSS of our process(es), MB (the highest over the repeats). */
  peakMb: number | null;
  duckdbPeakMb: number | null;
  samples: { oursMs: number[]; duckdbMs: number[]; oursCpuMs: number[]; duckdbCpuMs: number[] };
  note?: string;
}

/**
 * What an S3 request waits in the cold starts "with S3's round trips" (bench/bundles.ts): small
 * requests to S3 take tens of milliseconds at the median, a few to s3rver here.
 */
export const S3_ROUND_TRIP_MS = 20;

export interface BundleRow {
  /** Function name in serverless.yml. */
  name: string;
  /** Configured memory (MB) and NODE_OPTIONS, from the packaged template: the cold starts ran with these. */
  memoryMb: number;
  nodeOptions: string;
  zipBytes: number;
  mjsBytes: number;
  mapBytes: number;
  /** Median, process start → handler result, with --enable-source-maps (as deployed). */
  coldStartMs: number | null;
  coldStartNoSourceMapsMs: number | null;
  /** Median cold start, as deployed, with every core busy (absent in results from before it was measured). */
  coldStartLoadedMs?: number | null;
  /** Median cold start, as deployed, idle, every S3 request waiting S3_ROUND_TRIP_MS (bench/bundles.ts; absent in older results). */
  coldStartS3RoundTripsMs?: number | null;
  /** Median import time of the bundle. */
  importMs: number | null;
  /** Median time from process start to the bundle imported (Node's boot + the import: Lambda's init phase). */
  initMs: number | null;
  peakMb: number | null;
  /** The event the cold starts handled. */
  trigger: string | null;
  samplesMs: number[];
  /** Why a figure is missing. */
  note?: string;
}

/** The generated lake a run measures. */
export interface BenchDataset {
  listings: number;
  shards: number;
  searches: string[];
  /** Bronze of day D: pages, gzip bytes, items, and the largest search. */
  bronze: { pages: number; gzipBytes: number; items: number; largestSearch: string; largestSearchItems: number };
  previousStateRows: number;
  /** Time to generate both days and run D−1's pipeline (when generated in this run). */
  preparedMs: number | null;
  reused: boolean;
}

export interface BenchResults {
  version: 1;
  startedAt: string;
  finishedAt: string;
  command: string;
  /** The commit, whether shared/ or functions/ had uncommitted changes, and hashes of shared/silver and shared/gold as measured. */
  code: { commit: string; uncommitted: boolean; silver: string; gold: string };
  /** loadAverages: the 1-minute load average before the run and at the start of each repeat (other work on the machine shows here). */
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string; loadAverages: number[] };
  options: { listings: number; repeat: number; shards: number; concurrency: number; coldRuns: number; skip: string[]; smoke: boolean };
  storage: string;
  dataset: BenchDataset & { day: string; previousDay: string; silverRows: number };
  rows: BenchRow[];
  bundles: BundleRow[];
  /**
   * Medians of the cold-start runner with an empty handler, idle and with every core busy: Node's
   * boot on this machine at that moment, the anchor the functions' cold starts are read against
   * (absent in results from before it was measured).
   */
  nodeBaseline?: { coldMs: number; loadedMs: number } | null;
  /**
   * Medians of the runtime alone (bench/cold-start-floor.ts: middy, Powertools and the S3 client
   * reading one object and writing one, bundled like a function), idle, with every core busy and
   * with S3 trips: what every S3-triggered function's cold start holds before its own work (absent
   * in results from before it was measured).
   */
  runtimeFloor?: { coldMs: number; loadedMs: number; roundTripsMs: number } | null;
  /** What every S3 request waited in the "S3 trips" cold starts (S3_ROUND_TRIP_MS; null when cold starts were not measured). */
  s3RoundTripMs?: number | null;
  packageMs: number | null;
  /** CPU cost per row, for the scale-on-paper estimates (microseconds, one core). */
  perRow: {
    silverCpuUsPerBronzeItem: number | null;
    goldShardCpuUsPerInputRow: number | null;
    faninMs: number | null;
    duckdbSilverCpuUsPerBronzeItem: number | null;
    duckdbGoldCpuUsPerInputRow: number | null;
  };
  baselineRssMb: number;
  profiles: Record<string, string>;
  notes: string[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const cell = (value: number | null | undefined, digits = 2) => (value === null || value === undefined ? '—' : value.toFixed(digits));
const count = (value: number | null | undefined) => (value === null || value === undefined ? '—' : Math.round(value).toLocaleString('en'));

function table(header: string[], lines: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (line: string[]) => line.map((text, column) => (rightAligned.has(column) ? text.padStart(widths[column]!) : text.padEnd(widths[column]!))).join('  ');
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join('\n');
}

export function formatTable(results: BenchResults): string {
  const { dataset, options } = results;
  const title = `${dataset.listings.toLocaleString('en')} listings (${dataset.bronze.items.toLocaleString('en')} bronze items, ${dataset.bronze.pages.toLocaleString('en')} pages), ${options.shards} shards, median of ${options.repeat}`;
  const times = (value: number | null) => (value === null ? '—' : `${value.toFixed(2)}×`);
  const lines = results.rows.map((row) => [
    row.stage,
    cell(row.oursS),
    cell(row.duckdbS),
    times(row.ratio),
    cell(row.oursCpuS, 1),
    cell(row.duckdbCpuS, 1),
    times(row.cpuRatio),
    count(row.rowsPerS),
    count(row.peakMb),
    count(row.duckdbPeakMb),
  ]);
  return `${title}\n${table(['stage', 'ours (s)', 'DuckDB (s)', 'ratio', 'ours CPU s', 'DuckDB CPU s', 'CPU ratio', 'rows/s', 'peak MB', 'DuckDB MB'], lines, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]))}`;
}

export function formatBundleTable(results: BenchResults): string {
  const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en')}`;
  const lines = results.bundles.map((bundle) => [
    bundle.name,
    kb(bundle.zipBytes),
    kb(bundle.mjsBytes),
    kb(bundle.mapBytes),
    count(bundle.initMs),
    count(bundle.importMs),
    count(bundle.coldStartMs),
    count(bundle.coldStartNoSourceMapsMs),
    count(bundle.coldStartLoadedMs ?? null),
    count(bundle.coldStartS3RoundTripsMs ?? null),
    count(bundle.peakMb),
  ]);
  const bundleTable = table(['function', 'zip KB', '.mjs KB', '.map KB', 'init ms', 'import ms', 'cold start ms', 'no source maps', 'loaded ms', 'S3 trips ms', 'peak MB'], lines, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  const roundTrips = `S3 trips: the cold start, idle, with every S3 request waiting ${results.s3RoundTripMs ?? S3_ROUND_TRIP_MS} ms (an S3 round trip; s3rver answers in a few)`;
  return [bundleTable, roundTrips, ...anchorLines(results)].join('\n');
}

/**
 * The cold starts' anchors, as the bench and its side-by-side report print them: Node alone, and
 * the runtime every S3-triggered function bundles reading one object and writing one (each absent
 * in results from before it was measured).
 */
export function anchorLines(results: BenchResults): string[] {
  const lines: string[] = [];
  const baseline = results.nodeBaseline;
  if (baseline) lines.push(`Node alone (an empty handler, same runner): ${baseline.coldMs} ms idle, ${baseline.loadedMs} ms with every core busy`);
  const floor = results.runtimeFloor;
  if (floor) {
    lines.push(
      `The runtime alone (middy, Powertools, the S3 client: one get and one put, bundled like a function; bench/cold-start-floor.ts): ${floor.coldMs} ms idle, ${floor.loadedMs} ms with every core busy, ${floor.roundTripsMs} ms with S3 trips`,
    );
  }
  return lines;
}
