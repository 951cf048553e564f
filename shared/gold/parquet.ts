import { parquetMetadataAsync, parquetRead, parquetSchema, type DecodedArray, type FileMetaData, type SchemaElement } from 'hyparquet';
import { ByteWriter, ParquetWriter, parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { snappyCompressors, SNAPPY_DECOMPRESSORS } from '../lake/snappy.ts';
import { asyncBufferOf, utf8Column } from '../lake/parquet.ts';

/**
 * Gold's Parquet I/O: whole columns in, whole columns out. The shard reads a handful of columns
 * of every silver and state file and never needs row objects, so columns are decoded straight into
 * arrays (one per column, not one object per row).
 */

/** How a column is stored; the same kinds as silver (schema.ts), plus a list of strings. */
export type GoldColumnKind = 'STRING' | 'DOUBLE' | 'INT32' | 'BOOLEAN' | 'TIMESTAMP' | 'DATE' | 'STRING_LIST';

export interface GoldColumnSpec {
  readonly name: string;
  readonly kind: GoldColumnKind;
  readonly nullable: boolean;
  readonly description: string;
  /**
   * Write min/max statistics (readers skip row groups by them). Only where a query would filter:
   * computing them for long text costs the writer time and buys nothing. Default true.
   */
  readonly statistics?: boolean;
  /** Near-unique values: PLAIN, so the writer does not build a dictionary it will throw away. */
  readonly plain?: boolean;
}

/** Fixed writer settings: equal columns give equal bytes, whatever a library default becomes. */
export const GOLD_PARQUET = {
  codec: 'SNAPPY',
  /** As silver: a shard streams state one row group at a time, so this bounds its memory (~15 MB decoded). */
  rowGroupSize: 20_000,
  /** Small pages: a cursor reading a 4,096-row batch decodes only the pages it needs (offset index). */
  pageSize: 1 << 18,
  statistics: true,
  statisticsTruncateLength: 32,
  createdBy: 'wallapop-market-pipeline gold',
} as const;

function schemaElements(column: GoldColumnSpec): SchemaElement[] {
  const repetition_type = column.nullable ? 'OPTIONAL' : 'REQUIRED';
  const { name } = column;
  switch (column.kind) {
    case 'STRING':
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type }];
    case 'DOUBLE':
      return [{ name, type: 'DOUBLE', repetition_type }];
    case 'INT32':
      return [{ name, type: 'INT32', repetition_type }];
    case 'BOOLEAN':
      return [{ name, type: 'BOOLEAN', repetition_type }];
    case 'TIMESTAMP':
      return [{ name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' }, repetition_type }];
    case 'DATE':
      return [{ name, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' }, repetition_type }];
    case 'STRING_LIST':
      // The standard three-level LIST: DuckDB reads VARCHAR[], Athena array<string>.
      return [
        { name, repetition_type, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'REQUIRED' },
      ];
  }
}

export function parquetSchemaOf(columns: readonly GoldColumnSpec[]): SchemaElement[] {
  return [{ name: 'root', num_children: columns.length }, ...columns.flatMap(schemaElements)];
}

/**
 * Column arrays → Parquet bytes. Values: DATE as day numbers, TIMESTAMP as epoch milliseconds,
 * STRING_LIST as string arrays, null where nullable.
 */
export function writeColumns(columns: readonly GoldColumnSpec[], data: Readonly<Record<string, DecodedArray>>, kvMetadata: Record<string, string> = {}): Uint8Array {
  const rowCount = data[columns[0]?.name ?? '']?.length ?? 0;
  const columnData: ColumnSource[] = columns.map((column) => {
    const values = data[column.name];
    if (values === undefined) throw new TypeError(`writeColumns: no data for column ${column.name}`);
    if (values.length !== rowCount) throw new TypeError(`writeColumns: column ${column.name} has ${values.length} values, expected ${rowCount}`);
    return columnSource(column, values);
  });
  const buffer = parquetWriteBuffer({
    columnData,
    schema: parquetSchemaOf(columns),
    codec: GOLD_PARQUET.codec,
    compressors: snappyCompressors(),
    rowGroupSize: GOLD_PARQUET.rowGroupSize,
    pageSize: GOLD_PARQUET.pageSize,
    statistics: GOLD_PARQUET.statistics,
    statisticsTruncateLength: GOLD_PARQUET.statisticsTruncateLength,
    createdBy: GOLD_PARQUET.createdBy,
    kvMetadata: keyValues(kvMetadata),
  });
  return new Uint8Array(buffer);
}

function columnSource(column: GoldColumnSpec, data: DecodedArray): ColumnSource {
  const plainText = column.kind === 'STRING' && column.plain === true && column.statistics === false;
  const source: ColumnSource = { name: column.name, data: plainText ? (utf8Column(data as unknown[]) as DecodedArray) : data };
  if (column.statistics === false) source.statistics = false;
  if (column.plain === true) source.encoding = 'PLAIN';
  return source;
}

const keyValues = (metadata: Record<string, string>) =>
  Object.keys(metadata)
    .sort()
    .map((key) => ({ key, value: metadata[key] }));

/**
 * Writes a Parquet file one row group at a time, so a writer holds one group of rows, not the
 * file's: each `writeGroup` call becomes exactly one row group (at most GOLD_PARQUET.rowGroupSize rows).
 */
export class ParquetGroupWriter {
  private readonly writer = new ByteWriter();
  private readonly parquet: ParquetWriter;

  constructor(
    private readonly columns: readonly GoldColumnSpec[],
    kvMetadata: Record<string, string> = {},
  ) {
    this.parquet = new ParquetWriter({
      writer: this.writer,
      schema: parquetSchemaOf(columns),
      codec: GOLD_PARQUET.codec,
      compressors: snappyCompressors(),
      statistics: GOLD_PARQUET.statistics,
      statisticsTruncateLength: GOLD_PARQUET.statisticsTruncateLength,
      createdBy: GOLD_PARQUET.createdBy,
      kvMetadata: keyValues(kvMetadata),
    });
  }

  writeGroup(data: Readonly<Record<string, DecodedArray>>): void {
    const rowCount = data[this.columns[0]?.name ?? '']?.length ?? 0;
    if (rowCount === 0) return;
    if (rowCount > GOLD_PARQUET.rowGroupSize) throw new RangeError(`a row group of ${rowCount} rows exceeds ${GOLD_PARQUET.rowGroupSize}`);
    const columnData = this.columns.map((column) => columnSource(column, data[column.name]!));
    void this.parquet.write({ columnData, rowGroupSize: GOLD_PARQUET.rowGroupSize, pageSize: GOLD_PARQUET.pageSize });
  }

  finish(): Uint8Array {
    void this.parquet.finish();
    return new Uint8Array(this.writer.getBuffer());
  }
}

/** Decoders that keep values primitive: DATE → day number, TIMESTAMP → epoch ms. */
const PRIMITIVE_PARSERS = {
  timestampFromMilliseconds: (millis: bigint) => Number(millis),
  dateFromDays: (days: number) => days,
};

export interface ColumnTable {
  rowCount: number;
  columns: Record<string, DecodedArray>;
}

/**
 * Reads the named columns of a Parquet file (or of rows [rowStart, rowEnd): only the row groups
 * they touch are decoded) into one array each.
 */
export async function readColumns(
  bytes: Uint8Array,
  names: readonly string[],
  range: { metadata?: FileMetaData; rowStart?: number; rowEnd?: number } = {},
): Promise<ColumnTable> {
  const file = asyncBufferOf(bytes);
  const metadata = range.metadata ?? (await parquetMetadataAsync(file));
  const rowStart = range.rowStart ?? 0;
  const rowEnd = range.rowEnd ?? Number(metadata.num_rows);
  const rowCount = rowEnd - rowStart;
  const available = new Set(parquetSchema(metadata).children.map((child) => child.element.name));
  const missing = names.filter((name) => !available.has(name));
  if (missing.length > 0) throw new TypeError(`parquet file has no column(s) ${missing.join(', ')}`);

  const columns: Record<string, unknown[]> = {};
  for (const name of names) columns[name] = new Array<unknown>(rowCount);
  if (rowCount === 0) return { rowCount, columns: columns as Record<string, DecodedArray> };
  await parquetRead({
    file,
    metadata,
    columns: [...names],
    rowStart,
    rowEnd,
    // Decode only the pages a range needs (both writers store offset indexes).
    useOffsetIndex: true,
    parsers: PRIMITIVE_PARSERS,
    compressors: SNAPPY_DECOMPRESSORS,
    onChunk: (chunk) => {
      const target = columns[chunk.columnName];
      if (target === undefined) return;
      // A chunk that is exactly the range (a whole row group, as cursors read) is used as is.
      if (chunk.rowStart === rowStart && chunk.rowEnd === rowEnd && Array.isArray(chunk.columnData)) {
        columns[chunk.columnName] = chunk.columnData;
        return;
      }
      // Chunks may extend beyond the range asked for: copy only the overlap.
      const from = Math.max(chunk.rowStart, rowStart);
      const to = Math.min(chunk.rowEnd, rowEnd);
      for (let row = from; row < to; row += 1) target[row - rowStart] = chunk.columnData[row - chunk.rowStart];
    },
  });
  return { rowCount, columns: columns as Record<string, DecodedArray> };
}
