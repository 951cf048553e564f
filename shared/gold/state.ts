import { parquetSchema, type DecodedArray } from 'hyparquet';
import { columnBuffer, rowReader } from '../lake/columns.ts';
import { ParquetListingCursor, advanceCursor, parquetMetadataOf, type ListingCursor, type RowReader } from './cursor.ts';
import { GoldInputError } from './gold-errors.ts';
import { GOLD_PARQUET, ParquetGroupWriter, type GoldColumnSpec } from './parquet.ts';

/**
 * The per-listing state: one row per tracked listing, as of one day. Gold shard K of day D reads
 * state shard K of the previous gold day, advances every listing by what D's silver says
 * (./advance.ts), and writes state shard K of D. The state files are also the gold "listings"
 * table (`gold/state/dt=D/shard=K.parquet`, one row per listing per day): docs/gold.md.
 */

/**
 * 2: seller_id, item_id, relisted_from, comparable_key, fair_price, fair_price_group, comparables;
 * statuses 'relisted' and 'untracked'. 3: province, listed_previous_price. Files of versions 1 and 2
 * still read (the later columns as null).
 */
export const STATE_SCHEMA_VERSION = 3;

/**
 * - active: seen today, or not seen but not proven gone;
 * - vanished: a search that could still see it ran completely and no longer returned it (likely sold);
 * - relisted: gone, and re-published by its seller under a new id (that listing's relisted_from);
 * - untracked: no configured search can see it any more (its searches were removed, or it aged out
 *   of their time window or price range): nothing can tell whether it sells.
 */
export type ListingStatus = 'active' | 'vanished' | 'relisted' | 'untracked';

/** Columns a version 1 or 2 state file lacks: read as null (see `openStateCursor`). */
export const STATE_COLUMNS_SINCE_V2 = ['seller_id', 'item_id', 'relisted_from', 'comparable_key', 'fair_price', 'fair_price_group', 'comparables', 'province', 'listed_previous_price'] as const;

/** What a listing looks like at its last observation: carried from silver into the state as is. */
export interface ListingDescription {
  seller_id: string | null;
  currency: string | null;
  is_reserved: boolean | null;
  is_shippable: boolean | null;
  title: string | null;
  category_id: number | null;
  category_name: string | null;
  region: string | null;
  province: string | null;
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
  /** The item across relists: the listing id of the first listing of its relist chain (its own id when never relisted). */
  item_id: string;
  /** The listing this one re-publishes (same seller, same item, a new id); null when it is not a relist. */
  relisted_from: string | null;
  /** The listing's comparable group (category and title words, ./comparables.ts); null without a usable title. */
  comparable_key: string | null;
  /** Median asking price of its comparables on the previous gold day, as of its last observation; null without enough of them. */
  fair_price: number | null;
  /** The group fair_price comes from: comparable_key or a broader prefix of it. */
  fair_price_group: string | null;
  /** How many listings that median is over (0 when there is no fair price). */
  comparables: number;
  /** The listing's own "was" price as the API showed it at its last observation (silver previous_price); null without one. */
  listed_previous_price: number | null;
}

// Statistics only where they can prune: the id (files are sorted by it), days and prices, not
// free text or per-row labels that every row group holds anyway.
export const STATE_COLUMNS = [
  { name: 'listing_id', kind: 'STRING', nullable: false, description: "Wallapop's listing id. Unique within the file; files are sorted by it (UTF-8 byte order)." , plain: true },
  { name: 'day', kind: 'DATE', nullable: false, description: 'The day this row describes: equals the `dt=` partition.' },
  { name: 'status', kind: 'STRING', nullable: false, description: "'active'; 'vanished' once a search that could still see it ran completely and no longer returned it (likely sold); 'relisted' when its seller re-published it under a new id (not a sale); 'untracked' when no configured search can see it any more." },
  { name: 'first_seen_day', kind: 'DATE', nullable: false, description: 'First day any search returned the item (its relist chain included; since tracking began: the first gold day is a baseline).' },
  { name: 'last_seen_day', kind: 'DATE', nullable: false, description: 'Last day any search returned the listing. Equals `day` for listings seen today.' },
  { name: 'vanished_on', kind: 'DATE', nullable: true, description: 'Day the listing was found missing (null while active). The real disappearance lies in (last_seen_day, vanished_on].' },
  { name: 'days_on_market', kind: 'INT32', nullable: true, description: 'vanished_on − first_seen_day, in days (across relists: time to sell for a vanished item); null while active.' },
  { name: 'first_price', kind: 'DOUBLE', nullable: false, description: 'Asking price on first_seen_day (of the first listing of its relist chain).' },
  { name: 'min_price', kind: 'DOUBLE', nullable: false, description: 'Lowest asking price seen, across relists.' },
  { name: 'last_price', kind: 'DOUBLE', nullable: false, description: 'Asking price on last_seen_day.' },
  { name: 'price_before_change', kind: 'DOUBLE', nullable: true, description: 'Asking price before the most recent change; null if the price never changed.' },
  { name: 'price_changed_on', kind: 'DATE', nullable: true, description: 'Day of the most recent price change; null if never.' },
  { name: 'price_change_count', kind: 'INT32', nullable: false, description: 'Number of days on which the price differed from the previous observation (a relist at another price counts).' },
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
  { name: 'seller_id', kind: 'STRING', nullable: true, description: "Wallapop's seller (user) id at the last observation; state shards are bucketed by it." , statistics: false, plain: true },
  { name: 'item_id', kind: 'STRING', nullable: false, description: 'The item across relists: the listing_id of the first listing of its relist chain (its own id when never relisted).' , statistics: false, plain: true },
  { name: 'relisted_from', kind: 'STRING', nullable: true, description: 'The listing this one re-publishes (same seller and item, new id); null when it is not a relist.' , statistics: false },
  { name: 'comparable_key', kind: 'STRING', nullable: true, description: "Its comparable group: category id and the title's first significant words ('24200|iphone 13 pro 256gb'); null without usable words." , statistics: false },
  { name: 'fair_price', kind: 'DOUBLE', nullable: true, description: "Median asking price of its comparables on the previous gold day, at its last observation; null with fewer than minComparables of them." },
  { name: 'fair_price_group', kind: 'STRING', nullable: true, description: 'The comparable group fair_price is the median of: comparable_key or a shorter prefix of it (fewer title words).' , statistics: false },
  { name: 'comparables', kind: 'INT32', nullable: false, description: 'Listings fair_price is the median of (0 without a fair price).' },
  { name: 'province', kind: 'STRING', nullable: true, description: 'Province at the last observation (location.region2, e.g. Córdoba); null when the API did not say or before schema version 3.' , statistics: false },
  { name: 'listed_previous_price', kind: 'DOUBLE', nullable: true, description: "The listing's own \"was\" price as Wallapop showed it at the last observation (its price before the seller's latest reduction, silver previous_price); null without one. Tells a reduction made before tracking began." },
] as const satisfies readonly GoldColumnSpec[];

