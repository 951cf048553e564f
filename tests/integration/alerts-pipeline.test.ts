import test, { type ExecutionContext } from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertKeys, type Alert, type AlertsWindow, type DayAlerts } from '#shared/alerts/index.ts';
import type { WebhookPayload } from '#shared/alerts/message.ts';
import { parseSearchConfig, type SearchDefinition } from '#shared/config/searches.ts';
import { searchQueryOf } from '#shared/extract/query.ts';
import type { DashboardDay } from '#shared/gold/dashboard.ts';
import { goldKeys, keys } from '#shared/lake/keys.ts';
import { addDays, madridDay } from '#shared/lake/days.ts';
import { getJson } from '#shared/lake/lake.ts';
import { buildSearchParams } from '#shared/wallapop/index.ts';
import { LocalPipeline } from '#local/pipeline.ts';
import { readServiceWiring } from '#local/wiring.ts';
import { createMarket, startSimulator, type Market } from '#simulator/index.ts';
import { startWebhookReceiver } from '../helpers/alerts-webhook.ts';

/**
 * The alert stages in the local runner, wired from serverless.yml, against the simulator's ground
 * truth: three simulated days through plan → … → gold → alert-evaluate → alert. Days end today
 * (delivery skips days older than ALERT_MAX_AGE_DAYS).
 */

const SERVICE = process.cwd();
const TODAY = madridDay(new Date());
const DAYS = [addDays(TODAY, -2), addDays(TODAY, -1), TODAY];
const market = createMarket({ seed: 7, listings: 8_000, startDay: DAYS[0]! });
const wiring = readServiceWiring({ configPath: join(SERVICE, 'serverless.yml'), stage: 'local' });

const SEARCHES = parseSearchConfig({
  searches: [
    { slug: 'iphone-spain', keywords: 'iphone', latitude: 40.4168, longitude: -3.7038, distanceKm: 1000, maxPages: 200 },
    { slug: 'tech-madrid', categoryId: 24200, latitude: 40.4168, longitude: -3.7038, distanceKm: 150, maxPages: 200 },
  ],
}).searches;
const IPHONE = SEARCHES[0]!;
const TECH = SEARCHES[1]!;

/** Ids a search returns on a day, straight from the market (the simulator's ground truth). */
const members = (search: SearchDefinition, day: string) => new Set(market.day(day).match(buildSearchParams(searchQueryOf(search), 'search')));
const priceOf = (id: string, day: string) => market.day(day).item(id)!.price.amount;

/** Listings the iphone search returns on day 0 that get reserved / disappear on day 1 or 2, plus one that does neither. */
function markedListings(m: Market) {
  const first = members(IPHONE, DAYS[0]!);
  const pick = (ids: string[], count: number) => ids.filter((id) => first.has(id)).slice(0, count);
  const steady = [...first].filter((id) => DAYS.every((day) => m.day(day).item(id)?.reserved.flag === false) && members(IPHONE, DAYS[2]!).has(id)).slice(0, 1);
  return {
    reserved: [...pick(m.day(DAYS[1]!).changes().reservedIds, 2), ...pick(m.day(DAYS[2]!).changes().reservedIds, 1), ...steady],
    vanished: [...pick(m.day(DAYS[1]!).changes().vanishedIds, 2), ...pick(m.day(DAYS[2]!).changes().vanishedIds, 1), ...steady],
  };
}
const MARKED = markedListings(market);

const WATCHES = {
  watches: {
    'iphone-spain': [
      { id: 'iphone-new-under-300', rule: 'new-under-price', maxPrice: 300, maxPerDay: 1000 },
      { id: 'iphone-drop-10pct', rule: 'price-drop', minPct: 10, maxPerDay: 1000 },
      { id: 'iphone-deal-30', rule: 'deal', belowMedianPct: 30, peer: 'search', maxPerDay: 1000 },
      { id: 'iphone-reserved', rule: 'reserved', listingIds: MARKED.reserved },
      { id: 'iphone-vanished', rule: 'vanished', listingIds: MARKED.vanished },
    ],
    'tech-madrid': [
      { id: 'tech-drop-20-euros', rule: 'price-drop', minEuros: 20, maxPerDay: 1000 },
      { id: 'tech-deal-category-40', rule: 'deal', belowMedianPct: 40, peer: 'category', maxPerDay: 1000 },
      { id: 'tech-new-under-50', rule: 'new-under-price', maxPrice: 50, minPrice: 5, maxPerDay: 1000 },
    ],
  },
};

