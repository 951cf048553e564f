import test, { type ExecutionContext } from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { keys } from '#shared/lake/keys.ts';
import { LocalPipeline } from '#local/pipeline.ts';
import { readServiceWiring, type ServiceWiring } from '#local/wiring.ts';
import { createMarket, startSimulator } from '#simulator/index.ts';
import { startSimulatedPipeline } from '../helpers/simulated-pipeline.ts';

const SERVICE = process.cwd();
const SEARCHES = join(SERVICE, 'fixtures/searches.yml');
const DAYS = ['2026-11-20', '2026-11-21'];
const market = createMarket({ seed: 11, listings: 6_000, startDay: DAYS[0]! });
const wiring = readServiceWiring({ configPath: join(SERVICE, 'serverless.yml'), stage: 'local' });

async function start(t: ExecutionContext, options: { wiring?: ServiceWiring } = {}) {
  return startSimulatedPipeline(t, { market, day: DAYS[0]!, searchesFile: SEARCHES, wiring: options.wiring ?? (await wiring) });
}

async function objectBytes(pipeline: LocalPipeline, prefix: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const key of await pipeline.lake.list(prefix)) result.set(key, Buffer.from((await pipeline.lake.get(key))!).toString('base64'));
  return result;
}

test.serial('the runner drives consecutive simulated days through the S3-event chain', async (t) => {
  const { pipeline, sim } = await start(t);
  for (const day of DAYS) {
    sim.setDay(day);
    const run = await pipeline.runDay(day);
    t.deepEqual(run.deadLetters, [], day);
    t.deepEqual(run.report.problems, [], day);
    t.is(run.report.searches.length, 2);
    for (const search of run.report.searches) {
      t.is(search.extract?.outcome, 'complete', `${day} ${search.search}`);
      t.true((search.extract?.items ?? 0) > 0, `${day} ${search.search} found listings`);
      t.is(search.silver?.accepted, search.extract!.items - search.silver!.duplicates - search.silver!.quarantined, `${day} ${search.search}`);
    }
    t.true(await pipeline.lake.exists(keys.silverManifest(day, 'iphone-madrid')));
  }
});

test.serial('a handler that throws once is retried and the day completes', async (t) => {
  const base = await wiring;
  const flaky: ServiceWiring = {
    ...base,
    functions: base.functions.map((fn) => (fn.name === 'silver' ? { ...fn, modulePath: 'fixtures/flaky-handler.ts' } : fn)),
  };
  process.env.FLAKY_MODE = 'once';
  t.teardown(() => delete process.env.FLAKY_MODE);
  const { pipeline } = await start(t, { wiring: flaky });
  const run = await pipeline.runDay(DAYS[0]!);
  t.deepEqual(run.deadLetters, []);
  t.deepEqual(run.report.problems, []);
  t.true(run.report.searches.every((search) => search.silver !== null));
});

test.serial('an always-failing handler lands in the dead letters, and redrive completes the day once fixed', async (t) => {
  const base = await wiring;
  const flaky: ServiceWiring = {
    ...base,
    functions: base.functions.map((fn) => (fn.name === 'silver' ? { ...fn, modulePath: 'fixtures/flaky-handler.ts' } : fn)),
  };
  process.env.FLAKY_MODE = 'always';
  t.teardown(() => delete process.env.FLAKY_MODE);
  const { pipeline } = await start(t, { wiring: flaky });
  const run = await pipeline.runDay(DAYS[0]!);
  t.is(run.deadLetters.length, 2, 'one per search manifest');
  for (const letter of run.deadLetters) {
    t.is(letter.functionName, 'silver');
    t.is(letter.attempts, 3, 'the first attempt and two retries');
    t.regex(letter.error.message, /injected failure/);
    t.regex(letter.objectKey ?? '', /^bronze\/search\/dt=2026-11-20\/search=.+\/_manifest\.json$/);
  }
  t.true(run.report.problems.some((problem) => /not in silver/.test(problem)));
  t.deepEqual((await pipeline.deadLetters.list()).map((l) => l.id).sort(), run.deadLetters.map((l) => l.id).sort());

  process.env.FLAKY_MODE = 'off';
  const redrive = await pipeline.redrive();
  t.is(redrive.redriven, 2);
  t.deepEqual(redrive.stillFailing, []);
  t.true(await pipeline.lake.exists(keys.silverManifest(DAYS[0]!, 'iphone-madrid')));
  t.true(await pipeline.lake.exists(keys.silverManifest(DAYS[0]!, 'tech-madrid')));
});

