import test from 'ava';
import { keys } from '#shared/lake/keys.ts';
import { goldKeys, type DashboardDay, type DataQuality, type GoldManifest } from '#shared/gold/index.ts';
import { runGoldFanin } from '#shared/gold/fanin-stage.ts';
import { runGoldFanout } from '#shared/gold/fanout-stage.ts';
import { runGoldShard } from '#shared/gold/shard-stage.ts';
import { STATE_COLUMNS, STATE_COLUMNS_SINCE_V2, readStateFile, type ListingState } from '#shared/gold/state.ts';
import { writeColumns } from '#shared/gold/parquet.ts';
import { listings, readJson, runGoldDay, writeSilverDay, type FixtureSearch } from '../helpers/gold-fixtures.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';

const D1 = '2026-12-01';
const D2 = '2026-12-02';

test('fan-out waits for every planned search, then dispatches the run once however many triggers see it complete', async (t) => {
  const lake = new MemoryLake();
  await writeSilverDay(lake, { day: D1, shardCount: 2, searches: [{ slug: 'a', listings: listings('A', 5) }, { slug: 'b', listings: listings('B', 5) }] });
  const manifestOfB = keys.silverManifest(D1, 'b');
  const saved = lake.objects.get(manifestOfB)!;
  lake.objects.delete(manifestOfB);
  t.deepEqual(await runGoldFanout(lake, keys.silverManifest(D1, 'a')), { status: 'waiting', day: D1, missing: ['b'] });
  t.false(await lake.exists(keys.goldTask(D1, 0)));

  lake.objects.set(manifestOfB, saved);
  const first = await runGoldFanout(lake, manifestOfB);
  if (first.status !== 'dispatched') return t.fail(first.status);
  t.deepEqual(first.tasks, [keys.goldTask(D1, 0), keys.goldTask(D1, 1)]);
  t.regex(first.runId, /^[0-9a-f]{16}$/);
  const bytes = [...(await lake.get(keys.goldTask(D1, 1)))!];
  // Another trigger that sees the complete set (the manifests landing together): the run is dispatched once.
  const again = await runGoldFanout(lake, keys.silverManifest(D1, 'a'));
  t.like(again, { status: 'already-dispatched', day: D1, runId: first.runId });
  t.deepEqual([...(await lake.get(keys.goldTask(D1, 1)))!], bytes);

  await runGoldShard(lake, keys.goldTask(D1, 1));
  t.deepEqual(await runGoldFanin(lake, keys.goldPartial(D1, 1)), { status: 'waiting', day: D1, missing: [keys.goldPartial(D1, 0)] });
  t.false(await lake.exists(keys.goldManifest(D1)));
});

test('page-cap, empty, failed and partly unreadable snapshots mark nothing vanished', async (t) => {
  const cases: Array<Omit<FixtureSearch, 'slug'>> = [
    { outcome: 'page-cap', listings: listings('X', 3) },
    { outcome: 'empty', listings: [] },
    { outcome: 'failed', listings: [] },
    { outcome: 'complete', pagesQuarantined: 1, listings: listings('X', 3) },
  ];
  for (const day2 of cases) {
    const lake = new MemoryLake();
    await writeSilverDay(lake, { day: D1, shardCount: 2, searches: [{ slug: 's', listings: listings('X', 10) }] });
    await runGoldDay(lake, D1);
    await writeSilverDay(lake, { day: D2, shardCount: 2, searches: [{ slug: 's', ...day2 }] });
    const { manifest } = await runGoldDay(lake, D2);
    t.is(manifest.totals.vanishedListings, 0, `${day2.outcome} with ${day2.pagesQuarantined ?? 0} bad pages`);
    t.is(manifest.totals.activeListings, 10);
    const quality = await readJson<DataQuality>(lake, goldKeys.quality(D2));
    t.false(quality.searches[0]!.marksVanished);
    t.true(quality.alerts.length > 0, 'the data-quality record says why');
  }
});

test('a sudden drop in a search is flagged against the previous gold day', async (t) => {
  const lake = new MemoryLake();
  await writeSilverDay(lake, { day: D1, shardCount: 2, searches: [{ slug: 's', listings: listings('X', 40) }, { slug: 't', listings: listings('Y', 40) }] });
  await runGoldDay(lake, D1);
  await writeSilverDay(lake, { day: D2, shardCount: 2, searches: [{ slug: 's', listings: listings('X', 12) }, { slug: 't', listings: listings('Y', 38) }] });
  await runGoldDay(lake, D2);
  const quality = await readJson<DataQuality>(lake, goldKeys.quality(D2));
  const [s, t2] = quality.searches;
  t.like(s, { searchSlug: 's', listingsSeen: 12, listingsSeenPreviousDay: 40, changePct: -70, flags: ['sudden-drop'] });
  t.like(t2, { searchSlug: 't', listingsSeen: 38, listingsSeenPreviousDay: 40, flags: [] });
  t.like(quality.stages, { silverRows: 50, listingsSeen: 50, activeListings: 50, stateRows: 80 });
});

