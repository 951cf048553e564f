/**
 * Gold at scale: builds two days of synthetic silver for N listings (default 1,000,000) on a
 * local directory lake, then runs fan-out, every shard and the fan-in of both days, each shard and
 * each fan-in in its own process, and prints the wall time and peak RSS of each.
 *
 *   npx tsx bench/gold-scale.ts                     # 1,000,000 listings, 8 shards, 12 searches
 *   npx tsx bench/gold-scale.ts --heap 256               # children limited as a 512 MB Lambda would be
 *   npx tsx bench/gold-scale.ts --listings 10000 --shards 4
 *
 * Day 2 is the one that matters: shards read the previous state as well as silver. Between the
 * days 5 % of listings vanish, 5 % are new, 10 % change price (half of them down).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BronzeManifest } from '#shared/lake/bronze.ts';
import { keys, type Day } from '#shared/lake/keys.ts';
import { putJson, type Lake } from '#shared/lake/lake.ts';
import type { RunPlan } from '#shared/lake/run-plan.ts';
import type { SearchDefinition } from '#shared/config/searches.ts';
import { shardOf } from '#shared/lake/bucket.ts';
import { DirectoryLake } from '#shared/lake/directory-lake.ts';
import { writeSilverParquet } from '#shared/silver/parquet.ts';
import type { SilverRow } from '#shared/silver/schema.ts';
import type { SilverManifest } from '#shared/silver/stage.ts';
import { runGoldFanin, unpublishedReason } from '#shared/gold/fanin-stage.ts';
import { runGoldFanout } from '#shared/gold/fanout-stage.ts';
import { runGoldShard } from '#shared/gold/shard-stage.ts';

/** A lake on a local directory: the bench measures gold, not an S3 emulator. */

export interface ScaleOptions {
  listings: number;
  shards: number;
  searches: number;
  directory: string;
  /** Run each shard and fan-in in a child process (true: real peak RSS per stage). */
  isolate: boolean;
  /** `--max-old-space-size` of the child processes (MB), as a Lambda of limited memory would have; unset: Node's default. */
  heapMb?: number;
  log?: (line: string) => void;
}

export interface StageMeasure {
  stage: string;
  /** Wall time. */
  ms: number;
  /** CPU time (user + system) of the process: what the stage costs even when the machine is busy. */
  cpuMs: number;
  peakRssMb: number;
}

const DAYS: [Day, Day] = ['2026-11-23', '2026-11-24'];
const CATEGORIES = 150;
const REGIONS = 20;
const CITIES = 1500;

/** A cheap deterministic hash → [0, 1): every attribute of listing i on day d is a pure function of (i, d, salt). */
function unit(index: number, salt: number): number {
  let x = Math.imul(index ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35);
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}

/** Listing indices of a day: day 1 is 0…n−1; day 2 drops 5 % and adds 5 % new ones after n. */
function presentOn(dayIndex: number, index: number, n: number): boolean {
  if (index >= n) return dayIndex === 1 && index < n + Math.floor(n * 0.05);
  return dayIndex === 0 || unit(index, 1) >= 0.05;
}

function row(day: Day, dayIndex: number, index: number, search: string): SilverRow {
  const base = Math.exp(2 + 4 * unit(index, 2)) * (0.8 + 0.4 * unit(index, 3));
  const changed = dayIndex === 1 && unit(index, 4) < 0.1;
  const price = Math.round((changed ? base * (unit(index, 5) < 0.5 ? 0.85 : 1.1) : base) * 100) / 100;
  const category = Math.floor(unit(index, 6) * CATEGORIES);
  const city = Math.floor(unit(index, 7) * CITIES);
  const midnight = Date.parse(`${day}T00:00:00Z`);
  return {
    listing_id: `w${(index * 2654435761) >>> 0}x${index}`,
    snapshot_day: day,
    search_slug: search,
    title: `Listing ${index}: a reasonably long title like the ones sellers write`,
    description: null,
    price,
    currency: 'EUR',
    previous_price: null,
    category_id: 10_000 + category,
    category_name: `Category ${category}`,
    category_path: null,
    seller_id: `u${index % 50_000}`,
    city: `City ${city}`,
    postal_code: null,
    region: `Region ${city % REGIONS}`,
    province: `Province ${city % (REGIONS * 3)}`,
    country_code: 'ES',
    latitude: null,
    longitude: null,
    is_reserved: unit(index, 8) < 0.08,
    is_shippable: unit(index, 9) < 0.6,
    seller_allows_shipping: null,
    is_refurbished: null,
    has_warranty: null,
    is_top_profile: null,
    is_bumped: null,
    created_at: midnight - Math.floor(unit(index, 10) * 60 * 86_400_000),
    modified_at: null,
    listing_url: `https://es.wallapop.com/item/listing-${index}`,
    image_url: `https://cdn.wallapop.com/images/${index}.jpg`,
    fetched_at: midnight + 3_600_000 + Math.floor(unit(index, 11) * 3_600_000),
    source_page: 1,
    schema_version: 1,
  };
}

