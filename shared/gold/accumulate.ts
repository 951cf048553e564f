import type { Day } from '../lake/keys.ts';
import type { Observation, Transition } from './advance.ts';
import { listingCard } from './cards.ts';
import { pricePositionOf } from './comparables.ts';
import type { ListingCard } from './dashboard.ts';
import { categoryKey, cityKey, provinceKey, regionKey } from './groups.ts';
import type { ShardSettings } from './options.ts';
import { emptyComparable, emptyGroup, emptyGroups, emptyLists, mergeGroupList, type ComparableAggregate, type Dimension, type GoldPartial, type GroupAggregate, type PartialInputs } from './partial.ts';
import { TopN, candidateCount, rankKey, type ListName, type RankedEntry } from './rankings.ts';
import type { ListingState } from './state.ts';

/**
 * Folds one shard's listing transitions into its partial aggregate, listing by listing, in
 * bounded memory: group figures are counters and sketches, lists keep 2N candidates at most.
 *
 * Which listings count where:
 * - category, region, province, city: the listing's current attributes;
 * - search: `active`, `new`, `vanished`, `sold`, `relisted` and `untracked` count in every search
 *   that has ever returned the listing (the state's `searches`); what describes today's observation
 *   (seen, prices, shares, drops, reappeared, deals) counts only in the searches that returned it today.
 * - comparable key: active listings, today's asking prices, and what sold today (exact prices).
 */

interface Candidate extends RankedEntry {
  /** The listing's new state, kept while it is a candidate (at most 2N per list and group). */
  state: ListingState;
  priceDropPct: number | null;
}

export interface PartialMeta {
  day: Day;
  shard: number;
  shardCount: number;
  previousDay: Day | null;
  runId?: string;
  settings: ShardSettings;
}

const NO_SEARCHES: readonly string[] = [];

/** Group keys are built once per distinct category and city, not once per listing. */
class GroupKeys {
  private readonly categories = new Map<number | null, string>();
  private readonly cities = new Map<string | null, Map<string | null, string>>();
  private readonly provinces = new Map<string | null, Map<string | null, string>>();

  category(id: number | null): string {
    let key = this.categories.get(id);
    if (key === undefined) this.categories.set(id, (key = categoryKey(id)));
    return key;
  }

  city(region: string | null, city: string | null): string {
    return GroupKeys.within(this.cities, region, city, cityKey);
  }

  province(region: string | null, province: string | null): string {
    return GroupKeys.within(this.provinces, region, province, (regionName, provinceName) => {
      const key = provinceKey(regionName, provinceName);
      this.regionOfProvince.set(key, regionKey(regionName));
      return key;
    });
  }

  /** Province group key → the key of its region's group. */
  readonly regionOfProvince = new Map<string, string>();

  private static within(cache: Map<string | null, Map<string | null, string>>, region: string | null, place: string | null, keyOf: (region: string | null, place: string | null) => string): string {
    let byPlace = cache.get(region);
    if (byPlace === undefined) cache.set(region, (byPlace = new Map()));
    let key = byPlace.get(place);
    if (key === undefined) byPlace.set(place, (key = keyOf(region, place)));
    return key;
  }
}

export class PartialBuilder {
  private readonly groups = emptyGroups();
  private readonly comparables = new Map<string, ComparableAggregate>();
  /** list → dimension → group key → its candidates. */
  private readonly tops = new Map<ListName, Map<Dimension, Map<string, TopN<Candidate>>>>();
  private readonly keys = new GroupKeys();

  constructor(private readonly meta: PartialMeta) {}

