/**
 * Where silver's CPU goes, phase by phase, on the bronze pages of a benchmark day: each phase as it
 * was before the changes of docs/performance.md ("What the profiles showed", silver 1–4; the old
 * code is reproduced here) and as shared/silver does it now, after checking that both give the
 * same result. Then the whole stage (runSilver) on the same searches, its outputs compared with the
 * silver files already in the lake (puts go to memory: the benchmark lake is never written).
 * CPU time (process.cpuUsage), the median of --repeat runs, so other load matters less.
 *
 *   npx tsx bench/experiments/silver.ts --dir .data/bench/listings-100000-shards-8 [--searches 3] [--repeat 3] [--stage-repeat 3]
 */
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import type { BronzeManifest } from '#shared/lake/bronze.ts';
import { keys } from '#shared/lake/keys.ts';
import { shardOf } from '#shared/lake/bucket.ts';
import { normaliseItem, normaliseItemChecked, type ItemContext, type NormaliseResult } from '#shared/silver/item.ts';
import { decodeEnvelope, gunzipBronze, parseSearchBody } from '#shared/silver/page.ts';
import { splitEnvelopeText } from '#shared/extract/envelope.ts';
import { compareUtf8 } from '#shared/lake/parquet.ts';
import { readSilverRows, SILVER_PARQUET, SILVER_PARQUET_SCHEMA, writeSilverParquet } from '#shared/silver/parquet.ts';
import { SILVER_COLUMNS, SILVER_SCHEMA_VERSION, type SilverRow } from '#shared/silver/schema.ts';
import { loadCategories, runSilver } from '#shared/silver/stage.ts';
import { DirectoryLake } from '#shared/lake/directory-lake.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';
import { DAY } from '../scenario.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    day: { type: 'string', default: DAY },
    searches: { type: 'string', default: '3' },
    repeat: { type: 'string', default: '3' },
    'stage-repeat': { type: 'string', default: '3' },
  },
});
if (!values.dir) throw new Error('--dir <benchmark lake> is required');
const root = values.dir;
const day = values.day!;
const repeat = Number(values.repeat);
const lake = new DirectoryLake(root);

const manifests: BronzeManifest[] = [];
for (const key of await lake.list(`bronze/search/dt=${day}/`)) {
  if (key.endsWith('_manifest.json')) manifests.push(JSON.parse(await readFile(join(root, key), 'utf8')) as BronzeManifest);
}
manifests.sort((a, b) => b.itemCount - a.itemCount);
const chosen = manifests.slice(0, Number(values.searches));
const pages: Array<{ search: string; page: number; bytes: Uint8Array }> = [];
for (const manifest of chosen) for (const entry of manifest.pages) pages.push({ search: manifest.search, page: entry.page, bytes: new Uint8Array(await readFile(join(root, entry.key))) });
const categories = await loadCategories(lake, day);
const itemCount = chosen.reduce((sum, manifest) => sum + manifest.itemCount, 0);
console.log(`${chosen.map((manifest) => manifest.search).join(', ')}: ${pages.length} pages, ${itemCount} items; µs are CPU per bronze item`);

let failed = false;
const check = (what: string, same: boolean) => {
  console.log(`  → ${what}: ${same ? 'same' : 'DIFFERENT'}`);
  if (!same) failed = true;
};

