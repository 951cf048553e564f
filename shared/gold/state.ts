import type { DecodedArray } from 'hyparquet';
import { columnExtractor, rowReader } from '../lake/columns.ts';
import { ParquetListingCursor, advanceCursor, type ListingCursor, type RowReader } from './cursor.ts';
import { GOLD_PARQUET, ParquetGroupWriter, type GoldColumnSpec } from './parquet.ts';

/**
 * The per-listing state: one row per tracked listing, as of one day. Gold shard K of day D reads
 * state shard K of the previous gold day, advances every listing by what D's silver says
 * (./advance.ts), and writes state shard K of D. The state files are also the gold "listings"
 * table (`gold/state/dt=D/shard=K.parquet`, one row per listing per day): docs/gold.md.
 */

export const STATE_SCHEMA_VERSION = 1;

export type ListingStatus = 'active' | 'vanished';

/** What a listing looks like at its last observation: carried from silver into the state as is. */
export interface ListingDescription {
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
}

/** One state row in TypeScript. Days are day numbers (days since 1970-01-01), instants epoch ms. */
export interface ListingState extends ListingDescription {
  listing_id: string;
  /** The day this state describes (the `dt=` of its file). */
  day: number;
  status: ListingStatus;
  first_seen_day: number;
  last_seen_day: number;
  vanished_on: number | null;
  days_on_market: number | null;
  first_price: number;
  min_price: number;
  last_price: number;
  price_before_change: number | null;
  price_changed_on: number | null;
  price_change_count: number;
  /** Slugs of every search that has returned the listing since it was first seen, sorted. */
  searches: string[];
}

// Statistics only where they can prune: the id (files are sorted by it), days and prices, not
// free text or per-row labels that every row group holds anyway.
export const STATE_COLUMNS = [
  { name: 'listing_id', kind: 'STRING', nullable: false, description: "Wallapop's listing id. Unique within the file; files are sorted by it (UTF-8 byte order)." , plain: true },
  { name: 'day', kind: 'DATE', nullable: false, description: 'The day this row describes: equals the `dt=` partition.' },
  { name: 'status', kind: 'STRING', nullable: false, description: "'active', or 'vanished' once a search that had returned it ran completely and no longer did (likely sold or removed)." },
  { name: 'first_seen_day', kind: 'DATE', nullable: false, description: 'First day any search returned the listing (since tracking began: the first gold day is a baseline).' },
  { name: 'last_seen_day', kind: 'DATE', nullable: false, description: 'Last day any search returned the listing. Equals `day` for listings seen today.' },
  { name: 'vanished_on', kind: 'DATE', nullable: true, description: 'Day the listing was found missing (null while active). The real disappearance lies in (last_seen_day, vanished_on].' },
  { name: 'days_on_market', kind: 'INT32', nullable: true, description: 'vanished_on − first_seen_day, in days; null while active.' },
  { name: 'first_price', kind: 'DOUBLE', nullable: false, description: 'Asking price on first_seen_day.' },
  { name: 'min_price', kind: 'DOUBLE', nullable: false, description: 'Lowest asking price seen.' },
  { name: 'last_price', kind: 'DOUBLE', nullable: false, description: 'Asking price on last_seen_day.' },
  { name: 'price_before_change', kind: 'DOUBLE', nullable: true, description: 'Asking price before the most recent change; null if the price never changed.' },
  { name: 'price_changed_on', kind: 'DATE', nullable: true, description: 'Day of the most recent price change; null if never.' },
  { name: 'price_change_count', kind: 'INT32', nullable: false, description: 'Number of days on which the price differed from the previous observation.' },
  { name: 'currency', kind: 'STRING', nullable: true, description: 'Currency of the prices as the API gave it (EUR on es.wallapop.com); null when it did not say.' , statistics: false },
  { name: 'is_reserved', kind: 'BOOLEAN', nullable: true, description: 'Reserved flag at the last observation.' },
  { name: 'is_shippable', kind: 'BOOLEAN', nullable: true, description: 'Shippable flag at the last observation.' },
  { name: 'searches', kind: 'STRING_LIST', nullable: false, description: 'Slugs of every configured search that has returned the listing, sorted (DuckDB VARCHAR[], Athena array<string>).' , statistics: false },
  { name: 'title', kind: 'STRING', nullable: true, description: 'Title at the last observation (untrusted user text).' , statistics: false, plain: true },
  { name: 'category_id', kind: 'INT32', nullable: true, description: 'Wallapop category id at the last observation.' },
  { name: 'category_name', kind: 'STRING', nullable: true, description: "Category name from that day's snapshot." , statistics: false },
  { name: 'region', kind: 'STRING', nullable: true, description: 'Region at the last observation.' , statistics: false },
  { name: 'city', kind: 'STRING', nullable: true, description: 'City at the last observation.' , statistics: false },
  { name: 'created_at', kind: 'TIMESTAMP', nullable: true, description: 'Publication time the API reported (UTC).' },
  { name: 'listing_url', kind: 'STRING', nullable: true, description: 'https://es.wallapop.com/item/<slug>.' , statistics: false, plain: true },
  { name: 'image_url', kind: 'STRING', nullable: true, description: 'First image of the listing.' , statistics: false, plain: true },
] as const satisfies readonly GoldColumnSpec[];

export type StateColumnName = (typeof STATE_COLUMNS)[number]['name'];

const COLUMN_NAMES = STATE_COLUMNS.map((column) => column.name);

/** A state row from the columns of a row group (missing values of nullable columns read as null). */
export const readStateRow: RowReader<ListingState> = rowReader<ListingState>(STATE_COLUMNS);

export function openStateCursor(key: string, bytes: Uint8Array): Promise<ListingCursor<ListingState>> {
  return ParquetListingCursor.open(key, bytes, COLUMN_NAMES, readStateRow);
}

/** Every row of a state file, in order (tests and tools; the shard streams with a cursor). */
export async function readStateFile(bytes: Uint8Array, key = 'state file'): Promise<ListingState[]> {
  const rows: ListingState[] = [];
  const cursor = await openStateCursor(key, bytes);
  while (cursor.currentId !== undefined) {
    rows.push(cursor.current());
    await advanceCursor(cursor);
  }
  return rows;
}

/**
 * Writes a state file from rows given in listing_id order, one row group at a time: the shard
 * never holds more than a row group of its output.
 */
export class StateWriter {
  private readonly writer = new ParquetGroupWriter(STATE_COLUMNS, { 'gold.state.schema_version': String(STATE_SCHEMA_VERSION) });
  private buffer: ListingState[] = [];
  private written = 0;

  /** Rows pushed so far. */
  get length(): number {
    return this.written + this.buffer.length;
  }

  push(row: ListingState): void {
    this.buffer.push(row);
    if (this.buffer.length === GOLD_PARQUET.rowGroupSize) this.flush();
  }

  finish(): Uint8Array {
    this.flush();
    return this.writer.finish();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    this.writer.writeGroup(stateColumnsOf(this.buffer) as unknown as Record<string, DecodedArray>);
    this.written += this.buffer.length;
    this.buffer = [];
  }
}

const stateColumnsOf = columnExtractor<ListingState, StateColumnName>(COLUMN_NAMES);
