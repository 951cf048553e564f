/**
 * Where silver's time goes, phase by phase, on the bronze pages of a benchmark day, and what the
 * changes proposed in docs/performance.md would save. Each variant is checked to give the same
 * result as the code in shared/ before it is timed. CPU time, so other load matters less.
 *
 *   npx tsx bench/experiments/silver.ts --dir /tmp/wallapop-bench/listings-100000-shards-8 [--searches 3] [--repeat 3]
 */
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import type { BronzeManifest } from '#shared/lake/bronze.ts';
import { keys } from '#shared/lake/keys.ts';
import { shardOf } from '#shared/silver/bucket.ts';
import { normaliseItem, type ItemContext } from '#shared/silver/item.ts';
import { decodeEnvelope, parseSearchBody } from '#shared/silver/page.ts';
import { compareUtf8, readSilverRows, SILVER_PARQUET, SILVER_PARQUET_SCHEMA, writeSilverParquet } from '#shared/silver/parquet.ts';
import { SILVER_COLUMNS, SILVER_SCHEMA_VERSION, type SilverRow } from '#shared/silver/schema.ts';
import { loadCategories } from '#shared/silver/stage.ts';
import { DirectoryLake } from '../gold-scale.ts';
import { DAY } from '../scenario.ts';
import { normaliseItemFast } from './silver-fast-item.ts';