function cpuMs(work: () => unknown, runs = repeat): number {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const table: Array<{ phase: string; before: number; after: number }> = [];
const us = (ms: number) => (ms * 1000) / itemCount;
/** Times `before` and `after` alternately (so drifting load hits both) and records µs per item. */
function phase(name: string, before: () => unknown, after: () => unknown = before) {
  const ms = { before: [] as number[], after: [] as number[] };
  for (let run = 0; run < repeat; run += 1) {
    ms.before.push(cpuMs(before, 1));
    ms.after.push(before === after ? ms.before.at(-1)! : cpuMs(after, 1));
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const row = { phase: name, before: us(median(ms.before)), after: us(median(ms.after)) };
  table.push(row);
  console.log(`  ${name.padEnd(44)} ${row.before.toFixed(2).padStart(7)} → ${row.after.toFixed(2).padStart(7)} µs/item`);
}

// ---- bytes → envelope → items -------------------------------------------------------------
const decoder = new TextDecoder();
console.log('envelope and body');
const gunzipped = pages.map((page) => gunzipSync(page.bytes));
check('gunzip sized from the gzip trailer', gunzipped.every((bytes, index) => Buffer.compare(bytes, gunzipBronze(pages[index]!.bytes)) === 0));
phase('gunzip (default 16 KB chunks → sized buffer)', () => pages.map((page) => gunzipSync(page.bytes)), () => pages.map((page) => gunzipBronze(page.bytes)));
const texts = gunzipped.map((bytes) => decoder.decode(bytes));
phase('UTF-8 decode (TextDecoder)', () => gunzipped.map((bytes) => decoder.decode(bytes)));
// Envelope version 2 (the benchmark's lakes since its data version 2): the envelope is the first line, the body follows it.
phase('JSON.parse of the envelope', () => texts.map((text) => splitEnvelopeText(text)?.header ?? (JSON.parse(text) as unknown)));
const envelopes = pages.map((page) => decodeEnvelope(page.bytes));
console.log(`  (decodeEnvelope now, all three + valibot: ${us(cpuMs(() => pages.map((page) => decodeEnvelope(page.bytes)))).toFixed(2)} µs/item)`);
const bodies = envelopes.map((decoded) => {
  if (!decoded.ok) throw new Error(decoded.detail);
  return parseSearchBody(decoded.envelope, decoded.envelope.status, decoded.envelope.contentType);
});
phase('parseSearchBody (JSON.parse of the body)', () =>
  envelopes.map((decoded) => (decoded.ok ? parseSearchBody(decoded.envelope, decoded.envelope.status, decoded.envelope.contentType) : null)),
);

// ---- items → rows ----------------------------------------------------------------------------
console.log('items');
const contexts: Array<{ items: unknown[]; context: ItemContext }> = bodies.map((body, index) => {
  const envelope = envelopes[index]!;
  if (!body.ok || !envelope.ok) throw new Error('unreachable');
  return { items: body.items, context: { day, search: pages[index]!.search, page: pages[index]!.page, fetchedAtMs: envelope.envelope.fetchedAtMs, categories } };
});
const normaliseAll = (normalise: (raw: unknown, context: ItemContext) => NormaliseResult) => contexts.flatMap(({ items, context }) => items.map((item) => normalise(item, context)));
const slow = normaliseAll(normaliseItemChecked);
const fast = normaliseAll(normaliseItem);
check(`normaliseItem (fast path) vs valibot on all ${slow.length} items`, slow.length === fast.length && slow.every((result, index) => JSON.stringify(result) === JSON.stringify(fast[index])));
phase('normaliseItem (valibot → fast path)', () => normaliseAll(normaliseItemChecked), () => normaliseAll(normaliseItem));
const rows = fast.flatMap((result) => (result.ok ? [result.row] : []));

// ---- rows → shards → files -------------------------------------------------------------------
console.log('rows');
const encoder = new TextEncoder();
function shardBefore(id: string, count: number): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(id)) hash = Math.imul(hash ^ byte, 0x01000193);
  return (hash >>> 0) % count;
}
check('shards (ASCII fast path vs TextEncoder bytes)', rows.every((row) => shardOf(row.listing_id, 8) === shardBefore(row.listing_id, 8)));
phase('shardOf (TextEncoder → ASCII fast path)', () => rows.map((row) => shardBefore(row.listing_id, 8)), () => rows.map((row) => shardOf(row.listing_id, 8)));

const buckets: SilverRow[][] = Array.from({ length: 8 }, () => []);
const unique = new Map(rows.map((row) => [`${row.search_slug}\u0000${row.listing_id}`, row]));
for (const row of unique.values()) buckets[shardOf(row.listing_id, 8)]!.push(row);
const files = chosen.flatMap((manifest) => buckets.map((bucket) => bucket.filter((row) => row.search_slug === manifest.search)));
phase('sort by compareUtf8 (inside the writer)', () => files.map((file) => [...file].sort((x, y) => compareUtf8(x.listing_id, y.listing_id))));

