import test from 'ava';
import { keys } from '#shared/lake/keys.ts';
import { getJson, type Lake } from '#shared/lake/lake.ts';
import { startEmbeddedS3 } from '#local/embedded-s3.ts';
import { shardOfListing } from '#shared/lake/bucket.ts';
import { readSilverRows } from '#shared/silver/parquet.ts';
import type { QuarantineRecord } from '#shared/silver/quarantine.ts';
import { runSilver, SilverError, type SilverManifest } from '#shared/silver/stage.ts';
import { CLOUDFRONT_403, makeItem, random, searchBody, writeBronzeSearch, type PageSpec } from '../helpers/bronze-fixtures.ts';

const DAY = '2026-11-24';
const SEARCH = 'iphone-13';

async function lakeFixture(t: { teardown: (fn: () => Promise<void>) => void }) {
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  return s3;
}

/** A realistic day with every kind of trouble, and what silver must make of it. */
function troubledDay() {
  const next = random(42);
  const good = Array.from({ length: 6 }, () => Array.from({ length: 40 }, () => makeItem(next)));
  // Pagination shift: page 2 repeats the last 3 items of page 1, one with a new price.
  const repeated = good[0]!.slice(-3).map((item) => ({ ...item }));
  repeated[0]!.price = { amount: 1, currency: 'EUR' };
  good[1]!.splice(0, 3, ...repeated);
  const bad = [
    { ...makeItem(next), id: undefined },
    { ...makeItem(next), price: undefined },
    { ...makeItem(next), id: 12345 },
    null,
  ];
  good[2]!.push(...(bad as Array<Record<string, unknown>>));
  good[3]![0]!.title = 'CamiÃ³n de juguete';
  (good[3]![1]!.location as Record<string, unknown>).latitude = '40.1';

  const full = searchBody(good[0]!);
  const pages: PageSpec[] = [
    ...good.map((items, i) => ({ body: searchBody(items, i === 3 ? 'section' : 'search'), endpoint: i === 3 ? ('section' as const) : ('search' as const), itemCount: items.length })),
    { body: CLOUDFRONT_403, status: 403, contentType: 'text/html' },
    { body: full.slice(0, 5000), itemCount: 40 },
    { body: 'Service Unavailable', status: 200, contentType: 'text/plain' },
    { body: '{"data":{"section":{"type":"organic_search_results"}}}' },
    { body: searchBody([]) }, // listed in the manifest, never written
  ];
  return { pages, missingPages: [11], distinct: 6 * 40 - 3 };
}

