/**
 * The benchmark: our stages against DuckDB doing the same work on the same files, in one run.
 *
 *   npm run bench                                   # 100,000 listings, 3 repeats, the shards `auto` settles on (1)
 *   npm run bench -- --listings 1000000 --out bench/results/1m.json
 *   npm run bench -- --smoke                        # 10,000 listings, 1 repeat (the test suite runs this)
 *
 * Options: --listings N  --repeat R  --shards S|auto  --concurrency C (default: the machine's cores)
 *          --out FILE  --data DIR (the generated lake; reused when it matches)  --fresh (regenerate)
 *          --skip single-core,duckdb,memory,bundles,cold-start,as-deployed,dashboard
 *          --cold-runs N (default 5)  --profile DIR (CPU profiles of the one-invocation runs)
 *
 * What it does (docs/performance.md explains the method and the figures):
 *   1. Generates day D−1 and day D of a simulated market at the given size as extract writes them
 *      (gzip envelopes, manifests, run plans, categories snapshots), 21 searches, then runs silver
 *      and gold for D−1 so that D has a previous state. Cached in --data until the options change.
 *   2. Measures day D, each --repeat times (medians reported), every stage in its own processes:
 *      silver of all searches and gold (all shards + fan-in) on C warm "Lambda" processes at once,
 *      and on one; DuckDB on the same files with C threads and with one; the largest silver search,
 *      the largest gold shard and the fan-in each alone in a fresh process (peak RSS).
 *   3. Packages the functions (bundle sizes), times cold starts of the bundled handlers against an
 *      embedded S3, and runs the bundled silver / gold shard / fan-in over this lake in S3.
 *   4. Builds the dashboard for a year of data when bench/dashboard-build.ts exists.
 * Storage: a local-directory lake for the engine comparison (DuckDB reads local files too); the
 * "as deployed" rows measure the same invocations through S3 (s3rver) with the bundled code.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BronzeManifest } from '#shared/lake/bronze.ts';
import { keys, type Day } from '#shared/lake/keys.ts';
import { getJson } from '#shared/lake/lake.ts';
import type { GoldManifest } from '#shared/gold/manifest.ts';
import type { GoldTask } from '#shared/gold/task.ts';
import { runGoldFanout, undispatchedReason } from '#shared/gold/fanout-stage.ts';
import { reopenClaim } from '#shared/lake/claim.ts';
import { startEmbeddedS3 } from '#local/embedded-s3.ts';
import { copyLake, measureColdStarts, packageFunctions, runBundledHandler, s3Event, type BundleInfo, type HandlerRun } from './bundles.ts';
import { benchMarket, writeDayPlan } from './generate.ts';
import { DirectoryLake } from '#shared/lake/directory-lake.ts';
import { duckdbPages } from './duckdb-pages.ts';
import type { Job, JobReport } from './jobs.ts';
import { lambdaNodeFlags, runFresh, runPool } from './pool.ts';
import { formatSummary, readProfile, summariseProfile } from './profile.ts';
import { benchSearches, DAY, PREVIOUS_DAY, SEED } from './scenario.ts';
import { BENCH_ROW_IDS, formatBundleTable, formatTable, median, S3_ROUND_TRIP_MS, type BenchDataset, type BenchResults, type BenchRow, type BundleRow } from './results.ts';
import { autoShardCount, FIRST_DAY_SHARDS } from '#shared/plan/shard-count.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** 2: bronze pages in envelope version 2 (a line of envelope, then the body: shared/lake/bronze.ts). */
const DATA_VERSION = 2;
const SECTIONS = ['single-core', 'duckdb', 'memory', 'bundles', 'cold-start', 'as-deployed', 'dashboard'] as const;
type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  listings: number;
  repeat: number;
  shards: number;
  concurrency: number;
  out: string;
  data: string;
  fresh: boolean;
  skip: Set<Section>;
  coldRuns: number;
  profile: string | undefined;
  smoke: boolean;
  log: (line: string) => void;
}


const dirLake = (root: string) => ({ kind: 'dir' as const, root });
const seconds = (ms: number) => ms / 1000;

async function bronzeManifests(lake: DirectoryLake, day: Day): Promise<BronzeManifest[]> {
  const found: BronzeManifest[] = [];
  for (const search of benchSearches()) {
    const manifest = await getJson<BronzeManifest>(lake, keys.bronzeManifest(day, search.slug));
    if (!manifest) throw new Error(`no bronze manifest for ${search.slug} on ${day}`);
    found.push(manifest);
  }
  return found;
}

/** Silver jobs, one per search, largest first (longest-processing-time-first on the pool). */
function silverJobs(root: string, day: Day, manifests: readonly BronzeManifest[]): Job[] {
  return [...manifests]
    .sort((a, b) => b.itemCount - a.itemCount || (a.search < b.search ? -1 : 1))
    .map((manifest) => ({ kind: 'silver', lake: dirLake(root), manifestKeys: [keys.bronzeManifest(day, manifest.search)] }));
}

