/**
 * How big the listing histories (shared/gold/histories.ts) can grow, and what they cost the fan-in
 * to read, extend and write each day, in the worst case: the year of dashboard data's lists (50
 * searches × 4 lists × top 50, bench/dashboard-build.ts's data) with every listing new every day
 * for 14 days (the retention). docs/gold.md cites its figures.
 *
 *   npx tsx bench/experiments/listing-histories-size.ts
 */
import { extendHistories, type ListingHistories } from '../../shared/gold/histories.ts';
import type { DashboardDay, ListingLists } from '../../shared/gold/dashboard.ts';
import { canonicalJson } from '../../shared/lake/json.ts';
import { addDays } from '../../shared/lake/days.ts';
import { generateDashboardData, YEAR_OPTIONS } from '../../fixtures/gold-dashboard/generate.ts';

const base = generateDashboardData(YEAR_OPTIONS).latest;
const DAYS = 14;
let histories: ListingHistories | null = null;
for (let back = DAYS - 1; back >= 0; back -= 1) {
  const day = addDays(base.day, -back);
  // The same lists under new listing ids: nothing listed yesterday is listed today.
  const renamed = (id: string) => `${id}d${back}`;
  const renameLists = (lists: ListingLists): ListingLists => ({
    deals: lists.deals.map((entry) => ({ ...entry, listingId: renamed(entry.listingId) })),
    priceDrops: lists.priceDrops.map((entry) => ({ ...entry, listingId: renamed(entry.listingId) })),
    newest: lists.newest.map((entry) => ({ ...entry, listingId: renamed(entry.listingId) })),
    vanished: lists.vanished.map((entry) => ({ ...entry, listingId: renamed(entry.listingId) })),
  });
  const today: Pick<DashboardDay, 'day' | 'lists' | 'listings'> = {
    day,
    lists: { overall: renameLists(base.lists.overall), categories: {}, searches: Object.fromEntries(Object.entries(base.lists.searches).map(([slug, lists]) => [slug, renameLists(lists)])) },
    listings: Object.fromEntries(Object.entries(base.listings).map(([id, card]) => [renamed(id), { ...card, listingId: renamed(id), firstSeenDay: addDays(card.firstSeenDay, -back) }])),
  };
  const previousText = histories === null ? null : canonicalJson(histories);
  const started = performance.now();
  const previous = previousText === null ? null : (JSON.parse(previousText) as ListingHistories);
  histories = extendHistories(previous, today);
  const written = canonicalJson(histories);
  const ms = performance.now() - started;
  if (back === DAYS - 1 || back === 0) {
    console.log(`${day}: ${Object.keys(histories.listings).length.toLocaleString('en-US')} paths, ${(written.length / 1e6).toFixed(1)} MB, ${ms.toFixed(0)} ms to read, extend and write`);
  }
}
