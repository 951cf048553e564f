import { parquetMetadataAsync, type DecodedArray, type FileMetaData } from 'hyparquet';
import { asyncBufferOf, compareUtf8 } from '../lake/parquet.ts';
import { GoldInputError } from './gold-errors.ts';
import { readColumns } from './parquet.ts';

/**
 * Row-group-at-a-time iteration over Parquet files sorted by listing_id. Silver shards and state
 * shards are both sorted that way, so the shard merges them like sorted lists and holds one
 * decoded row group per file, whatever the size of the shard.
 */
export interface ListingCursor<Row> {
  /** The current row's listing id; undefined once the cursor is exhausted. */
  readonly currentId: string | undefined;
  current(): Row;
  /**
   * Moves to the next row. Returns a promise only when that needs the next row group decoded:
   * the shard visits every listing, and an `await` per row would cost it more than the visit.
   */
  advance(): Promise<void> | undefined;
}

/** A Parquet file's footer; an error naming `key` when the bytes are not Parquet. */
export async function parquetMetadataOf(key: string, bytes: Uint8Array): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(asyncBufferOf(bytes));
  } catch (cause) {
    throw new GoldInputError(`${key} is not a Parquet file: ${(cause as Error).message}`, key, { cause });
  }
}

/** Advances `cursor`, waiting only if it has to load. */
export async function advanceCursor<Row>(cursor: ListingCursor<Row>): Promise<void> {
  const loading = cursor.advance();
  if (loading !== undefined) await loading;
}

/**
 * Binds the columns of a decoded row group once, and returns how to read row `index` of it: the
 * per-row work is then plain array reads, with no lookup of columns by name.
 */
export type RowReader<Row> = (columns: Readonly<Record<string, DecodedArray>>) => (index: number) => Row;

export class ParquetListingCursor<Row> implements ListingCursor<Row> {
  private group = -1;
  private ids: DecodedArray = [];
  private row: (index: number) => Row = () => {
    throw new RangeError('cursor exhausted');
  };
  private rows = 0;
  private index = 0;
  /** Absolute first row of each row group, plus the total at the end. */
  private readonly groupStarts: number[];

  private constructor(
    private readonly key: string,
    private readonly bytes: Uint8Array,
    private readonly metadata: FileMetaData,
    private readonly names: readonly string[],
    private readonly read: RowReader<Row>,
  ) {
    this.groupStarts = [0];
    for (const group of metadata.row_groups) this.groupStarts.push(this.groupStarts[this.groupStarts.length - 1]! + Number(group.num_rows));
  }

  /** Opens `bytes` (the object at `key`, named in errors) positioned on its first row. */
  static async open<Row>(key: string, bytes: Uint8Array, names: readonly string[], read: RowReader<Row>, knownMetadata?: FileMetaData): Promise<ParquetListingCursor<Row>> {
    const metadata = knownMetadata ?? (await parquetMetadataOf(key, bytes));
    const cursor = new ParquetListingCursor(key, bytes, metadata, names.includes('listing_id') ? names : ['listing_id', ...names], read);
    await cursor.loadGroup(0);
    return cursor;
  }

  get currentId(): string | undefined {
    return this.index < this.rows ? (this.ids[this.index] as string) : undefined;
  }

  current(): Row {
    return this.row(this.index);
  }

  advance(): Promise<void> | undefined {
    const previousId = this.currentId;
    this.index += 1;
    if (this.index >= this.rows) return this.loadGroup(this.group + 1).then(() => this.checkOrder(previousId));
    this.checkOrder(previousId);
    return undefined;
  }

  /**
   * Decodes a whole row group: pages are decoded whole, so reading a group in smaller batches
   * would decode a page once per batch.
   */
  private async loadGroup(group: number): Promise<void> {
    this.ids = [];
    this.rows = 0;
    this.index = 0;
    this.group = group;
    if (group >= this.groupStarts.length - 1) return;
    try {
      const table = await readColumns(this.bytes, this.names, { metadata: this.metadata, rowStart: this.groupStarts[group]!, rowEnd: this.groupStarts[group + 1]! });
      this.row = this.read(table.columns);
      this.ids = table.columns.listing_id!;
      this.rows = table.rowCount;
    } catch (cause) {
      throw new GoldInputError(`cannot read ${this.key}: ${(cause as Error).message}`, this.key, { cause });
    }
  }

  private checkOrder(previousId: string | undefined): void {
    const id = this.currentId;
    if (id !== undefined && previousId !== undefined && compareUtf8(previousId, id) >= 0) {
      throw new GoldInputError(`${this.key} is not sorted by listing_id (${previousId} before ${id}): gold merges sorted files`, this.key);
    }
  }
}

/** The rows of `source` that pass `keep` (given the id, and the row if it needs it). */
export class FilteredCursor<Row> implements ListingCursor<Row> {
  private constructor(
    private readonly source: ListingCursor<Row>,
    private readonly keep: (id: string, row: () => Row) => boolean,
  ) {}

  static async of<Row>(source: ListingCursor<Row>, keep: (id: string, row: () => Row) => boolean): Promise<FilteredCursor<Row>> {
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

  advance(): Promise<void> {
    return advanceCursor(this.source).then(() => this.skip());
  }

  private async skip(): Promise<void> {
    const row = () => this.source.current();
    while (this.source.currentId !== undefined && !this.keep(this.source.currentId, row)) await advanceCursor(this.source);
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

  advance(): Promise<void> | undefined {
    return this.smallest?.advance();
  }
}

/** A cursor with no rows (the first day has no previous state). */
export const emptyCursor = <Row>(): ListingCursor<Row> => ({
  currentId: undefined,
  current: () => {
    throw new RangeError('empty cursor');
  },
  advance: () => undefined,
});