  /** Counts one listing. */
  ingest(transition: Transition, observation: Observation | null): void {
    const state = transition.next;
    if (state === null) return;
    const { event, priceDropPct } = transition;
    const seen = observation !== null;
    const category = this.keys.category(state.category_id);
    // The market and the regions are summed from these at the end (rollUp).
    this.count(this.group('category', category, state.category_name), state, transition, seen);
    this.count(this.group('province', this.keys.province(state.region, state.province), null), state, transition, seen);
    this.count(this.group('city', this.keys.city(state.region, state.city), null), state, transition, seen);
    const returnedBy = observation?.searches ?? NO_SEARCHES;
    for (const search of state.searches) {
      this.count(this.group('search', search, null), state, transition, returnedBy.includes(search));
    }
    this.countComparable(state, transition, seen);

    if (seen && this.isDeal(state)) this.offer('deals', state, priceDropPct, category, returnedBy, this.meta.settings.dealRule === 'comparables');
    if (priceDropPct !== null) this.offer('priceDrops', state, priceDropPct, category, returnedBy, true);
    if (event === 'new') this.offer('newest', state, priceDropPct, category, returnedBy, true);
    if (event === 'vanished') this.offer('vanished', state, priceDropPct, category, state.searches, true);
  }

  /**
   * Whether a listing seen today may be a deal. A reserved listing cannot be bought, and asks under
   * dealMinPrice are placeholders. Under 'comparables' it must also cost at most dealMaxPriceToFair
   * of a fair price drawn from at least dealMinComparables listings; under 'category-median' every
   * other listing is a candidate, cut by the merged median in the fan-in.
   */
  private isDeal(state: ListingState): boolean {
    const settings = this.meta.settings;
    if (state.is_reserved === true || state.last_price < settings.dealMinPrice) return false;
    if (settings.dealRule === 'category-median') return true;
    return state.fair_price !== null && state.fair_price > 0 && state.comparables >= settings.dealMinComparables && state.last_price <= settings.dealMaxPriceToFair * state.fair_price;
  }

  private countComparable(state: ListingState, transition: Transition, seen: boolean): void {
    const key = state.comparable_key;
    if (key === null) return;
    const sold = transition.event === 'vanished';
    if (state.status !== 'active' && !sold) return;
    let aggregate = this.comparables.get(key);
    if (aggregate === undefined) this.comparables.set(key, (aggregate = emptyComparable()));
    if (state.status === 'active') aggregate.active += 1;
    if (seen) aggregate.seenCents.push(Math.round(state.last_price * 100));
    if (sold) {
      aggregate.soldCents.push(Math.round(state.last_price * 100));
      aggregate.soldDays.push(state.days_on_market ?? 0);
    }
  }

  /** Offers a listing to `list` in its category, the given searches and (if `withOverall`) the market. */
  private offer(list: ListName, state: ListingState, priceDropPct: number | null, category: string, searches: readonly string[], withOverall: boolean): void {
    const priceToFair = state.fair_price === null || !(state.fair_price > 0) ? null : state.last_price / state.fair_price;
    const key = rankKey(list, { listingId: state.listing_id, price: state.last_price, priceDropPct, createdAtMs: state.created_at, daysOnMarket: state.days_on_market, priceToFair }, this.meta.settings.dealRule);
    let entry: Candidate | undefined;
    const consider = (dimension: Dimension, groupKey: string) => {
      const top = this.top(list, dimension, groupKey);
      if (!top.wants(key, state.listing_id)) return;
      entry ??= { key, listingId: state.listing_id, state, priceDropPct };
      top.offer(entry);
    };
    if (withOverall) consider('overall', '');
    consider('category', category);
    for (const search of searches) consider('search', search);
  }

  /** The partial, with cards for the listings its lists kept. */
  finish(inputs: PartialInputs): GoldPartial {
    this.rollUp();
    const lists = emptyLists();
    const listings = new Map<string, ListingCard>();
    for (const [list, byDimension] of this.tops) for (const [dimension, byKey] of byDimension) for (const [key, top] of byKey) {
      const kept = top.result();
      lists[list][dimension]!.set(key, kept.map((candidate) => candidate.listingId));
      for (const candidate of kept) {
        if (!listings.has(candidate.listingId)) listings.set(candidate.listingId, listingCard(candidate.state, candidate.priceDropPct));
      }
    }
    return {
      day: this.meta.day,
      shardCount: this.meta.shardCount,
      shards: [this.meta.shard],
      previousDay: this.meta.previousDay,
      ...(this.meta.runId === undefined ? {} : { runId: this.meta.runId }),
      settings: this.meta.settings,
      inputs,
      groups: this.groups,
      lists,
      listings,
      comparables: this.comparables,
    };
  }