test('changing the shard count between days keeps every listing history', async (t) => {
  const day1 = [{ slug: 's', listings: listings('X', 200, (index) => ({ price: 10 + index })) }];
  const day2 = [{ slug: 's', listings: listings('X', 150, (index) => ({ price: index % 2 ? 10 + index : 5 + index })) }];
  const run = async (secondShardCount: number) => {
    const lake = new MemoryLake();
    await writeSilverDay(lake, { day: D1, shardCount: 3, searches: day1 });
    await runGoldDay(lake, D1);
    await writeSilverDay(lake, { day: D2, shardCount: secondShardCount, searches: day2 });
    const { manifest } = await runGoldDay(lake, D2);
    const rows = [];
    for (const { key } of (manifest as GoldManifest).state) rows.push(...(await readStateFile((await lake.get(key))!)));
    const day = await readJson<DashboardDay>(lake, goldKeys.dashboardDay(D2));
    return { totals: manifest.totals, rows: rows.sort((a, b) => (a.listing_id < b.listing_id ? -1 : 1)), overall: day.overall };
  };
  const same = await run(3);
  const changed = await run(5);
  t.deepEqual(changed.totals, same.totals);
  t.deepEqual(changed.rows, same.rows);
  t.deepEqual(changed.overall, same.overall);
  t.like(changed.totals, { vanishedListings: 50, priceDrops: 75, newListings: 0 });
});

test('the first day of seller buckets keeps every listing history written by the release before them (listing buckets, state schema 1)', async (t) => {
  // Sellers with several listings, so that a seller's shard is not its listings' own.
  const seller = (index: number) => ({ sellerId: `shop-${index % 37}` });
  const day1 = [{ slug: 's', listings: listings('X', 300, (index) => ({ price: 10 + index, ...seller(index) })) }];
  const day2 = [{ slug: 's', listings: listings('X', 260, (index) => ({ price: index % 3 ? 10 + index : 4 + index, ...seller(index) })).slice(20) }];
  const history = (row: ListingState) => [row.listing_id, row.status, row.first_seen_day, row.last_seen_day, row.vanished_on, row.first_price, row.min_price, row.last_price, row.price_change_count, row.searches];
  const run = async (upgrade: boolean) => {
    const lake = new MemoryLake();
    await writeSilverDay(lake, { day: D1, shardCount: 3, searches: day1, ...(upgrade ? { bucketing: 'listing' as const } : {}) });
    const first = await runGoldDay(lake, D1);
    if (upgrade) {
      // What the previous release left: state files without the schema 2 columns, a manifest without bucketing or comparables.
      const old = STATE_COLUMNS.filter((column) => !(STATE_COLUMNS_SINCE_V2 as readonly string[]).includes(column.name));
      for (const { key } of first.manifest.state) {
        const rows = await readStateFile((await lake.get(key))!);
        await lake.put(key, writeColumns(old, Object.fromEntries(old.map((column) => [column.name, rows.map((row) => row[column.name as keyof ListingState])])) as never));
      }
      const { bucketing: _bucketing, ...manifest } = first.manifest;
      const { comparable_daily: _comparables, ...tables } = manifest.tables;
      await lake.put(keys.goldManifest(D1), JSON.stringify({ ...manifest, tables }));
    }
    await writeSilverDay(lake, { day: D2, shardCount: 3, searches: day2 });
    const { manifest } = await runGoldDay(lake, D2);
    const rows: ListingState[] = [];
    for (const { key } of manifest.state) rows.push(...(await readStateFile((await lake.get(key))!)));
    return { totals: manifest.totals, rows: rows.sort((a, b) => (a.listing_id < b.listing_id ? -1 : 1)) };
  };
  const upgraded = await run(true);
  const fresh = await run(false);
  t.deepEqual(upgraded.rows.map(history), fresh.rows.map(history));
  t.like(upgraded.totals, { stateRows: 300, newListings: 0, vanishedListings: 60, soldListings: 60 });
  t.like(fresh.totals, { stateRows: 300, newListings: 0, vanishedListings: 60 });
  t.is(new Set(upgraded.rows.map((row) => row.listing_id)).size, 300, 'no listing lost or duplicated');
});

test('a shard that ran before the previous day was published is re-dispatched, and the day then equals a clean run', async (t) => {
  const day1 = { day: D1, shardCount: 3, searches: [{ slug: 's', listings: listings('X', 60, (index) => ({ price: 10 + index })) }] };
  const day2 = { day: D2, shardCount: 3, searches: [{ slug: 's', listings: listings('X', 50, (index) => ({ price: 9 + index })) }] };
  const clean = new MemoryLake();
  await writeSilverDay(clean, day1);
  await runGoldDay(clean, D1);
  await writeSilverDay(clean, day2);
  const { manifest: cleanManifest } = await runGoldDay(clean, D2);

  const lake = new MemoryLake();
  await writeSilverDay(lake, day1);
  await writeSilverDay(lake, day2);
  await runGoldFanout(lake, keys.silverManifest(D2, 's'));
  await runGoldShard(lake, keys.goldTask(D2, 0)); // too early: day 1 is not published yet
  await runGoldDay(lake, D1);
  for (const shard of [1, 2]) await runGoldShard(lake, keys.goldTask(D2, shard));
  const taskBefore = lake.objects.get(keys.goldTask(D2, 0));
  const early = await runGoldFanin(lake, keys.goldPartial(D2, 2));
  t.deepEqual(early, { status: 'waiting', day: D2, missing: [keys.goldPartial(D2, 0)] });
  t.deepEqual(lake.objects.get(keys.goldTask(D2, 0)), taskBefore, 'the task is rewritten with the same bytes (which triggers its shard)');
  await runGoldShard(lake, keys.goldTask(D2, 0));
  const published = await runGoldFanin(lake, keys.goldPartial(D2, 0));
  t.is(published.status, 'published');
  t.deepEqual(published.status === 'published' ? published.manifest : undefined, cleanManifest);
  t.deepEqual(lake.objects.get(goldKeys.dashboardDay(D2)), clean.objects.get(goldKeys.dashboardDay(D2)));
});
