/**
 * The Parquet floor of a gold shard: the CPU time the shard's Parquet code (the lake's own reader
 * and writer, shared/lake/parquet-*.ts; before issue 21's second round, hyparquet and
 * hyparquet-writer) needs to decode the shard's inputs (silver shard K of every search, the previous state shard K) and to encode a
 * state file of the same rows, with no pipeline logic at all. Whatever the shard does beyond I/O
 * comes on top, so this bounds how close to DuckDB a JavaScript gold can get (docs/performance.md).
 * Needs a lake prepared by `npm run bench`.
 *
 *   npx tsx bench/experiments/parquet-floor.ts --dir .data/bench/listings-1000000-shards-8 [--shard 0] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { parquetMetadataAsync } from 'hyparquet';
import { keys } from '#shared/lake/keys.ts';
import { getJson } from '#shared/lake/lake.ts';
import { readGoldManifest } from '#shared/gold/manifest.ts';
import { GOLD_PARQUET, ParquetGroupWriter, readColumns } from '#shared/gold/parquet.ts';
import { STATE_COLUMNS } from '#shared/gold/state.ts';
import type { GoldTask } from '#shared/gold/task.ts';
import { asyncBufferOf } from '#shared/lake/parquet.ts';
import { DirectoryLake } from '#shared/lake/directory-lake.ts';
import { DAY, PREVIOUS_DAY } from '../scenario.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, shard: { type: 'string', default: '0' }, runs: { type: 'string', default: '3' } } });
if (!values.dir) throw new Error('--dir <benchmark lake> is required (a lake prepared by npm run bench)');
const lake = new DirectoryLake(values.dir);
const shard = Number(values.shard);

const task = await getJson<GoldTask>(lake, keys.goldTask(DAY, shard));
const previous = await readGoldManifest(lake, PREVIOUS_DAY);
if (task === undefined || previous === null) throw new Error(`${values.dir} has no gold task of ${DAY} or no gold manifest of ${PREVIOUS_DAY}: run npm run bench on it first`);
const stateKey = previous.state.find((entry) => entry.shard === shard)?.key;
if (stateKey === undefined) throw new Error(`the gold manifest of ${PREVIOUS_DAY} has no state shard ${shard}`);

const SILVER_COLUMNS = ['listing_id', 'price', 'currency', 'is_reserved', 'is_shippable', 'title', 'category_id', 'category_name', 'region', 'city', 'created_at', 'listing_url', 'image_url', 'fetched_at'];
const STATE_NAMES = STATE_COLUMNS.map((column) => column.name);

const inputs = await Promise.all([...task.searches.map((search) => lake.get(search.silverKey)), lake.get(stateKey)]);
if (inputs.some((bytes) => bytes === undefined)) throw new Error('an input file of the shard is missing');
const silverFiles = inputs.slice(0, -1) as Uint8Array[];
const stateFile = inputs.at(-1) as Uint8Array;

const cpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

async function decodeGroups(bytes: Uint8Array, names: string[], visit: (columns: Record<string, unknown[]>, rows: number) => void): Promise<void> {
  const metadata = await parquetMetadataAsync(asyncBufferOf(bytes));
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const table = await readColumns(bytes, names, { metadata, rowStart, rowEnd });
    visit(table.columns as Record<string, unknown[]>, table.rowCount);
    rowStart = rowEnd;
  }
}

for (let run = 1; run <= Number(values.runs); run += 1) {
  const start = cpuMs();
  let silverRows = 0;
  for (const bytes of silverFiles) await decodeGroups(bytes, SILVER_COLUMNS, (_, rows) => (silverRows += rows));
  const silverDone = cpuMs();
  const writer = new ParquetGroupWriter(STATE_COLUMNS);
  let stateRows = 0;
  await decodeGroups(stateFile, STATE_NAMES, (columns, rows) => {
    stateRows += rows;
    for (let from = 0; from < rows; from += GOLD_PARQUET.rowGroupSize) {
      writer.writeGroup(Object.fromEntries(STATE_NAMES.map((name) => [name, columns[name]!.slice(from, from + GOLD_PARQUET.rowGroupSize)])));
    }
  });
  const written = writer.finish();
  const done = cpuMs();
  console.log(
    JSON.stringify({
      run,
      shard,
      silverFiles: silverFiles.length,
      silverRows,
      stateRows,
      decodeSilverCpuMs: Math.round(silverDone - start),
      decodeAndEncodeStateCpuMs: Math.round(done - silverDone),
      totalCpuMs: Math.round(done - start),
      stateBytes: written.length,
    }),
  );
}
