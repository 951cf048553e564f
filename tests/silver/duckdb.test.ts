import test from 'ava';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmbeddedS3 } from '#local/embedded-s3.ts';
import { readSilverRows } from '#shared/silver/parquet.ts';
import { runSilver } from '#shared/silver/stage.ts';
import { itemPages, random, searchBody, writeBronzeSearch } from '../helpers/bronze-fixtures.ts';

const DAY = '2026-11-24';

test('DuckDB reads every silver file and agrees with our counts, sums and types', async (t) => {
  const s3 = await startEmbeddedS3();
  const directory = await mkdtemp(join(tmpdir(), 'silver-duckdb-'));
  t.teardown(async () => {
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });

  // Two searches; the second overlaps the first (a listing found by both) and repeats a page.
  const next = random(2026);
  const first = itemPages(next, 30);
  const second = itemPages(next, 5, 40, 'section');
  second.pages.push({ body: searchBody(first.items.slice(0, 40), 'section'), endpoint: 'section', itemCount: 40 });
  second.pages.push(second.pages[0]!);
  const manifests = [];
  for (const [search, spec] of [['iphone-13', first], ['ps5', second]] as const) {
    const manifestKey = await writeBronzeSearch(s3.lake, { day: DAY, search, pages: spec.pages, shardCount: 8 });
    manifests.push(await runSilver(s3.lake, manifestKey));
  }

  // DuckDB has no S3 here: copy the lake's silver files to disk under their keys.
  let ourPriceSum = 0;
  let ourRows = 0;
  for (const manifest of manifests) {
    for (const { key } of manifest.shards) {
      const bytes = (await s3.lake.get(key))!;
      await mkdir(dirname(join(directory, key)), { recursive: true });
      await writeFile(join(directory, key), bytes);
      for (const row of await readSilverRows(bytes, { columns: ['price'] })) {
        ourPriceSum += row.price;
        ourRows += 1;
      }
    }
  }
  t.is(manifests[0]!.counts.rowsWritten, 1200);
  t.is(manifests[1]!.counts.rowsWritten, 240);
  t.is(manifests[1]!.counts.duplicatesCollapsed, 40);

  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  t.teardown(() => {
    connection.closeSync();
    instance.closeSync();
  });
  const glob = join(directory, 'silver/listings/dt=*/shard=*/search=*.parquet');
  const query = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson();

  const [totals] = await query(`
    SELECT count(*) AS n, sum(price) AS price_sum, count(DISTINCT listing_id) AS listings,
           count(DISTINCT search_slug) AS searches, min(snapshot_day)::VARCHAR AS day,
           count(*) FILTER (WHERE category_path IS NOT NULL) AS with_path
    FROM read_parquet('${glob}', hive_partitioning = true)`);
  t.is(Number(totals!.n), ourRows);
  t.is(Number(totals!.n), manifests[0]!.counts.rowsWritten + manifests[1]!.counts.rowsWritten);
  t.true(Math.abs(Number(totals!.price_sum) - ourPriceSum) < 1e-6 * ourPriceSum);
  t.is(Number(totals!.listings), 1200 + 200, 'the 40 listings both searches found are one listing each');
  t.is(Number(totals!.searches), 2);
  t.is(totals!.day, DAY);
  t.is(Number(totals!.with_path), ourRows);

  // Per file: DuckDB's row counts are the manifest's, the hive partitions match the columns.
  const perFile = await query(`
    SELECT regexp_extract(filename, 'search=([^/]+)\.parquet$', 1) AS search, shard, count(*) AS n,
           bool_and(search_slug = regexp_extract(filename, 'search=([^/]+)\.parquet$', 1)) AS same_search, bool_and(snapshot_day::VARCHAR = dt::VARCHAR) AS same_day
    FROM read_parquet('${glob}', hive_partitioning = true, hive_types_autocast = false, filename = true)
    GROUP BY ALL ORDER BY search, shard`);
  const expected = manifests.flatMap((m) => m.shards.filter((s) => s.rows > 0).map((s) => ({ search: m.search, shard: String(s.shard).padStart(3, '0'), n: String(s.rows) })));
  t.deepEqual(perFile.map((row) => ({ search: row.search, shard: row.shard, n: row.n })), expected);
  t.true(perFile.every((row) => row.same_search === true && row.same_day === true));

  // Empty shards are valid files too.
  const emptyKeys = manifests.flatMap((m) => m.shards.filter((s) => s.rows === 0).map((s) => s.key));
  for (const key of emptyKeys) t.is(Number((await query(`SELECT count(*) AS n FROM '${join(directory, key)}'`))[0]!.n), 0);

  const types = Object.fromEntries(
    (await query(`DESCRIBE SELECT * FROM '${join(directory, manifests[0]!.shards[0]!.key)}'`)).map((row) => [row.column_name, row.column_type]),
  );
  t.like(types, {
    listing_id: 'VARCHAR',
    snapshot_day: 'DATE',
    price: 'DOUBLE',
    category_id: 'INTEGER',
    is_reserved: 'BOOLEAN',
    created_at: 'TIMESTAMP WITH TIME ZONE',
    fetched_at: 'TIMESTAMP WITH TIME ZONE',
    schema_version: 'INTEGER',
  });

  // Timestamps mean the same instant in both readers.
  const ours = (await readSilverRows((await s3.lake.get(manifests[0]!.shards[0]!.key))!, { columns: ['listing_id', 'created_at'] }))[0]!;
  const [theirs] = await query(`SELECT epoch_ms(created_at) AS ms FROM '${join(directory, manifests[0]!.shards[0]!.key)}' WHERE listing_id = '${ours.listing_id}'`);
  t.is(Number(theirs!.ms), ours.created_at ?? Number.NaN);
});
