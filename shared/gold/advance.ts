import type { ListingState } from './state.ts';

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
export interface Observation {
  listing_id: string;
  price: number;
  currency: string | null;
  is_reserved: boolean | null;
  is_shippable: boolean | null;
  title: string | null;
  category_id: number | null;
  category_name: string | null;
  region: string | null;
  city: string | null;
  created_at: number | null;
  listing_url: string | null;
  image_url: string | null;
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
    if (previous === null) return { event: 'new', next: firstState(observation, day), priceDropPct: null };
    return seenAgain(previous, observation, day);
  }
  if (previous === null) throw new RangeError('advanceListing needs a previous state or an observation');

  if (previous.status === 'vanished') {
    if (day - (previous.vanished_on ?? day) > context.vanishedRetentionDays) return { event: 'expired', next: null, priceDropPct: null };
    return { event: 'carried', next: { ...previous, day }, priceDropPct: null };
  }
  const provenGone = previous.searches.some((search) => context.completeSearches.has(search));
  if (!provenGone) return { event: 'carried', next: { ...previous, day }, priceDropPct: null };
  return {
    event: 'vanished',
    next: { ...previous, day, status: 'vanished', vanished_on: day, days_on_market: day - previous.first_seen_day },
    priceDropPct: null,
  };
}

function firstState(observation: Observation, day: number): ListingState {
  return {
    ...attributesOf(observation),
    listing_id: observation.listing_id,
    day,
    status: 'active',
    first_seen_day: day,
    last_seen_day: day,
    vanished_on: null,
    days_on_market: null,
    first_price: observation.price,
    min_price: observation.price,
    last_price: observation.price,
    price_before_change: null,
    price_changed_on: null,
    price_change_count: 0,
    searches: observation.searches,
  };
}

function seenAgain(previous: ListingState, observation: Observation, day: number): Transition {
  const { price } = observation;
  const changed = price !== previous.last_price;
  const next: ListingState = {
    ...previous,
    ...attributesOf(observation),
    day,
    status: 'active',
    last_seen_day: day,
    vanished_on: null,
    days_on_market: null,
    min_price: Math.min(previous.min_price, price),
    last_price: price,
    price_before_change: changed ? previous.last_price : previous.price_before_change,
    price_changed_on: changed ? day : previous.price_changed_on,
    price_change_count: previous.price_change_count + (changed ? 1 : 0),
    searches: unionSorted(previous.searches, observation.searches),
  };
  const priceDropPct = price < previous.last_price ? ((previous.last_price - price) / previous.last_price) * 100 : null;
  return { event: previous.status === 'vanished' ? 'reappeared' : 'seen', next, priceDropPct };
}

/** The attributes that follow the latest observation. */
function attributesOf(observation: Observation) {
  return {
    currency: observation.currency,
    is_reserved: observation.is_reserved,
    is_shippable: observation.is_shippable,
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

function unionSorted(a: readonly string[], b: readonly string[]): string[] {
  if (b.every((item) => a.includes(item))) return [...a];
  return [...new Set([...a, ...b])].sort();
}
