import test, { type ExecutionContext } from 'ava';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertKeys, type DayAlerts } from '#shared/alerts/index.ts';
import type { DashboardDay } from '#shared/gold/dashboard.ts';
import type { GoldManifest } from '#shared/gold/manifest.ts';
import { readClaim } from '#shared/lake/claim.ts';
import { keys } from '#shared/lake/keys.ts';
import { getJson, type Lake } from '#shared/lake/lake.ts';
import type { RunPlan } from '#shared/lake/run-plan.ts';
import { reportDay } from '#local/lake-report.ts';
import { formatDayAlerts } from '#local/summary.ts';
import { LocalPipeline } from '#local/pipeline.ts';
import { readServiceWiring } from '#local/wiring.ts';
import { createMarket } from '#simulator/index.ts';
import { startSimulatedPipeline } from '../helpers/simulated-pipeline.ts';
import { FIXTURE_WATCHES as WATCHES } from '../../fixtures/watches.ts';

/**
 * Reruns, replays and backfills as an operator does them after a bad day (issue 19), through the
 * local runner and serverless.yml's wiring: each case is one the pipeline used to get wrong.
 */

const SERVICE = process.cwd();
const DAYS = ['2026-11-20', '2026-11-21', '2026-11-22'];
const market = createMarket({ seed: 11, listings: 6_000, startDay: DAYS[0]! });
const wiring = readServiceWiring({ configPath: join(SERVICE, 'serverless.yml'), stage: 'local' });

