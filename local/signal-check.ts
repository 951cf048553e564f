import type { DashboardDay } from '#shared/gold/dashboard.ts';
import { shownPriceChanges, type ListingHistories } from '#shared/gold/histories.ts';
import { goldKeys, type Day } from '#shared/lake/keys.ts';
import { addDays, dayNumber } from '#shared/lake/days.ts';
import { readGoldManifest } from '#shared/gold/manifest.ts';
import { readStateFile, type ListingState } from '#shared/gold/state.ts';
import { getJson, type Lake } from '#shared/lake/lake.ts';
import type { Market } from '#simulator/index.ts';

/**
 * Gold's market signals scored against the simulator's ground truth, day by day: relist links,
 * sales, deals and fair prices. What the test suite asserts and `npm run signals` reports.
 *
 * Only what gold could know is counted against it: a relist whose old listing gold never tracked,
 * or whose new listing no search returned, cannot be found; a sale of a listing no search could
 * still see is not a missed sale.
 */

export interface RelistScore {
  /** Links gold made today (new listings with relisted_from). */
  linked: number;
  /** …that the simulator confirms (same new and old listing). */
  correct: number;
  /** Relists gold could have found: the old listing was in its previous state, the new one was seen today. */
  findable: number;
  /** …that gold linked correctly. */
  found: number;
}

export interface SoldScore {
  /** sold_listings of the day. */
  reported: number;
  /** Listings gold marked sold that the market still had (left a search's filters, or a relist gold did not link). */
  falseSales: number;
  /** …of them, listings the simulator relisted (an unlinked relist). */
  falseSalesFromRelists: number;
  /** Tracked listings (active in gold's previous state and visible to a complete search) the simulator sold today. */
  trueSales: number;
  /** …that gold marked sold today. */
  caught: number;
}

export interface DealScore {
  /** Distinct listings in any deal list of the day (overall, categories, searches). */
  listed: number;
  /** …priced at most 0.7 × their product's median. */
  listedAtMost70: number;
  /** Listings seen today that the deal rule accepts (price ≤ dealMaxPriceToFair × fair price, enough comparables). */
  flagged: number;
  flaggedAtMost70: number;
  /** True bargains: seen today, not reserved, at least dealMinPrice, at most 0.6 × their product's median. */
  bargains: number;
  /** …that the deal rule flags. */
  bargainsFlagged: number;
  /** Seen listings with a fair price, and the median of |fair price / product median − 1| over them. */
  withFairPrice: number;
  seen: number;
  fairPriceMedianError: number | null;
  /** The comparables rule at other thresholds (price ≤ t × fair price, same minimum of comparables): flagged, of them at ≤ 0.7× product median, bargains flagged. */
  thresholds: Array<{ maxPriceToFair: number; flagged: number; atMost70: number; bargainsFlagged: number }>;
  /**
   * The first rule, for comparison: price ≤ 0.6 × today's median of the listing's category; and
   * its market-wide list (the 50 lowest price / category median), against the comparables rule's.
   */
  categoryMedianRule: { flagged: number; atMost70: number; bargainsFlagged: number; top50: number; top50AtMost70: number };
  /** The comparables rule's market-wide list, as published. */
  overallList: { listed: number; atMost70: number };
}

export interface DropScore {
  /** Listings gold saw at a lower price today than at their previous observation. */
  observed: number;
  /** …that the simulator dropped today, from and to those prices. */
  correct: number;
  /** Drops gold could have seen: the listing was seen the previous gold day and today. */
  findable: number;
  found: number;
  /** Listings seen today carrying the seller's own "was" price (silver previous_price → listed_previous_price). */
  listed: number;
  /** …equal to the price before the listing's latest reduction in the simulator. */
  listedCorrect: number;
  /** New listings (first seen today, not relists) whose "was" price tells a reduction made before gold could see it. */
  toldBeforeTracking: number;
}

export const SWEPT_THRESHOLDS = [0.5, 0.6, 0.65, 0.7, 0.8] as const;

export interface DayScore {
  day: Day;
  relists: RelistScore;
  sold: SoldScore;
  deals: DealScore;
  drops: DropScore;
}

async function stateOf(lake: Lake, day: Day): Promise<Map<string, ListingState>> {
  const manifest = await readGoldManifest(lake, day);
  const rows = new Map<string, ListingState>();
  for (const { key } of manifest.state) {
    const bytes = await lake.get(key);
    if (bytes === undefined) throw new Error(`${key} is missing`);
    for (const row of await readStateFile(bytes, key)) rows.set(row.listing_id, row);
  }
  return rows;
}

