import type { DealEntry, Kpis, ListingCard, ListingLists, NewestEntry, PriceDropEntry, VanishedEntry } from './dashboard.ts';
import type { GroupAggregate } from './partial.ts';

function histogramTotal(histogram: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const count of histogram.values()) total += count;
  return total;
}

/**
 * Pure KPI arithmetic on merged aggregates. Figures come out unrounded (the Parquet tables keep
 * them so); `roundKpis` gives the dashboard's presentation precision.
 */

export const QUANTILES = { priceP10: 0.1, priceP25: 0.25, priceP50: 0.5, priceP75: 0.75, priceP90: 0.9 } as const;

export function kpisOf(group: GroupAggregate | undefined): Kpis {
  if (group === undefined) return emptyKpis();
  const { seen } = group;
  const share = (count: number) => (seen === 0 ? null : count / seen);
  return {
    activeListings: group.active,
    seenListings: seen,
    newListings: group.new,
    vanishedListings: group.vanished,
    soldListings: group.sold,
    relistedListings: group.relisted,
    untrackedListings: group.untracked,
    reappearedListings: group.reappeared,
    reservedShare: share(group.reserved),
    shippableShare: share(group.shippable),
    priceMin: group.priceMin,
    priceMax: group.priceMax,
    priceMean: seen === 0 ? null : group.priceSumCents / seen / 100,
    priceP10: group.prices.quantile(QUANTILES.priceP10),
    priceP25: group.prices.quantile(QUANTILES.priceP25),
    priceP50: group.prices.quantile(QUANTILES.priceP50),
    priceP75: group.prices.quantile(QUANTILES.priceP75),
    priceP90: group.prices.quantile(QUANTILES.priceP90),
    priceDropCount: group.priceDrops,
    priceDropMedianPct: group.dropPcts.quantile(0.5),
    daysOnMarketMedian: lowerMedian(group.daysOnMarket),
    soldPriceP25: group.soldPrices.quantile(0.25),
    soldPriceP50: group.soldPrices.quantile(0.5),
    soldPriceP75: group.soldPrices.quantile(0.75),
    sellThrough: group.active === 0 ? null : group.sold / group.active,
    daysToSellMedian: lowerMedian(group.daysToSell),
    soldBelowFair: histogramTotal(group.daysToSellByPosition.below),
    soldNearFair: histogramTotal(group.daysToSellByPosition.near),
    soldAboveFair: histogramTotal(group.daysToSellByPosition.above),
    daysToSellBelowFair: lowerMedian(group.daysToSellByPosition.below),
    daysToSellNearFair: lowerMedian(group.daysToSellByPosition.near),
    daysToSellAboveFair: lowerMedian(group.daysToSellByPosition.above),
  };
}

export function emptyKpis(): Kpis {
  return {
    activeListings: 0,
    seenListings: 0,
    newListings: 0,
    vanishedListings: 0,
    soldListings: 0,
    relistedListings: 0,
    untrackedListings: 0,
    reappearedListings: 0,
    reservedShare: null,
    shippableShare: null,
    priceMin: null,
    priceMax: null,
    priceMean: null,
    priceP10: null,
    priceP25: null,
    priceP50: null,
    priceP75: null,
    priceP90: null,
    priceDropCount: 0,
    priceDropMedianPct: null,
    daysOnMarketMedian: null,
    soldPriceP25: null,
    soldPriceP50: null,
    soldPriceP75: null,
    sellThrough: null,
    daysToSellMedian: null,
    soldBelowFair: 0,
    soldNearFair: 0,
    soldAboveFair: 0,
    daysToSellBelowFair: null,
    daysToSellNearFair: null,
    daysToSellAboveFair: null,
  };
}

/** The value of rank ⌊(n−1)/2⌋ of a histogram (value → count): an actual observed value. */
export function lowerMedian(histogram: ReadonlyMap<number, number>): number | null {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return null;
  const rank = Math.floor((total - 1) / 2);
  let running = 0;
  for (const value of [...histogram.keys()].sort((a, b) => a - b)) {
    running += histogram.get(value)!;
    if (running > rank) return value;
  }
  return null;
}

const round = (value: number | null, decimals: number) => (value === null ? null : Math.round(value * 10 ** decimals) / 10 ** decimals);

