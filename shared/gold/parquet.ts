import { parquetMetadataAsync, parquetRead, parquetSchema, type DecodedArray, type FileMetaData } from 'hyparquet';
import { SNAPPY_DECOMPRESSORS } from '../lake/snappy.ts';
import { asyncBufferOf } from '../lake/parquet.ts';
import { readRowGroupFast } from '../lake/parquet-reader.ts';
import { LakeParquetWriter, type LakeColumn, type LakeColumnKind } from '../lake/parquet-writer.ts';

export { parquetSchemaOf } from '../lake/parquet-writer.ts';

/**
 * Gold's Parquet I/O: whole columns in, whole columns out. The shard reads a handful of columns
 * of every silver and state file and never needs row objects, so columns are decoded straight into
 * arrays (one per column, not one object per row). Files are written by the lake's own writer
 * (../lake/parquet-writer.ts), which knows each column's kind.
 */

/** How a column is stored; the same kinds as silver (schema.ts), plus a list of strings. */
export type GoldColumnKind = LakeColumnKind;

export interface GoldColumnSpec extends LakeColumn {
  /** What the column holds, for the data dictionary (docs/gold.md). */
  readonly description: string;
}

/** Fixed writer settings: equal columns give equal bytes. */
export const GOLD_PARQUET = {
  codec: 'SNAPPY',
  /**
   * A shard reads the previous state and writes the new one a row group at a time, so this bounds
   * what it holds decoded, and what of it outlives a young-generation collection. 8,192 rows
   * instead of 20,000 took ~15 % of a 1M shard's CPU (state files ~3 % larger; 4,096 rows saved no
   * more and grew them ~9 %): docs/performance.md, "Row groups".
   */
  rowGroupSize: 8_192,
  /** Small pages: a cursor reading a 4,096-row batch decodes only the pages it needs (offset index). */
  pageSize: 1 << 18,
  statistics: true,
  statisticsTruncateLength: 32,
  createdBy: 'wallapop-market-pipeline gold',
} as const;

const writerOptions = (kvMetadata: Record<string, string>) => ({
  pageSize: GOLD_PARQUET.pageSize,
  statisticsTruncateLength: GOLD_PARQUET.statisticsTruncateLength,
  createdBy: GOLD_PARQUET.createdBy,
  kvMetadata,
});

/**
 * Column arrays → Parquet bytes, in row groups of GOLD_PARQUET.rowGroupSize. Values: DATE as day
 * numbers, TIMESTAMP as epoch milliseconds, STRING_LIST as string arrays, null where nullable.
 */
export function writeColumns(columns: readonly GoldColumnSpec[], data: Readonly<Record<string, DecodedArray>>, kvMetadata: Record<string, string> = {}): Uint8Array {
  const writer = new LakeParquetWriter(columns, writerOptions(kvMetadata));
  writer.writeRows(data, GOLD_PARQUET.rowGroupSize);
  return writer.finish();
}

/**
 * Writes a Parquet file one row group at a time, so a writer holds one group of rows, not the
 * file's: each `writeGroup` call becomes exactly one row group (at most GOLD_PARQUET.rowGroupSize rows).
 */
export class ParquetGroupWriter {
  private readonly writer: LakeParquetWriter;

  constructor(
    private readonly columns: readonly GoldColumnSpec[],
    kvMetadata: Record<string, string> = {},
  ) {
    this.writer = new LakeParquetWriter(columns, writerOptions(kvMetadata));
  }

  writeGroup(data: Readonly<Record<string, DecodedArray>>): void {
    const rowCount = data[this.columns[0]?.name ?? '']?.length ?? 0;
    if (rowCount === 0) return;
    if (rowCount > GOLD_PARQUET.rowGroupSize) throw new RangeError(`a row group of ${rowCount} rows exceeds ${GOLD_PARQUET.rowGroupSize}`);
    this.writer.writeGroup(data);
  }

  finish(): Uint8Array {
    return this.writer.finish();
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
 * The lake's fast path (../lake/parquet-reader.ts) when [rowStart, rowEnd) is whole row groups, as
 * the cursors read; undefined when it is not, or the file has a shape the fast path leaves to hyparquet.
 */
function readWholeGroupsFast(bytes: Uint8Array, metadata: FileMetaData, names: readonly string[], rowStart: number, rowEnd: number): Record<string, unknown[]> | undefined {
  const parts: Array<Record<string, unknown[]>> = [];
  let groupStart = 0;
  for (let group = 0; group < metadata.row_groups.length && groupStart < rowEnd; group += 1) {
    const groupEnd = groupStart + Number(metadata.row_groups[group]!.num_rows);
    if (groupEnd > rowStart) {
      if (groupStart < rowStart || groupEnd > rowEnd) return undefined;
      const part = readRowGroupFast(bytes, metadata, group, names);
      if (part === undefined) return undefined;
      parts.push(part);
    }
    groupStart = groupEnd;
  }
  if (parts.length === 1) return parts[0];
  return Object.fromEntries(names.map((name) => [name, parts.flatMap((part) => part[name]!)]));
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
  const fast = readWholeGroupsFast(bytes, metadata, names, rowStart, rowEnd);
  if (fast !== undefined) return { rowCount, columns: fast as Record<string, DecodedArray> };

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