async function snapshot(lake: Lake, prefixes: string[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  for (const prefix of prefixes) for (const key of await lake.list(prefix)) found.set(key, Buffer.from((await lake.get(key))!));
  return found;
}

test('turns a troubled day into shards, quarantine and a reconciled manifest', async (t) => {
  const s3 = await lakeFixture(t);
  const { pages, missingPages, distinct } = troubledDay();
  const manifestKey = await writeBronzeSearch(s3.lake, { day: DAY, search: SEARCH, pages, missingPages, shardCount: 4 });
  const written: string[] = [];
  s3.onEvent((event) => written.push(event.Records[0]!.s3.object.key));

  const progress: number[] = [];
  const manifest = await runSilver(s3.lake, manifestKey, { onPage: (p) => progress.push(p.page) });
  t.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

  const { counts } = manifest;
  t.is(manifest.outcome, 'complete');
  t.false(manifest.snapshotComplete, 'pages were lost: gold must not infer vanished listings');
  t.is(counts.pagesListed, 11);
  t.is(counts.pagesRead, 6);
  t.is(counts.pagesQuarantined, 5);
  t.is(counts.itemsSeen, 244);
  t.is(counts.itemsQuarantined, 4);
  t.is(counts.itemsAccepted, 240);
  t.is(counts.duplicatesCollapsed, 3);
  t.is(counts.rowsWritten, distinct);
  t.is(counts.itemsSeen, counts.itemsAccepted + counts.itemsQuarantined);
  t.is(counts.itemsAccepted, counts.rowsWritten + counts.duplicatesCollapsed);
  t.like(counts.quarantinedByReason, {
    'page-missing': 1,
    'html-page': 1,
    'truncated-json': 1,
    'not-json': 1,
    'no-items': 1,
    'missing-id': 1,
    'missing-price': 1,
    'invalid-id': 1,
    'item-not-object': 1,
    'invalid-envelope': 0,
  });
  t.deepEqual(counts.invalidFields, { 'location.latitude': 1 });
  t.is(counts.textRepaired, 1);
  t.is(manifest.categories.status, 'ok');

  // Every shard exists, holds only its own listings, sorted, and the counts add up.
  t.deepEqual(manifest.shards.map((s) => s.shard), [0, 1, 2, 3]);
  const all = [];
  for (const { shard, key, rows } of manifest.shards) {
    t.is(key, keys.silverShard(DAY, shard, SEARCH));
    const read = await readSilverRows((await s3.lake.get(key))!);
    t.is(read.length, rows);
    t.true(read.every((row) => shardOfListing(row.listing_id, row.seller_id, 4) === shard), 'bucketed by seller');
    t.deepEqual(read.map((r) => r.listing_id), read.map((r) => r.listing_id).sort());
    all.push(...read);
  }
  t.is(all.length, distinct);
  t.is(new Set(all.map((row) => row.listing_id)).size, distinct);
  const shifted = all.find((row) => row.price === 1);
  t.is(shifted?.source_page, 2, 'the later occurrence of a duplicated listing is kept');
  t.true(all.some((row) => row.title === 'Camión de juguete'));
  t.true(all.every((row) => row.snapshot_day === DAY && row.search_slug === SEARCH));

  // Quarantine: one JSON line per case, with source, reason and fragment.
  const lines = new TextDecoder().decode(await s3.lake.get(keys.quarantine(DAY, SEARCH))).trim().split('\n');
  const records = lines.map((line) => JSON.parse(line) as QuarantineRecord);
  t.is(records.length, 9);
  const html = records.find((r) => r.reason === 'html-page')!;
  t.is(html.page, 7);
  t.is(html.sourceKey, keys.bronzePage(DAY, SEARCH, 7));
  t.true(html.fragment.includes('The request could not be satisfied'));
  t.true(html.detail.includes('403'));
  const noPrice = records.find((r) => r.reason === 'missing-price')!;
  t.is(noPrice.page, 3);
  t.is(typeof noPrice.listingId, 'string');
  t.is(noPrice.itemIndex, 41);
  t.true(records.every((r) => r.fragment.length <= 2048));

  // Commit marker: the manifest is the last object silver writes.
  const silverWrites = written.filter((key) => key.startsWith('silver/') || key.startsWith('quarantine/'));
  t.is(silverWrites.at(-1), keys.silverManifest(DAY, SEARCH));
  t.is(silverWrites.length, 4 + 1 + 1);
  t.deepEqual(await getJson<SilverManifest>(s3.lake, keys.silverManifest(DAY, SEARCH)), manifest);
});

test('a rerun (a duplicated event) rewrites byte-identical output, whatever the prefetch depth', async (t) => {
  const s3 = await lakeFixture(t);
  const { pages, missingPages } = troubledDay();
  const manifestKey = await writeBronzeSearch(s3.lake, { day: DAY, search: SEARCH, pages, missingPages, shardCount: 3 });
  const outputs = ['silver/', 'quarantine/'];
  await runSilver(s3.lake, manifestKey);
  const first = await snapshot(s3.lake, outputs);
  await runSilver(s3.lake, manifestKey, { prefetch: 1 });
  const second = await snapshot(s3.lake, outputs);
  await runSilver(s3.lake, manifestKey, { prefetch: 16 });
  const third = await snapshot(s3.lake, outputs);
  t.is(first.size, 3 + 1 + 1);
  t.deepEqual([...second.keys()], [...first.keys()]);
  for (const [key, bytes] of first) {
    t.true(bytes.equals(second.get(key)!), key);
    t.true(bytes.equals(third.get(key)!), key);
  }
});

test('without a categories snapshot rows still flow, with null names, and the manifest says so', async (t) => {
  const s3 = await lakeFixture(t);
  const next = random(5);
  const items = Array.from({ length: 40 }, () => makeItem(next));
  const manifestKey = await writeBronzeSearch(s3.lake, { day: DAY, search: SEARCH, pages: [{ body: searchBody(items), itemCount: 40 }], categories: false, shardCount: 2 });
  const manifest = await runSilver(s3.lake, manifestKey);
  t.is(manifest.categories.status, 'missing');
  t.is(manifest.counts.rowsWritten, 40);
  t.is(manifest.counts.rowsWithUnknownCategory, 40);
  t.true(manifest.snapshotComplete);
  for (const { key } of manifest.shards) {
    for (const row of await readSilverRows((await s3.lake.get(key))!, { columns: ['category_id', 'category_name', 'category_path'] })) {
      t.is(typeof row.category_id, 'number');
      t.is(row.category_name, null);
      t.is(row.category_path, null);
    }
  }
});

test('a broken categories snapshot is reported as invalid', async (t) => {
  const s3 = await lakeFixture(t);
  const items = [makeItem(random(9))];
  const manifestKey = await writeBronzeSearch(s3.lake, { day: DAY, search: SEARCH, pages: [{ body: searchBody(items), itemCount: 1 }], categories: CLOUDFRONT_403 });
  const manifest = await runSilver(s3.lake, manifestKey);
  t.is(manifest.categories.status, 'invalid');
  t.regex(manifest.categories.detail ?? '', /not JSON/);
  t.is(manifest.counts.rowsWritten, 1);
});

test('a blocked search with no pages still commits every (empty) shard and its outcome', async (t) => {
  const s3 = await lakeFixture(t);
  const manifestKey = await writeBronzeSearch(s3.lake, { day: DAY, search: 'ps5', pages: [], outcome: 'blocked', shardCount: 5 });
  const manifest = await runSilver(s3.lake, manifestKey);
  t.is(manifest.outcome, 'blocked');
  t.false(manifest.snapshotComplete);
  t.is(manifest.shards.length, 5);
  for (const { key, rows } of manifest.shards) {
    t.is(rows, 0);
    t.deepEqual(await readSilverRows((await s3.lake.get(key))!), []);
  }
  t.is((await s3.lake.get(keys.quarantine(DAY, 'ps5')))!.length, 0);
});

test('refuses input it cannot process, naming the key', async (t) => {
  const s3 = await lakeFixture(t);
  await t.throwsAsync(runSilver(s3.lake, keys.bronzeManifest(DAY, 'nothing')), { instanceOf: SilverError, message: /does not exist/ });
  const manifestKey = await writeBronzeSearch(s3.lake, { day: DAY, search: 'ps5', pages: [] });
  await s3.lake.put(keys.runPlan(DAY), '{"planVersion":1}');
  await t.throwsAsync(runSilver(s3.lake, manifestKey), { instanceOf: SilverError, message: /shardCount/ });
  t.is((await runSilver(s3.lake, manifestKey, { shardCount: 2 })).shards.length, 2);
  await t.throwsAsync(runSilver(s3.lake, manifestKey, { shardcount: 2 } as never), { instanceOf: SilverError, message: /invalid silver options/ });
  await s3.lake.put(keys.bronzeManifest(DAY, 'odd'), JSON.stringify({ manifestVersion: 1, day: DAY, search: 'other', outcome: 'complete', pages: [] }));
  await t.throwsAsync(runSilver(s3.lake, keys.bronzeManifest(DAY, 'odd')), { instanceOf: SilverError, message: /names day/ });
});
