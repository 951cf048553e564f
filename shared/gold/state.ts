import type { DecodedArray } from 'hyparquet';
import { readColumns, writeColumns, type GoldColumnSpec } from './parquet.ts';

/**
 * The per-listing state: one row per tracked listing, as of one day. Gold shard K of day D reads
 * state shard K of the previous gold day, advances every listing by what D's silver says
 * (./advance.ts), and writes state shard K of D. The state files are also the gold "listings"
 * table (`gold/state/dt=D/shard=K.parquet`, one row per listing per day): docs/gold.md.
 */

export const STATE_SCHEMA_VERSION = 1;

export type ListingStatus = 'active' | 'vanished';

/** One state row in TypeScript. Days are day numbers (days since 1970-01-01), instants epoch ms. */
export interface ListingState {
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
  currency: string | null;
  is_reserved: boolean | null;
  is_shippable: boolean | null;
  /** Slugs of every search that has returned the listing since it was first seen, sorted. */
  searches: string[];
  title: string | null;
  category_id: number | null;
  category_name: string | null;
  region: string | null;
  city: string | null;
  created_at: number | null;
  listing_url: string | null;
  image_url: string | null;
}

export const STATE_COLUMNS = [
  { name: 'listing_id', kind: 'STRING', nullable: false, description: "Wallapop's listing id. Unique within the file; files are sorted by it (UTF-8 byte order)." },
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
  { name: 'currency', kind: 'STRING', nullable: true, description: 'Currency of the prices as the API gave it (EUR on es.wallapop.com); null when it did not say.' },
  { name: 'is_reserved', kind: 'BOOLEAN', nullable: true, description: 'Reserved flag at the last observation.' },
  { name: 'is_shippable', kind: 'BOOLEAN', nullable: true, description: 'Shippable flag at the last observation.' },
  { name: 'searches', kind: 'STRING_LIST', nullable: false, description: 'Slugs of every configured search that has returned the listing, sorted (DuckDB VARCHAR[], Athena array<string>).' },
  { name: 'title', kind: 'STRING', nullable: true, description: 'Title at the last observation (untrusted user text).' },
  { name: 'category_id', kind: 'INT32', nullable: true, description: 'Wallapop category id at the last observation.' },
  { name: 'category_name', kind: 'STRING', nullable: true, description: "Category name from that day's snapshot." },
  { name: 'region', kind: 'STRING', nullable: true, description: 'Region at the last observation.' },
  { name: 'city', kind: 'STRING', nullable: true, description: 'City at the last observation.' },
  { name: 'created_at', kind: 'TIMESTAMP', nullable: true, description: 'Publication time the API reported (UTC).' },
  { name: 'listing_url', kind: 'STRING', nullable: true, description: 'https://es.wallapop.com/item/<slug>.' },
  { name: 'image_url', kind: 'STRING', nullable: true, description: 'First image of the listing.' },
] as const satisfies readonly GoldColumnSpec[];

export type StateColumnName = (typeof STATE_COLUMNS)[number]['name'];

/**
 * Rows accumulated column by column: the shard appends each advanced listing here instead of
 * keeping an array of row objects.
 */
export class StateColumnsBuilder {
  readonly columns: { [Name in StateColumnName]: Array<ListingState[Name]> };

  constructor() {
    this.columns = Object.fromEntries(STATE_COLUMNS.map((column) => [column.name, []])) as unknown as StateColumnsBuilder['columns'];
  }

  get length(): number {
    return this.columns.listing_id.length;
  }

  push(row: ListingState): void {
    for (const column of STATE_COLUMNS) (this.columns[column.name] as unknown[]).push(row[column.name]);
  }

  row(index: number): ListingState {
    const row: Record<string, unknown> = {};
    for (const column of STATE_COLUMNS) row[column.name] = this.columns[column.name][index];
    return row as unknown as ListingState;
  }

  /** The Parquet file of these rows, which must already be in listing_id order. */
  toParquet(): Uint8Array {
    return writeColumns(STATE_COLUMNS, this.columns as unknown as Record<string, DecodedArray>, { 'gold.state.schema_version': String(STATE_SCHEMA_VERSION) });
  }
}

/** A state file, column by column; `row(i)` materialises one row when the shard needs it. */
export class StateTable {
  private constructor(
    readonly rowCount: number,
    private readonly columns: Record<string, DecodedArray>,
  ) {}

  static empty(): StateTable {
    return new StateTable(0, Object.fromEntries(STATE_COLUMNS.map((column) => [column.name, []])));
  }

  static async fromParquet(bytes: Uint8Array): Promise<StateTable> {
    const { rowCount, columns } = await readColumns(bytes, STATE_COLUMNS.map((column) => column.name));
    return new StateTable(rowCount, columns);
  }

  id(index: number): string {
    return this.columns.listing_id![index] as string;
  }

  row(index: number): ListingState {
    const row: Record<string, unknown> = {};
    for (const column of STATE_COLUMNS) row[column.name] = this.columns[column.name]![index] ?? null;
    return row as unknown as ListingState;
  }

  /** The rows at `indices`, as a new table (used when the shard count changed between days). */
  select(indices: readonly number[]): StateTable {
    const columns: Record<string, unknown[]> = {};
    for (const column of STATE_COLUMNS) {
      const source = this.columns[column.name]!;
      columns[column.name] = indices.map((index) => source[index]);
    }
    return new StateTable(indices.length, columns as Record<string, DecodedArray>);
  }

  static concat(tables: readonly StateTable[]): StateTable {
    if (tables.length === 1) return tables[0]!;
    const columns: Record<string, unknown[]> = {};
    for (const column of STATE_COLUMNS) columns[column.name] = tables.flatMap((table) => Array.from(table.columns[column.name]! as ArrayLike<unknown>));
    return new StateTable(
      tables.reduce((sum, table) => sum + table.rowCount, 0),
      columns as Record<string, DecodedArray>,
    );
  }
}
