/**
 * A digest of a local lake, object by object, to show that a change of code changes no output (a
 * renovation's "byte-identical" claim). Per object: the sha256 of its bytes, and a digest with what
 * legitimately differs between two runs masked: Parquet through DuckDB without `fetched_at`, JSON
 * without wall-clock times, run ids and claimants, and the simulator's port and the checkout's path
 * in any text. Two runs of one checkout give equal masked digests for every object.
 *
 *   export FIXED_CLOCK=$(date -u +%Y-%m-%dT%H:%M:00Z)
 *   NODE_OPTIONS=--import=$PWD/scripts/fixed-clock.mjs npm run demo -- --data-dir /tmp/a
 *   (the same from the other checkout into /tmp/b, within ten minutes)
 *   npx tsx scripts/lake-digest.ts /tmp/a --out /tmp/a.json
 *   npx tsx scripts/lake-digest.ts /tmp/b --compare /tmp/a.json
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { splitEnvelopeText } from '#shared/extract/envelope.ts';

type Digest = Record<string, { raw: string; masked: string }>;

/** Fields that differ between two runs of one checkout: times, run identity, where the checkout is. */
const VARYING_FIELDS = new Set(['watchesFile', 'searchesFile', 'fetchedAt', 'firstFetchedAt', 'lastFetchedAt', 'generatedAt', 'startedAt', 'finishedAt', 'writtenAt', 'claimedAt', 'leaseUntil', 'createdAt', 'updatedAt', 'deliveredAt', 'sentAt', 'checkedAt', 'publishedAt', 'at', 'elapsedMs', 'durationMs', 'ms', 'cpuMs', 'tookMs', 'attempts', 'runId', 'previousRunId', 'claimant', 'by', 'owner', 'token']);

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
const mask = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(mask) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([key]) => !VARYING_FIELDS.has(key)).map(([key, inner]) => [key, mask(inner)])) : value;
const maskText = (text: string) => text.replace(/127\.0\.0\.1:\d+/g, 'SIMULATOR');

function objectFiles(bucketDirectory: string): string[] {
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('._S3rver_object')) found.push(path);
    }
  };
  walk(bucketDirectory);
  return found.sort();
}

async function digestOf(dataDir: string): Promise<Digest> {
  const s3 = join(dataDir, 's3');
  const buckets = readdirSync(s3);
  if (buckets.length !== 1) throw new Error(`${s3} should hold one bucket, it holds ${buckets.length}`);
  const bucket = join(s3, buckets[0]!);
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const digest: Digest = {};
  for (const file of objectFiles(bucket)) {
    const key = file.slice(bucket.length + 1, -'._S3rver_object'.length);
    const stored = readFileSync(file);
    let masked: string;
    if (key.endsWith('.parquet')) {
      const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjects().map((row) => String(row.column_name));
      const kept = columns.filter((column) => column !== 'fetched_at').map((column) => `"${column}"`).join(', ');
      const rows = (await connection.runAndReadAll(`SELECT ${kept} FROM read_parquet('${file}')`)).getRowsJS();
      masked = sha(JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)));
    } else {
      const text = maskText((key.endsWith('.gz') ? gunzipSync(stored) : stored).toString('utf8'));
      const name = key.replace(/\.gz$/, '');
      const lines = name.endsWith('.jsonl') ? text.split('\n').filter(Boolean) : name.endsWith('.json') ? (key.endsWith('.json.gz') ? envelopeLines(text) : [text]) : null;
      masked = lines === null ? sha(text) : sha(lines.map((line) => { try { return JSON.stringify(mask(JSON.parse(line))); } catch { return line; } }).join('\n'));
    }
    digest[key] = { raw: sha(stored), masked };
  }
  return digest;
}

/** A bronze page of envelope version 2 is a line of envelope JSON and then the body (shared/lake/bronze.ts); anything else is one JSON. */
function envelopeLines(text: string): string[] {
  const version2 = splitEnvelopeText(text);
  return version2 === undefined ? [text] : [version2.headerLine, version2.body];
}

function compare(ours: Digest, theirs: Digest): number {
  const keys = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort();
  const byPrefix = new Map<string, { objects: number; bytesEqual: number; maskedEqual: number }>();
  const different: string[] = [];
  for (const key of keys) {
    const prefix = key.split('/').slice(0, 2).join('/');
    const tally = byPrefix.get(prefix) ?? { objects: 0, bytesEqual: 0, maskedEqual: 0 };
    byPrefix.set(prefix, tally);
    tally.objects += 1;
    const a = ours[key];
    const b = theirs[key];
    if (a?.raw === b?.raw && a !== undefined) tally.bytesEqual += 1;
    if (a?.masked === b?.masked && a !== undefined) tally.maskedEqual += 1;
    else different.push(a === undefined ? `${key} (only in the other lake)` : b === undefined ? `${key} (only in this lake)` : key);
  }
  for (const [prefix, tally] of byPrefix) console.log(`${prefix.padEnd(32)} ${String(tally.objects).padStart(5)} objects, ${String(tally.bytesEqual).padStart(5)} byte-identical, ${String(tally.maskedEqual).padStart(5)} equal once masked`);
  for (const key of different.slice(0, 20)) console.log(`differs: ${key}`);
  console.log(different.length === 0 ? `all ${keys.length} objects equal` : `${different.length} of ${keys.length} objects differ`);
  return different.length === 0 ? 0 : 1;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' }, compare: { type: 'string' } } });
if (positionals.length !== 1) {
  console.error('usage: npx tsx scripts/lake-digest.ts <data dir of a local run> [--out digest.json] [--compare other-digest.json]');
  process.exit(2);
}
const digest = await digestOf(positionals[0]!);
if (values.out) writeFileSync(values.out, `${JSON.stringify(digest, null, 1)}\n`);
console.log(`${Object.keys(digest).length} objects in ${positionals[0]}`);
if (values.compare) process.exitCode = compare(digest, JSON.parse(readFileSync(values.compare, 'utf8')) as Digest);