/** Dashboard precision: money to cents, shares to 4 decimals, percentages to 2. */
export function roundKpis<T extends Kpis>(kpis: T): T {
  return {
    ...kpis,
    reservedShare: round(kpis.reservedShare, 4),
    shippableShare: round(kpis.shippableShare, 4),
    priceMin: round(kpis.priceMin, 2),
    priceMax: round(kpis.priceMax, 2),
    priceMean: round(kpis.priceMean, 2),
    priceP10: round(kpis.priceP10, 2),
    priceP25: round(kpis.priceP25, 2),
    priceP50: round(kpis.priceP50, 2),
    priceP75: round(kpis.priceP75, 2),
    priceP90: round(kpis.priceP90, 2),
    priceDropMedianPct: round(kpis.priceDropMedianPct, 2),
    soldPriceP25: round(kpis.soldPriceP25, 2),
    soldPriceP50: round(kpis.soldPriceP50, 2),
    soldPriceP75: round(kpis.soldPriceP75, 2),
    sellThrough: round(kpis.sellThrough, 4),
  };
}

/**
 * The deals of one peer group under the 'category-median' rule: its candidates (the group's cheapest listings, cheapest first)
 * cut where the price exceeds `maxPriceToMedian` × the peer median. No deals against a median of
 * 0 (a group of giveaways has no "below the market").
 */
export function dealsOf(candidates: readonly string[], cards: ReadonlyMap<string, ListingCard>, peerMedian: number | null, maxPriceToMedian: number, topN: number): DealEntry[] {
  if (peerMedian === null || !(peerMedian > 0)) return [];
  const deals: DealEntry[] = [];
  for (const listingId of candidates) {
    const { price } = cards.get(listingId)!;
    if (price > maxPriceToMedian * peerMedian) break;
    deals.push({ listingId, price, referencePrice: peerMedian, priceToReference: price / peerMedian, comparables: null });
    if (deals.length === topN) break;
  }
  return deals;
}

/** The market-wide best deals ('category-median'): the lowest price/median ratios among the groups' deal lists. */
export function overallDeals(groupDeals: Iterable<readonly DealEntry[]>, topN: number): DealEntry[] {
  const all = [...groupDeals].flat();
  const unique = new Map<string, DealEntry>();
  for (const deal of all) {
    const kept = unique.get(deal.listingId);
    if (kept === undefined || deal.priceToReference < kept.priceToReference) unique.set(deal.listingId, deal);
  }
  return [...unique.values()]
    .sort((a, b) => a.priceToReference - b.priceToReference || (a.listingId < b.listingId ? -1 : a.listingId > b.listingId ? 1 : 0))
    .slice(0, topN);
}

/** Deals under the 'comparables' rule: the shards already kept only deals, in rank order. */
export function fairPriceDeals(ids: readonly string[], cards: ReadonlyMap<string, ListingCard>): DealEntry[] {
  return ids.map((listingId) => {
    const card = cards.get(listingId)!;
    const fairPrice = card.fairPrice!;
    return { listingId, price: card.price, referencePrice: fairPrice, priceToReference: card.price / fairPrice, comparables: card.comparables };
  });
}

export function priceDropEntries(ids: readonly string[], cards: ReadonlyMap<string, ListingCard>): PriceDropEntry[] {
  return ids.map((listingId) => {
    const card = cards.get(listingId)!;
    return { listingId, price: card.price, previousPrice: card.priceBeforeChange ?? card.price, dropPct: card.priceDropPct ?? 0 };
  });
}

export function newestEntries(ids: readonly string[], cards: ReadonlyMap<string, ListingCard>): NewestEntry[] {
  return ids.map((listingId) => ({ listingId, createdAt: cards.get(listingId)!.createdAt }));
}

export function vanishedEntries(ids: readonly string[], cards: ReadonlyMap<string, ListingCard>): VanishedEntry[] {
  return ids.map((listingId) => {
    const card = cards.get(listingId)!;
    return { listingId, lastPrice: card.price, daysOnMarket: card.daysOnMarket ?? 0 };
  });
}

export function emptyListingLists(): ListingLists {
  return { deals: [], priceDrops: [], newest: [], vanished: [] };
}