/** Writes plan, bronze and silver manifests and every silver shard of one day. */
async function buildDay(lake: Lake, options: ScaleOptions, dayIndex: number): Promise<void> {
  const day = DAYS[dayIndex]!;
  const { listings: n, shards, searches } = options;
  const slugs = Array.from({ length: searches }, (_, index) => `search-${String(index).padStart(2, '0')}`);
  const plan: RunPlan = {
    planVersion: 1,
    day,
    shardCount: shards,
    searches: slugs.map((slug) => ({ slug, keywords: slug, latitude: 40.4, longitude: -3.7, timeFilter: 'lastMonth', orderBy: 'newest', maxPages: 5000 }) as SearchDefinition),
    categoriesSnapshot: { key: keys.bronzeCategories(day), ok: true },
  };
  await putJson(lake, keys.runPlan(day), plan);

  const total = n + Math.floor(n * 0.05);
  const shardOfIndex = new Uint16Array(total);
  for (let index = 0; index < total; index += 1) shardOfIndex[index] = shardOf(row(day, dayIndex, index, '').listing_id, shards);
  const rowsPerSearch = new Map(slugs.map((slug) => [slug, Array.from({ length: shards }, () => 0)]));
  for (let shard = 0; shard < shards; shard += 1) {
    const bySearch = new Map<string, SilverRow[]>(slugs.map((slug) => [slug, []]));
    for (let index = 0; index < total; index += 1) {
      if (shardOfIndex[index] !== shard || !presentOn(dayIndex, index, n)) continue;
      // Each listing is found by one search; 15 % also by a second one.
      const primary = slugs[Math.floor(unit(index, 12) * searches)]!;
      bySearch.get(primary)!.push(row(day, dayIndex, index, primary));
      if (unit(index, 13) < 0.15) {
        const secondary = slugs[(slugs.indexOf(primary) + 1) % searches]!;
        if (secondary !== primary) bySearch.get(secondary)!.push(row(day, dayIndex, index, secondary));
      }
    }
    for (const slug of slugs) {
      const rows = bySearch.get(slug)!;
      await lake.put(keys.silverShard(day, shard, slug), writeSilverParquet(rows));
      rowsPerSearch.get(slug)![shard] = rows.length;
    }
    options.log?.(`  ${day} silver shard ${shard + 1}/${shards} written`);
  }
  for (const slug of slugs) {
    const rows = rowsPerSearch.get(slug)!;
    const itemCount = rows.reduce((sum, count) => sum + count, 0);
    const bronze = { manifestVersion: 1, day, search: slug, outcome: 'complete', pages: [], pageCount: Math.ceil(itemCount / 40), itemCount, estimatedTotal: itemCount, invocations: 1, firstFetchedAt: null, lastFetchedAt: null, errors: [] } satisfies BronzeManifest;
    await putJson(lake, keys.bronzeManifest(day, slug), bronze);
    const silver = {
      manifestVersion: 1,
      schemaVersion: 1,
      day,
      search: slug,
      outcome: 'complete',
      snapshotComplete: true,
      bronzeManifestKey: keys.bronzeManifest(day, slug),
      shardCount: shards,
      shards: rows.map((count, shard) => ({ shard, key: keys.silverShard(day, shard, slug), rows: count })),
      quarantineKey: keys.quarantine(day, slug),
      categories: { key: keys.bronzeCategories(day), status: 'ok', nodes: CATEGORIES, skippedNodes: 0, detail: null },
      counts: { pagesListed: bronze.pageCount, pagesRead: bronze.pageCount, pagesQuarantined: 0, bronzeItems: itemCount, itemsSeen: itemCount, itemsAccepted: itemCount, itemsQuarantined: 0, duplicatesCollapsed: 0, rowsWritten: itemCount, quarantinedByReason: {}, invalidFields: {}, textRepaired: 0, textTruncated: 0, rowsWithoutCategoryId: 0, rowsWithUnknownCategory: 0 },
    } as unknown as SilverManifest;
    await putJson(lake, keys.silverManifest(day, slug), silver);
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** One stage in this process (used by the child processes, and by the test at small scale). */
async function runStage(lake: Lake, stage: 'shard' | 'fanin', day: Day, shard: number): Promise<void> {
  if (stage === 'shard') await runGoldShard(lake, keys.goldTask(day, shard));
  else {
    const result = await runGoldFanin(lake, keys.goldPartial(day, shard));
    if (result.status !== 'published') throw new Error(unpublishedReason(result));
  }
}

async function measureInChild(directory: string, stage: 'shard' | 'fanin', day: Day, shard: number, heapMb: number | undefined): Promise<StageMeasure> {
  const script = fileURLToPath(import.meta.url);
  const heap = heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`];
  const child = spawn(process.execPath, [...heap, '--import=tsx', script, '--child', stage, '--dir', directory, '--day', day, '--shard', String(shard)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${stage} ${day} ${shard} exited with ${code}`);
  return JSON.parse(output.trim().split('\n').pop()!) as StageMeasure;
}

export async function runScaleBench(options: ScaleOptions): Promise<StageMeasure[]> {
  const lake = new DirectoryLake(options.directory);
  const measures: StageMeasure[] = [];
  for (const [dayIndex, day] of DAYS.entries()) {
    const started = performance.now();
    await buildDay(lake, options, dayIndex);
    options.log?.(`${day}: silver built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const fanout = await runGoldFanout(lake, keys.silverManifest(day, 'search-00'));
    if (fanout.status !== 'dispatched') throw new Error('fan-out did not dispatch');
    for (let shard = 0; shard < options.shards; shard += 1) {
      const measure = options.isolate ? await measureInChild(options.directory, 'shard', day, shard, options.heapMb) : await timed(`shard ${shard}`, () => runStage(lake, 'shard', day, shard));
      measures.push({ ...measure, stage: `${day} shard ${shard}` });
      options.log?.(`  ${day} shard ${shard}: ${seconds(measure.ms)} s (CPU ${seconds(measure.cpuMs)} s), peak RSS ${measure.peakRssMb} MB`);
    }
    const last = options.shards - 1;
    const measure = options.isolate ? await measureInChild(options.directory, 'fanin', day, last, options.heapMb) : await timed('fanin', () => runStage(lake, 'fanin', day, last));
    measures.push({ ...measure, stage: `${day} fan-in` });
    options.log?.(`  ${day} fan-in: ${seconds(measure.ms)} s (CPU ${seconds(measure.cpuMs)} s), peak RSS ${measure.peakRssMb} MB`);
  }
  return measures;
}

async function timed(stage: string, work: () => Promise<void>): Promise<StageMeasure> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  await work();
  const used = process.cpuUsage(cpu);
  return { stage, ms: Math.round(performance.now() - started), cpuMs: Math.round((used.user + used.system) / 1000), peakRssMb: peakRssMb() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      listings: { type: 'string', default: '1000000' },
      shards: { type: 'string', default: '8' },
      searches: { type: 'string', default: '12' },
      heap: { type: 'string' },
      dir: { type: 'string' },
      keep: { type: 'boolean', default: false },
      child: { type: 'string' },
      day: { type: 'string' },
      shard: { type: 'string' },
    },
  });
  if (values.child) {
    const lake = new DirectoryLake(values.dir!);
    const measure = await timed(values.child, () => runStage(lake, values.child as 'shard' | 'fanin', values.day!, Number(values.shard)));
    process.stdout.write(`${JSON.stringify(measure)}\n`);
    return;
  }
  const directory = values.dir ?? (await mkdtemp(join(tmpdir(), 'gold-scale-')));
  const options: ScaleOptions = {
    listings: Number(values.listings),
    shards: Number(values.shards),
    searches: Number(values.searches),
    directory,
    isolate: true,
    ...(values.heap ? { heapMb: Number(values.heap) } : {}),
    log: (line) => console.log(line),
  };
  const heap = options.heapMb === undefined ? "Node's default heap" : `--max-old-space-size=${options.heapMb}`;
  console.log(`gold at scale: ${options.listings.toLocaleString('en')} listings, ${options.shards} shards, ${options.searches} searches, ${heap}, lake in ${directory}`);
  try {
    const measures = await runScaleBench(options);
    const summary = (day: Day) => {
      const shards = measures.filter((measure) => measure.stage.startsWith(`${day} shard`));
      const fanin = measures.find((measure) => measure.stage === `${day} fan-in`)!;
      const max = (pick: (measure: StageMeasure) => number) => Math.max(...shards.map(pick));
      return (
        `${day}: shards ≤ ${seconds(max((m) => m.ms))} s wall, ≤ ${seconds(max((m) => m.cpuMs))} s CPU, peak RSS ≤ ${max((m) => m.peakRssMb)} MB; ` +
        `fan-in ${seconds(fanin.ms)} s wall, ${seconds(fanin.cpuMs)} s CPU, peak RSS ${fanin.peakRssMb} MB`
      );
    };
    console.log('\nresult (each stage in its own process; times include reading and writing the lake):');
    for (const day of DAYS) console.log(`  ${summary(day)}`);
  } finally {
    if (!values.keep && !values.dir) await rm(directory, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