export type StateColumnName = (typeof STATE_COLUMNS)[number]['name'];

const COLUMN_NAMES = STATE_COLUMNS.map((column) => column.name);

/** A state row from the columns of a row group (missing values of nullable columns read as null). */
export const readStateRow: RowReader<ListingState> = rowReader<ListingState>(STATE_COLUMNS);

/** Which columns of a state file to read, and how to turn a row group of them into rows (default: every column, `ListingState`). */
export interface StateProjection<Row> {
  names: readonly StateColumnName[];
  read: RowReader<Row>;
}

/** Every column, as `ListingState`: what the merge and the tools read. */
export const EVERY_STATE_COLUMN: StateProjection<ListingState> = { names: COLUMN_NAMES, read: readStateRow };

/**
 * A cursor over a state file in listing_id order. A version 1 file (no column of
 * STATE_COLUMNS_SINCE_V2) reads as if written today: item_id is the listing's own id, comparables
 * 0, the other new columns null. Any other missing column is an error naming the file.
 */
export async function openStateCursor<Row = ListingState>(key: string, bytes: Uint8Array, projection?: StateProjection<Row>): Promise<ListingCursor<Row>> {
  const { names, read } = projection ?? (EVERY_STATE_COLUMN as unknown as StateProjection<Row>);
  const metadata = await parquetMetadataOf(key, bytes);
  const available = new Set(parquetSchema(metadata).children.map((child) => child.element.name));
  const absent = names.filter((name) => !available.has(name));
  const unknown = absent.filter((name) => !(STATE_COLUMNS_SINCE_V2 as readonly string[]).includes(name));
  if (unknown.length > 0) throw new GoldInputError(`${key} is not a gold state file: it has no column(s) ${unknown.join(', ')}`, key);
  const present = names.filter((name) => available.has(name));
  const reader: RowReader<Row> = absent.length === 0 ? read : (columns) => read(withVersion1Defaults(columns, absent));
  return ParquetListingCursor.open(key, bytes, present, reader, metadata);
}

function withVersion1Defaults(columns: Readonly<Record<string, DecodedArray>>, absent: readonly string[]): Record<string, DecodedArray> {
  const ids = columns.listing_id!;
  const filled: Record<string, DecodedArray> = { ...columns };
  for (const name of absent) filled[name] = name === 'item_id' ? ids : name === 'comparables' ? new Int32Array(ids.length) : [];
  return filled;
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
  private readonly buffer = newStateBuffer();
  private written = 0;

  /** Rows pushed so far. */
  get length(): number {
    return this.written + this.buffer.length;
  }

  push(row: ListingState): void {
    this.buffer.append(row);
    if (this.buffer.length === GOLD_PARQUET.rowGroupSize) this.flush();
  }

  finish(): Uint8Array {
    this.flush();
    return this.writer.finish();
  }

  private flush(): void {
    const rows = this.buffer.length;
    if (rows === 0) return;
    this.writer.writeGroup(this.buffer.take() as unknown as Record<string, DecodedArray>);
    this.written += rows;
  }
}

const newStateBuffer = columnBuffer<ListingState, StateColumnName>(COLUMN_NAMES, GOLD_PARQUET.rowGroupSize);
