import { type Day } from '../lake/keys.ts';
import { addDays } from '../lake/days.ts';
import type { DashboardDay, ListingCard, ListingLists } from './dashboard.ts';
import type { ListingStatus } from './state.ts';

/**
 * The price and status path of each listing that gets a page on the dashboard (those in the
 * market-wide lists and in each search's lists), grown by one day per gold day like the series:
 * histories(D) = histories(previous gold day) extended with D's cards. Nothing older is re-read, so
 * the fan-in's cost is the size of this file, bounded by the lists' length and the retention.
 *
 * A listing entering the lists for the first time starts from what its state row knows (first
 * price and day, the latest change); while it stays in the lists every change is recorded on its
 * day. `priceChanges` is the state's own count, so a page can say when changes happened while the
 * listing was out of the lists (unseen here) instead of drawing a path that looks complete.
 */

export const HISTORIES_SCHEMA_VERSION = 1;

/**
 * Days a listing's path is kept after it left the lists (it may come back). Only paths that know
 * more than one observation are kept: a single point is what the listing's card will say again when
 * it comes back, and the lists that churn most (the newest listings) are made of those.
 */
export const HISTORY_RETENTION_DAYS = 14;

/**
 * At most this many paths of listings no longer in the lists are kept (the most recently listed):
 * the file, read and written by every fan-in, stays a few MB however fast the lists churn.
 */
export const HISTORY_MAX_RETAINED = 20_000;

/** How many price points a path keeps (the first and the newest ones). */
export const HISTORY_MAX_POINTS = 60;

export interface ListingHistory {
  /** `[day, price]`: the price from that day on; the first is the first seen price. Oldest first. */
  prices: Array<[Day, number]>;
  /** Price changes the listing's state counts (price_change_count); more than `prices.length − 1`: some were not seen here. */
  priceChanges: number;
  /** `[day, status, reserved]` whenever either changed, oldest first. */
  statuses: Array<[Day, ListingStatus, boolean | null]>;
  /** The last day the listing was in one of the lists. */
  lastListed: Day;
}

export interface ListingHistories {
  schemaVersion: typeof HISTORIES_SCHEMA_VERSION;
  day: Day;
  retentionDays: number;
  /** By listing id; every listing of the day's market-wide and search lists, and those kept from earlier days. */
  listings: Record<string, ListingHistory>;
}

/** The listings that get a page: the market-wide lists and each search's lists, in list order. */
export function pagedListingIds(day: Pick<DashboardDay, 'lists'>): string[] {
  const ids = new Set<string>();
  const add = (lists: ListingLists) => {
    for (const entries of [lists.deals, lists.priceDrops, lists.newest, lists.vanished]) for (const entry of entries) ids.add(entry.listingId);
  };
  add(day.lists.overall);
  for (const slug of Object.keys(day.lists.searches).sort()) add(day.lists.searches[slug]!);
  return [...ids];
}

/** How many price changes a path shows (steps between consecutive points). */
export function shownPriceChanges(prices: ReadonlyArray<readonly [Day, number]>): number {
  let changes = 0;
  for (let i = 1; i < prices.length; i += 1) if (prices[i]![1] !== prices[i - 1]![1]) changes += 1;
  return changes;
}

/** The day the card's status began: a vanished listing on the day it was found missing, else today. */
function statusEntry(card: ListingCard, day: Day): [Day, ListingStatus, boolean | null] {
  return [card.status === 'vanished' && card.vanishedOn !== null ? card.vanishedOn : day, card.status, card.isReserved];
}

/**
 * A path from the state row alone: the first price, then the latest change when there was one.
 * Where a listing's path starts, in gold and on a page built from a lake without histories.
 */
export function historyOfCard(card: ListingCard, day: Day): ListingHistory {
  const prices: Array<[Day, number]> = [[card.firstSeenDay, card.firstPrice]];
  if (card.priceChangedOn !== null && card.priceChangedOn > card.firstSeenDay && card.price !== card.firstPrice) prices.push([card.priceChangedOn, card.price]);
  // Listings are seen first as active, and not reserved as far as anyone knows.
  const statuses: Array<[Day, ListingStatus, boolean | null]> = [[card.firstSeenDay, 'active', card.isReserved === null ? null : false]];
  const now = statusEntry(card, day);
  if (now[1] !== 'active' || now[2] === true) statuses.push(now);
  return { prices, priceChanges: card.priceChangeCount ?? prices.length - 1, statuses, lastListed: day };
}

function extend(history: ListingHistory, card: ListingCard, day: Day): ListingHistory {
  const prices = [...history.prices];
  const last = prices[prices.length - 1]!;
  if (card.price !== last[1]) {
    // The state knows the day of its latest change; a change older than what we have is a
    // correction of an earlier day, which we date today rather than rewrite the past.
    const changedOn = card.priceChangedOn !== null && card.priceChangedOn > last[0] ? card.priceChangedOn : day;
    prices.push([changedOn, card.price]);
  }
  while (prices.length > HISTORY_MAX_POINTS) prices.splice(1, 1);
  const statuses = [...history.statuses];
  const previous = statuses[statuses.length - 1];
  const now = statusEntry(card, day);
  if (previous === undefined || previous[1] !== now[1] || (previous[2] === true) !== (now[2] === true)) statuses.push(now);
  while (statuses.length > HISTORY_MAX_POINTS) statuses.splice(1, 1);
  return { prices, priceChanges: card.priceChangeCount ?? Math.max(history.priceChanges, prices.length - 1), statuses, lastListed: day };
}

/** `previous` (the histories of the previous gold day, or null) extended with `today`'s cards. */
export function extendHistories(previous: ListingHistories | null, today: Pick<DashboardDay, 'day' | 'lists' | 'listings'>): ListingHistories {
  const { day } = today;
  if (previous !== null && previous.day >= day) {
    throw new RangeError(`cannot extend listing histories through ${previous.day} with ${day}: days must be appended in order`);
  }
  const listings: Record<string, ListingHistory> = {};
  const oldest = addDays(day, -HISTORY_RETENTION_DAYS);
  const paged = pagedListingIds(today);
  const listedToday = new Set(paged);
  const retained: Array<[string, ListingHistory]> = [];
  for (const [id, history] of Object.entries(previous?.listings ?? {})) {
    const learned = history.prices.length > 1 || history.statuses.length > 1;
    if (listedToday.has(id)) listings[id] = history;
    else if (learned && history.lastListed >= oldest) retained.push([id, history]);
  }
  retained.sort(([a, x], [b, y]) => (x.lastListed === y.lastListed ? (a < b ? -1 : a > b ? 1 : 0) : x.lastListed > y.lastListed ? -1 : 1));
  for (const [id, history] of retained.slice(0, HISTORY_MAX_RETAINED)) listings[id] = history;
  for (const id of paged) {
    const card = today.listings[id];
    if (card === undefined) continue;
    const known = listings[id];
    listings[id] = known === undefined ? historyOfCard(card, day) : extend(known, card, day);
  }
  return { schemaVersion: HISTORIES_SCHEMA_VERSION, day, retentionDays: HISTORY_RETENTION_DAYS, listings };
}