async function goldTasks(lake: DirectoryLake, day: Day, shards: number): Promise<Array<{ key: string; rows: number }>> {
  const tasks: Array<{ key: string; rows: number }> = [];
  for (let shard = 0; shard < shards; shard += 1) {
    const task = await getJson<GoldTask>(lake, keys.goldTask(day, shard));
    if (!task) throw new Error(`no gold task for shard ${shard} of ${day}`);
    tasks.push({ key: keys.goldTask(day, shard), rows: task.searches.reduce((sum, search) => sum + search.silverRows, 0) });
  }
  return tasks.sort((a, b) => b.rows - a.rows);
}

/** Gold of one day: fan-out here, the shards on `concurrency` processes, then the fan-in. */
async function runGoldDay(
  root: string,
  day: Day,
  shards: number,
  concurrency: number,
): Promise<{ wallMs: number; cpuMs: number; fanoutMs: number; shards: Awaited<ReturnType<typeof runPool>>; fanin: Awaited<ReturnType<typeof runPool>> }> {
  const lake = new DirectoryLake(root);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  // The bench recomputes a day on purpose: the same run dispatches and publishes again.
  for (const claim of [keys.goldDispatchClaim(day), keys.goldPublishClaim(day)]) await reopenClaim(lake, claim);
  const fanout = await runGoldFanout(lake, keys.silverManifest(day, benchSearches()[0]!.slug));
  if (fanout.status !== 'dispatched') throw new Error(undispatchedReason(fanout));
  const fanoutMs = performance.now() - started;
  const fanoutCpu = process.cpuUsage(cpuStart);
  const tasks = await goldTasks(lake, day, shards);
  const jobs: Job[] =
    concurrency === 1 ? [{ kind: 'gold-shard', lake: dirLake(root), taskKeys: tasks.map((task) => task.key) }] : tasks.map((task) => ({ kind: 'gold-shard', lake: dirLake(root), taskKeys: [task.key] }));
  const shardRun = await runPool(jobs, concurrency);
  const fanin = await runPool([{ kind: 'gold-fanin', lake: dirLake(root), partialKey: keys.goldPartial(day, shards - 1) }], 1);
  return {
    wallMs: fanoutMs + shardRun.wallMs + fanin.wallMs,
    cpuMs: (fanoutCpu.user + fanoutCpu.system) / 1000 + shardRun.cpuMs + fanin.cpuMs,
    fanoutMs,
    shards: shardRun,
    fanin,
  };
}

async function dirSize(directory: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return { files, bytes };
}

/**
 * Generates (or reuses) the lake: bronze of D−1 and D, and D−1 through silver and gold. Bronze is
 * reused while the options match; D−1's silver and gold are recomputed whenever shared/silver or
 * shared/gold changed, so that D reads a previous state written by the code being measured.
 */
async function prepare(options: BenchOptions, code: BenchResults['code']): Promise<BenchDataset> {
  const root = options.data;
  const lake = new DirectoryLake(root);
  const stampPath = join(root, 'bench-dataset.json');
  const bronze = { version: DATA_VERSION, listings: options.listings, shards: options.shards, seed: SEED, days: [PREVIOUS_DAY, DAY], searches: benchSearches().map((search) => search.slug) };
  const pipeline = { silver: code.silver, gold: code.gold };
  let preparedMs: number | null = null;
  let reused = false;
  const stamp = existsSync(stampPath) ? (JSON.parse(await readFile(stampPath, 'utf8')) as { bronze?: unknown; pipeline?: unknown; version?: unknown }) : undefined;
  const started = performance.now();
  // Lakes prepared before the stamp had two parts carry the bronze part alone.
  const stampedBronze = stamp?.bronze ?? (stamp && 'version' in stamp ? stamp : undefined);
  if (!options.fresh && JSON.stringify(stampedBronze) === JSON.stringify(bronze)) {
    reused = true;
    options.log(`reusing the generated bronze in ${root}`);
  } else {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    options.log(`generating ${options.listings.toLocaleString('en')} listings, days ${PREVIOUS_DAY} and ${DAY}, into ${root}`);
    const market = benchMarket(options.listings, SEED, PREVIOUS_DAY);
    for (const day of [PREVIOUS_DAY, DAY]) await writeDayPlan(lake, market, day, options.shards);
    const workers = options.concurrency;
    const generated = await runPool(
      Array.from({ length: workers }, (_, worker) => ({ kind: 'generate', lake: dirLake(root), listings: options.listings, seed: SEED, startDay: PREVIOUS_DAY, days: [PREVIOUS_DAY, DAY], worker, workers }) satisfies Job),
      workers,
    );
    options.log(`  bronze written in ${seconds(generated.wallMs).toFixed(1)} s`);
  }
  if (!reused || JSON.stringify(stamp?.pipeline) !== JSON.stringify(pipeline)) {
    if (reused) options.log(`  shared/silver or shared/gold changed since the lake was prepared: recomputing ${PREVIOUS_DAY}`);
    for (const prefix of ['silver', 'gold', 'quarantine', 'control/gold', 'control/claims', 'duckdb']) await rm(join(root, prefix), { recursive: true, force: true });
    const silver = await runPool(silverJobs(root, PREVIOUS_DAY, await bronzeManifests(lake, PREVIOUS_DAY)), options.concurrency);
    options.log(`  ${PREVIOUS_DAY}: silver in ${seconds(silver.wallMs).toFixed(1)} s`);
    const gold = await runGoldDay(root, PREVIOUS_DAY, options.shards, options.concurrency);
    options.log(`  ${PREVIOUS_DAY}: gold in ${seconds(gold.wallMs).toFixed(1)} s (the previous state of ${DAY})`);
    preparedMs = performance.now() - started;
    await writeFile(stampPath, `${JSON.stringify({ bronze, pipeline }, null, 2)}\n`);
  }
  // DuckDB's copy of the day's pages (version 1), made here so its disk writes are over before anything is timed.
  if (!options.skip.has('duckdb')) {
    const copied = performance.now();
    const pages = await duckdbPages(root, DAY);
    options.log(`  DuckDB's copy of ${DAY}'s ${pages.toLocaleString('en')} pages (envelope version 1): ${seconds(performance.now() - copied).toFixed(1)} s`);
  }
  const manifests = await bronzeManifests(lake, DAY);
  const largest = manifests.reduce((best, manifest) => (manifest.itemCount > best.itemCount ? manifest : best));
  const bronzeSize = await dirSize(join(root, `bronze/search/dt=${DAY}`));
  const previous = await getJson<GoldManifest>(lake, keys.goldManifest(PREVIOUS_DAY));
  if (!previous) throw new Error(`the lake in ${root} has no gold for ${PREVIOUS_DAY}: run with --fresh`);
  return {
    listings: options.listings,
    shards: options.shards,
    searches: manifests.map((manifest) => manifest.search),
    bronze: {
      pages: manifests.reduce((sum, manifest) => sum + manifest.pageCount, 0),
      gzipBytes: bronzeSize.bytes,
      items: manifests.reduce((sum, manifest) => sum + manifest.itemCount, 0),
      largestSearch: largest.search,
      largestSearchItems: largest.itemCount,
    },
    previousStateRows: previous.totals.stateRows,
    preparedMs,
    reused,
  };
}

