import type { ListingDescription, ListingState } from './state.ts';

/**
 * One listing, one day: the previous state and today's observation in, the next state out. Pure,
 * so every rule of the listing history is tested here without a lake.
 *
 * The vanished rule (invariant 5): a listing that was active and is not returned today is marked
 * vanished only if at least one search that had returned it ran completely today (bronze outcome
 * `complete` and every page readable in silver). A failed, blocked, empty or page-capped search
 * proves nothing about its listings, so a listing covered by no complete search is carried over
 * unchanged, still active.
 */

/** A listing as day D's silver shows it, merged over the searches that returned it. */
export interface Observation extends ListingDescription {
  listing_id: string;
  price: number;
  /** The searches that returned it on D, sorted. */
  searches: string[];
}

export interface DayContext {
  /** Day number of D. */
  day: number;
  /** Searches whose snapshot of D is complete: only these can mark a listing vanished. */
  completeSearches: ReadonlySet<string>;
  vanishedRetentionDays: number;
}

export type ListingEvent =
  | 'new' // first seen on D
  | 'seen' // seen before and again on D
  | 'reappeared' // was vanished, returned again on D
  | 'vanished' // active until D, missing from a complete search on D
  | 'carried' // not returned, nothing proves it gone (or already vanished): kept as it was
  | 'expired'; // vanished longer than the retention: dropped from the state

export interface Transition {
  event: ListingEvent;
  /** The state of D; null when the listing leaves the state (`expired`). */
  next: ListingState | null;
  /** For a listing seen on D with a lower price than its previous observation: the drop in percent (0–100]. */
  priceDropPct: number | null;
}

export function advanceListing(previous: ListingState | null, observation: Observation | null, context: DayContext): Transition {
  const { day } = context;
  if (observation !== null) {
    const next = observed(previous, observation, day);
    const priceDropPct = previous !== null && observation.price < previous.last_price ? ((previous.last_price - observation.price) / previous.last_price) * 100 : null;
    const event: ListingEvent = previous === null ? 'new' : previous.status === 'vanished' ? 'reappeared' : 'seen';
    return { event, next, priceDropPct };
  }
  if (previous === null) throw new RangeError('advanceListing needs a previous state or an observation');

  if (previous.status === 'vanished') {
    if (day - (previous.vanished_on ?? day) > context.vanishedRetentionDays) return { event: 'expired', next: null, priceDropPct: null };
    return { event: 'carried', next: unobserved(previous, day, false), priceDropPct: null };
  }
  const provenGone = previous.searches.some((search) => context.completeSearches.has(search));
  return { event: provenGone ? 'vanished' : 'carried', next: unobserved(previous, day, provenGone), priceDropPct: null };
}

// The two builders below spell out every field, in STATE_COLUMNS order, instead of spreading the
// previous row: V8 makes `{ ...a, x, y, … }` with many added fields tens of times slower, and
// one literal shape keeps every state row on one hidden class.

/** The state of a listing some search returned on `day`. */
function observed(previous: ListingState | null, observation: Observation, day: number): ListingState {
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
    city: observation.city,
    created_at: observation.created_at,
    listing_url: observation.listing_url,
    image_url: observation.image_url,
  };
}

/** The state of a listing no search returned on `day`: carried over, or marked vanished. */
function unobserved(previous: ListingState, day: number, vanishes: boolean): ListingState {
  return {
    listing_id: previous.listing_id,
    day,
    status: vanishes ? 'vanished' : previous.status,
    first_seen_day: previous.first_seen_day,
    last_seen_day: previous.last_seen_day,
    vanished_on: vanishes ? day : previous.vanished_on,
    days_on_market: vanishes ? day - previous.first_seen_day : previous.days_on_market,
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
    city: previous.city,
    created_at: previous.created_at,
    listing_url: previous.listing_url,
    image_url: previous.image_url,
  };
}

/** The sorted union; `a` itself when it already holds all of `b` (state arrays are never mutated). */
function unionSorted(a: string[], b: readonly string[]): string[] {
  if (b.every((item) => a.includes(item))) return a;
  return [...new Set([...a, ...b])].sort();
}