async function start(t: ExecutionContext, webhookUrl?: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'wallapop-alerts-'));
  // The watch file is found beside the search file, as `watches.yml` is beside `searches.yml`.
  await writeFile(join(dataDir, 'searches.yml'), stringify({ searches: SEARCHES }));
  await writeFile(join(dataDir, 'watches.yml'), stringify(WATCHES));
  const sim = await startSimulator({ market, day: DAYS[0]! });
  const pipeline = await LocalPipeline.start({
    dataDir,
    wiring: await wiring,
    wallapopBaseUrl: sim.url,
    wallapopRequestsPerSecond: 0,
    searchesFile: join(dataDir, 'searches.yml'),
    shardCount: 4,
    logLevel: 'SILENT',
    retryDelayMs: () => 10,
    ...(webhookUrl ? { alerts: { webhookUrl } } : {}),
  });
  t.teardown(async () => {
    await pipeline.close();
    await sim.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const runDay = async (day: string) => {
    await sim.setDay(day);
    return pipeline.runDay(day);
  };
  const outbox = async (day: string): Promise<Alert[]> => {
    const text = await readFile(join(dataDir, 'alerts', `dt=${day}.jsonl`), 'utf8').catch(() => '');
    return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Alert);
  };
  return { pipeline, runDay, outbox, dataDir };
}

const byRule = (alerts: readonly Alert[]) => {
  const found: Record<string, string[]> = {};
  for (const alert of alerts) (found[alert.ruleId] ??= []).push(alert.listingId);
  for (const list of Object.values(found)) list.sort();
  return found;
};

/** What each rule must raise on day index `i` (> 0), from the market's own changes and gold's medians. */
function expectedAlerts(i: number, dayFile: DashboardDay): Record<string, string[]> {
  const day = DAYS[i]!;
  const previous = DAYS[i - 1]!;
  const changes = market.day(day).changes();
  const iphone = members(IPHONE, day);
  const tech = members(TECH, day);
  const seen = new Set([...iphone, ...tech]);
  // A relist of a listing the searches tracked is the same item, not a new listing (gold links it);
  // re-published at a lower price, it is a price drop.
  const relists = new Map<string, number>();
  for (const relist of changes.relisted) {
    const lastDay = addDays(relist.previousVanishedOn, -1);
    if (members(IPHONE, lastDay).has(relist.previousId) || members(TECH, lastDay).has(relist.previousId)) relists.set(relist.id, priceOf(relist.previousId, lastDay));
  }
  const newIds = changes.newIds.filter((id) => !relists.has(id));
  const drops = new Map(changes.priceDrops.map((drop) => [drop.id, drop]));
  for (const [id, from] of relists) if (seen.has(id) && priceOf(id, day) < from) drops.set(id, { id, from, to: priceOf(id, day) });
  const fresh = (id: string) => newIds.includes(id) || drops.has(id);
  const searchMedian = (slug: string) => dayFile.searches.find((search) => search.searchSlug === slug)!.priceP50!;
  const categoryMedian = (categoryId: number) => dayFile.categories.find((category) => category.categoryId === categoryId)?.priceP50 ?? null;
  const expected: Record<string, string[]> = {
    'iphone-new-under-300': newIds.filter((id) => iphone.has(id) && priceOf(id, day) <= 300),
    'iphone-drop-10pct': [...drops.values()].filter((drop) => iphone.has(drop.id) && ((drop.from - drop.to) / drop.from) * 100 >= 10).map((drop) => drop.id),
    'iphone-deal-30': [...iphone].filter((id) => fresh(id) && priceOf(id, day) >= 1 && priceOf(id, day) <= 0.7 * searchMedian('iphone-spain')),
    'iphone-reserved': MARKED.reserved.filter((id) => seen.has(id) && market.day(day).item(id)!.reserved.flag && market.day(previous).item(id)?.reserved.flag !== true),
    'iphone-vanished': MARKED.vanished.filter((id) => changes.vanishedIds.includes(id)),
    'tech-drop-20-euros': [...drops.values()].filter((drop) => tech.has(drop.id) && drop.from - drop.to >= 20).map((drop) => drop.id),
    'tech-deal-category-40': [...tech].filter((id) => {
      const median = categoryMedian(market.day(day).item(id)!.category_id);
      return fresh(id) && median !== null && priceOf(id, day) >= 1 && priceOf(id, day) <= 0.6 * median;
    }),
    'tech-new-under-50': newIds.filter((id) => tech.has(id) && priceOf(id, day) <= 50 && priceOf(id, day) >= 5),
  };
  for (const [rule, list] of Object.entries(expected)) {
    if (list.length === 0) delete expected[rule];
    else list.sort();
  }
  return expected;
}