/** Scores gold's day `day` (a day after the first) against `market`'s ground truth. */
export async function scoreDay(lake: Lake, market: Market, day: Day, previousDay: Day): Promise<DayScore> {
  const [today, before, dayFile] = await Promise.all([stateOf(lake, day), stateOf(lake, previousDay), getJson<DashboardDay>(lake, goldKeys.dashboardDay(day))]);
  if (dayFile === undefined) throw new Error(`no dashboard day for ${day}`);
  const truth = market.day(day);
  const changes = truth.changes();
  const dayNo = dayNumber(day);

  // Relists.
  const truthPairs = new Map(changes.relisted.map((relist) => [relist.id, relist.previousId]));
  const links = [...today.values()].filter((row) => row.relisted_from !== null && !before.has(row.listing_id) && row.last_seen_day === dayNo);
  const correct = links.filter((row) => truthPairs.get(row.listing_id) === row.relisted_from).length;
  let findable = 0;
  let found = 0;
  for (const [id, previousId] of truthPairs) {
    const old = before.get(previousId);
    const seenToday = today.get(id)?.last_seen_day === dayNo;
    if (old === undefined || !seenToday || old.status === 'relisted' || old.status === 'untracked') continue;
    findable += 1;
    if (today.get(id)!.relisted_from === previousId) found += 1;
  }

  // Sales.
  const soldToday = new Set(changes.soldIds);
  const relistedOld = new Set([0, 1, 2].flatMap((later) => {
    try {
      return market.day(addDays(day, later)).changes().relisted.map((relist) => relist.previousId);
    } catch {
      return [];
    }
  }));
  const ourSales = [...today.values()].filter((row) => row.status === 'vanished' && row.vanished_on === dayNo);
  const wrong = ourSales.filter((row) => !soldToday.has(row.listing_id));
  const falseSalesFromRelists = wrong.filter((row) => relistedOld.has(row.listing_id)).length;
  let trueSales = 0;
  let caught = 0;
  for (const id of soldToday) {
    const old = before.get(id);
    if (old === undefined || old.status !== 'active') continue;
    const now = today.get(id);
    // No complete search could still see it (carried, or untracked): gold rightly cannot tell.
    if (now !== undefined && (now.status === 'untracked' || (now.status === 'active' && now.last_seen_day < dayNo))) continue;
    trueSales += 1;
    if (now?.status === 'vanished' && now.vanished_on === dayNo) caught += 1;
  }

  // Price drops: observed ones against the simulator's drop log, the listings' own "was" prices against the price before their latest reduction.
  const truthDrops = new Map(changes.priceDrops.map((drop) => [drop.id, drop]));
  const drops: DropScore = { observed: 0, correct: 0, findable: 0, found: 0, listed: 0, listedCorrect: 0, toldBeforeTracking: 0 };
  for (const row of today.values()) {
    if (row.last_seen_day !== dayNo) continue;
    const dropped = row.price_changed_on === dayNo && row.price_before_change !== null && row.last_price < row.price_before_change;
    // A relist at a lower price is a change of listing, not a drop the simulator logs.
    if (dropped && before.has(row.listing_id)) {
      drops.observed += 1;
      const drop = truthDrops.get(row.listing_id);
      if (drop !== undefined && drop.from === row.price_before_change && drop.to === row.last_price) drops.correct += 1;
    }
    if (row.listed_previous_price !== null) {
      drops.listed += 1;
      const shown = truth.item(row.listing_id)?.discount?.previous_price;
      if (shown === row.listed_previous_price) drops.listedCorrect += 1;
      if (row.first_seen_day === dayNo && row.relisted_from === null && row.listed_previous_price > row.last_price) drops.toldBeforeTracking += 1;
    }
  }
  for (const [id, drop] of truthDrops) {
    if (before.get(id)?.last_seen_day !== dayNumber(previousDay) || today.get(id)?.last_seen_day !== dayNo) continue;
    drops.findable += 1;
    const row = today.get(id)!;
    if (row.price_changed_on === dayNo && row.price_before_change === drop.from && row.last_price === drop.to) drops.found += 1;
  }

  // Deals and fair prices.
  const settings = dayFile.settings;
  const listedIds = new Set<string>();
  const lists = [dayFile.lists.overall, ...Object.values(dayFile.lists.categories), ...Object.values(dayFile.lists.searches)];
  for (const group of lists) for (const deal of group.deals) listedIds.add(deal.listingId);
  let listedAtMost70 = 0;
  for (const id of listedIds) {
    const product = truth.product(id);
    if (product !== undefined && dayFile.listings[id]!.price <= 0.7 * product.medianEur) listedAtMost70 += 1;
  }
  let flagged = 0;
  let flaggedAtMost70 = 0;
  let bargains = 0;
  let bargainsFlagged = 0;
  let withFairPrice = 0;
  let seen = 0;
  const errors: number[] = [];
  const swept = SWEPT_THRESHOLDS.map((maxPriceToFair) => ({ maxPriceToFair, flagged: 0, atMost70: 0, bargainsFlagged: 0 }));
  const categoryMedianRule = { flagged: 0, atMost70: 0, bargainsFlagged: 0, top50: 0, top50AtMost70: 0 };
  const oldRanking: Array<{ id: string; ratio: number; atMost70: boolean }> = [];
  const categoryMedians = new Map(dayFile.categories.map((category) => [category.categoryId, category.priceP50]));
  for (const row of today.values()) {
    if (row.last_seen_day !== dayNo) continue;
    const product = truth.product(row.listing_id);
    if (product === undefined) continue;
    seen += 1;
    const isFlagged =
      row.is_reserved !== true &&
      row.last_price >= settings.dealMinPrice &&
      row.fair_price !== null &&
      row.comparables >= settings.dealMinComparables &&
      row.last_price <= settings.dealMaxPriceToFair * row.fair_price;
    if (row.fair_price !== null && product.medianEur > 0) {
      withFairPrice += 1;
      errors.push(Math.abs(row.fair_price / product.medianEur - 1));
    }
    if (isFlagged) {
      flagged += 1;
      if (row.last_price <= 0.7 * product.medianEur) flaggedAtMost70 += 1;
    }
    const bargain = row.is_reserved !== true && row.last_price >= settings.dealMinPrice && row.last_price <= 0.6 * product.medianEur;
    const atMost70 = row.last_price <= 0.7 * product.medianEur;
    if (bargain) {
      bargains += 1;
      if (isFlagged) bargainsFlagged += 1;
    }
    const eligible = row.is_reserved !== true && row.last_price >= settings.dealMinPrice;
    for (const entry of swept) {
      if (!eligible || row.fair_price === null || row.comparables < settings.dealMinComparables || row.last_price > entry.maxPriceToFair * row.fair_price) continue;
      entry.flagged += 1;
      if (atMost70) entry.atMost70 += 1;
      if (bargain) entry.bargainsFlagged += 1;
    }
    const categoryMedian = categoryMedians.get(row.category_id) ?? null;
    if (eligible && categoryMedian !== null && row.last_price <= 0.6 * categoryMedian) {
      categoryMedianRule.flagged += 1;
      if (atMost70) categoryMedianRule.atMost70 += 1;
      if (bargain) categoryMedianRule.bargainsFlagged += 1;
      oldRanking.push({ id: row.listing_id, ratio: row.last_price / categoryMedian, atMost70 });
    }
  }
  errors.sort((a, b) => a - b);
  const oldTop = oldRanking.sort((a, b) => a.ratio - b.ratio || (a.id < b.id ? -1 : 1)).slice(0, 50);
  categoryMedianRule.top50 = oldTop.length;
  categoryMedianRule.top50AtMost70 = oldTop.filter((entry) => entry.atMost70).length;
  const overall = dayFile.lists.overall.deals;
  const overallAtMost70 = overall.filter((deal) => {
    const product = truth.product(deal.listingId);
    return product !== undefined && deal.price <= 0.7 * product.medianEur;
  }).length;

  return {
    day,
    relists: { linked: links.length, correct, findable, found },
    sold: { reported: dayFile.overall.soldListings, falseSales: wrong.length, falseSalesFromRelists, trueSales, caught },
    deals: {
      listed: listedIds.size,
      listedAtMost70,
      flagged,
      flaggedAtMost70,
      bargains,
      bargainsFlagged,
      withFairPrice,
      seen,
      fairPriceMedianError: errors.length === 0 ? null : errors[Math.floor((errors.length - 1) / 2)]!,
      thresholds: swept,
      categoryMedianRule,
      overallList: { listed: overall.length, atMost70: overallAtMost70 },
    },
    drops,
  };
}

