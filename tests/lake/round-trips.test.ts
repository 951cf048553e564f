import test from 'ava';
import { runAlertEvaluation } from '#shared/alerts/evaluate-stage.ts';
import { watchesOfDay } from '#shared/alerts/day-watches.ts';
import { parseWatchConfig } from '#shared/alerts/watches.ts';
import { runGoldFanin } from '#shared/gold/fanin-stage.ts';
import { runGoldFanout } from '#shared/gold/fanout-stage.ts';
import { runGoldShard } from '#shared/gold/shard-stage.ts';
import { keys } from '#shared/lake/keys.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';
import { runSilver } from '#shared/silver/stage.ts';
import { makeItem, random, searchBody, writeBronzeSearch } from '../helpers/bronze-fixtures.ts';
import { listings, runGoldDay, writeSilverDay } from '../helpers/gold-fixtures.ts';
import { RoundTripLake } from '../helpers/round-trip-lake.ts';

/**
 * How many S3 round trips each stage makes one after the other (docs/performance.md): reads that
 * depend only on the day go with the first read, independent writes go together. A change that
 * puts a request back in a chain fails here, whatever this machine's speed.
 */

const D1 = '2026-11-01';
const D2 = '2026-11-02';
const SHARDS = 8;

test('silver: the manifest with the plan and the category tree, the page, every shard file and the quarantine, then the manifest', async (t) => {
  const next = random(7);
  const items = Array.from({ length: 40 }, () => makeItem(next));
  const inner = new MemoryLake();
  const manifestKey = await writeBronzeSearch(inner, { day: D1, search: 'phones', pages: [{ body: searchBody(items), itemCount: items.length }], shardCount: SHARDS });
  const lake = new RoundTripLake(inner);
  const manifest = await lake.run(() => runSilver(lake, manifestKey));
  t.is(manifest.counts.rowsWritten, 40);
  t.deepEqual(lake.rounds[0]!.slice().sort(), [`GET ${keys.bronzeCategories(D1)}`, `GET ${manifestKey}`, `GET ${keys.runPlan(D1)}`].sort());
  t.deepEqual(lake.rounds[1], [`GET ${keys.bronzePage(D1, 'phones', 1)}`]);
  t.is(lake.rounds[2]!.length, SHARDS + 1, 'the shard files and the quarantine in one round');
  t.deepEqual(lake.rounds[3], [`PUT ${keys.silverManifest(D1, 'phones')}`]);
  t.is(lake.rounds.length, 4);
});

/** Two gold days of one search in 8 shards, on a lake that answers at once. */
async function goldDays() {
  const inner = new MemoryLake();
  for (const day of [D1, D2]) {
    await writeSilverDay(inner, { day, shardCount: SHARDS, searches: [{ slug: 'phones', listings: listings('P', 40, (index) => ({ price: 100 + index })) }] });
    if (day === D1) await runGoldDay(inner, day);
  }
  return inner;
}

test('gold fan-out: the rerun request with the plan, and the 8 tasks in one round', async (t) => {
  const lake = new RoundTripLake(await goldDays());
  const result = await lake.run(() => runGoldFanout(lake, keys.silverManifest(D2, 'phones')));
  t.is(result.status, 'dispatched');
  t.true(lake.rounds[0]!.includes(`GET ${keys.runPlan(D2)}`) && lake.rounds[0]!.includes(`GET ${keys.goldRerunRequest(D2)}`), lake.rounds[0]!.join(', '));
  const taskRound = lake.roundOf(/^PUT control\/gold\//);
  t.is(lake.rounds[taskRound]!.filter((request) => request.startsWith('PUT control/gold/')).length, SHARDS, 'every task in one round');
});

test('gold shard: the previous gold day is looked up while the task is read', async (t) => {
  const inner = await goldDays();
  await runGoldFanout(inner, keys.silverManifest(D2, 'phones'));
  const lake = new RoundTripLake(inner);
  await lake.run(() => runGoldShard(lake, keys.goldTask(D2, 0)));
  t.is(lake.roundOf(/^GET control\/gold\//), 0);
  t.is(lake.roundOf(/^LIST gold\/_manifests\//), 0);
});

test('gold fan-in: the dispatch claim with the plan; the previous series, histories and plans in one round', async (t) => {
  const inner = await goldDays();
  await runGoldFanout(inner, keys.silverManifest(D2, 'phones'));
  for (let shard = 0; shard < SHARDS; shard += 1) await runGoldShard(inner, keys.goldTask(D2, shard));
  const lake = new RoundTripLake(inner);
  const result = await lake.run(() => runGoldFanin(lake, keys.goldPartial(D2, SHARDS - 1)));
  t.is(result.status, 'published');
  t.is(lake.roundOf(/^GET control\/claims\/gold-dispatch\//), 0);
  t.is(lake.roundOf(/^GET control\/runs\/dt=2026-11-02\/plan\.json$/), 0);
  const seriesRound = lake.roundOf(/^GET gold\/dashboard\/series\/dt=2026-11-01/);
  t.true(seriesRound > 0);
  t.is(lake.roundOf(/^GET gold\/dashboard\/histories\/dt=2026-11-01/), seriesRound);
  t.is(lake.roundOf(/^LIST control\/runs\/$/), seriesRound);
});

test('alert evaluation: watches, manifest and alert days at once, then the day file with all 8 state files', async (t) => {
  const inner = await goldDays();
  await runGoldDay(inner, D2);
  const watches = parseWatchConfig({ watches: { phones: [{ id: 'cheap', rule: 'new-under-price', maxPrice: 1000 }] } }, 'test watches', ['phones']);
  const lake = new RoundTripLake(inner);
  await lake.run(() => runAlertEvaluation(lake, keys.goldManifest(D2), watchesOfDay(lake, D2, async () => watches)));
  t.deepEqual(lake.rounds[0]!.slice().sort(), [`GET ${keys.goldManifest(D2)}`, `GET ${keys.runPlan(D2)}`, 'LIST gold/alerts/'].sort());
  t.is(lake.rounds[1]!.filter((request) => request.startsWith('GET gold/state/')).length, SHARDS, lake.rounds[1]!.join(', '));
  t.true(lake.rounds[1]!.some((request) => request.startsWith('GET gold/dashboard/days/')));
  t.is(lake.rounds.length, 4, lake.rounds.map((round) => round.join(', ')).join(' | '));
});
