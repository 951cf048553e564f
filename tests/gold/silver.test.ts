import test from 'ava';
import { keys } from '#shared/lake/keys.ts';
import { getJson, putJson } from '#shared/lake/lake.ts';
import type { RunPlan } from '#shared/lake/run-plan.ts';
import { runSilver } from '#shared/silver/stage.ts';
import { goldKeys, type DashboardDay } from '#shared/gold/index.ts';
import { runGoldFanin, type GoldFaninResult } from '#shared/gold/fanin-stage.ts';
import { runGoldFanout, undispatchedReason } from '#shared/gold/fanout-stage.ts';
import { runGoldShard } from '#shared/gold/shard-stage.ts';
import { CLOUDFRONT_403, makeItem, random, searchBody, writeBronzeSearch, type PageSpec } from '../helpers/bronze-fixtures.ts';
import { readJson } from '../helpers/gold-fixtures.ts';
import { MemoryLake } from '#shared/lake/memory-lake.ts';

/**
 * Bronze pages → the real silver stage → gold, for two days: gold reads what silver actually
 * writes (manifests, sorted bucketed Parquet), and its counts match the changes put into bronze.
 */
const D1 = '2026-11-05';
const D2 = '2026-11-06';
const SHARDS = 3;

const next = random(11);
const catalogue = Array.from({ length: 90 }, (_, index) => makeItem(next, { id: `item${String(index).padStart(3, '0')}`, price: 100 + index }));
const pagesOf = (items: Array<Record<string, unknown>>): PageSpec[] => {
  const pages: PageSpec[] = [];
  for (let start = 0; start < items.length; start += 40) {
    const slice = items.slice(start, start + 40);
    pages.push({ body: searchBody(slice), itemCount: slice.length });
  }
  return pages;
};

async function bronzeAndSilver(lake: MemoryLake, day: string, searches: Array<{ slug: string; pages: PageSpec[]; outcome?: 'complete' | 'blocked' }>) {
  for (const search of searches) await writeBronzeSearch(lake, { day, search: search.slug, pages: search.pages, shardCount: SHARDS, ...(search.outcome ? { outcome: search.outcome } : {}) });
  // writeBronzeSearch plans one search; the day's plan lists both.
  const plan = (await getJson<RunPlan>(lake, keys.runPlan(day)))!;
  await putJson(lake, keys.runPlan(day), { ...plan, searches: searches.map((search) => ({ ...plan.searches[0]!, slug: search.slug, keywords: search.slug })) });
  for (const search of searches) await runSilver(lake, keys.bronzeManifest(day, search.slug));
}

async function gold(lake: MemoryLake, day: string): Promise<Extract<GoldFaninResult, { status: 'published' }>> {
  const fanout = await runGoldFanout(lake, keys.silverManifest(day, 'phones'));
  if (fanout.status !== 'dispatched') throw new Error(undispatchedReason(fanout));
  for (const task of fanout.tasks) await runGoldShard(lake, task);
  const result = await runGoldFanin(lake, keys.goldPartial(day, 0));
  if (result.status !== 'published') throw new Error('fan-in waiting');
  return result;
}

test('two days through real silver: counts match the changes made in bronze; a blocked search vanishes nothing', async (t) => {
  const lake = new MemoryLake();
  const phones = catalogue.slice(0, 60);
  const consoles = catalogue.slice(50, 90); // item050…item059 are in both searches
  await bronzeAndSilver(lake, D1, [
    { slug: 'phones', pages: pagesOf(phones) },
    { slug: 'consoles', pages: pagesOf(consoles) },
  ]);
  const first = await gold(lake, D1);
  t.like(first.manifest.totals, { stateRows: 90, activeListings: 90, newListings: 90, vanishedListings: 0 });

  // Day 2: phones drops item000…item009, lowers the price of item010…item014, adds 5 new items;
  // consoles is blocked, so item060…item089 prove nothing; item050…item059 stay in phones.
  const newcomers = Array.from({ length: 5 }, (_, index) => makeItem(next, { id: `new${index}`, price: 50 }));
  const phonesDay2 = [
    ...phones.slice(10).map((item, index) => (index < 5 ? { ...item, price: { amount: (item.price as { amount: number }).amount - 20, currency: 'EUR' } } : item)),
    ...newcomers,
  ];
  await bronzeAndSilver(lake, D2, [
    { slug: 'phones', pages: pagesOf(phonesDay2) },
    { slug: 'consoles', pages: [{ body: CLOUDFRONT_403, status: 403, contentType: 'text/html', itemCount: 0 }], outcome: 'blocked' },
  ]);
  const second = await gold(lake, D2);
  t.like(second.manifest.totals, { stateRows: 95, newListings: 5, vanishedListings: 10, priceDrops: 5, activeListings: 85, seenListings: 55 });

  const day2 = await readJson<DashboardDay>(lake, goldKeys.dashboardDay(D2));
  const consolesRow = day2.searches.find((row) => row.searchSlug === 'consoles')!;
  t.like(consolesRow, { outcome: 'blocked', activeListings: 40, seenListings: 0, vanishedListings: 0 });
  t.deepEqual(day2.lists.overall.priceDrops.map((entry) => entry.listingId).sort(), ['item010', 'item011', 'item012', 'item013', 'item014']);
  t.true(day2.quality.searches.find((search) => search.searchSlug === 'consoles')!.flags.includes('blocked'));
  t.is(day2.quality.stages.silverRows, 55);
});
