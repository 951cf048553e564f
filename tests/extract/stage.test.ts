import test from 'ava';
import { gunzipSync } from 'node:zlib';
import { runExtract } from '#shared/extract/stage.ts';
import { initialExtractTask } from '#shared/extract/task.ts';
import type { BronzeEnvelope, BronzeManifest } from '#shared/lake/bronze.ts';
import { keys } from '#shared/lake/keys.ts';
import { getJson, putJson, type Lake } from '#shared/lake/lake.ts';
import { runPlan } from '#shared/plan/stage.ts';
import type { SearchDefinition } from '#shared/config/searches.ts';
import { startEmbeddedS3 } from '#local/embedded-s3.ts';
import { WallapopClient } from '#shared/wallapop/index.ts';
import { createMarket, startSimulator } from '#simulator/index.ts';

const DAY = '2026-11-20';
const market = createMarket({ seed: 7, listings: 20_000, startDay: '2026-11-01' });

const madridPhones: SearchDefinition = {
  slug: 'iphone-madrid',
  keywords: 'iphone',
  latitude: 40.4168,
  longitude: -3.7038,
  distanceKm: 400,
  timeFilter: 'lastMonth',
  orderBy: 'newest',
  maxPages: 500,
};

async function setup(t: import('ava').ExecutionContext, simOptions: Partial<Parameters<typeof startSimulator>[0]> = {}) {
  const s3 = await startEmbeddedS3();
  const sim = await startSimulator({ market, day: DAY, ...simOptions });
  t.teardown(async () => {
    await sim.close();
    await s3.close();
  });
  const client = new WallapopClient({ baseUrl: sim.url, requestsPerSecond: 0, backoffBaseMs: 5, maxBackoffMs: 20, maxAttempts: 8 });
  return { s3, sim, client, lake: s3.lake };
}

async function groundTruth(simUrl: string, search: SearchDefinition): Promise<string[]> {
  const params = new URLSearchParams({ day: DAY, source: 'search_box', latitude: String(search.latitude), longitude: String(search.longitude), order_by: search.orderBy, time_filter: search.timeFilter });
  if (search.keywords) params.set('keywords', search.keywords);
  if (search.categoryId) params.set('category_id', String(search.categoryId));
  if (search.distanceKm) params.set('distance_in_km', String(search.distanceKm));
  if (search.minPrice !== undefined) params.set('min_sale_price', String(search.minPrice));
  if (search.maxPrice !== undefined) params.set('max_sale_price', String(search.maxPrice));
  const response = await fetch(`${simUrl}/__sim/ground-truth?${params}`);
  return ((await response.json()) as { ids: string[] }).ids;
}

/** A stored page read as its layout says (envelope version 2: a line of JSON, then the body as it came), without silver's reader. */
async function readEnvelope(lake: Lake, key: string): Promise<BronzeEnvelope> {
  const text = gunzipSync((await lake.get(key))!).toString('utf8');
  const lineEnd = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, lineEnd)) as Omit<BronzeEnvelope, 'body'>;
  if (header.envelopeVersion !== 2 || 'body' in header) throw new Error(`${key} is not an envelope of version 2`);
  return { ...header, body: text.slice(lineEnd + 1) };
}

async function bronzeIds(lake: Lake, manifest: BronzeManifest): Promise<string[]> {
  const ids: string[] = [];
  for (const page of manifest.pages) {
    const envelope = await readEnvelope(lake, page.key);
    const body = JSON.parse(envelope.body) as { data: { section: { payload?: { items: Array<{ id: string }> }; items?: Array<{ id: string }> } } };
    ids.push(...(body.data.section.payload?.items ?? body.data.section.items ?? []).map((item) => item.id));
  }
  return ids;
}

async function extractAll(lake: Lake, client: WallapopClient, search: SearchDefinition, remainingTimeMs = () => 600_000, safetyMarginMs?: number) {
  await putJson(lake, keys.extractTask(DAY, search.slug), initialExtractTask(DAY, search));
  let taskKey = keys.extractTask(DAY, search.slug);
  const invocations = [];
  for (;;) {
    const result = await runExtract({ lake, client, taskKey, remainingTimeMs, ...(safetyMarginMs !== undefined ? { safetyMarginMs } : {}) });
    invocations.push(result);
    if (result.status !== 'continued') return { result, invocations };
    taskKey = result.continuationKey;
  }
}

test.serial('extract paginates to the end and stores every page verbatim with its envelope, manifest last', async (t) => {
  const { lake, client, sim } = await setup(t);
  const truth = await groundTruth(sim.url, madridPhones);
  t.true(truth.length > 80, `the simulated search matches more than two pages (${truth.length})`);
  const { result } = await extractAll(lake, client, madridPhones);
  if (result.status !== 'finished') return t.fail(result.status);
  const manifest = (await getJson<BronzeManifest>(lake, keys.bronzeManifest(DAY, madridPhones.slug)))!;
  t.deepEqual(manifest, result.manifest);
  t.is(manifest.outcome, 'complete');
  t.is(manifest.pageCount, Math.ceil(truth.length / 40));
  t.is(manifest.itemCount, truth.length);
  t.deepEqual(await bronzeIds(lake, manifest), truth);
  const first = await readEnvelope(lake, manifest.pages[0]!.key);
  t.is(first.kind, 'search-page');
  t.is(first.response.status, 200);
  t.is(first.request.params.source, 'search_box');
  t.is(first.request.params.keywords, 'iphone');
  t.falsy(first.request.params.next_page);
  const second = await readEnvelope(lake, manifest.pages[1]!.key);
  t.truthy(second.request.params.next_page, 'later pages carry the token');
  t.is(second.request.params.keywords, 'iphone', 'and resend the filters');
  t.true(manifest.estimatedTotal === null || manifest.estimatedTotal > 0);
});

