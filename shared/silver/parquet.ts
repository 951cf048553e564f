import { parquetMetadataAsync, parquetReadObjects, type FileMetaData, type SchemaElement } from 'hyparquet';
import { columnExtractor } from '../lake/columns.ts';
import { asyncBufferOf, compareUtf8 } from '../lake/parquet.ts';
import { LakeParquetWriter, parquetSchemaOf, type LakeColumn } from '../lake/parquet-writer.ts';
import { dayNumber, dayOfNumber } from '../lake/days.ts';
import { SNAPPY_DECOMPRESSORS } from '../lake/snappy.ts';
import { SILVER_COLUMNS, SILVER_SCHEMA_VERSION, type SilverColumnName, type SilverRow } from './schema.ts';

/**
 * Silver rows ↔ Parquet bytes. The writer's settings are fixed constants (never defaults that a
 * library upgrade could move) so equal rows always give equal bytes.
 */

export const SILVER_PARQUET = {
  /** Read natively by hyparquet, DuckDB, Athena and Spark; encoded and decoded by hysnappy (../lake/snappy.ts). */
  codec: 'SNAPPY',
  /**
   * Rows per row group: groups a reader can take one at a time or skip by the listing_id min/max,
   * and DuckDB reads in parallel. Small, because a gold shard merges every search's file of its
   * shard at once and holds one decoded group of each: at 20,000 rows that was the whole day's
   * silver of the shard (~133,000 rows at 1M listings, each file a single group), kept alive
   * through the merge and promoted into the old generation. At 4,096 rows it is a few rows per
   * listing of that, the shard's peak fell ~40 MB and silver itself writes with 3-7 % less CPU;
   * files grow ~3 % (docs/performance.md, "Row groups").
   */
  rowGroupSize: 4_096,
  /** Target uncompressed page size (the library's default, pinned). */
  pageSize: 1 << 20,
  /**
   * Min/max per column chunk, only on the columns a reader can prune on (sorted listing ids make
   * theirs selective; day, price, category and times serve range filters). Min/max of long text
   * (titles, descriptions, URLs) costs writer CPU and footer bytes and prunes nothing.
   */
  statisticsColumns: ['listing_id', 'snapshot_day', 'price', 'category_id', 'created_at', 'fetched_at'] satisfies readonly SilverColumnName[],
  /**
   * Columns whose values are (nearly) all distinct in a file: written PLAIN, so the writer does not
   * sample them for a dictionary it would reject anyway. Low-cardinality columns keep the writer's
   * choice (a dictionary when it at least halves the size).
   */
  plainColumns: ['listing_id', 'title', 'description', 'listing_url', 'image_url', 'seller_id', 'latitude', 'longitude', 'created_at', 'modified_at'] satisfies readonly SilverColumnName[],
  /** Listing ids are ~12 bytes: 32 keeps min/max exact for them instead of truncated prefixes. */
  statisticsTruncateLength: 32,
  createdBy: 'wallapop-market-pipeline silver',
} as const;


const STATISTICS: ReadonlySet<string> = new Set(SILVER_PARQUET.statisticsColumns);
const PLAIN: ReadonlySet<string> = new Set(SILVER_PARQUET.plainColumns);

/** The lake writer's view of SILVER_COLUMNS: which columns get statistics, which skip the dictionary. */
const SILVER_WRITER_COLUMNS: LakeColumn[] = SILVER_COLUMNS.map((column) => ({
  name: column.name,
  kind: column.kind,
  nullable: column.nullable,
  statistics: STATISTICS.has(column.name),
  plain: PLAIN.has(column.name),
}));

/** The Parquet schema of a silver file, derived from SILVER_COLUMNS. */
export const SILVER_PARQUET_SCHEMA: SchemaElement[] = parquetSchemaOf(SILVER_WRITER_COLUMNS);

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * The rows in listing_id order (UTF-8 byte order). Without surrogates, UTF-16 order (what `<`
 * compares, natively) is UTF-8 order, and ids are almost always ASCII: compareUtf8 only when needed.
 * Sorting positions by an array of the ids is ~2× faster than sorting the rows by `row.listing_id`.
 */
function sortedByListingId(rows: readonly SilverRow[]): SilverRow[] {
  const ids = rows.map((row) => row.listing_id);
  const order = Array.from(ids.keys());
  if (ids.some((id) => SURROGATE.test(id))) order.sort((a, b) => compareUtf8(ids[a]!, ids[b]!));
  else order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  return order.map((index) => rows[index]!);
}