/** The runner over a folder holding searches.yml and, beside it, watches.yml (as a user's project does). */
async function start(t: ExecutionContext) {
  const folder = await mkdtemp(join(tmpdir(), 'wallapop-reruns-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  await writeFile(join(folder, 'searches.yml'), await readFile(join(SERVICE, 'fixtures/searches.yml')));
  await writeFile(join(folder, 'watches.yml'), stringify(WATCHES));
  const started = await startSimulatedPipeline(t, { market, day: DAYS[0]!, searchesFile: join(folder, 'searches.yml'), wiring: await wiring });
  return { ...started, folder };
}

async function runDays(t: ExecutionContext, pipeline: LocalPipeline, sim: { setDay(day: string): void }, days: readonly string[]) {
  for (const day of days) {
    sim.setDay(day);
    const run = await pipeline.runDay(day);
    t.deepEqual(run.deadLetters, [], day);
    t.deepEqual(run.report.problems, [], day);
  }
}

const manifestOf = (lake: Lake, day: string) => getJson<GoldManifest>(lake, keys.goldManifest(day));

test.serial('a forced rerun invokes every stage as often as the first run did: gold is dispatched and published once', async (t) => {
  const { pipeline } = await start(t);
  const first = await pipeline.runDay(DAYS[0]!);
  const before = (await manifestOf(pipeline.lake, DAYS[0]!))!;
  const forced = await pipeline.runDay(DAYS[0]!, { force: true });
  t.is(first.functions.goldShard?.invocations, 4, 'one shard invocation per shard, however the silver manifests raced');
  t.is(first.functions.goldFanin?.invocations, 4, 'one fan-in per partial');
  for (const [name, counts] of Object.entries(first.functions)) {
    t.is(forced.functions[name]?.invocations, counts.invocations, `${name}: ${counts.invocations} invocations first, ${forced.functions[name]?.invocations} forced`);
    t.is(counts.failures, 0, `${name} first`);
    t.is(forced.functions[name]?.failures, 0, `${name} forced: no read of a half-written object`);
  }
  t.deepEqual(forced.report.problems, []);
  t.not((await manifestOf(pipeline.lake, DAYS[0]!))!.runId, before.runId, 'the forced rerun is a run of its own');
});

test.serial('a replay whose shard fails publishes nothing of it: the day stays the earlier run, status says so, and a redrive once fixed publishes the new run', async (t) => {
  const { pipeline } = await start(t);
  await pipeline.runDay(DAYS[0]!);
  const published = (await pipeline.lake.get(keys.goldManifest(DAYS[0]!)))!;

  const [shardKey] = (await pipeline.lake.list(`silver/listings/dt=${DAYS[0]}/shard=001/`)).filter((key) => key.endsWith('.parquet'));
  const good = (await pipeline.lake.get(shardKey!))!;
  await pipeline.lake.put(shardKey!, new TextEncoder().encode('not parquet'));
  const replay = await pipeline.replay(DAYS[0]!, 'gold');
  t.true(replay.deadLetters.length > 0 && replay.deadLetters.every((letter) => letter.functionName === 'goldShard'));
  t.deepEqual(await pipeline.lake.get(keys.goldManifest(DAYS[0]!)), published, "the other shards' new partials were not merged with shard 001's old one");
  const dispatched = (await readClaim(pipeline.lake, keys.goldDispatchClaim(DAYS[0]!)))!;
  t.deepEqual(replay.report.gold.behind, { dispatchedRunId: dispatched.runId });
  t.true(replay.report.problems.some((problem) => problem.startsWith(`gold: run ${dispatched.runId} of ${DAYS[0]} was dispatched but not published`)), replay.report.problems.join('\n'));

  await pipeline.lake.put(shardKey!, good);
  const redrive = await pipeline.redrive();
  t.deepEqual(redrive.stillFailing, []);
  const now = (await manifestOf(pipeline.lake, DAYS[0]!))!;
  t.is(now.runId, dispatched.runId, 'the new run is published once all its shards succeed');
});

test.serial("a replay evaluates the day's alerts with the watches its plan recorded, even after watches.yml changed; --current-watches uses today's", async (t) => {
  const { pipeline, sim, folder } = await start(t);
  await runDays(t, pipeline, sim, DAYS.slice(0, 2));
  const day = DAYS[1]!;
  const plan = (await getJson<RunPlan>(pipeline.lake, keys.runPlan(day)))!;
  t.deepEqual(plan.configuration?.watches, WATCHES);
  t.regex(plan.configuration?.searchesDigest ?? '', /^[0-9a-f]{16}$/);
  const original = (await getJson<DayAlerts>(pipeline.lake, alertKeys.day(day)))!;
  t.true(original.alerts.length > 0, 'the day raised alerts');
  t.is(original.watchesFrom, 'run plan');

  await writeFile(join(folder, 'watches.yml'), stringify({ watches: {} }));
  await pipeline.replay(day, 'gold');
  const replayed = (await getJson<DayAlerts>(pipeline.lake, alertKeys.day(day)))!;
  t.deepEqual(replayed.alerts, original.alerts, "the day's own alerts");
  t.is(replayed.watchConfigDigest, original.watchConfigDigest);
  t.regex(formatDayAlerts(replayed), /watches as the day's plan recorded them/, 'the summary says which watches');

  process.env.WATCHES_FROM = 'deployment';
  t.teardown(() => delete process.env.WATCHES_FROM);
  await pipeline.replay(day, 'gold');
  const current = (await getJson<DayAlerts>(pipeline.lake, alertKeys.day(day)))!;
  t.is(current.watchesFrom, 'deployment');
  t.regex(formatDayAlerts(current), /watches of this deployment, not the day's recorded ones/);
  t.deepEqual(current.alerts, [], 'asked for: the watches of the folder now');
});

test.serial('changing a past day marks the later days stale; a backfill rebuilds them byte for byte as a fresh run computes them', async (t) => {
  const { pipeline, sim, dataDir } = await start(t);
  await runDays(t, pipeline, sim, DAYS);

  // Day 0's silver changes: one page of tech-madrid becomes unreadable and is quarantined.
  const pageKey = keys.bronzePage(DAYS[0]!, 'tech-madrid', 1);
  await pipeline.lake.put(pageKey, (await pipeline.lake.get(pageKey))!.subarray(0, 40));
  const single = await pipeline.backfill(DAYS[0]!, DAYS[0]!, 'silver');
  t.deepEqual(single.staleAfter, [DAYS[1]!, DAYS[2]!], 'day 1 was computed from the old day 0, and day 2 from day 1');
  t.not(single.days[0]!.changes.totals.seenListings!.before, single.days[0]!.changes.totals.seenListings!.after, 'the per-day summary shows what moved');
  const status = await reportDay(pipeline.lake, DAYS[1]!);
  t.is(status.gold.stale?.since, DAYS[1]);
  t.true(status.problems.some((problem) => problem.startsWith(`gold: ${DAYS[1]} is stale: ${DAYS[0]} was recomputed`)), status.problems.join('\n'));
  const newest = await reportDay(pipeline.lake, DAYS[2]!);
  t.is(newest.gold.stale?.since, DAYS[1], 'a day computed from a stale day is stale too');
  t.true(newest.problems.some((problem) => problem.includes(`replay --from ${DAYS[1]} --from-stage gold`)), newest.problems.join('\n'));
  const latest = (await getJson<DashboardDay>(pipeline.lake, 'gold/dashboard/latest.json'))!;
  t.is(latest.day, DAYS[2]!);
  t.is(latest.staleHistory?.since, DAYS[1], "the dashboard's newest day says its history was recomputed");

  const backfill = await pipeline.backfill(DAYS[1]!, DAYS[2]!, 'gold');
  t.is(backfill.stoppedAt, null);
  t.deepEqual(backfill.days.map((step) => step.day), DAYS.slice(1));
  t.deepEqual(backfill.staleAfter, []);
  t.is((await getJson<DashboardDay>(pipeline.lake, 'gold/dashboard/latest.json'))!.staleHistory, undefined, 'rebuilt: the mark is gone');
  for (const step of backfill.days) t.deepEqual(step.run.report.problems, [], step.day);

  // A fresh run: the same bronze and silver, no gold at all, every day computed in order.
  const freshDir = await mkdtemp(join(tmpdir(), 'wallapop-fresh-'));
  t.teardown(() => rm(freshDir, { recursive: true, force: true }));
  const bucketDir = join(dataDir, 's3', pipeline.s3.bucket);
  await cp(join(dataDir, 's3'), join(freshDir, 's3'), {
    recursive: true,
    filter: (source) => !['gold', 'control/gold', 'control/claims', 'control/reruns', 'control/stale-history'].some((prefix) => source.startsWith(join(bucketDir, prefix))),
  });
  const fresh = await LocalPipeline.start({ dataDir: freshDir, wiring: await wiring, logLevel: 'SILENT', retryDelayMs: () => 10, searchesFile: join(SERVICE, 'fixtures/searches.yml') });
  t.teardown(() => fresh.close());
  t.deepEqual(await fresh.lake.list('gold/'), []);
  const rebuilt = await fresh.backfill(DAYS[0]!, DAYS[2]!, 'gold');
  t.is(rebuilt.stoppedAt, null);

  const backfilled = pipeline;
  const goldKeysOf = async (lake: Lake) => (await lake.list('gold/')).filter((key) => !key.startsWith('gold/partials/'));
  const expected = await goldKeysOf(fresh.lake);
  t.deepEqual(await goldKeysOf(backfilled.lake), expected);
  t.true(expected.some((key) => key.startsWith('gold/state/')) && expected.some((key) => key.startsWith('gold/alerts/')));
  let compared = 0;
  for (const key of expected) {
    const [mine, theirs] = await Promise.all([backfilled.lake.get(key), fresh.lake.get(key)]);
    if (key.startsWith('gold/_manifests/')) {
      // Run ids name runs, which differ; everything they describe is equal.
      const strip = (bytes: Uint8Array) => ({ ...JSON.parse(new TextDecoder().decode(bytes)), runId: undefined, previousRunId: undefined });
      t.deepEqual(strip(mine!), strip(theirs!), key);
    } else {
      t.true(Buffer.from(mine!).equals(Buffer.from(theirs!)), `${key} differs from a fresh run`);
    }
    compared += 1;
  }
  t.true(compared > 30, `${compared} gold objects compared`);
});
