import { parquetMetadataAsync, parquetReadObjects, type FileMetaData, type SchemaElement } from 'hyparquet';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { columnExtractor } from '../lake/columns.ts';
import { asyncBufferOf, compareUtf8, utf8Column } from '../lake/parquet.ts';
import { dayNumber, dayOfNumber } from '../lake/days.ts';
import { snappyCompressors, SNAPPY_DECOMPRESSORS } from '../lake/snappy.ts';
import { SILVER_COLUMNS, SILVER_SCHEMA_VERSION, type SilverColumnKind, type SilverColumnName, type SilverRow } from './schema.ts';

/**
 * Silver rows ↔ Parquet bytes. The writer's settings are fixed constants (never defaults that a
 * library upgrade could move) so equal rows always give equal bytes.
 */

export const SILVER_PARQUET = {
  /** Read natively by hyparquet, DuckDB, Athena and Spark; encoded and decoded by hysnappy (../lake/snappy.ts). */
  codec: 'SNAPPY',
  /**
   * Rows per row group. A typical shard file (one search, one day, one of N shards) holds a few
   * thousand rows and so is one group; big ones split into groups that a reader can take one at a
   * time (~20k decoded rows is tens of MB) or skip by the listing_id min/max, and DuckDB reads in parallel.
   */
  rowGroupSize: 20_000,
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


function schemaElement(name: string, kind: SilverColumnKind, nullable: boolean): SchemaElement {
  const repetition_type = nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (kind) {
    case 'STRING':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type };
    case 'DOUBLE':
      return { name, type: 'DOUBLE', repetition_type };
    case 'INT32':
      return { name, type: 'INT32', repetition_type };
    case 'BOOLEAN':
      return { name, type: 'BOOLEAN', repetition_type };
    case 'TIMESTAMP':
      return {
        name,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MILLIS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
        repetition_type,
      };
    case 'DATE':
      return { name, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' }, repetition_type };
  }
}

/** The Parquet schema of a silver file, derived from SILVER_COLUMNS. */
export const SILVER_PARQUET_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: SILVER_COLUMNS.length },
  ...SILVER_COLUMNS.map((column) => schemaElement(column.name, column.kind, column.nullable)),
];


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

const STATISTICS_COLUMNS: ReadonlySet<string> = new Set(SILVER_PARQUET.statisticsColumns);
const PLAIN_COLUMNS: ReadonlySet<string> = new Set(SILVER_PARQUET.plainColumns);

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
  const columnData: ColumnSource[] = SILVER_COLUMNS.map((column) => {
    const values: unknown[] = columns[column.name];
    const plainText = column.kind === 'STRING' && PLAIN_COLUMNS.has(column.name) && !STATISTICS_COLUMNS.has(column.name);
    return {
      name: column.name,
      data: column.kind === 'DATE' ? dateColumn(values) : plainText ? utf8Column(values) : values,
      statistics: STATISTICS_COLUMNS.has(column.name),
      ...(PLAIN_COLUMNS.has(column.name) ? { encoding: 'PLAIN' as const } : {}),
    };
  });
  const buffer = parquetWriteBuffer({
    columnData,
    schema: SILVER_PARQUET_SCHEMA,
    codec: SILVER_PARQUET.codec,
    compressors: snappyCompressors(),
    rowGroupSize: SILVER_PARQUET.rowGroupSize,
    pageSize: SILVER_PARQUET.pageSize,
    // Every column sets its own (statisticsColumns above).
    statistics: false,
    statisticsTruncateLength: SILVER_PARQUET.statisticsTruncateLength,
    createdBy: SILVER_PARQUET.createdBy,
    kvMetadata: [{ key: 'silver.schema_version', value: String(SILVER_SCHEMA_VERSION) }],
  });
  return new Uint8Array(buffer);
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