/** DATE column values as days since the epoch; a file holds one or two distinct days, so each is parsed once. */
function dateColumn(values: unknown[]): Array<number | null> {
  // null never reaches the comparison, so every other value is parsed (and checked) at least once.
  let lastDay: unknown = null;
  let lastDays = 0;
  return values.map((value) => {
    if (value === null) return null;
    if (value !== lastDay) {
      lastDays = dayNumber(value as string);
      lastDay = value;
    }
    return lastDays;
  });
}


const silverColumnsOf = columnExtractor<SilverRow, SilverColumnName>(SILVER_COLUMNS.map((column) => column.name));


/**
 * Rows → one Parquet file, sorted by listing_id (so row-group min/max statistics on it are
 * disjoint and readers can skip groups). Rows must have distinct listing ids (dedupe first): the
 * sort is then a total order and the bytes depend only on the set of rows.
 */
export function writeSilverParquet(rows: readonly SilverRow[]): Uint8Array {
  const sorted = sortedByListingId(rows);
  for (let i = 1; i < sorted.length; i += 1) {
    if (sorted[i - 1]!.listing_id === sorted[i]!.listing_id) throw new Error(`duplicate listing_id ${sorted[i]!.listing_id}: dedupe before writing`);
  }
  const columns = silverColumnsOf(sorted);
  const writer = new LakeParquetWriter(SILVER_WRITER_COLUMNS, {
    pageSize: SILVER_PARQUET.pageSize,
    statisticsTruncateLength: SILVER_PARQUET.statisticsTruncateLength,
    createdBy: SILVER_PARQUET.createdBy,
    kvMetadata: { 'silver.schema_version': String(SILVER_SCHEMA_VERSION) },
  });
  const data: Record<string, unknown[]> = {};
  for (const column of SILVER_COLUMNS) data[column.name] = column.kind === 'DATE' ? dateColumn(columns[column.name]) : columns[column.name];
  writer.writeRows(data, SILVER_PARQUET.rowGroupSize);
  return writer.finish();
}

/** Decoders that return values in SilverRow's TypeScript types (epoch ms, 'YYYY-MM-DD'). */
const SILVER_PARSERS = {
  timestampFromMilliseconds: (millis: bigint) => Number(millis),
  dateFromDays: dayOfNumber,
};

/** The file's footer: row groups with their row counts and column statistics. */
export function silverParquetMetadata(bytes: Uint8Array): Promise<FileMetaData> {
  return parquetMetadataAsync(asyncBufferOf(bytes));
}

export interface ReadSilverOptions<Name extends SilverColumnName> {
  /** Columns to decode (all when omitted): Parquet is columnar, unread columns cost nothing. */
  columns?: readonly Name[];
  /** Row range [rowStart, rowEnd) in file order; only the row groups it touches are decoded. */
  rowStart?: number;
  rowEnd?: number;
  metadata?: FileMetaData;
}

/** Reads silver rows (all columns, or the ones asked for) from a silver Parquet file. */
export async function readSilverRows<Name extends SilverColumnName = SilverColumnName>(
  bytes: Uint8Array,
  options: ReadSilverOptions<Name> = {},
): Promise<Array<Pick<SilverRow, Name>>> {
  const rows = await parquetReadObjects({
    file: asyncBufferOf(bytes),
    ...(options.columns ? { columns: [...options.columns] } : {}),
    ...(options.rowStart !== undefined ? { rowStart: options.rowStart } : {}),
    ...(options.rowEnd !== undefined ? { rowEnd: options.rowEnd } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
    parsers: SILVER_PARSERS,
    compressors: SNAPPY_DECOMPRESSORS,
  });
  return rows as Array<Pick<SilverRow, Name>>;
}

/** Reads a silver file one row group at a time, so memory holds one group's decoded rows. */
export async function* readSilverRowGroups<Name extends SilverColumnName = SilverColumnName>(
  bytes: Uint8Array,
  columns?: readonly Name[],
): AsyncGenerator<Array<Pick<SilverRow, Name>>> {
  const metadata = await silverParquetMetadata(bytes);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    yield await readSilverRows(bytes, { ...(columns ? { columns } : {}), rowStart, rowEnd, metadata });
    rowStart = rowEnd;
  }
}
