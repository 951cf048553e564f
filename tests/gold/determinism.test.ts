import test from 'ava';
import fc from 'fast-check';
import { keys, type Day } from '#shared/lake/keys.ts';
import type { Lake } from '#shared/lake/lake.ts';
import { startEmbeddedS3, type S3EventNotification } from '#local/embedded-s3.ts';
import { decodePartial, encodePartial, mergePartials, type GoldPartial } from '#shared/gold/index.ts';
import { runGoldFanin } from '#shared/gold/fanin-stage.ts';
import { runGoldFanout } from '#shared/gold/fanout-stage.ts';
import { runGoldShard } from '#shared/gold/shard-stage.ts';
import { random } from '../helpers/bronze-fixtures.ts';
import { runGoldDay, writeSilverDay, type FixtureDay, type FixtureListing } from '../helpers/gold-fixtures.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';

const SHARDS = 6;

/** Two days of a small random market: churn, price changes, several categories and cities. */
function fixtureDays(): FixtureDay[] {
  const next = random(7);
  const make = (index: number): FixtureListing => ({
    id: `id-${index}`,
    price: Math.round(5 + next() * 500),
    categoryId: 100 + (index % 4),
    region: `R${index % 3}`,
    city: `C${index % 5}`,
    createdAt: Date.parse('2026-10-01T00:00:00Z') + Math.floor(next() * 40) * 86_400_000,
    reserved: index % 11 === 0,
  });
  const base = Array.from({ length: 900 }, (_, index) => make(index));
  const day2 = base
    .filter((_, index) => index % 10 !== 3)
    .map((listing, index) => (index % 6 === 0 ? { ...listing, price: Math.max(1, listing.price - 1 - (index % 40)) } : listing))
    .concat(Array.from({ length: 60 }, (_, index) => make(1000 + index)));
  const split = (all: FixtureListing[]) => [
    { slug: 'north', listings: all.filter((listing) => Number(listing.id.slice(3)) % 2 === 0) },
    { slug: 'south', listings: all.filter((listing) => Number(listing.id.slice(3)) % 3 !== 0) },
  ];
  return [
    { day: '2026-11-20', shardCount: SHARDS, searches: split(base) },
    { day: '2026-11-21', shardCount: SHARDS, searches: split(day2) },
  ];
}

async function partialsOf(lake: Lake, day: Day): Promise<GoldPartial[]> {
  const partials: GoldPartial[] = [];
  for (let shard = 0; shard < SHARDS; shard += 1) partials.push(decodePartial(new TextDecoder().decode((await lake.get(keys.goldPartial(day, shard)))!)));
  return partials;
}

/** Merges in the given order, as a tree whose shape `splits` chooses (associativity). */
function mergeTree(partials: readonly GoldPartial[], splits: readonly number[], depth = 0): GoldPartial {
  if (partials.length === 1) return partials[0]!;
  const at = 1 + ((splits[depth % splits.length] ?? 0) % (partials.length - 1));
  return mergePartials(mergeTree(partials.slice(0, at), splits, depth + 1), mergeTree(partials.slice(at), splits, depth + 1));
}

test('merging partials in any order and grouping gives byte-identical results', async (t) => {
  const lake = new MemoryLake();
  for (const fixture of fixtureDays()) {
    await writeSilverDay(lake, fixture);
    await runGoldDay(lake, fixture.day);
  }
  const partials = await partialsOf(lake, '2026-11-21');
  const reference = encodePartial(partials.reduce((merged, partial) => mergePartials(merged, partial)));
  t.true(reference.length > 1000);
  fc.assert(
    fc.property(
      fc.shuffledSubarray(partials, { minLength: SHARDS, maxLength: SHARDS }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
      (ordered, splits) => encodePartial(mergeTree(ordered, splits)) === reference,
    ),
    { numRuns: 60 },
  );
  // A merged partial survives its own serialisation.
  t.is(encodePartial(decodePartial(reference)), reference);
  t.throws(() => mergePartials(partials[0]!, partials[0]!), { message: /count them twice/ });
});

async function snapshot(lake: Lake, prefixes: readonly string[]): Promise<Map<string, string>> {
  const objects = new Map<string, string>();
  for (const prefix of prefixes) {
    for (const key of await lake.list(prefix)) objects.set(key, Buffer.from((await lake.get(key))!).toString('base64'));
  }
  return objects;
}

const GOLD_PREFIXES = ['control/gold/', 'gold/'];

test('re-running a day, with shards in another order and fan-out/fan-in repeated, rewrites identical bytes', async (t) => {
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  const { lake } = s3;
  const [first, second] = fixtureDays();
  await writeSilverDay(lake, first!);
  await runGoldDay(lake, first!.day);
  await writeSilverDay(lake, second!);
  await runGoldDay(lake, second!.day);
  const before = await snapshot(lake, GOLD_PREFIXES);

  // Day 2 again, everything twice, shards backwards, fan-in triggered by every partial.
  const day = second!.day;
  for (const search of ['north', 'south']) await runGoldFanout(lake, keys.silverManifest(day, search));
  for (let shard = SHARDS - 1; shard >= 0; shard -= 1) await runGoldShard(lake, keys.goldTask(day, shard));
  for (let shard = 0; shard < SHARDS; shard += 1) await runGoldFanin(lake, keys.goldPartial(day, shard));
  t.deepEqual(await snapshot(lake, GOLD_PREFIXES), before);

  // Day 1 again after day 2 is published: same bytes, and the dashboard is not rolled back.
  const rerun = await runGoldDay(lake, first!.day);
  t.false(rerun.latestUpdated);
  t.deepEqual(await snapshot(lake, GOLD_PREFIXES), before);
});

test('the S3-event chain with duplicated, concurrent deliveries publishes the same bytes as a direct run', async (t) => {
  const direct = new MemoryLake();
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  const { lake } = s3;

  // A tiny dispatcher: each event runs its stage concurrently with the others, and is delivered twice.
  const running = new Set<Promise<unknown>>();
  const failures: unknown[] = [];
  const route = (key: string): (() => Promise<unknown>) | undefined => {
    if (key.startsWith('silver/_manifests/')) return () => runGoldFanout(lake, key);
    if (key.startsWith('control/gold/')) return () => runGoldShard(lake, key);
    if (key.startsWith('gold/partials/')) return () => runGoldFanin(lake, key);
    return undefined;
  };
  // Like Lambda's asynchronous invocation: a failed run is retried twice. Here that matters because
  // s3rver, unlike S3, writes objects in place: a run racing a duplicate's rewrite can read a torn
  // object and fail (never silently: every reader validates what it parses).
  const withRetries = async (stage: () => Promise<unknown>) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await stage();
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  };
  s3.onEvent((event: S3EventNotification) => {
    const key = decodeURIComponent(event.Records[0]!.s3.object.key.replace(/\+/g, ' '));
    const stage = route(key);
    if (!stage) return;
    for (let delivery = 0; delivery < 2; delivery += 1) {
      const job = withRetries(stage).catch((error: unknown) => failures.push(error));
      running.add(job);
      void job.finally(() => running.delete(job));
    }
  });
  const idle = async () => {
    while (running.size > 0) await Promise.all([...running]);
  };

  for (const fixture of fixtureDays()) {
    await writeSilverDay(direct, fixture);
    await runGoldDay(direct, fixture.day);
    await writeSilverDay(lake, fixture);
    await idle();
  }
  t.deepEqual(failures, []);
  t.deepEqual(await snapshot(lake, GOLD_PREFIXES), await snapshot(direct, GOLD_PREFIXES));
});