/** Collected samples of one table row over the repeats. */
class Samples {
  ours: number[] = [];
  duckdb: number[] = [];
  oursCpu: number[] = [];
  duckdbCpu: number[] = [];
  oursPeak: number[] = [];
  duckdbPeak: number[] = [];

  addOurs(ms: number, cpuMs: number, peakMb: number): void {
    this.ours.push(ms);
    this.oursCpu.push(cpuMs);
    this.oursPeak.push(peakMb);
  }

  addDuckdb(report: JobReport): void {
    this.duckdb.push(report.ms);
    this.duckdbCpu.push(report.cpuMs);
    this.duckdbPeak.push(report.maxRssMb);
  }
}

function row(id: (typeof BENCH_ROW_IDS)[number], stage: string, samples: Samples | undefined, rows: number | null, note?: string): BenchRow {
  const ours = samples && samples.ours.length > 0 ? median(samples.ours) : null;
  const duckdb = samples && samples.duckdb.length > 0 ? median(samples.duckdb) : null;
  const oursCpu = samples && samples.oursCpu.length > 0 ? median(samples.oursCpu) : null;
  const duckdbCpu = samples && samples.duckdbCpu.length > 0 ? median(samples.duckdbCpu) : null;
  return {
    id,
    stage,
    oursS: ours === null ? null : round(seconds(ours), 3),
    duckdbS: duckdb === null ? null : round(seconds(duckdb), 3),
    ratio: ours !== null && duckdb !== null && duckdb > 0 ? round(ours / duckdb, 2) : null,
    oursCpuS: oursCpu === null ? null : round(seconds(oursCpu), 3),
    duckdbCpuS: duckdbCpu === null ? null : round(seconds(duckdbCpu), 3),
    cpuRatio: oursCpu !== null && duckdbCpu !== null && duckdbCpu > 0 ? round(oursCpu / duckdbCpu, 2) : null,
    rows,
    rowsPerS: ours !== null && rows !== null && ours > 0 ? Math.round(rows / seconds(ours)) : null,
    peakMb: samples && samples.oursPeak.length > 0 ? Math.max(...samples.oursPeak) : null,
    duckdbPeakMb: samples && samples.duckdbPeak.length > 0 ? Math.max(...samples.duckdbPeak) : null,
    samples: {
      oursMs: samples?.ours.map((ms) => Math.round(ms)) ?? [],
      duckdbMs: samples?.duckdb.map((ms) => Math.round(ms)) ?? [],
      oursCpuMs: samples?.oursCpu.map((ms) => Math.round(ms)) ?? [],
      duckdbCpuMs: samples?.duckdbCpu.map((ms) => Math.round(ms)) ?? [],
    },
    ...(note ? { note } : {}),
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

async function profileSummary(directory: string, name: string): Promise<string | undefined> {
  const files = existsSync(directory) ? (await readdir(directory)).filter((file) => file.endsWith('.cpuprofile')) : [];
  if (files.length === 0) return undefined;
  // The child's main thread writes the biggest profile; the loader thread's is nearly empty.
  let best = files[0]!;
  let bestSize = -1;
  for (const file of files) {
    const size = (await stat(join(directory, file))).size;
    if (size > bestSize) [best, bestSize] = [file, size];
  }
  const text = formatSummary(summariseProfile(await readProfile(join(directory, best)), 20));
  await writeFile(join(directory, `${name}.txt`), `${text}\n`);
  return join(directory, best);
}

/** Which code was measured: the commit, and a hash of the stage sources as they are on disk (other work may be uncommitted). */
async function codeVersion(): Promise<BenchResults['code']> {
  const git = (args: string[]) =>
    new Promise<string>((resolvePromise) => {
      const child = spawn('git', args, { cwd: REPO, stdio: ['ignore', 'pipe', 'ignore'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('close', () => resolvePromise(output.trim()));
      child.on('error', () => resolvePromise(''));
    });
  const hashOf = async (directory: string) => {
    const hash = createHash('sha256');
    const files = (await readdir(join(REPO, directory), { recursive: true })).filter((file) => file.endsWith('.ts')).sort();
    for (const file of files) hash.update(file).update(await readFile(join(REPO, directory, file)));
    return hash.digest('hex').slice(0, 12);
  };
  return {
    commit: (await git(['rev-parse', '--short', 'HEAD'])) || 'unknown',
    uncommitted: (await git(['status', '--porcelain', '--', 'shared', 'functions'])) !== '',
    silver: await hashOf('shared/silver'),
    gold: await hashOf('shared/gold'),
  };
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const code = await codeVersion();
  const { log } = options;
  const root = options.data;
  const lake = new DirectoryLake(root);
  const notes: string[] = [];
  const dataset = await prepare(options, code);
  log(
    `day ${DAY}: ${dataset.bronze.items.toLocaleString('en')} bronze items in ${dataset.bronze.pages.toLocaleString('en')} pages (${(dataset.bronze.gzipBytes / 1e6).toFixed(0)} MB gzip), ` +
      `${dataset.searches.length} searches (largest ${dataset.bronze.largestSearch}: ${dataset.bronze.largestSearchItems.toLocaleString('en')}), ` +
      `previous state ${dataset.previousStateRows.toLocaleString('en')} rows; ${options.concurrency} processes / threads`,
  );
  const manifests = await bronzeManifests(lake, DAY);
  const jobs = silverJobs(root, DAY, manifests);
  const largestSilver = jobs[0]!;
  const skip = (section: Section) => options.skip.has(section);

  const samples = {
    silver: new Samples(),
    silverSingle: new Samples(),
    silverLargest: new Samples(),
    gold: new Samples(),
    goldSingle: new Samples(),
    goldShard: new Samples(),
    goldFanin: new Samples(),
  };
  const perRow = { silverCpuMs: [] as number[], goldShardCpuMs: [] as number[], faninMs: [] as number[] };
  const loadAverages: number[] = [round(os.loadavg()[0]!, 2)];
  let silverRows = 0;
  let goldInputRows = 0;
  let largestShard = { key: '', rows: 0 };
  const profiles: Record<string, string> = {};

  for (let repeat = 1; repeat <= options.repeat; repeat += 1) {
    log(`repeat ${repeat}/${options.repeat}`);
    // Silver: every search, C processes, largest first.
    loadAverages.push(round(os.loadavg()[0]!, 2));
    const silver = await runPool(jobs, options.concurrency);
    samples.silver.addOurs(silver.wallMs, silver.cpuMs, silver.maxRssMb);
    const steps = silver.reports.flatMap((report) => report.steps);
    silverRows = steps.reduce((sum, step) => sum + step.rows, 0);
    perRow.silverCpuMs.push(steps.reduce((sum, step) => sum + step.cpuMs, 0));
    log(`  silver, ${options.concurrency} processes: ${seconds(silver.wallMs).toFixed(2)} s (${silverRows.toLocaleString('en')} rows, peak ${silver.maxRssMb} MB)`);
    if (!skip('single-core')) {
      const single = await runPool([{ kind: 'silver', lake: dirLake(root), manifestKeys: jobs.flatMap((job) => (job.kind === 'silver' ? job.manifestKeys : [])) }], 1);
      samples.silverSingle.addOurs(single.wallMs, single.cpuMs, single.maxRssMb);
      log(`  silver, 1 process: ${seconds(single.wallMs).toFixed(2)} s`);
    }
    if (!skip('duckdb')) {
      const duck = await runFresh({ kind: 'duckdb-silver', root, day: DAY, out: join(root, 'duckdb/silver'), threads: options.concurrency, shardCount: options.shards });
      samples.silver.addDuckdb(duck);
      log(`  DuckDB silver, ${options.concurrency} threads: ${seconds(duck.ms).toFixed(2)} s (peak ${duck.maxRssMb} MB)`);
      // A yardstick that read fewer pages (a layout it no longer understands) would look fast: the counts must agree.
      const duckRows = (duck.detail as { rows?: number } | undefined)?.rows;
      if (duckRows !== silverRows) {
        throw new Error(`DuckDB's silver wrote ${String(duckRows)} rows where ours wrote ${silverRows}: they no longer do the same work (bench/duckdb.ts reads the bronze pages; ours quarantines items DuckDB keeps: see ${join(root, 'quarantine')})`);
      }
      if (!skip('single-core')) {
        const duck1 = await runFresh({ kind: 'duckdb-silver', root, day: DAY, out: join(root, 'duckdb/silver'), threads: 1, shardCount: options.shards });
        samples.silverSingle.addDuckdb(duck1);
        log(`  DuckDB silver, 1 thread: ${seconds(duck1.ms).toFixed(2)} s`);
      }
    }

    // Gold: fan-out, every shard on C processes, fan-in.
    const gold = await runGoldDay(root, DAY, options.shards, options.concurrency);
    samples.gold.addOurs(gold.wallMs, gold.cpuMs, Math.max(gold.shards.maxRssMb, gold.fanin.maxRssMb));
    perRow.goldShardCpuMs.push(gold.shards.cpuMs);
    perRow.faninMs.push(gold.fanin.reports[0]!.cpuMs);
    const tasks = await goldTasks(lake, DAY, options.shards);
    largestShard = tasks[0]!;
    const silverManifestRows = tasks.reduce((sum, task) => sum + task.rows, 0);
    goldInputRows = silverManifestRows + dataset.previousStateRows;
    log(`  gold, ${options.concurrency} processes: ${seconds(gold.wallMs).toFixed(2)} s (shards ${seconds(gold.shards.wallMs).toFixed(2)} s, fan-in ${seconds(gold.fanin.wallMs).toFixed(2)} s)`);
    if (!skip('single-core')) {
      const single = await runGoldDay(root, DAY, options.shards, 1);
      samples.goldSingle.addOurs(single.wallMs, single.cpuMs, Math.max(single.shards.maxRssMb, single.fanin.maxRssMb));
      log(`  gold, 1 process: ${seconds(single.wallMs).toFixed(2)} s`);
    }
    if (!skip('duckdb')) {
      const goldJob = (threads: number): Job => ({
        kind: 'duckdb-gold',
        root,
        day: DAY,
        previousDay: PREVIOUS_DAY,
        out: join(root, 'duckdb/gold'),
        threads,
        shardCount: options.shards,
        completeSearches: dataset.searches,
      });
      const duck = await runFresh(goldJob(options.concurrency));
      samples.gold.addDuckdb(duck);
      log(`  DuckDB gold, ${options.concurrency} threads: ${seconds(duck.ms).toFixed(2)} s (peak ${duck.maxRssMb} MB)`);
      if (!skip('single-core')) {
        const duck1 = await runFresh(goldJob(1));
        samples.goldSingle.addDuckdb(duck1);
        log(`  DuckDB gold, 1 thread: ${seconds(duck1.ms).toFixed(2)} s`);
      }
    }

    // One invocation per process, as Lambda runs them: peak RSS of each stage.
    if (!skip('memory')) {
      const profileDir = (name: string) => (options.profile && repeat === 1 ? join(options.profile, name) : undefined);
      const fresh = async (name: string, job: Job, target: Samples): Promise<JobReport> => {
        const cpuProfDir = profileDir(name);
        if (cpuProfDir) await rm(cpuProfDir, { recursive: true, force: true });
        const report = await runFresh(job, cpuProfDir ? { cpuProfDir } : {});
        target.addOurs(report.ms, report.cpuMs, report.maxRssMb);
        if (cpuProfDir) {
          const path = await profileSummary(cpuProfDir, name);
          if (path) profiles[name] = path;
        }
        log(`  ${name}: ${seconds(report.ms).toFixed(2)} s, peak RSS ${report.maxRssMb} MB (${report.baselineRssMb} MB at start)`);
        return report;
      };
      await fresh('silver-largest', largestSilver, samples.silverLargest);
      await fresh('gold-shard', { kind: 'gold-shard', lake: dirLake(root), taskKeys: [largestShard.key] }, samples.goldShard);
      await fresh('gold-fanin', { kind: 'gold-fanin', lake: dirLake(root), partialKey: keys.goldPartial(DAY, options.shards - 1) }, samples.goldFanin);
    }
  }
  const baseline = await runFresh({ kind: 'idle' });
  notes.push(`Processes run the TypeScript sources under tsx: a child holds ${baseline.baselineRssMb} MB before any work (tsx and the loaded modules); the "as deployed" rows run the bundles, without tsx.`);
  notes.push(
    `Children run with the memory flags serverless.yml gives each function: silver ${lambdaNodeFlags('silver').join(' ') || '(none)'}; gold shard ${lambdaNodeFlags('gold-shard').join(' ') || '(none)'}; fan-in ${lambdaNodeFlags('gold-fanin').join(' ') || '(none)'}.`,
  );
  if (options.profile) notes.push(`CPU profiles (first repeat) in ${options.profile}; the one-invocation rows of that repeat include the profiler's overhead.`);

  // Bundles, cold starts, and the bundled handlers over this lake in S3.
  let bundleRows: BundleRow[] = [];
  const deployed = { silver: new Samples(), shard: new Samples(), fanin: new Samples() };
  let packageMs: number | null = null;
  let bundles: BundleInfo[] = [];
  let nodeBaseline: BenchResults['nodeBaseline'] = null;
  let runtimeFloor: BenchResults['runtimeFloor'] = null;
  if (!skip('bundles')) {
    const packageDir = join(root, 'package');
    log('packaging the functions (serverless package)');
    try {
      const packaged = await packageFunctions(packageDir);
      bundles = packaged.bundles;
      packageMs = packaged.ms;
    } catch (error) {
      const message = (error as Error).message;
      notes.push(`bundles: packaging failed, no bundle, cold-start or as-deployed figures: ${message.slice(0, 1500)}`);
      log(`  packaging failed: ${message.split('\n').find((line) => /ERROR|Error:/.test(line)) ?? message.split('\n')[0]}`);
    }
    bundleRows = bundles.map((bundle) => ({ name: bundle.name, memoryMb: bundle.memoryMb, nodeOptions: bundle.nodeOptions.join(' '), zipBytes: bundle.zipBytes, mjsBytes: bundle.mjsBytes, mapBytes: bundle.mapBytes, coldStartMs: null, coldStartNoSourceMapsMs: null, coldStartLoadedMs: null, coldStartS3RoundTripsMs: null, importMs: null, initMs: null, peakMb: null, trigger: null, samplesMs: [] }));
    if (!skip('cold-start') && bundles.length > 0) {
      log(`cold starts: ${options.coldRuns} runs per function, with and without --enable-source-maps, then with every core busy`);
      const cold = await measureColdStarts(bundles, DAY, options.coldRuns, join(root, 'cold-start'), log);
      nodeBaseline = { coldMs: Math.round(median(cold.baseline.idleMs)), loadedMs: Math.round(median(cold.baseline.loadedMs)) };
      const { runtime } = cold.baseline;
      runtimeFloor =
        runtime.idleMs.length === 0
          ? null
          : { coldMs: Math.round(median(runtime.idleMs)), loadedMs: Math.round(median(runtime.loadedMs)), roundTripsMs: Math.round(median(runtime.roundTripsMs)) };
      if (runtime.error !== undefined) notes.push(`the runtime alone (bench/cold-start-floor.ts) could not be bundled: ${runtime.error}`);
      for (const sample of cold.samples) {
        const target = bundleRows.find((bundle) => bundle.name === sample.name);
        if (!target) continue;
        target.trigger = sample.trigger;
        if (sample.error !== undefined || sample.runs.length === 0) {
          target.note = `no cold start figure: ${sample.error ?? 'no run'}`;
          continue;
        }
        target.coldStartMs = Math.round(median(sample.runs.map((run) => run.coldMs)));
        target.coldStartNoSourceMapsMs = Math.round(median(sample.runsWithoutSourceMaps.map((run) => run.coldMs)));
        target.coldStartLoadedMs = sample.runsLoaded.length === 0 ? null : Math.round(median(sample.runsLoaded.map((run) => run.coldMs)));
        target.coldStartS3RoundTripsMs = sample.runsWithRoundTrips.length === 0 ? null : Math.round(median(sample.runsWithRoundTrips.map((run) => run.coldMs)));
        target.importMs = Math.round(median(sample.runs.map((run) => run.importMs)));
        target.initMs = Math.round(median(sample.runs.map((run) => run.initMs)));
        target.peakMb = Math.max(...sample.runs.map((run) => run.maxRssMb));
        target.samplesMs = sample.runs.map((run) => Math.round(run.coldMs));
      }
      for (const target of bundleRows) if (target.trigger === null) target.note = 'no cold start figure: no local trigger for this function (it needs a service s3rver does not provide)';
    }
    if (!skip('as-deployed') && bundles.length > 0) {
      log('as deployed: the bundled handlers over this lake in an embedded S3');
      const s3 = await startEmbeddedS3({ directory: join(root, 's3-deployed') });
      try {
        const shardSegment = `shard=${largestShard.key.match(/shard=(\d+)/)![1]}`;
        const largestSearch = `search=${dataset.bronze.largestSearch}/`;
        const copied = await copyLake(root, s3.lake, (key) => {
          // The lake's own prefixes only (the data directory also holds DuckDB's output, the package, …).
          if (!/^(bronze|silver|gold|control|quarantine)\//.test(key)) return false;
          if (key.startsWith('bronze/search/')) return key.includes(`dt=${DAY}/`) && key.includes(largestSearch);
          if (key.startsWith('silver/listings/')) return key.includes(`dt=${DAY}/`) && key.includes(`${shardSegment}/`);
          if (key.startsWith('gold/state/')) return key.includes(`dt=${PREVIOUS_DAY}/`) && key.includes(shardSegment);
          // The previous day's comparable groups are a shard's input (its fair prices); the other tables are outputs.
          if (key.startsWith('gold/tables/comparable_daily/')) return key.includes(`dt=${PREVIOUS_DAY}/`);
          return !key.startsWith('gold/tables/');
        });
        log(`  copied ${copied.objects} objects (${(copied.bytes / 1e6).toFixed(0)} MB) into s3rver`);
        const bundle = (name: string) => bundles.find((candidate) => candidate.name === name)!;
        const environment = { s3 };
        const work = join(root, 'cold-start');
        const record = (target: Samples, run: HandlerRun, what: string) => {
          target.addOurs(run.handlerMs, run.handlerCpuMs, run.maxRssMb);
          log(`  ${what}: ${seconds(run.handlerMs).toFixed(2)} s, peak RSS ${run.maxRssMb} MB`);
        };
        for (let repeat = 1; repeat <= options.repeat; repeat += 1) {
          record(deployed.silver, await runBundledHandler(bundle('silver'), s3Event(s3.bucket, keys.bronzeManifest(DAY, dataset.bronze.largestSearch)), environment, work), `silver ${dataset.bronze.largestSearch}`);
          record(deployed.shard, await runBundledHandler(bundle('goldShard'), s3Event(s3.bucket, largestShard.key), environment, work), `gold shard ${shardSegment}`);
          await reopenClaim(s3.lake, keys.goldPublishClaim(DAY));
          record(deployed.fanin, await runBundledHandler(bundle('goldFanin'), s3Event(s3.bucket, keys.goldPartial(DAY, options.shards - 1)), environment, work), 'gold fan-in');
        }
      } finally {
        await s3.close();
        await rm(join(root, 's3-deployed'), { recursive: true, force: true });
      }
    }
  }

  // Dashboard build for a year of data: bench/dashboard-build.ts is another engineer's.
  const dashboard = new Samples();
  let dashboardNote: string | undefined;
  let dashboardPages: number | null = null;
  const dashboardScript = join(REPO, 'bench/dashboard-build.ts');
  if (skip('dashboard')) dashboardNote = 'skipped (--skip dashboard)';
  else if (!existsSync(dashboardScript)) dashboardNote = 'skipped: bench/dashboard-build.ts is not in this checkout yet';
  else {
    log('dashboard build for a year of data (bench/dashboard-build.ts)');
    const run = await runScript(dashboardScript, []);
    // Its own report: "build: 41.2 s for 1234 pages (…), peak RSS 812 MB" (the build alone, data generation excluded).
    const reported = /build: ([\d.]+) s for (\d+) pages.*?peak RSS (\d+) MB/.exec(run.output);
    if (run.code === 0 && reported) {
      dashboard.ours.push(Number(reported[1]) * 1000);
      dashboard.oursPeak.push(Number(reported[3]));
      dashboardPages = Number(reported[2]);
      log(`  ${reported[1]} s for ${reported[2]} pages (${seconds(run.ms).toFixed(1)} s with generating the year of gold), peak RSS ${reported[3]} MB`);
    } else dashboardNote = `bench/dashboard-build.ts exited with ${run.code}${reported ? '' : ' without its "build: … s for … pages" line'}: ${run.output.slice(-400)}`;
  }
  if (dashboardNote) notes.push(`dashboard: ${dashboardNote}`);

  const configured = (name: string) => {
    const bundle = bundles.find((candidate) => candidate.name === name);
    return bundle ? `, ${bundle.memoryMb} MB` : '';
  };
  const rows: BenchRow[] = [
    row('silver', `silver · all ${dataset.searches.length} searches (${options.concurrency} procs vs ${options.concurrency} threads)`, samples.silver, dataset.bronze.items),
    row('silver-1core', 'silver · 1 process vs 1 thread', skip('single-core') ? undefined : samples.silverSingle, dataset.bronze.items),
    row('silver-largest', `silver · largest search alone (${dataset.bronze.largestSearch})`, skip('memory') ? undefined : samples.silverLargest, dataset.bronze.largestSearchItems),
    row('gold', `gold · ${options.shards} shards + fan-in (${options.concurrency} procs vs ${options.concurrency} threads)`, samples.gold, goldInputRows),
    row('gold-1core', 'gold · 1 process vs 1 thread', skip('single-core') ? undefined : samples.goldSingle, goldInputRows),
    row('gold-shard', 'gold shard · largest alone', skip('memory') ? undefined : samples.goldShard, largestShard.rows),
    row('gold-fanin', 'gold fan-in alone', skip('memory') ? undefined : samples.goldFanin, null),
    row('silver-s3', `as deployed · silver largest search (bundle, S3${configured('silver')})`, deployed.silver.ours.length ? deployed.silver : undefined, dataset.bronze.largestSearchItems),
    row('gold-shard-s3', `as deployed · gold shard (bundle, S3${configured('goldShard')})`, deployed.shard.ours.length ? deployed.shard : undefined, largestShard.rows),
    row('gold-fanin-s3', `as deployed · gold fan-in (bundle, S3${configured('goldFanin')})`, deployed.fanin.ours.length ? deployed.fanin : undefined, null),
    row('dashboard', `dashboard build · a year of data${dashboardPages === null ? '' : ` (${dashboardPages} pages)`}`, dashboard.ours.length ? dashboard : undefined, null, dashboardNote),
  ];
  const cpuPerRow = (ms: number[], rowsCount: number) => (rowsCount > 0 && ms.length > 0 ? round((median(ms) * 1000) / rowsCount, 2) : null);
  const results: BenchResults = {
    version: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    code,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      loadAverages,
    },
    options: { listings: options.listings, repeat: options.repeat, shards: options.shards, concurrency: options.concurrency, coldRuns: options.coldRuns, skip: [...options.skip], smoke: options.smoke },
    storage: 'local directory lake (DirectoryLake) for the engine comparison; embedded S3 (s3rver) for the "as deployed" rows and cold starts',
    dataset: { ...dataset, day: DAY, previousDay: PREVIOUS_DAY, silverRows },
    rows,
    bundles: bundleRows,
    nodeBaseline,
    runtimeFloor,
    s3RoundTripMs: nodeBaseline === null ? null : S3_ROUND_TRIP_MS,
    packageMs: packageMs === null ? null : Math.round(packageMs),
    perRow: {
      silverCpuUsPerBronzeItem: cpuPerRow(perRow.silverCpuMs, dataset.bronze.items),
      goldShardCpuUsPerInputRow: cpuPerRow(perRow.goldShardCpuMs, goldInputRows),
      faninMs: perRow.faninMs.length ? Math.round(median(perRow.faninMs)) : null,
      duckdbSilverCpuUsPerBronzeItem: samples.silver.duckdbCpu.length ? cpuPerRow(samples.silver.duckdbCpu, dataset.bronze.items) : null,
      duckdbGoldCpuUsPerInputRow: samples.gold.duckdbCpu.length ? cpuPerRow(samples.gold.duckdbCpu, goldInputRows) : null,
    },
    baselineRssMb: baseline.baselineRssMb,
    profiles,
    notes,
  };
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`);
  return results;
}

/** Runs another bench script in its own process and returns its output. */
function runScript(script: string, args: string[]): Promise<{ code: number | null; ms: number; output: string }> {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(process.execPath, [`--import=${import.meta.resolve('tsx')}`, script, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolvePromise({ code, ms: performance.now() - started, output }));
  });
}

export const BENCH_USAGE = `usage: npm run bench -- [--listings N (default 100000)] [--repeat R (default 3)] [--shards S|auto (default auto: 1 shard per 125,000 listings, as the pipeline settles)]
       [--concurrency C (default: the machine's cores)] [--out FILE] [--data DIR] [--fresh]
       [--skip ${SECTIONS.join(',')}] [--cold-runs N (default 5)] [--profile DIR] [--smoke] [--quiet]
  (docs/performance.md says what each section measures)`;

/** A bad option: one line naming it, then exit 2 (no stack trace). */
export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

export function parseOptions(argv: string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
      listings: { type: 'string' },
      repeat: { type: 'string' },
      shards: { type: 'string', default: 'auto' },
      concurrency: { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      skip: { type: 'string', default: '' },
      'cold-runs': { type: 'string' },
      profile: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    });
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) throw new BenchUsageError('');
  const smoke = values.smoke ?? false;
  const listings = Number(values.listings ?? (smoke ? 10_000 : 100_000));
  // What the pipeline's default (`auto`) settles on for a market of this size: 1 shard at 100k, 8 at 1M.
  const shards = values.shards === 'auto' ? autoShardCount({ stateRows: listings, shardCount: FIRST_DAY_SHARDS }) : Number(values.shards);
  const integer = (name: string, value: number, min: number) => {
    if (!Number.isInteger(value) || value < min) throw new BenchUsageError(`--${name} must be an integer >= ${min}, got ${value}`);
    return value;
  };
  const skip = new Set(
    (values.skip ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
  for (const item of skip) if (!(SECTIONS as readonly string[]).includes(item)) throw new BenchUsageError(`--skip: unknown section ${item} (known: ${SECTIONS.join(', ')})`);
  return {
    listings: integer('listings', listings, 100),
    repeat: integer('repeat', Number(values.repeat ?? (smoke ? 1 : 3)), 1),
    shards: integer('shards', shards, 1),
    concurrency: integer('concurrency', Number(values.concurrency ?? os.availableParallelism()), 1),
    out: resolve(values.out ?? join(REPO, `bench/results/bench-${listings}.json`)),
    // A cache kept between runs (2 GB at 1M): in the project's ignored .data folder, not the temporary directory.
    data: resolve(values.data ?? join(REPO, '.data', 'bench', `listings-${listings}-shards-${shards}`)),
    fresh: values.fresh ?? false,
    skip: skip as Set<Section>,
    coldRuns: integer('cold-runs', Number(values['cold-runs'] ?? (smoke ? 1 : 5)), 1),
    profile: values.profile ? resolve(values.profile) : undefined,
    smoke,
    log: values.quiet ? () => undefined : (line: string) => console.log(line),
  };
}

async function main(): Promise<void> {
  // s3rver needs OpenSSL's legacy provider for listings longer than one page: restart with it.
  if (!process.execArgv.includes('--openssl-legacy-provider') && !(process.env.NODE_OPTIONS ?? '').includes('--openssl-legacy-provider')) {
    const child = spawn(process.execPath, ['--openssl-legacy-provider', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
    child.on('close', (code) => process.exit(code ?? 1));
    return;
  }
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    if (error.message === '') {
      console.log(BENCH_USAGE);
      return;
    }
    console.error(`${error.message} (npm run bench -- --help for the options)`);
    process.exitCode = 2;
    return;
  }
  const results = await runBench(options);
  console.log(`\n${formatTable(results)}`);
  if (results.bundles.length > 0) console.log(`\n${formatBundleTable(results)}`);
  for (const note of results.notes) console.log(`note: ${note}`);
  console.log(`\nresults: ${options.out}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