test.serial('rules fire exactly on the simulated market; every alert reaches the outbox and the webhook once, even on duplicated events', async (t) => {
  const receiver = await startWebhookReceiver();
  t.teardown(receiver.close);
  const { pipeline, runDay, outbox } = await start(t, receiver.url);
  const perDay: DayAlerts[] = [];
  for (const [i, day] of DAYS.entries()) {
    const run = await runDay(day);
    t.deepEqual(run.deadLetters, [], day);
    t.deepEqual(run.report.problems, [], day);
    const alerts = (await getJson<DayAlerts>(pipeline.lake, alertKeys.day(day)))!;
    t.truthy(alerts, `${day} has alerts`);
    perDay.push(alerts);
    const dayFile = (await getJson<DashboardDay>(pipeline.lake, goldKeys.dashboardDay(day)))!;
    if (i === 0) {
      t.true(alerts.isFirstDay);
      t.deepEqual(alerts.alerts, [], 'the first gold day is a baseline: nothing is new, dropped or reserved since');
    } else {
      const expected = expectedAlerts(i, dayFile);
      t.deepEqual(byRule(alerts.alerts), expected, day);
      t.log(day, Object.fromEntries(Object.entries(expected).map(([rule, list]) => [rule, list.length])));
    }
    t.deepEqual(await outbox(day), alerts.alerts, `${day}: the outbox has the day's alerts, once`);
  }
  const all = perDay.flatMap((day) => day.alerts);
  for (const rule of Object.values(WATCHES.watches).flat()) t.true(all.some((alert) => alert.ruleId === rule.id), `${rule.id} fired at least once`);
  t.is(new Set(all.map((alert) => alert.alertId)).size, all.length, 'one alert per (day, rule, listing)');

  // The webhook got one well-formed message per alert.
  t.is(receiver.receipts.length, all.length);
  t.deepEqual(receiver.receipts.map((receipt) => (receipt.json as WebhookPayload).alert.alertId).sort(), all.map((alert) => alert.alertId).sort());
  for (const receipt of receiver.receipts) {
    const payload = receipt.json as WebhookPayload;
    t.is(receipt.headers['content-type'], 'application/json; charset=utf-8');
    t.is(typeof payload.text, 'string');
    t.is(payload.text, payload.content);
    t.true(payload.text.includes(payload.alert.listingUrl!), 'the message links the listing');
    t.deepEqual(payload.allowed_mentions, { parse: [] });
    t.is(payload.idempotency_key, payload.alert.alertId);
    t.is(receipt.headers['idempotency-key'], payload.alert.alertId);
  }

  // The dashboard's window holds every day's alerts, newest first.
  const window = (await getJson<AlertsWindow>(pipeline.lake, alertKeys.windowLatest))!;
  t.is(window.day, TODAY);
  t.deepEqual(window.days, [...perDay].reverse().map((day) => ({ day: day.day, count: day.alerts.length })));
  t.deepEqual(window.alerts, [...perDay].reverse().flatMap((day) => day.alerts));

  // Duplicated events and a rerun of the last day's gold: same bytes, no second delivery.
  const snapshot = async () => {
    const found = new Map<string, string>();
    for (const prefix of ['gold/alerts/', 'gold/dashboard/alerts']) for (const key of await pipeline.lake.list(prefix)) found.set(key, Buffer.from((await pipeline.lake.get(key))!).toString('base64'));
    return found;
  };
  const before = await snapshot();
  for (const day of DAYS) {
    pipeline.notify(alertKeys.day(day));
    pipeline.notify(alertKeys.day(day));
    pipeline.notify(keys.goldManifest(day));
  }
  await pipeline.quiet();
  const replay = await pipeline.replay(TODAY, 'gold');
  t.deepEqual(replay.report.problems, []);
  t.deepEqual(await snapshot(), before, 'every alert object is byte-identical');
  t.is(receiver.receipts.length, all.length, 'no webhook message twice');
  for (const day of DAYS) t.is((await outbox(day)).length, perDay[DAYS.indexOf(day)]!.alerts.length, `${day}: no outbox line twice`);
});

test.serial('a failing webhook dead-letters the delivery, the alerts stay in the lake, and a redrive sends only what is missing', async (t) => {
  const receiver = await startWebhookReceiver(() => ({ status: 500 }));
  t.teardown(receiver.close);
  const { pipeline, runDay, outbox } = await start(t, receiver.url);
  t.deepEqual((await runDay(DAYS[0]!)).deadLetters, [], 'no alerts on the first day: nothing to send');
  const run = await runDay(DAYS[1]!);
  const alertsKey = alertKeys.day(DAYS[1]!);
  const alerts = (await getJson<DayAlerts>(pipeline.lake, alertsKey))!;
  t.true(alerts.alerts.length > 0);
  t.true(run.deadLetters.length > 0);
  for (const letter of run.deadLetters) {
    t.like(letter, { functionName: 'alert', objectKey: alertsKey, attempts: 3 });
    t.regex(letter.error.message, /webhook answered HTTP 500/);
    t.notRegex(letter.error.message, /SECRET/, 'no secret in the dead letter');
  }
  t.true(await pipeline.lake.exists(alertsKey), 'the alerts stay in the lake');
  t.deepEqual(await outbox(DAYS[1]!), alerts.alerts, 'the local outbox still got them');
  t.true(receiver.receipts.length >= 3, 'the first attempt and two retries');

  receiver.respondWith(() => ({ status: 200 }));
  const redrive = await pipeline.redrive();
  t.deepEqual(redrive.stillFailing, []);
  t.deepEqual(receiver.accepted().map((receipt) => (receipt.json as WebhookPayload).alert.alertId), alerts.alerts.map((alert) => alert.alertId), 'each alert accepted once, in order');
  t.deepEqual(await outbox(DAYS[1]!), alerts.alerts, 'the redrive did not append twice');
});