test.serial('a replay that dead-letters says so; an unreadable bronze page shows in status and the summary', async (t) => {
  const { pipeline } = await start(t);
  await pipeline.runDay(DAYS[0]!);

  // Garbage where a silver shard was: every attempt of that gold shard fails.
  const [shardKey] = (await pipeline.lake.list(`silver/listings/dt=${DAYS[0]}/shard=001/`)).filter((key) => key.endsWith('.parquet'));
  await pipeline.lake.put(shardKey!, new TextEncoder().encode('not parquet'));
  const replay = await pipeline.replay(DAYS[0]!, 'gold');
  t.true(replay.deadLetters.length > 0, 'the failures of the replay are reported, not hidden');
  t.true(replay.deadLetters.every((letter) => letter.functionName === 'goldShard'));

  // A truncated bronze page: silver quarantines it, and the day says so.
  const pageKey = keys.bronzePage(DAYS[0]!, 'tech-madrid', 1);
  const page = (await pipeline.lake.get(pageKey))!;
  await pipeline.lake.put(pageKey, page.subarray(0, 40));
  const fromSilver = await pipeline.replay(DAYS[0]!, 'silver');
  const tech = fromSilver.report.searches.find((search) => search.search === 'tech-madrid')!;
  t.is(tech.silver?.pagesQuarantined, 1);
  t.true(
    fromSilver.report.problems.some((problem) => /^tech-madrid: 1 of \d+ page\(s\) unreadable and quarantined \(1 invalid-envelope\): the snapshot is partial, nothing was marked vanished from it/.test(problem)),
    fromSilver.report.problems.join('\n'),
  );
});

test.serial('a duplicated notification does not change any output byte', async (t) => {
  const { pipeline } = await start(t);
  await pipeline.runDay(DAYS[0]!);
  const before = await objectBytes(pipeline, 'silver/');
  pipeline.notify(keys.bronzeManifest(DAYS[0]!, 'iphone-madrid'));
  pipeline.notify(keys.bronzeManifest(DAYS[0]!, 'iphone-madrid'));
  pipeline.notify(keys.extractTask(DAYS[0]!, 'tech-madrid'));
  await pipeline.quiet();
  t.deepEqual(await objectBytes(pipeline, 'silver/'), before);
});

test.serial('a function removed from serverless.yml is no longer invoked: the wiring comes from the file', async (t) => {
  const variant = join(SERVICE, `serverless.test-${process.pid}.yml`);
  const document = parse(await readFile(join(SERVICE, 'serverless.yml'), 'utf8')) as { functions: Record<string, unknown>; resources: unknown[] };
  delete document.functions.silver;
  document.resources = document.resources.slice(0, 1);
  await writeFile(variant, stringify(document));
  t.teardown(() => rm(variant, { force: true }));
  const withoutSilver = await readServiceWiring({ configPath: variant, stage: 'local' });
  t.false(withoutSilver.functions.some((fn) => fn.name === 'silver'));
  const { pipeline } = await start(t, { wiring: withoutSilver });
  const run = await pipeline.runDay(DAYS[0]!);
  t.true(await pipeline.lake.exists(keys.bronzeManifest(DAYS[0]!, 'iphone-madrid')), 'extract still ran');
  t.deepEqual(await pipeline.lake.list('silver/'), [], 'nothing invoked silver');
  t.true(run.report.searches.every((search) => search.silver === null));
});

test.serial('a bucket on another S3-compatible server is driven by polling its trigger prefixes', async (t) => {
  // A separate server plays "somebody else's S3": the runner gets no notifications from it.
  const { startEmbeddedS3, LOCAL_CREDENTIALS } = await import('#local/embedded-s3.ts');
  const remote = await startEmbeddedS3({ bucket: 'someone-elses-lake' });
  const dataDir = await mkdtemp(join(tmpdir(), 'wallapop-remote-'));
  const sim = await startSimulator({ market, day: DAYS[0]! });
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  const pipeline = await LocalPipeline.start({
    dataDir,
    wiring: await wiring,
    remote: { bucket: 'someone-elses-lake', endpoint: remote.endpoint, pollIntervalMs: 100 },
    wallapopBaseUrl: sim.url,
    wallapopRequestsPerSecond: 0,
    searchesFile: SEARCHES,
    shardCount: 2,
    logLevel: 'SILENT',
    retryDelayMs: () => 10,
  });
  t.teardown(async () => {
    await pipeline.close();
    await sim.close();
    await remote.close();
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    await rm(dataDir, { recursive: true, force: true });
  });
  const run = await pipeline.runDay(DAYS[0]!);
  t.deepEqual(run.deadLetters, []);
  t.deepEqual(run.report.problems, []);
  t.true(run.report.gold.complete, 'the chain reached gold through polling alone');
  t.true(await remote.lake.exists(keys.goldManifest(DAYS[0]!)), 'and the data is in the remote bucket');
});