export interface ScoreTotals {
  relistPrecision: number | null;
  relistRecall: number | null;
  dealPrecision: number | null;
  flaggedPrecision: number | null;
  bargainRecall: number | null;
  salePrecision: number | null;
  saleRecall: number | null;
  dropPrecision: number | null;
  dropRecall: number | null;
  listedPreviousPriceAccuracy: number | null;
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** Precision and recall over several days. */
export function totalsOf(scores: readonly DayScore[]): ScoreTotals {
  const sum = (pick: (score: DayScore) => number) => scores.reduce((total, score) => total + pick(score), 0);
  const reported = sum((s) => s.sold.reported);
  return {
    relistPrecision: ratio(sum((s) => s.relists.correct), sum((s) => s.relists.linked)),
    relistRecall: ratio(sum((s) => s.relists.found), sum((s) => s.relists.findable)),
    dealPrecision: ratio(sum((s) => s.deals.listedAtMost70), sum((s) => s.deals.listed)),
    flaggedPrecision: ratio(sum((s) => s.deals.flaggedAtMost70), sum((s) => s.deals.flagged)),
    bargainRecall: ratio(sum((s) => s.deals.bargainsFlagged), sum((s) => s.deals.bargains)),
    salePrecision: ratio(reported - sum((s) => s.sold.falseSales), reported),
    saleRecall: ratio(sum((s) => s.sold.caught), sum((s) => s.sold.trueSales)),
    dropPrecision: ratio(sum((s) => s.drops.correct), sum((s) => s.drops.observed)),
    dropRecall: ratio(sum((s) => s.drops.found), sum((s) => s.drops.findable)),
    listedPreviousPriceAccuracy: ratio(sum((s) => s.drops.listedCorrect), sum((s) => s.drops.listed)),
  };
}

/**
 * The listing pages' price paths (gold's histories.json) against the simulator's prices: every
 * point a path records, and every day a path that claims to be complete covers. A path that is
 * wrong somewhere must say so (its change count above the changes it shows): that is what its page
 * prints instead of a path that looks complete.
 */
export interface PricePathScore {
  /** Listings with a path (relisted ones are not scored: their first price is their predecessor's). */
  listings: number;
  relistedSkipped: number;
  /** Points [day, price] whose day the simulator shows the listing, and of them those at its true price. */
  points: number;
  pointsTrue: number;
  /** Paths showing every change the state counts, and of them those equal to the true price on every day they cover. */
  completeClaims: number;
  completeTrue: number;
  /** Paths that differ from the true price on some covered day, and of them those that say they miss changes. */
  pathsWrong: number;
  pathsWrongFlagged: number;
  /** Days checked (a listing's covered days on which the simulator shows it). */
  daysChecked: number;
}

export async function scorePricePaths(lake: Lake, market: Market, day: Day): Promise<PricePathScore> {
  const histories = await getJson<ListingHistories>(lake, goldKeys.dashboardHistoriesThrough(day));
  const score: PricePathScore = { listings: 0, relistedSkipped: 0, points: 0, pointsTrue: 0, completeClaims: 0, completeTrue: 0, pathsWrong: 0, pathsWrongFlagged: 0, daysChecked: 0 };
  if (histories === undefined) return score;
  const dayFiles = new Map<Day, DashboardDay | undefined>();
  const dayFile = async (date: Day) => {
    if (!dayFiles.has(date)) dayFiles.set(date, await getJson<DashboardDay>(lake, goldKeys.dashboardDay(date)));
    return dayFiles.get(date);
  };
  const truth = (date: Day, id: string) => market.day(date).item(id)?.price.amount;
  for (const [id, history] of Object.entries(histories.listings)) {
    const card = (await dayFile(history.lastListed))?.listings[id];
    if (card === undefined || card.relistedFrom !== null) {
      score.relistedSkipped += 1;
      continue;
    }
    score.listings += 1;
    for (const [date, price] of history.prices) {
      const actual = truth(date, id);
      if (actual === undefined) continue;
      score.points += 1;
      if (Math.abs(actual - price) < 0.005) score.pointsTrue += 1;
    }
    // The path as a step function over the days it covers: first point to the last day listed.
    let wrong = false;
    let point = 0;
    for (let date = history.prices[0]![0]; date <= history.lastListed; date = addDays(date, 1)) {
      while (point + 1 < history.prices.length && history.prices[point + 1]![0] <= date) point += 1;
      const actual = truth(date, id);
      if (actual === undefined) continue;
      score.daysChecked += 1;
      if (Math.abs(actual - history.prices[point]![1]) >= 0.005) wrong = true;
    }
    const complete = history.priceChanges <= shownPriceChanges(history.prices);
    if (complete) {
      score.completeClaims += 1;
      if (!wrong) score.completeTrue += 1;
    }
    if (wrong) {
      score.pathsWrong += 1;
      if (!complete) score.pathsWrongFlagged += 1;
    }
  }
  return score;
}