const { values } = parseArgs({
  options: { dir: { type: 'string' }, day: { type: 'string', default: DAY }, searches: { type: 'string', default: '3' }, repeat: { type: 'string', default: '3' } },
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
console.log(`${chosen.map((manifest) => manifest.search).join(', ')}: ${pages.length} pages, ${chosen.reduce((sum, m) => sum + m.itemCount, 0)} items`);

function cpu<T>(name: string, rows: number, work: () => T): T {
  let result: T;
  const samples: number[] = [];
  for (let run = 0; run < repeat; run += 1) {
    const start = process.cpuUsage();
    result = work();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  const ms = samples[Math.floor(samples.length / 2)]!;
  console.log(`  ${name.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms CPU  ${((ms * 1000) / rows).toFixed(2).padStart(6)} µs/row`);
  return result!;
}

// 1. bytes → envelope → items
const decoder = new TextDecoder();
let items = 0;
const texts = cpu('gunzip + TextDecoder (current)', 1, () => pages.map((page) => decoder.decode(gunzipSync(page.bytes))));
const itemCount = pages.reduce((sum, page) => sum + (JSON.parse(texts[pages.indexOf(page)]!) as { response: { itemCount: number } }).response.itemCount, 0);
console.log(`(per-row figures below are per bronze item: ${itemCount})`);
cpu('gunzip only', itemCount, () => pages.map((page) => gunzipSync(page.bytes)));
cpu('gunzip + Buffer#toString', itemCount, () => pages.map((page) => gunzipSync(page.bytes).toString('utf8')));
cpu('gunzip + TextDecoder (current)', itemCount, () => pages.map((page) => decoder.decode(gunzipSync(page.bytes))));
const envelopes = cpu('decodeEnvelope (gunzip, decode, JSON.parse, valibot)', itemCount, () => pages.map((page) => decodeEnvelope(page.bytes)));
cpu('JSON.parse of the envelope text alone', itemCount, () => texts.map((text) => JSON.parse(text) as unknown));
const bodies = cpu('parseSearchBody (JSON.parse of the body, valibot)', itemCount, () =>
  envelopes.map((decoded) => {
    if (!decoded.ok) throw new Error(decoded.detail);
    return parseSearchBody(decoded.envelope.body, decoded.envelope.status, decoded.envelope.contentType);
  }),
);
cpu('JSON.parse of the body alone', itemCount, () => envelopes.map((decoded) => (decoded.ok ? (JSON.parse(decoded.envelope.body) as unknown) : null)));

// 2. items → rows
const contexts: Array<{ items: unknown[]; context: ItemContext }> = bodies.map((body, index) => {
  if (!body.ok) throw new Error(body.detail);
  const envelope = envelopes[index]!;
  if (!envelope.ok) throw new Error('unreachable');
  items += body.items.length;
  return { items: body.items, context: { day, search: pages[index]!.search, page: pages[index]!.page, fetchedAtMs: envelope.envelope.fetchedAtMs, categories } };
});
const slow = cpu('normaliseItem (valibot, current)', itemCount, () => contexts.flatMap(({ items, context }) => items.map((item) => normaliseItem(item, context))));
const fast = cpu('normaliseItemFast (prototype, falls back to valibot)', itemCount, () => contexts.flatMap(({ items, context }) => items.map((item) => normaliseItemFast(item, context))));
let same = slow.length === fast.length;
for (let index = 0; same && index < slow.length; index += 1) same = JSON.stringify(slow[index]) === JSON.stringify(fast[index]);
console.log(`  → the prototype returns ${same ? 'the same results' : 'DIFFERENT RESULTS'} for all ${slow.length} items`);
if (!same) process.exitCode = 1;
const rows = slow.flatMap((result) => (result.ok ? [result.row] : []));

// 3. dedupe, bucket, sort, write
cpu('shardOf (FNV-1a over TextEncoder bytes, current)', itemCount, () => rows.map((row) => shardOf(row.listing_id, 8)));
const asciiShard = (id: string, count: number) => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    const code = id.charCodeAt(i);
    if (code > 0x7f) return shardOf(id, count);
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return (hash >>> 0) % count;
};
const a = rows.map((row) => shardOf(row.listing_id, 8));
const b = rows.map((row) => asciiShard(row.listing_id, 8));
console.log(`  → ASCII fast path gives ${a.every((shard, index) => shard === b[index]) ? 'the same shards' : 'DIFFERENT SHARDS'}`);
cpu('shardOf with an ASCII fast path (no TextEncoder)', itemCount, () => rows.map((row) => asciiShard(row.listing_id, 8)));

const buckets: SilverRow[][] = Array.from({ length: 8 }, () => []);
const unique = new Map(rows.map((row) => [`${row.search_slug}\u0000${row.listing_id}`, row]));
for (const row of unique.values()) buckets[shardOf(row.listing_id, 8)]!.push(row);
const files = chosen.flatMap((manifest) => buckets.map((bucket) => bucket.filter((row) => row.search_slug === manifest.search)));
cpu('sort by compareUtf8 (current)', itemCount, () => files.map((file) => [...file].sort((x, y) => compareUtf8(x.listing_id, y.listing_id))));
const isAscii = (text: string) => !/[^\u0000-\u007f]/.test(text);
cpu('sort with < when every id is ASCII', itemCount, () =>
  files.map((file) => (file.every((row) => isAscii(row.listing_id)) ? [...file].sort((x, y) => (x.listing_id < y.listing_id ? -1 : x.listing_id > y.listing_id ? 1 : 0)) : [...file].sort((x, y) => compareUtf8(x.listing_id, y.listing_id)))),
);
const current = cpu('writeSilverParquet (current settings)', itemCount, () => files.map((file) => writeSilverParquet(file)));

/** Statistics only where a reader can use them; PLAIN for columns whose values are (nearly) all distinct. */
const STATISTICS = new Set(['listing_id', 'snapshot_day', 'price', 'category_id', 'created_at', 'fetched_at']);
const PLAIN = new Set(['listing_id', 'title', 'description', 'listing_url', 'image_url', 'seller_id', 'latitude', 'longitude', 'created_at', 'modified_at']);
const DAY_MS = 86_400_000;
function writeTuned(fileRows: readonly SilverRow[]): Uint8Array {
  const sorted = [...fileRows].sort((x, y) => compareUtf8(x.listing_id, y.listing_id));
  const columnData: ColumnSource[] = SILVER_COLUMNS.map((column) => {
    const values = sorted.map((row) => row[column.name]);
    const data = column.kind === 'DATE' ? values.map((value) => (value === null ? null : Date.parse(`${value as string}T00:00:00Z`) / DAY_MS)) : values;
    return { name: column.name, data, statistics: STATISTICS.has(column.name), ...(PLAIN.has(column.name) ? { encoding: 'PLAIN' as const } : {}) };
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
const tuned = cpu('writer with statistics on 6 columns, PLAIN on distinct ones', itemCount, () => files.map((file) => writeTuned(file)));
const bytes = (list: Uint8Array[]) => list.reduce((sum, file) => sum + file.byteLength, 0);
console.log(`  → files: ${(bytes(current) / 1e6).toFixed(2)} MB now, ${(bytes(tuned) / 1e6).toFixed(2)} MB tuned`);
let equal = true;
for (let index = 0; index < current.length && equal; index += 1) {
  const x = await readSilverRows(current[index]!);
  const y = await readSilverRows(tuned[index]!);
  equal = JSON.stringify(x) === JSON.stringify(y);
}
console.log(`  → the tuned files read back ${equal ? 'to the same rows' : 'DIFFERENTLY'}`);
console.log(`items normalised: ${items}`);