test.serial('a duplicated task event is a no-op once the manifest exists', async (t) => {
  const { lake, client } = await setup(t);
  const { result } = await extractAll(lake, client, { ...madridPhones, maxPages: 2 });
  t.is(result.status, 'finished');
  const again = await runExtract({ lake, client, taskKey: keys.extractTask(DAY, madridPhones.slug), remainingTimeMs: () => 600_000 });
  t.is(again.status, 'skipped');
});

test.serial('the page cap stops the search and marks the snapshot partial', async (t) => {
  const { lake, client } = await setup(t);
  const { result } = await extractAll(lake, client, { ...madridPhones, maxPages: 2 });
  if (result.status !== 'finished') return t.fail();
  t.is(result.manifest.outcome, 'page-cap');
  t.is(result.manifest.pageCount, 2);
});

test.serial('extraction continues itself before the deadline and loses nothing across invocations', async (t) => {
  const { lake, client, sim } = await setup(t);
  const truth = await groundTruth(sim.url, madridPhones);
  // Each invocation "has" 3 pages' worth of time: remaining time drops with every call.
  let calls = 0;
  const remaining = () => 10_000 - 3_000 * (calls++ % 3);
  const { result, invocations } = await extractAll(lake, client, madridPhones, remaining, 5_000);
  if (result.status !== 'finished') return t.fail();
  t.true(invocations.length > 1, `took ${invocations.length} invocations`);
  t.is(result.manifest.invocations, invocations.length);
  t.deepEqual(await bronzeIds(lake, result.manifest), truth);
  t.deepEqual(result.manifest.pages.map((page) => page.page), Array.from({ length: result.manifest.pageCount }, (_, i) => i + 1));
  const continuations = await lake.list(`control/extract/dt=${DAY}/search=${madridPhones.slug}/`);
  t.is(continuations.length, invocations.length - 1);
});

test.serial('under 10% injected faults every ground-truth listing of the day reaches bronze', async (t) => {
  const { lake, client, sim } = await setup(t, {
    faults: { rate: 0.1, seed: 3, retryAfterSeconds: 0, slowMs: 50, kinds: { 'rate-limit': 1, 'server-error': 1, slow: 1, truncated: 1, 'cloudfront-403': 1 } },
  });
  const searches: SearchDefinition[] = [
    madridPhones,
    { ...madridPhones, slug: 'consoles-bcn', keywords: 'playstation', latitude: 41.3874, longitude: 2.1686 },
    { ...madridPhones, slug: 'tech-spain', keywords: undefined, categoryId: 24200, latitude: 39.4699, longitude: -0.3763, distanceKm: 2000, maxPrice: 300 },
  ];
  for (const search of searches) {
    const truth = await groundTruth(sim.url, search);
    const { result } = await extractAll(lake, client, search);
    if (result.status !== 'finished') return t.fail();
    t.is(result.manifest.outcome, 'complete', search.slug);
    t.deepEqual(new Set(await bronzeIds(lake, result.manifest)), new Set(truth), search.slug);
  }
  const retried = (await Promise.all((await lake.list(`bronze/search/dt=${DAY}/`)).filter((key) => key.endsWith('.json.gz')).map((key) => readEnvelope(lake, key)))).filter(
    (envelope) => envelope.response.attempts > 1,
  );
  const injected = sim.stats().byFault;
  t.log(`faults injected: ${JSON.stringify(injected)}; pages that needed retries: ${retried.length}`);
  t.true(Object.values(injected).reduce((sum, count) => sum + (count ?? 0), 0) >= 5, 'faults were really injected');
  t.true(retried.length > 0, 'some pages needed retries, and their envelopes say so');
});

test.serial('a blocked search ends as blocked, with the block page kept as evidence', async (t) => {
  const { lake, client } = await setup(t, { faults: { rate: 0, blockSearches: ['iphone'] } });
  const { result } = await extractAll(lake, client, madridPhones);
  if (result.status !== 'finished') return t.fail();
  t.is(result.manifest.outcome, 'blocked');
  t.is(result.manifest.errors[0]?.kind, 'WallapopBlockedError');
  const evidence = await readEnvelope(lake, result.manifest.pages.at(-1)!.key);
  t.is(evidence.response.status, 403);
  t.regex(evidence.body, /could not be satisfied/i);
});

test.serial('a 200 with zero items is recorded as a suspicious empty search, not an empty market', async (t) => {
  const { lake, client } = await setup(t, { faults: { rate: 0, emptySearches: ['iphone'] } });
  const { result } = await extractAll(lake, client, madridPhones);
  if (result.status !== 'finished') return t.fail();
  t.is(result.manifest.outcome, 'empty');
  t.is(result.manifest.itemCount, 0);
});

test.serial('plan snapshots categories, writes the run plan, then one task per search', async (t) => {
  const { lake, client } = await setup(t);
  const plan = await runPlan({ lake, client, config: { searches: [madridPhones, { ...madridPhones, slug: 'second' }] }, day: DAY, shardCount: 4, watches: { config: { watches: {} }, file: null } });
  t.true(plan.categoriesSnapshot.ok);
  const snapshot = await readEnvelope(lake, keys.bronzeCategories(DAY));
  t.is(snapshot.kind, 'categories');
  t.true((JSON.parse(snapshot.body) as { categories: unknown[] }).categories.length >= 10);
  t.deepEqual(await getJson(lake, keys.runPlan(DAY)), plan);
  t.deepEqual(await lake.list(`control/extract/dt=${DAY}/`), [keys.extractTask(DAY, 'iphone-madrid'), keys.extractTask(DAY, 'second')]);
});
