/**
 * Results files side by side, as the Markdown tables of docs/performance.md: wall time and CPU
 * time against DuckDB at each size, the growth from the smallest size to the largest, peak memory,
 * and the bundles.
 *
 *   npx tsx bench/report.ts bench/results/bench-100000.json bench/results/bench-1000000.json
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { anchorLines, S3_ROUND_TRIP_MS, type BenchResults, type BenchRow } from './results.ts';

const num = (value: number | null | undefined, digits = 2) => (value === null || value === undefined ? '—' : value.toFixed(digits));
const times = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${value.toFixed(2)}×`);
const int = (value: number | null | undefined) => (value === null || value === undefined ? '—' : Math.round(value).toLocaleString('en'));
const size = (results: BenchResults) => (results.dataset.listings >= 1e6 ? `${results.dataset.listings / 1e6}M` : `${results.dataset.listings / 1e3}k`);

function markdown(header: string[], lines: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`, ...lines.map((line) => `| ${line.join(' | ')} |`)].join('\n');
}

export function sideBySide(runs: readonly BenchResults[]): string {
  const ids = runs[0]!.rows.map((row) => row.id);
  const find = (run: BenchResults, id: string): BenchRow | undefined => run.rows.find((row) => row.id === id);
  const first = runs[0]!;
  const last = runs[runs.length - 1]!;
  const growthHeader = runs.length > 1 ? [`ours ${size(first)}→${size(last)}`, `DuckDB ${size(first)}→${size(last)}`] : [];
  const growth = (id: string, pick: (row: BenchRow) => number | null) => {
    const a = find(first, id);
    const b = find(last, id);
    const x = a ? pick(a) : null;
    const y = b ? pick(b) : null;
    return x !== null && y !== null && x > 0 ? times(y / x) : '—';
  };

  const wall = markdown(
    ['stage', ...runs.flatMap((run) => [`${size(run)} ours s`, `${size(run)} DuckDB s`, `${size(run)} ratio`]), ...growthHeader],
    ids.map((id) => [
      find(first, id)!.stage.replace(/ \(.*\)$/, ''),
      ...runs.flatMap((run) => {
        const row = find(run, id);
        return [num(row?.oursS), num(row?.duckdbS), times(row?.ratio)];
      }),
      ...(runs.length > 1 ? [growth(id, (row) => row.oursS), growth(id, (row) => row.duckdbS)] : []),
    ]),
  );
  const cpu = markdown(
    ['stage', ...runs.flatMap((run) => [`${size(run)} ours CPU s`, `${size(run)} DuckDB CPU s`, `${size(run)} CPU ratio`, `${size(run)} rows/s`]), ...growthHeader],
    ids
      .filter((id) => runs.some((run) => find(run, id)?.oursCpuS !== null))
      .map((id) => [
        find(first, id)!.stage.replace(/ \(.*\)$/, ''),
        ...runs.flatMap((run) => {
          const row = find(run, id);
          return [num(row?.oursCpuS, 1), num(row?.duckdbCpuS, 1), times(row?.cpuRatio), int(row?.rowsPerS)];
        }),
        ...(runs.length > 1 ? [growth(id, (row) => row.oursCpuS), growth(id, (row) => row.duckdbCpuS)] : []),
      ]),
  );
  const memory = markdown(
    ['stage', ...runs.flatMap((run) => [`${size(run)} peak MB`, `${size(run)} DuckDB MB`])],
    ids.map((id) => [find(first, id)!.stage.replace(/ \(.*\)$/, ''), ...runs.flatMap((run) => [int(find(run, id)?.peakMb), int(find(run, id)?.duckdbPeakMb)])]),
  );
  const bundles = last.bundles.length
    ? markdown(
        ['function', 'zip KB', '.mjs KB', '.map KB', 'init ms', 'import ms', 'cold start ms (source maps)', 'cold start ms (none)', 'cold start ms (loaded)', `cold start ms (S3 round trips of ${last.s3RoundTripMs ?? S3_ROUND_TRIP_MS} ms)`, 'peak MB'],
        last.bundles.map((bundle) => [
          bundle.name,
          int(bundle.zipBytes / 1024),
          int(bundle.mjsBytes / 1024),
          int(bundle.mapBytes / 1024),
          int(bundle.initMs),
          int(bundle.importMs),
          int(bundle.coldStartMs),
          int(bundle.coldStartNoSourceMapsMs),
          int(bundle.coldStartLoadedMs ?? null),
          int(bundle.coldStartS3RoundTripsMs ?? null),
          int(bundle.peakMb),
        ]),
      )
    : '';
  const datasets = runs
    .map(
      (run) =>
        `- ${size(run)}: ${run.dataset.bronze.items.toLocaleString('en')} bronze items in ${run.dataset.bronze.pages.toLocaleString('en')} pages ` +
        `(${(run.dataset.bronze.gzipBytes / 1e6).toFixed(0)} MB gzip), ${run.dataset.silverRows.toLocaleString('en')} silver rows, ` +
        `previous state ${run.dataset.previousStateRows.toLocaleString('en')} rows; median of ${run.options.repeat}; ` +
        `load average ${run.machine.loadAverages.join(' / ')}; \`${run.command}\``,
    )
    .join('\n');
  const baseline = anchorLines(last)
    .map((line) => `${line}.`)
    .join('\n');
  return [datasets, '**Wall time**', wall, '**CPU time** (user + system, every process and thread)', cpu, '**Peak RSS**', memory, bundles ? '**Bundles and cold starts**' : '', bundles, baseline].filter(Boolean).join('\n\n');
}

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error('usage: tsx bench/report.ts <results.json> [more results.json …]');
  const runs = await Promise.all(files.map(async (file) => JSON.parse(await readFile(file, 'utf8')) as BenchResults));
  runs.sort((a, b) => a.dataset.listings - b.dataset.listings);
  console.log(sideBySide(runs));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
