import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

/**
 * The benchmark at 10,000 listings, every section, so that it never rots: the results file has
 * every row and every figure is there and plausible. No timing assertions: this machine's speed is
 * not what the test is about (docs/performance.md has the figures).
 */

/** What the test reads of the results file (bench/results.ts declares the whole of it). */
interface Figures {
  oursS: number | null;
  duckdbS: number | null;
  ratio: number | null;
  rowsPerS: number | null;
  peakMb: number | null;
  duckdbPeakMb: number | null;
  oursCpuS: number | null;
  duckdbCpuS: number | null;
  note?: string;
}
interface BenchResults {
  notes: string[];
  rows: Array<Figures & { id: string }>;
  dataset: { listings: number; searches: unknown[]; bronze: { items: number; pages: number }; silverRows: number; previousStateRows: number };
  bundles: Array<{ name: string; zipBytes: number; mjsBytes: number; coldStartMs: number | null; coldStartLoadedMs?: number | null; coldStartS3RoundTripsMs?: number | null; importMs: number | null; note?: string }>;
  nodeBaseline?: { coldMs: number; loadedMs: number } | null;
  runtimeFloor?: { coldMs: number; loadedMs: number; roundTripsMs: number } | null;
  s3RoundTripMs?: number | null;
  perRow: { silverCpuUsPerBronzeItem: number | null; goldShardCpuUsPerInputRow: number | null };
}

/** The rows docs/performance.md reports, in its order (bench/results.ts `BENCH_ROW_IDS`). */
const ROWS = ['silver', 'silver-1core', 'silver-largest', 'gold', 'gold-1core', 'gold-shard', 'gold-fanin', 'silver-s3', 'gold-shard-s3', 'gold-fanin-s3', 'dashboard'];
const ENGINE_ROWS = ['silver', 'silver-1core', 'gold', 'gold-1core'] as const;
const ALONE_ROWS = ['silver-largest', 'gold-shard', 'gold-fanin', 'silver-s3', 'gold-shard-s3', 'gold-fanin-s3'] as const;
/** The pipeline's functions, which must all have a cold start figure; others (alerts) may say why not. */
const PIPELINE_FUNCTIONS = ['plan', 'extract', 'silver', 'goldFanout', 'goldShard', 'goldFanin', 'watchdog'] as const;