  /**
   * Every listing counts in exactly one category and one province, and a province lies in one
   * region: the market is the sum of the categories and a region the sum of its provinces, the
   * same figures as counting each listing into them (counts, exact cent sums, sketch bins and
   * histograms add up), for two fewer counts per listing.
   */
  private rollUp(): void {
    const categories = [...this.groups.category.values()];
    this.groups.overall.clear();
    if (categories.length > 0) this.groups.overall.set('', { ...mergeGroupList(categories), label: null });
    const provincesByRegion = new Map<string, GroupAggregate[]>();
    for (const [key, province] of this.groups.province) {
      const region = this.keys.regionOfProvince.get(key)!;
      let provinces = provincesByRegion.get(region);
      if (provinces === undefined) provincesByRegion.set(region, (provinces = []));
      provinces.push(province);
    }
    this.groups.region.clear();
    for (const [region, provinces] of provincesByRegion) this.groups.region.set(region, mergeGroupList(provinces));
  }

  private group(dimension: Dimension, key: string, label: string | null): GroupAggregate {
    const groups = this.groups[dimension];
    let group = groups.get(key);
    if (group === undefined) {
      group = emptyGroup();
      groups.set(key, group);
    }
    if (label !== null && (group.label === null || label < group.label)) group.label = label;
    return group;
  }

  private top(list: ListName, dimension: Dimension, key: string): TopN<Candidate> {
    let byDimension = this.tops.get(list);
    if (byDimension === undefined) this.tops.set(list, (byDimension = new Map()));
    let byKey = byDimension.get(dimension);
    if (byKey === undefined) byDimension.set(dimension, (byKey = new Map()));
    let top = byKey.get(key);
    if (top === undefined) byKey.set(key, (top = new TopN<Candidate>(candidateCount(list, dimension, this.meta.settings))));
    return top;
  }

  private count(group: GroupAggregate, state: ListingState, transition: Transition, seenInGroup: boolean): void {
    const { event } = transition;
    if (state.status === 'active') group.active += 1;
    if (event === 'new') group.new += 1;
    // Missing today: sold, or re-published today (a relist found late went missing on an earlier day).
    const missingToday = event === 'vanished' || (event === 'relisted' && state.vanished_on === state.day);
    if (missingToday) {
      group.vanished += 1;
      const days = state.days_on_market ?? 0;
      group.daysOnMarket.set(days, (group.daysOnMarket.get(days) ?? 0) + 1);
    }
    if (event === 'relisted') group.relisted += 1;
    if (event === 'untracked') group.untracked += 1;
    if (event === 'vanished') {
      group.sold += 1;
      const days = state.days_on_market ?? 0;
      group.soldPrices.add(state.last_price);
      group.daysToSell.set(days, (group.daysToSell.get(days) ?? 0) + 1);
      const position = pricePositionOf(state.last_price, state.fair_price);
      if (position !== null) {
        const histogram = group.daysToSellByPosition[position];
        histogram.set(days, (histogram.get(days) ?? 0) + 1);
      }
    }
    if (!seenInGroup) return;
    const price = state.last_price;
    group.seen += 1;
    if (event === 'reappeared') group.reappeared += 1;
    if (state.is_reserved === true) group.reserved += 1;
    if (state.is_shippable === true) group.shippable += 1;
    group.priceSumCents += Math.round(price * 100);
    group.priceMin = group.priceMin === null ? price : Math.min(group.priceMin, price);
    group.priceMax = group.priceMax === null ? price : Math.max(group.priceMax, price);
    group.prices.add(price);
    if (transition.priceDropPct !== null) {
      group.priceDrops += 1;
      group.dropPcts.add(transition.priceDropPct);
    }
  }
}