/** writeSilverParquet as it was: statistics on every column, the writer's own encoding choice. */
function writeBefore(fileRows: readonly SilverRow[]): Uint8Array {
  const sorted = [...fileRows].sort((x, y) => compareUtf8(x.listing_id, y.listing_id));
  const columnData: ColumnSource[] = SILVER_COLUMNS.map((column) => {
    const columnValues = sorted.map((row) => row[column.name]);
    const data = column.kind === 'DATE' ? columnValues.map((value) => (value === null ? null : Date.parse(`${value as string}T00:00:00Z`) / 86_400_000)) : columnValues;
    return { name: column.name, data };
  });
  return new Uint8Array(
    parquetWriteBuffer({
      columnData,
      schema: SILVER_PARQUET_SCHEMA,
      codec: SILVER_PARQUET.codec,
      rowGroupSize: SILVER_PARQUET.rowGroupSize,
      pageSize: SILVER_PARQUET.pageSize,
      statistics: true,
      statisticsTruncateLength: SILVER_PARQUET.statisticsTruncateLength,
      createdBy: SILVER_PARQUET.createdBy,
      kvMetadata: [{ key: 'silver.schema_version', value: String(SILVER_SCHEMA_VERSION) }],
    }),
  );
}
const before = files.map((file) => writeBefore(file));
const after = files.map((file) => writeSilverParquet(file));
let sameRows = true;
for (let index = 0; index < before.length && sameRows; index += 1) sameRows = JSON.stringify(await readSilverRows(before[index]!)) === JSON.stringify(await readSilverRows(after[index]!));
check('rows read back from the files (all statistics → 6 columns, PLAIN on near-unique ones)', sameRows);
const megabytes = (list: Uint8Array[]) => (list.reduce((sum, file) => sum + file.byteLength, 0) / 1e6).toFixed(3);
console.log(`  → files: ${megabytes(before)} MB before, ${megabytes(after)} MB after`);
phase('writeSilverParquet (statistics, encodings)', () => files.map((file) => writeBefore(file)), () => files.map((file) => writeSilverParquet(file)));

const total = (key: 'before' | 'after') => table.reduce((sum, row) => sum + row[key], 0);
console.log(`  ${'sum of the phases'.padEnd(44)} ${total('before').toFixed(2).padStart(7)} → ${total('after').toFixed(2).padStart(7)} µs/item`);

// ---- the whole stage ---------------------------------------------------------------------------
console.log('runSilver, end to end (reading pages from disk included)');
const stageRuns: number[] = [];
let overlay = new MemoryLake(lake);
for (let run = 0; run < Number(values['stage-repeat']); run += 1) {
  overlay = new MemoryLake(lake);
  const start = process.cpuUsage();
  for (const manifest of chosen) await runSilver(overlay, keys.bronzeManifest(day, manifest.search));
  const used = process.cpuUsage(start);
  stageRuns.push((used.user + used.system) / 1000);
}
stageRuns.sort((a, b) => a - b);
console.log(`  runSilver on the ${chosen.length} searches: ${us(stageRuns[Math.floor(stageRuns.length / 2)]!).toFixed(2)} µs/item (runs: ${stageRuns.map((ms) => `${ms.toFixed(0)} ms`).join(', ')})`);
// Against the silver the benchmark wrote (before these changes): same manifests, same quarantine, same rows.
let compared = 0;
let sameStage = true;
for (const [key, bytes] of overlay.objects) {
  const stored = await lake.get(key);
  if (stored === undefined) continue;
  compared += 1;
  const same = key.endsWith('.parquet')
    ? JSON.stringify(await readSilverRows(bytes)) === JSON.stringify(await readSilverRows(stored))
    : Buffer.compare(Buffer.from(bytes), Buffer.from(stored)) === 0;
  if (!same) console.log(`  ${key} differs`);
  sameStage &&= same;
}
check(`stage outputs vs the lake's silver (${compared} of ${overlay.objects.size} objects: manifests and quarantine byte for byte, Parquet row for row)`, sameStage && compared > 0);
if (failed) process.exitCode = 1;
