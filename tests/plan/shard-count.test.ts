import test from 'ava';
import { keys } from '#shared/lake/keys.ts';
import { putJson } from '#shared/lake/lake.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';
import { autoShardCount, FIRST_DAY_SHARDS, MAX_SHARDS, parseShardCountSetting, shardCountOfDay } from '#shared/plan/shard-count.ts';

test('auto: 8 shards before any gold day, then about 125,000 listings a shard', (t) => {
  t.is(autoShardCount(null), FIRST_DAY_SHARDS);
  // The benchmark's markets: 100,000 listings settle on one shard, 1,000,000 keep 8.
  t.is(autoShardCount({ stateRows: 100_000, shardCount: 8 }), 1);
  t.is(autoShardCount({ stateRows: 1_062_592, shardCount: 8 }), 8);
  t.is(autoShardCount({ stateRows: 100_000, shardCount: 1 }), 1);
  t.is(autoShardCount({ stateRows: 0, shardCount: 8 }), 1);
  t.is(autoShardCount({ stateRows: 10_000_000, shardCount: 8 }), 80);
  t.is(autoShardCount({ stateRows: 1_000_000_000, shardCount: 80 }), MAX_SHARDS);
});

test('auto moves the count only when a shard would be too full or too empty', (t) => {
  // Growing: 8 shards of 150,000 are still fine; one more listing each and the count grows to ⌈rows / 125,000⌉.
  t.is(autoShardCount({ stateRows: 8 * 150_000, shardCount: 8 }), 8);
  t.is(autoShardCount({ stateRows: 8 * 150_001, shardCount: 8 }), 10);
  // Shrinking: 8 shards of 50,000 stay; fewer and the count falls.
  t.is(autoShardCount({ stateRows: 8 * 50_000, shardCount: 8 }), 8);
  t.is(autoShardCount({ stateRows: 8 * 49_999, shardCount: 8 }), 4);
  // A market hovering around a boundary keeps its count day after day.
  let shards = 8;
  for (const rows of [1_000_000, 1_010_000, 990_000, 1_020_000, 980_000, 1_000_000]) {
    shards = autoShardCount({ stateRows: rows, shardCount: shards });
    t.is(shards, 8, `${rows} rows`);
  }
  // Once grown or shrunk, the new count is itself stable.
  for (const rows of [90_000, 3_000_000, 400_000]) {
    const moved = autoShardCount({ stateRows: rows, shardCount: 8 });
    t.is(autoShardCount({ stateRows: rows, shardCount: moved }), moved, `${rows} rows`);
  }
});

test('SHARD_COUNT is "auto" (or unset) or a whole number from 1 to 1000; anything else names the variable', (t) => {
  t.is(parseShardCountSetting(undefined, 'SHARD_COUNT'), 'auto');
  t.is(parseShardCountSetting('', 'SHARD_COUNT'), 'auto');
  t.is(parseShardCountSetting('auto', 'SHARD_COUNT'), 'auto');
  t.is(parseShardCountSetting('12', 'SHARD_COUNT'), 12);
  for (const bad of ['0', '-3', '2.5', '1001', 'eight', 'Auto']) {
    t.throws(() => parseShardCountSetting(bad, 'SHARD_COUNT'), { message: new RegExp(`^SHARD_COUNT must be "auto" or a whole number.*"${bad}"`) }, bad);
  }
});

test('a day planned with auto sizes from the latest gold day before it, and keeps the count of its own plan once written', async (t) => {
  const lake = new MemoryLake();
  t.is(await shardCountOfDay(lake, '2026-11-24', 'auto'), FIRST_DAY_SHARDS);
  t.is(await shardCountOfDay(lake, '2026-11-24', 3), 3);
  const manifest = (day: string, stateRows: number, shardCount: number) => ({ manifestVersion: 1, day, shardCount, totals: { stateRows } });
  await putJson(lake, keys.goldManifest('2026-11-20'), manifest('2026-11-20', 2_000_000, 8));
  await putJson(lake, keys.goldManifest('2026-11-22'), manifest('2026-11-22', 90_000, 8));
  // A gold day after D does not count.
  await putJson(lake, keys.goldManifest('2026-11-25'), manifest('2026-11-25', 5_000_000, 8));
  t.is(await shardCountOfDay(lake, '2026-11-24', 'auto'), 1);
  t.is(await shardCountOfDay(lake, '2026-11-21', 'auto'), 16);
  // Silver may already have bucketed searches with the day's count: a second plan of the day keeps it.
  await putJson(lake, keys.runPlan('2026-11-24'), { planVersion: 1, day: '2026-11-24', shardCount: 8 });
  t.is(await shardCountOfDay(lake, '2026-11-24', 'auto'), 8);
  // A number is a decision of the user's, and used as it is.
  t.is(await shardCountOfDay(lake, '2026-11-24', 5), 5);
});
