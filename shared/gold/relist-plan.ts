import { rowReader } from '../lake/columns.ts';
import { compareUtf8 } from '../lake/parquet.ts';
import type { SilverColumnName } from '../silver/index.ts';
import { missingEventOf, type DayContext, type RelistHistory } from './advance.ts';
import { DayObservations, silverColumnSpecs, type SilverProjection, type SilverShardFile } from './observations.ts';
import type { PreviousState } from './previous-state.ts';
import { linkRelists, type MissingCandidate, type RelistCandidate } from './relists.ts';
import { STATE_COLUMNS, type ListingState, type StateColumnName, type StateProjection } from './state.ts';

/**
 * The relist pre-pass of a gold shard: before the merge writes any row, find which of today's new
 * listings re-publish a listing that went missing (./relists.ts). The merge writes rows in
 * listing_id order, and a relist's two listings can fall on either side of each other, so both
 * sides must be known first. The pass reads only the columns the decision needs (a few percent of
 * the shard's time) and keeps only the candidates: listings new today and listings that went
 * missing today or within the relist window.
 */

export interface RelistPlan {
  /** New listing id → the history of the listing it re-publishes. */
  predecessors: ReadonlyMap<string, RelistHistory>;
  /** Listings re-published today under a new id. */
  relisted: ReadonlySet<string>;
  /** Candidates considered, for the shard's counts. */
  candidates: { fresh: number; missing: number };
}

type StateProbe = RelistHistory &
  Pick<ListingState, 'status' | 'vanished_on' | 'last_seen_day' | 'created_at' | 'seller_id' | 'category_id' | 'title'>;

const STATE_PROBE_COLUMNS = [
  'listing_id',
  'status',
  'first_seen_day',
  'last_seen_day',
  'vanished_on',
  'first_price',
  'min_price',
  'last_price',
  'price_before_change',
  'price_changed_on',
  'price_change_count',
  'searches',
  'title',
  'category_id',
  'created_at',
  'seller_id',
  'item_id',
  'relisted_from',
] as const satisfies readonly StateColumnName[];

const STATE_PROBE: StateProjection<StateProbe> = {
  names: STATE_PROBE_COLUMNS,
  read: rowReader<StateProbe>(STATE_PROBE_COLUMNS.map((name) => STATE_COLUMNS.find((column) => column.name === name)!)),
};

interface SilverProbe {
  listing_id: string;
  seller_id: string | null;
  title: string | null;
  category_id: number | null;
  price: number;
  fetched_at: number;
  searches: string[];
}

const SILVER_PROBE_COLUMNS = ['listing_id', 'seller_id', 'title', 'category_id', 'price', 'fetched_at'] as const satisfies readonly SilverColumnName[];
const SILVER_PROBE: SilverProjection<SilverProbe> = {
  names: SILVER_PROBE_COLUMNS,
  read: rowReader<SilverProbe>(silverColumnSpecs(SILVER_PROBE_COLUMNS), { searches: [] }),
};

export async function planRelists(previous: PreviousState, silver: readonly SilverShardFile[], context: DayContext, windowDays: number): Promise<RelistPlan> {
  const before = await previous.open(STATE_PROBE);
  const today = await DayObservations.open(silver, SILVER_PROBE);
  const fresh: RelistCandidate[] = [];
  const missing: MissingCandidate[] = [];
  const histories = new Map<string, RelistHistory>();
  const earliestVanished = context.day - windowDays;

  for (;;) {
    const beforeId = before.currentId;
    const todayId = today.currentId;
    if (beforeId === undefined && todayId === undefined) break;
    const order = beforeId === undefined ? 1 : todayId === undefined ? -1 : compareUtf8(beforeId, todayId);
    if (order < 0) {
      const row = before.current();
      const goneToday = row.status === 'active' && missingEventOf(row, context) === 'vanished';
      const goneLately = row.status === 'vanished' && row.vanished_on !== null && row.vanished_on >= earliestVanished;
      if ((goneToday || goneLately) && row.seller_id !== null && row.category_id !== null && row.title !== null) {
        missing.push({ listingId: row.listing_id, sellerId: row.seller_id, categoryId: row.category_id, title: row.title, price: row.last_price, lastSeenDay: row.last_seen_day });
        histories.set(row.listing_id, historyOf(row));
      }
    }
    if (order > 0) {
      const row = today.take();
      if (row.seller_id !== null && row.category_id !== null && row.title !== null) {
        fresh.push({ listingId: row.listing_id, sellerId: row.seller_id, categoryId: row.category_id, title: row.title, price: row.price });
      }
    } else if (order === 0) {
      today.skip();
    }
    // Awaited only when a row group loads: an await per listing cost a promise and a microtask each.
    if (order <= 0) {
      const loading = before.advance();
      if (loading !== undefined) await loading;
    }
    if (order >= 0) {
      const loading = today.loading();
      if (loading !== undefined) await loading;
    }
  }

  const predecessors = new Map<string, RelistHistory>();
  const relisted = new Set<string>();
  for (const link of linkRelists(fresh, missing, context.day)) {
    predecessors.set(link.listingId, histories.get(link.relistedFrom)!);
    relisted.add(link.relistedFrom);
  }
  return { predecessors, relisted, candidates: { fresh: fresh.length, missing: missing.length } };
}

/** Only the history fields: the probe row also holds the title and matching fields, not needed past the pass. */
function historyOf(row: StateProbe): RelistHistory {
  return {
    listing_id: row.listing_id,
    first_seen_day: row.first_seen_day,
    first_price: row.first_price,
    min_price: row.min_price,
    last_price: row.last_price,
    price_before_change: row.price_before_change,
    price_changed_on: row.price_changed_on,
    price_change_count: row.price_change_count,
    searches: row.searches,
    item_id: row.item_id,
    relisted_from: row.relisted_from,
  };
}
