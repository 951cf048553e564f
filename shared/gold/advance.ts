import { DAY_MS } from '../lake/days.ts';
import type { FairPrice } from './comparables.ts';
import type { ListingDescription, ListingState } from './state.ts';

/** What the new listing takes over from the one it re-publishes (see `advanceListing`; found by relist-plan.ts). */
export type RelistHistory = Pick<
  ListingState,
  | 'listing_id'
  | 'first_seen_day'
  | 'first_price'
  | 'min_price'
  | 'last_price'
  | 'price_before_change'
  | 'price_changed_on'
  | 'price_change_count'
  | 'searches'
  | 'item_id'
  | 'relisted_from'
>;

/**
 * One listing, one day: the previous state and today's observation in, the next state out. Pure,
 * so every rule of the listing history is tested here without a lake.
 *
 * The vanished rule (invariant 5): a listing that was active and is not returned today is marked
 * vanished only if one of its searches ran completely today and could still see it (it has not
 * aged out of the search's time window or left its price range). A failed, blocked, empty or
 * page-capped search proves nothing, so a listing covered by no complete search is carried over,
 * still active. A listing that no configured search can see any more becomes `untracked`: nothing
 * can tell whether it sells, so it leaves the active counts instead of inflating them.
 *
 * Relists (./relists.ts) arrive as links decided before the pass: the new listing continues the
 * old one's history (first seen, first and minimum price, price changes, searches, item id), and
 * the old one becomes `relisted` instead of vanished.
 */

/** A listing as day D's silver shows it, merged over the searches that returned it. */
export interface Observation extends ListingDescription {
  listing_id: string;
  price: number;
  /** The listing's own "was" price (silver previous_price). */
  previous_price: number | null;
  /** The searches that returned it on D, sorted. */
  searches: string[];
  /** From its category and title (./comparables.ts). */
  comparable_key: string | null;
}

/** What a search could see today, to tell a listing it no longer returns from one it cannot see. */
export interface SearchSight {
  /** Ran completely today (bronze `complete`, every page readable): it may mark listings vanished. */
  marksVanished: boolean;
  /** Days of its time filter (today 1, lastWeek 7, lastMonth 30); null without one. */
  timeFilterDays: number | null;
  /** When its first page was fetched today (epoch ms); null when nothing was read. */
  firstFetchedAt: number | null;
  /** The oldest publication time among the listings it returned today; null when it returned none. */
  oldestCreatedAt: number | null;
  minPrice: number | null;
  maxPrice: number | null;
}

export interface DayContext {
  /** Day number of D. */
  day: number;
  /** Every search planned today, by slug. A search of a listing's `searches` that is not here was removed. */
  sights: ReadonlyMap<string, SearchSight>;
  vanishedRetentionDays: number;
}

export type ListingEvent =
  | 'new' // first seen on D
  | 'relist' // first seen on D, re-publishing a listing that went missing (not new)
  | 'seen' // seen before and again on D
  | 'reappeared' // was vanished, relisted or untracked, returned again on D
  | 'vanished' // active until D, missing from a complete search that could still see it
  | 'relisted' // went missing (today or in the relist window) and re-published under a new id today
  | 'untracked' // active until D, no configured search can see it any more
  | 'carried' // not returned, nothing proves it gone (or already gone): kept as it was
  | 'expired'; // gone longer than the retention: dropped from the state

export interface Transition {
  event: ListingEvent;
  /** The state of D; null when the listing leaves the state (`expired`). */
  next: ListingState | null;
  /** For a listing seen on D with a lower price than its previous observation: the drop in percent (0–100]. */
  priceDropPct: number | null;
}

/**
 * A publication time within this much of a time filter's edge is not trusted either way: the
 * API's exact boundary (and clock) is unknown.
 */
export const TIME_FILTER_MARGIN_MS = DAY_MS;

/** Whether `search` could have returned `listing` today: yes, no (out of its window or range), or unsure (at the window's edge). */
export function sightOf(search: SearchSight, listing: Pick<ListingState, 'created_at' | 'last_price'>): 'yes' | 'no' | 'unsure' {
  if (search.minPrice !== null && listing.last_price < search.minPrice) return 'no';
  if (search.maxPrice !== null && listing.last_price > search.maxPrice) return 'no';
  if (search.timeFilterDays === null || listing.created_at === null) return 'yes';
  // The search itself says how far back it reached: anything newer than the oldest listing it
  // returned was inside its window.
  if (search.oldestCreatedAt !== null && listing.created_at >= search.oldestCreatedAt) return 'yes';
  if (search.firstFetchedAt !== null && listing.created_at < search.firstFetchedAt - search.timeFilterDays * DAY_MS - TIME_FILTER_MARGIN_MS) return 'no';
  return 'unsure';
}

/** What the missing-listing rules look at. */
export type MissingFacts = Pick<ListingState, 'status' | 'vanished_on' | 'last_seen_day' | 'searches' | 'created_at' | 'last_price'>;

/** What happens today to a listing no search returned (before relists are linked). */
export function missingEventOf(previous: MissingFacts, context: DayContext): 'vanished' | 'untracked' | 'carried' | 'expired' {
  const { day } = context;
  if (previous.status !== 'active') {
    const leftOn = previous.status === 'untracked' ? previous.last_seen_day : (previous.vanished_on ?? previous.last_seen_day);
    return day - leftOn > context.vanishedRetentionDays ? 'expired' : 'carried';
  }
  let visible = false;
  for (const slug of previous.searches) {
    const search = context.sights.get(slug);
    if (search === undefined) continue;
    const sight = sightOf(search, previous);
    if (sight === 'yes' && search.marksVanished) return 'vanished';
    if (sight !== 'no') visible = true;
  }
  return visible ? 'carried' : 'untracked';
}

