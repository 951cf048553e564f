import { parquetMetadataAsync, type DecodedArray, type FileMetaData } from 'hyparquet';
import { asyncBufferOf, compareUtf8 } from '../silver/parquet.ts';
import { GoldInputError } from './errors.ts';
import { readColumns } from './parquet.ts';

/**
 * Row-group-at-a-time iteration over Parquet files sorted by listing_id. Silver shards and state
 * shards are both sorted that way, so the shard merges them like sorted lists and holds one row
 * group per file in memory, whatever the size of the shard.
 */
export interface ListingCursor<Row> {
  /** The current row's listing id; undefined once the cursor is exhausted. */
  readonly currentId: string | undefined;
  current(): Row;
  advance(): Promise<void>;
}

/** The columns of the current row group and a row index into them. */
export type RowReader<Row> = (columns: Readonly<Record<string, DecodedArray>>, index: number) => Row;

/**
 * Rows are decoded in batches (never across a row group): a shard merges a silver file per search
 * and a state file at once, and a batch per file is what it holds of them.
 */
export const DEFAULT_BATCH_ROWS = 4096;

export class ParquetListingCursor<Row> implements ListingCursor<Row> {
  /** Absolute row where the loaded batch starts, and the batch. */
  private batchStart = 0;
  private columns: Record<string, DecodedArray> = {};
  private rows = 0;
  private index = 0;
  private previousId: string | undefined;
  /** Absolute first row of each row group, plus the total at the end. */
  private readonly groupStarts: number[];

  private constructor(
    private readonly key: string,
    private readonly bytes: Uint8Array,
    private readonly metadata: FileMetaData,
    private readonly names: readonly string[],
    private readonly read: RowReader<Row>,
    private readonly batchRows: number,
  ) {
    this.groupStarts = [0];
    for (const group of metadata.row_groups) this.groupStarts.push(this.groupStarts[this.groupStarts.length - 1]! + Number(group.num_rows));
  }

  /** Opens `bytes` (the object at `key`, named in errors) positioned on its first row. */
  static async open<Row>(key: string, bytes: Uint8Array, names: readonly string[], read: RowReader<Row>, batchRows = DEFAULT_BATCH_ROWS): Promise<ParquetListingCursor<Row>> {
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(asyncBufferOf(bytes));
    } catch (cause) {
      throw new GoldInputError(`${key} is not a Parquet file: ${(cause as Error).message}`, key, { cause });
    }
    const cursor = new ParquetListingCursor(key, bytes, metadata, names.includes('listing_id') ? names : ['listing_id', ...names], read, batchRows);
    await cursor.load(0);
    return cursor;
  }

  get currentId(): string | undefined {
    return this.index < this.rows ? (this.columns.listing_id![this.index] as string) : undefined;
  }

  current(): Row {
    return this.read(this.columns, this.index);
  }

  async advance(): Promise<void> {
    this.previousId = this.currentId;
    this.index += 1;
    if (this.index >= this.rows) await this.load(this.batchStart + this.rows);
    this.checkOrder();
  }

  private async load(rowStart: number): Promise<void> {
    this.columns = {};
    this.rows = 0;
    this.index = 0;
    this.batchStart = rowStart;
    const total = this.groupStarts[this.groupStarts.length - 1]!;
    if (rowStart >= total) return;
    const groupEnd = this.groupStarts.find((start) => start > rowStart)!;
    const rowEnd = Math.min(rowStart + this.batchRows, groupEnd);
    try {
      const table = await readColumns(this.bytes, this.names, { metadata: this.metadata, rowStart, rowEnd });
      this.columns = table.columns;
      this.rows = table.rowCount;
    } catch (cause) {
      throw new GoldInputError(`cannot read ${this.key}: ${(cause as Error).message}`, this.key, { cause });
    }
  }

  private checkOrder(): void {
    const id = this.currentId;
    if (id !== undefined && this.previousId !== undefined && compareUtf8(this.previousId, id) >= 0) {
      throw new GoldInputError(`${this.key} is not sorted by listing_id (${this.previousId} before ${id}): gold merges sorted files`, this.key);
    }
  }
}

/** The rows of `source` whose id passes `keep`. */
export class FilteredCursor<Row> implements ListingCursor<Row> {
  private constructor(
    private readonly source: ListingCursor<Row>,
    private readonly keep: (id: string) => boolean,
  ) {}

  static async of<Row>(source: ListingCursor<Row>, keep: (id: string) => boolean): Promise<FilteredCursor<Row>> {
    const cursor = new FilteredCursor(source, keep);
    await cursor.skip();
    return cursor;
  }

  get currentId(): string | undefined {
    return this.source.currentId;
  }

  current(): Row {
    return this.source.current();
  }

  async advance(): Promise<void> {
    await this.source.advance();
    await this.skip();
  }

  private async skip(): Promise<void> {
    while (this.source.currentId !== undefined && !this.keep(this.source.currentId)) await this.source.advance();
  }
}

/** Several cursors over disjoint id sets, merged into one sorted stream. */
export class MergedCursor<Row> implements ListingCursor<Row> {
  constructor(private readonly sources: ReadonlyArray<ListingCursor<Row>>) {}

  private get smallest(): ListingCursor<Row> | undefined {
    let best: ListingCursor<Row> | undefined;
    for (const source of this.sources) {
      if (source.currentId === undefined) continue;
      if (best === undefined || compareUtf8(source.currentId, best.currentId!) < 0) best = source;
    }
    return best;
  }

  get currentId(): string | undefined {
    return this.smallest?.currentId;
  }

  current(): Row {
    return this.smallest!.current();
  }

  async advance(): Promise<void> {
    await this.smallest?.advance();
  }
}

/** A cursor with no rows (the first day has no previous state). */
export const emptyCursor = <Row>(): ListingCursor<Row> => ({
  currentId: undefined,
  current: () => {
    throw new RangeError('empty cursor');
  },
  advance: async () => {},
});