test('npm run bench -- --smoke measures every stage, bundle and cold start', async (t) => {
  t.timeout(10 * 60_000);
  const directory = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
  try {
    const out = join(directory, 'results.json');
    // The command as users run it (package.json's bench:smoke), not the bench's functions.
    const child = spawn('npm', ['run', '--silent', 'bench:smoke', '--', '--data', join(directory, 'lake'), '--out', out, '--quiet'], { stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve, reject) => child.on('close', resolve).on('error', reject));
    t.is(code, 0, 'npm run bench:smoke exits 0');
    const results = JSON.parse(await readFile(out, 'utf8')) as BenchResults;
    // Shown when an assertion fails: why a section has no figures (packaging failed, …).
    for (const note of results.notes) t.log(note);

    t.deepEqual(
      results.rows.map((row) => row.id),
      ROWS,
    );
    t.is(results.dataset.listings, 10_000);
    t.is(results.dataset.searches.length, 21);
    t.true(results.dataset.bronze.items >= 10_000, 'bronze holds every listing at least once');
    t.true(results.dataset.bronze.pages >= results.dataset.bronze.items / 40);
    t.true(results.dataset.silverRows > 0 && results.dataset.silverRows <= results.dataset.bronze.items);
    t.true(results.dataset.previousStateRows > 0);

    const row = (id: string) => results.rows.find((candidate) => candidate.id === id)!;
    for (const id of ENGINE_ROWS) {
      const { oursS, duckdbS, ratio, rowsPerS, peakMb, duckdbPeakMb, oursCpuS, duckdbCpuS } = row(id);
      t.true(oursS !== null && oursS > 0, `${id}: ours`);
      t.true(duckdbS !== null && duckdbS > 0, `${id}: DuckDB`);
      t.true(ratio !== null && ratio > 0, `${id}: ratio`);
      t.true(rowsPerS !== null && rowsPerS > 0, `${id}: rows/s`);
      t.true(oursCpuS !== null && oursCpuS > 0 && duckdbCpuS !== null && duckdbCpuS > 0, `${id}: CPU seconds`);
      t.true(peakMb !== null && peakMb > 20 && peakMb < 4096, `${id}: peak ${peakMb} MB`);
      t.true(duckdbPeakMb !== null && duckdbPeakMb > 20, `${id}: DuckDB peak ${duckdbPeakMb} MB`);
    }
    for (const id of ALONE_ROWS) {
      const { oursS, peakMb } = row(id);
      t.true(oursS !== null && oursS > 0, `${id}: time`);
      t.true(peakMb !== null && peakMb > 20 && peakMb < 4096, `${id}: peak ${peakMb} MB`);
    }
    const dashboard = row('dashboard');
    t.true((dashboard.oursS !== null && dashboard.oursS > 0) || typeof dashboard.note === 'string', 'dashboard: a time or the reason it was skipped');

    const names = results.bundles.map((bundle) => bundle.name);
    for (const name of PIPELINE_FUNCTIONS) t.true(names.includes(name), `${name} is packaged`);
    for (const bundle of results.bundles) {
      t.true(bundle.zipBytes > 10_000 && bundle.mjsBytes > 10_000, `${bundle.name}: sizes`);
      // Functions the bench cannot trigger locally say why instead of giving a figure.
      const measured = bundle.coldStartMs !== null && bundle.coldStartMs > 0 && bundle.importMs !== null && bundle.importMs > 0;
      t.true(measured || typeof bundle.note === 'string', `${bundle.name}: cold start or a note`);
      if ((PIPELINE_FUNCTIONS as readonly string[]).includes(bundle.name)) {
        t.true(measured, `${bundle.name}: cold start measured (${bundle.note ?? ''})`);
        t.true(bundle.coldStartLoadedMs !== undefined && bundle.coldStartLoadedMs !== null && bundle.coldStartLoadedMs > 0, `${bundle.name}: cold start with every core busy`);
        // Every pipeline function reads or writes the lake, so at least one request waited.
        const withRoundTrips = bundle.coldStartS3RoundTripsMs ?? 0;
        const roundTripMs = results.s3RoundTripMs ?? 0;
        t.true(roundTripMs > 0 && withRoundTrips >= roundTripMs, `${bundle.name}: cold start with S3's round trips of ${roundTripMs} ms (${withRoundTrips} ms)`);
      }
    }
    // The anchor: Node alone, measured in the same run, costs less than any function's cold start.
    const baseline = results.nodeBaseline;
    t.true(baseline !== undefined && baseline !== null && baseline.coldMs > 0 && baseline.loadedMs > 0, 'Node alone measured, idle and loaded');
    const coldest = Math.min(...results.bundles.flatMap((bundle) => (bundle.coldStartMs === null ? [] : [bundle.coldStartMs])));
    t.true(baseline!.coldMs < coldest, `Node alone (${baseline!.coldMs} ms) under every cold start (${coldest} ms at least)`);
    // The second anchor: the runtime alone (middy, Powertools, the S3 client) reads one object and writes one.
    const floor = results.runtimeFloor;
    t.true(floor !== undefined && floor !== null && floor.coldMs > baseline!.coldMs && floor.loadedMs > 0, `the runtime alone measured, above Node alone (${floor?.coldMs} ms)`);
    t.true(floor!.roundTripsMs >= 2 * (results.s3RoundTripMs ?? 0), `the runtime alone waited for its two requests (${floor?.roundTripsMs} ms)`);
    t.true(results.perRow.silverCpuUsPerBronzeItem !== null && results.perRow.silverCpuUsPerBronzeItem > 0);
    t.true(results.perRow.goldShardCpuUsPerInputRow !== null && results.perRow.goldShardCpuUsPerInputRow > 0);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