/**
 * The transition of one listing. `relistedFrom` is the previous state of the listing a new one
 * re-publishes; `relistedToday` says a listing that went missing was re-published today.
 */
export function advanceListing(
  previous: ListingState | null,
  observation: Observation | null,
  context: DayContext,
  link: { relistedFrom?: RelistHistory; relistedToday?: boolean; fairPrice?: FairPrice | null } = {},
): Transition {
  const { day } = context;
  if (observation !== null) {
    const fair = link.fairPrice ?? null;
    if (previous === null && link.relistedFrom !== undefined) {
      const predecessor = link.relistedFrom;
      const next = observed(predecessor, observation, day, fair);
      next.item_id = predecessor.item_id;
      next.relisted_from = predecessor.listing_id;
      return { event: 'relist', next, priceDropPct: dropPct(predecessor.last_price, observation.price) };
    }
    const next = observed(previous, observation, day, fair);
    const priceDropPct = previous !== null ? dropPct(previous.last_price, observation.price) : null;
    const event: ListingEvent = previous === null ? 'new' : previous.status === 'active' ? 'seen' : 'reappeared';
    return { event, next, priceDropPct };
  }
  if (previous === null) throw new RangeError('advanceListing needs a previous state or an observation');

  if (link.relistedToday === true) {
    return { event: 'relisted', next: unobserved(previous, day, 'relisted', previous.vanished_on ?? day), priceDropPct: null };
  }
  const event = missingEventOf(previous, context);
  switch (event) {
    case 'expired':
      return { event, next: null, priceDropPct: null };
    case 'carried':
      return { event, next: unobserved(previous, day, previous.status, previous.vanished_on), priceDropPct: null };
    case 'vanished':
      return { event, next: unobserved(previous, day, 'vanished', day), priceDropPct: null };
    case 'untracked':
      return { event, next: unobserved(previous, day, 'untracked', null), priceDropPct: null };
  }
}

const dropPct = (before: number, now: number): number | null => (now < before ? ((before - now) / before) * 100 : null);

// The two builders below spell out every field, in STATE_COLUMNS order, instead of spreading the
// previous row: V8 makes `{ ...a, x, y, … }` with many added fields tens of times slower, and
// one literal shape keeps every state row on one hidden class.

/** The state of a listing some search returned on `day` (continuing `previous`, if any). */
function observed(previous: RelistHistory | null, observation: Observation, day: number, fair: FairPrice | null): ListingState {
  const { price } = observation;
  const changed = previous !== null && price !== previous.last_price;
  return {
    listing_id: observation.listing_id,
    day,
    status: 'active',
    first_seen_day: previous === null ? day : previous.first_seen_day,
    last_seen_day: day,
    vanished_on: null,
    days_on_market: null,
    first_price: previous === null ? price : previous.first_price,
    min_price: previous === null ? price : Math.min(previous.min_price, price),
    last_price: price,
    price_before_change: changed ? previous.last_price : (previous?.price_before_change ?? null),
    price_changed_on: changed ? day : (previous?.price_changed_on ?? null),
    price_change_count: previous === null ? 0 : previous.price_change_count + (changed ? 1 : 0),
    currency: observation.currency,
    is_reserved: observation.is_reserved,
    is_shippable: observation.is_shippable,
    searches: previous === null ? observation.searches : unionSorted(previous.searches, observation.searches),
    title: observation.title,
    category_id: observation.category_id,
    category_name: observation.category_name,
    region: observation.region,
    province: observation.province,
    city: observation.city,
    created_at: observation.created_at,
    listing_url: observation.listing_url,
    image_url: observation.image_url,
    seller_id: observation.seller_id,
    item_id: previous === null ? observation.listing_id : previous.item_id,
    relisted_from: previous === null ? null : previous.relisted_from,
    comparable_key: observation.comparable_key,
    fair_price: fair === null ? null : fair.fairPrice,
    fair_price_group: fair === null ? null : fair.group,
    comparables: fair === null ? 0 : fair.comparables,
    listed_previous_price: observation.previous_price,
  };
}

/** The state of a listing no search returned on `day`. */
function unobserved(previous: ListingState, day: number, status: ListingState['status'], vanishedOn: number | null): ListingState {
  return {
    listing_id: previous.listing_id,
    day,
    status,
    first_seen_day: previous.first_seen_day,
    last_seen_day: previous.last_seen_day,
    vanished_on: vanishedOn,
    days_on_market: vanishedOn === null ? null : vanishedOn - previous.first_seen_day,
    first_price: previous.first_price,
    min_price: previous.min_price,
    last_price: previous.last_price,
    price_before_change: previous.price_before_change,
    price_changed_on: previous.price_changed_on,
    price_change_count: previous.price_change_count,
    currency: previous.currency,
    is_reserved: previous.is_reserved,
    is_shippable: previous.is_shippable,
    searches: previous.searches,
    title: previous.title,
    category_id: previous.category_id,
    category_name: previous.category_name,
    region: previous.region,
    province: previous.province,
    city: previous.city,
    created_at: previous.created_at,
    listing_url: previous.listing_url,
    image_url: previous.image_url,
    seller_id: previous.seller_id,
    item_id: previous.item_id,
    relisted_from: previous.relisted_from,
    comparable_key: previous.comparable_key,
    fair_price: previous.fair_price,
    fair_price_group: previous.fair_price_group,
    comparables: previous.comparables,
    listed_previous_price: previous.listed_previous_price,
  };
}

/** The sorted union; `a` itself when it already holds all of `b` (state arrays are never mutated). */
function unionSorted(a: string[], b: readonly string[]): string[] {
  if (b.every((item) => a.includes(item))) return a;
  return [...new Set([...a, ...b])].sort();
}
