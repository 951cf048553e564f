import type { ExtractOutcome } from '../lake/bronze.ts';
import type { CategoryKpis, CityKpis, DealEntry, Kpis, ListingCard, ListingLists, ProvinceKpis, RegionKpis, SearchKpis } from './dashboard.ts';
import { categoryIdOfKey, cityOfKey, provinceOfKey, regionOfKey } from './groups.ts';
import { dealsOf, emptyListingLists, fairPriceDeals, kpisOf, newestEntries, overallDeals, priceDropEntries, vanishedEntries } from './kpis.ts';
import type { GoldOptions } from './options.ts';
import type { Dimension, GoldPartial } from './partial.ts';

/**
 * The day's figures, computed once from the merged partial: KPIs per group (unrounded) and the
 * finished lists. The Parquet tables, the dashboard day and the series are all views of this.
 */
export interface DayFigures {
  overall: Kpis;
  categories: CategoryKpis[];
  regions: RegionKpis[];
  provinces: ProvinceKpis[];
  cities: CityKpis[];
  searches: SearchKpis[];
  lists: { overall: ListingLists; categories: Map<string, ListingLists>; searches: Map<string, ListingLists> };
  listings: Map<string, ListingCard>;
}

export interface PlannedSearch {
  slug: string;
  outcome: ExtractOutcome;
  snapshotComplete: boolean;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Largest groups first; the key breaks ties so the order is total. */
function sortedGroups<T extends Kpis>(rows: Array<{ key: string; row: T }>): T[] {
  return rows.sort((a, b) => b.row.activeListings - a.row.activeListings || b.row.seenListings - a.row.seenListings || byKey(a.key, b.key)).map((item) => item.row);
}

export function buildDayFigures(merged: GoldPartial, searches: readonly PlannedSearch[], options: Pick<GoldOptions, 'dealMaxPriceToMedian'>): DayFigures {
  const { groups } = merged;
  const { topN, topNPerCategory, dealRule } = merged.settings;
  const byComparables = dealRule === 'comparables';
  const entries = (dimension: Dimension) => [...groups[dimension]].sort(([a], [b]) => byKey(a, b));

  const categories = sortedGroups(
    entries('category').map(([key, group]) => ({ key, row: { categoryId: categoryIdOfKey(key), categoryName: group.label, ...kpisOf(group) } })),
  );
  const regions = sortedGroups(entries('region').map(([key, group]) => ({ key, row: { region: regionOfKey(key), ...kpisOf(group) } })));
  const provinces = sortedGroups(entries('province').map(([key, group]) => ({ key, row: { ...provinceOfKey(key), ...kpisOf(group) } })));
  const cities = sortedGroups(entries('city').map(([key, group]) => ({ key, row: { ...cityOfKey(key), ...kpisOf(group) } })));
  const searchRows = [...searches]
    .sort((a, b) => byKey(a.slug, b.slug))
    .map((search) => ({ searchSlug: search.slug, outcome: search.outcome, snapshotComplete: search.snapshotComplete, ...kpisOf(groups.search.get(search.slug)) }));

  const cards = merged.listings;
  const medianOf = (dimension: Dimension, key: string) => groups[dimension].get(key)?.prices.quantile(0.5) ?? null;
  const listsOf = (dimension: 'category' | 'search'): Map<string, ListingLists> => {
    const keys = new Set<string>();
    for (const list of ['deals', 'priceDrops', 'newest', 'vanished'] as const) for (const key of merged.lists[list][dimension]?.keys() ?? []) keys.add(key);
    const result = new Map<string, ListingLists>();
    for (const key of [...keys].sort(byKey)) {
      const ids = (list: 'deals' | 'priceDrops' | 'newest' | 'vanished') => merged.lists[list][dimension]?.get(key) ?? [];
      result.set(key, {
        deals: byComparables ? fairPriceDeals(ids('deals'), cards) : dealsOf(ids('deals'), cards, medianOf(dimension, key), options.dealMaxPriceToMedian, topN),
        priceDrops: priceDropEntries(ids('priceDrops'), cards),
        newest: newestEntries(ids('newest'), cards),
        vanished: vanishedEntries(ids('vanished'), cards),
      });
    }
    return result;
  };
  const categoryLists = listsOf('category');
  const searchLists = listsOf('search');
  const overallIds = (list: 'deals' | 'priceDrops' | 'newest' | 'vanished') => merged.lists[list].overall?.get('') ?? [];
  const overallDealList = byComparables
    ? fairPriceDeals(overallIds('deals'), cards)
    : overallDeals(
        [...categoryLists.values()].map((lists): DealEntry[] => lists.deals),
        topN,
      );
  for (const lists of categoryLists.values()) lists.deals = lists.deals.slice(0, topNPerCategory);
  const overall: ListingLists = {
    ...emptyListingLists(),
    deals: overallDealList,
    priceDrops: priceDropEntries(overallIds('priceDrops'), cards),
    newest: newestEntries(overallIds('newest'), cards),
    vanished: vanishedEntries(overallIds('vanished'), cards),
  };

  // Cards of candidates that did not make a final list (too dear to be a deal) are dropped.
  const listed = new Set<string>();
  for (const lists of [overall, ...categoryLists.values(), ...searchLists.values()]) {
    for (const entries of Object.values(lists) as Array<Array<{ listingId: string }>>) for (const entry of entries) listed.add(entry.listingId);
  }
  const listings = new Map([...cards].filter(([id]) => listed.has(id)));

  return {
    overall: kpisOf(groups.overall.get('')),
    categories,
    regions,
    provinces,
    cities,
    searches: searchRows,
    lists: { overall, categories: categoryLists, searches: searchLists },
    listings,
  };
}
