import { Buffer } from 'node:buffer';
import type { ColumnChunk, Encoding, FileMetaData, KeyValue, OffsetIndex, RowGroup, SchemaElement, Statistics } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
// hyparquet-writer's Thrift framing (page headers, page indexes, footer), exported by the package
// under `src/*.js`: the pipeline encodes the pages itself and lets the library frame them.
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { writeIndexes } from 'hyparquet-writer/src/indexes.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { joinBytes } from './bytes.ts';
import { compareUtf8 } from './parquet.ts';
import { snappyCompressors } from './snappy.ts';

/**
 * The lake's own Parquet writer, for the column kinds its tables use. hyparquet-writer takes any
 * JavaScript value and decides per value what it is: it encodes every string to a new buffer,
 * samples for a dictionary, walks a nested-value tree for lists and keeps statistics for every
 * column. Writing a gold shard's state spent 24 % of the shard's CPU there (docs/performance.md).
 * This writer knows each column's kind up front, encodes the values of a page into one buffer and
 * builds a dictionary only where it can pay.
 *
 * The files are standard Parquet (data pages v2, SNAPPY, PLAIN or RLE_DICTIONARY, offset indexes
 * when a column chunk has several pages, chunk statistics where asked): tests/lake/parquet-writer.test.ts
 * reads random tables back with hyparquet and DuckDB and compares them with hyparquet-writer's file.
 */

export type LakeColumnKind = 'STRING' | 'DOUBLE' | 'INT32' | 'BOOLEAN' | 'TIMESTAMP' | 'DATE' | 'STRING_LIST';

export interface LakeColumn {
  readonly name: string;
  readonly kind: LakeColumnKind;
  readonly nullable: boolean;
  /**
   * Write chunk min/max statistics (readers skip row groups by them). Only where a query would
   * filter: for long text they cost the writer time and buy nothing. Default true.
   */
  readonly statistics?: boolean;
  /** Near-unique values: PLAIN, without trying a dictionary that would be thrown away. */
  readonly plain?: boolean;
}

export interface LakeParquetOptions {
  pageSize: number;
  statisticsTruncateLength: number;
  createdBy: string;
  kvMetadata?: Readonly<Record<string, string>>;
  /** Bytes per part of the output (PartsWriter; default 4 MB): the bytes do not depend on it, tests make it tiny. */
  bufferPartSize?: number;
}

/** Values as the pipeline holds them: text as strings (or UTF-8 bytes), DATE as day numbers, TIMESTAMP as epoch ms, null where nullable. */
export type ColumnValues = ArrayLike<unknown>;

export function parquetSchemaOf(columns: readonly LakeColumn[]): SchemaElement[] {
  return [{ name: 'root', num_children: columns.length }, ...columns.flatMap(schemaElements)];
}

/** The names of a list column's two inner levels (Parquet's standard three-level LIST). */
const LIST_LEVELS = { group: 'list', element: 'element' } as const;

function schemaElements(column: LakeColumn): SchemaElement[] {
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
        { name: LIST_LEVELS.group, repetition_type: 'REPEATED', num_children: 1 },
        { name: LIST_LEVELS.element, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'REQUIRED' },
      ];
  }
}

const FIRST_PART_SIZE = 64 << 10;

/**
 * hyparquet-writer's ByteWriter, keeping each filled buffer as a part instead of doubling one
 * buffer and copying it over: a 19 MB state file was copied into 2, 4, 8, 16 and 32 MB buffers as
 * it grew (2 % of a shard's CPU) and held two of them at the end. The parts are joined once, in
 * `getBuffer`. The library's own file writer (hyparquet-writer/src/node.js) overrides `ensure` the
 * same way to flush to disk. Parts start small and double up to `partSize`: silver writes a file
 * per search and shard, most of them a few KB, and a 4 MB buffer for each was ~1 ms to allocate
 * and external memory that made V8 collect (a cold start of silver writes 8).
 */
class PartsWriter extends ByteWriter {
  private readonly parts: Uint8Array[] = [];
  /** Bytes in `parts`: the file offset where the current buffer starts. */
  private partsLength = 0;

  constructor(private readonly partSize: number) {
    super(Math.min(FIRST_PART_SIZE, partSize));
  }

  override ensure(size: number): void {
    if (this.index + size <= this.buffer.byteLength) return;
    this.parts.push(new Uint8Array(this.buffer, 0, this.index));
    this.partsLength += this.index;
    this.buffer = new ArrayBuffer(Math.max(Math.min(this.partSize, this.buffer.byteLength * 2), size));
    this.view = new DataView(this.buffer);
    this.index = 0;
  }

  /** Drops every byte from file offset `offset` on (a refused row group). */
  truncate(offset: number): void {
    while (offset < this.partsLength) {
      const last = this.parts.pop()!;
      this.partsLength -= last.length;
      this.buffer = last.buffer as ArrayBuffer;
      this.view = new DataView(this.buffer);
    }
    this.index = offset - this.partsLength;
    this.offset = offset;
  }

  override getBuffer(): ArrayBuffer {
    return joinBytes([...this.parts, new Uint8Array(this.buffer, 0, this.index)]).buffer;
  }

  override getBytes(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.getBuffer());
  }
}

/** Writes a file one row group per `writeGroup` call. */
export class LakeParquetWriter {
  private readonly file: PartsWriter;
  private readonly schema: SchemaElement[];
  private readonly rowGroups: RowGroup[] = [];
  private readonly pageIndexes: Array<{ chunk: ColumnChunk; offsetIndex?: OffsetIndex }> = [];
  private readonly compress = snappyCompressors().SNAPPY;
  private readonly values = new ValueBuffer();
  private rows = 0;

  constructor(
    private readonly columns: readonly LakeColumn[],
    private readonly options: LakeParquetOptions,
  ) {
    this.schema = parquetSchemaOf(columns);
    this.file = new PartsWriter(options.bufferPartSize ?? 4 << 20);
    this.file.appendUint32(MAGIC);
  }

  /** Whole columns, split into row groups of `rowGroupSize` rows. */
  writeRows(data: Readonly<Record<string, ArrayLike<unknown> & { slice(start: number, end: number): ArrayLike<unknown> } | undefined>>, rowGroupSize: number): void {
    const rowCount = this.checkedRowCount(data);
    for (let start = 0; start < rowCount; start += rowGroupSize) {
      const end = Math.min(rowCount, start + rowGroupSize);
      const group: Record<string, ArrayLike<unknown>> = {};
      for (const column of this.columns) group[column.name] = start === 0 && end === rowCount ? data[column.name]! : data[column.name]!.slice(start, end);
      this.writeGroup(group);
    }
  }

  writeGroup(data: Readonly<Record<string, ColumnValues | undefined>>): void {
    const rowCount = this.checkedRowCount(data);
    if (rowCount === 0) return;
    const groupStart = this.file.offset;
    const indexesBefore = this.pageIndexes.length;
    const chunks: ColumnChunk[] = [];
    let uncompressed = 0n;
    try {
      for (const column of this.columns) {
        const written = this.writeChunk(column, data[column.name]!);
        chunks.push(written.chunk);
        this.pageIndexes.push(written);
        uncompressed += written.chunk.meta_data!.total_uncompressed_size;
      }
    } catch (error) {
      // A value the column cannot hold: the group is dropped whole, the groups before it stay valid.
      this.file.truncate(groupStart);
      this.pageIndexes.length = indexesBefore;
      throw error;
    }
    this.rows += rowCount;
    this.rowGroups.push({ columns: chunks, total_byte_size: uncompressed, num_rows: BigInt(rowCount), total_compressed_size: BigInt(this.file.offset - groupStart) });
  }

  finish(): Uint8Array {
    writeIndexes(this.file, this.pageIndexes);
    const kv = this.options.kvMetadata ?? {};
    const keyValues: KeyValue[] = Object.keys(kv)
      .sort()
      .map((key) => ({ key, value: kv[key]! }));
    const metadata: Omit<FileMetaData, 'metadata_length'> = {
      version: 2,
      created_by: this.options.createdBy,
      schema: this.schema,
      num_rows: BigInt(this.rows),
      row_groups: this.rowGroups,
      key_value_metadata: keyValues,
    };
    writeMetadata(this.file, metadata as FileMetaData, this.options.statisticsTruncateLength);
    this.file.appendUint32(MAGIC);
    return this.file.getBytes();
  }

  /** The rows every column holds; an error naming the first column that is missing or of another length. */
  private checkedRowCount(data: Readonly<Record<string, ColumnValues | undefined>>): number {
    const rowCount = data[this.columns[0]?.name ?? '']?.length ?? 0;
    for (const column of this.columns) {
      const values = data[column.name];
      if (values === undefined) throw new TypeError(`parquet writer: no data for column ${column.name}`);
      if (values.length !== rowCount) throw new TypeError(`parquet writer: column ${column.name} has ${values.length} values, expected ${rowCount}`);
    }
    return rowCount;
  }

  private writeChunk(column: LakeColumn, values: ColumnValues): { chunk: ColumnChunk; offsetIndex?: OffsetIndex } {
    const leaf = column.kind === 'STRING_LIST' ? flattenList(column, values) : flatColumn(column, values);
    const physical = PHYSICAL[column.kind];
    const dictionary = column.plain === true || column.kind === 'BOOLEAN' ? undefined : dictionaryOf(leaf.values, column.kind);
    // The dictionary holds every distinct value: its min and max are the chunk's.
    const statistics = column.statistics === false ? undefined : { ...statisticsOf(dictionary?.values ?? leaf.values, column.kind), null_count: BigInt(leaf.levelCount - leaf.values.length) };

    const chunkStart = this.file.offset;
    let uncompressedSize = 0;
    let dictionaryPageOffset: bigint | undefined;
    if (dictionary !== undefined) {
      dictionaryPageOffset = BigInt(this.file.offset);
      this.values.reset();
      this.values.plain(dictionary.values, 0, dictionary.values.length, column.kind);
      const page = this.values.bytes();
      const compressed = this.compress(page);
      const headerStart = this.file.offset;
      writePageHeader(this.file, { type: 'DICTIONARY_PAGE', uncompressed_page_size: page.length, compressed_page_size: compressed.length, dictionary_page_header: { num_values: dictionary.values.length, encoding: 'PLAIN' } });
      uncompressedSize += this.file.offset - headerStart + page.length;
      appendBytes(this.file, compressed);
    }

    const encoding: Encoding = dictionary === undefined ? 'PLAIN' : 'RLE_DICTIONARY';
    const dataPageOffset = BigInt(this.file.offset);
    const pages = pageBoundaries(leaf, dictionary === undefined ? valueWidth(column.kind) : 4, this.options.pageSize);
    const locations: OffsetIndex['page_locations'] = [];
    const levels = new ByteWriter(1024);
    for (const page of pages) {
      const pageStart = this.file.offset;
      levels.index = 0;
      levels.offset = 0;
      let repetitionLength = 0;
      let definitionLength = 0;
      if (leaf.repetition !== undefined) repetitionLength = writeRleBitPackedHybrid(levels, leaf.repetition.subarray(page.levelStart, page.levelEnd), 1);
      if (leaf.definition !== undefined) definitionLength = writeRleBitPackedHybrid(levels, leaf.definition.subarray(page.levelStart, page.levelEnd), leaf.maxDefinition);
      this.values.reset();
      if (dictionary === undefined) this.values.plain(leaf.values, page.valueStart, page.valueEnd, column.kind);
      else this.values.indexes(dictionary.indexes, page.valueStart, page.valueEnd, dictionary.values.length);
      const body = this.values.bytes();
      const compressed = this.compress(body);
      const levelBytes = levels.getBytes();
      const headerStart = this.file.offset;
      writePageHeader(this.file, {
        type: 'DATA_PAGE_V2',
        uncompressed_page_size: levelBytes.length + body.length,
        compressed_page_size: levelBytes.length + compressed.length,
        data_page_header_v2: {
          num_values: page.levelEnd - page.levelStart,
          num_nulls: page.levelEnd - page.levelStart - (page.valueEnd - page.valueStart),
          num_rows: page.rowEnd - page.rowStart,
          encoding,
          definition_levels_byte_length: definitionLength,
          repetition_levels_byte_length: repetitionLength,
          is_compressed: true,
        },
      });
      uncompressedSize += this.file.offset - headerStart + levelBytes.length + body.length;
      appendBytes(this.file, levelBytes);
      appendBytes(this.file, compressed);
      locations.push({ offset: BigInt(pageStart), compressed_page_size: this.file.offset - pageStart, first_row_index: BigInt(page.rowStart) });
    }

    const chunk: ColumnChunk = {
      file_offset: BigInt(chunkStart),
      meta_data: {
        type: physical,
        encodings: dictionary === undefined ? ['PLAIN'] : ['PLAIN', 'RLE_DICTIONARY'],
        path_in_schema: column.kind === 'STRING_LIST' ? [column.name, LIST_LEVELS.group, LIST_LEVELS.element] : [column.name],
        codec: 'SNAPPY',
        num_values: BigInt(leaf.levelCount),
        total_uncompressed_size: BigInt(uncompressedSize),
        total_compressed_size: BigInt(this.file.offset - chunkStart),
        data_page_offset: dataPageOffset,
        ...(dictionaryPageOffset === undefined ? {} : { dictionary_page_offset: dictionaryPageOffset }),
        ...(statistics === undefined
          ? {}
          : {
              statistics,
              encoding_stats: [
                ...(dictionary === undefined ? [] : [{ page_type: 'DICTIONARY_PAGE' as const, encoding: 'PLAIN' as const, count: 1 }]),
                { page_type: 'DATA_PAGE_V2' as const, encoding, count: pages.length },
              ],
            }),
      },
    };
    return pages.length > 1 ? { chunk, offsetIndex: { page_locations: locations } } : { chunk };
  }
}

const MAGIC = 0x31524150; // "PAR1"

const PHYSICAL = {
  STRING: 'BYTE_ARRAY',
  STRING_LIST: 'BYTE_ARRAY',
  DOUBLE: 'DOUBLE',
  INT32: 'INT32',
  DATE: 'INT32',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'INT64',
} as const;

/** A column's leaf values (nulls left out) with its levels. */
interface Leaf {
  values: ArrayLike<unknown>;
  /** One per level entry; undefined for a required flat column (no levels written). */
  definition: Uint8Array | undefined;
  repetition: Uint8Array | undefined;
  maxDefinition: number;
  levelCount: number;
  /** Level index where each row starts, and one past the last (rowCount + 1 entries). */
  rowLevelStart: Int32Array | undefined;
  /** Leaf value index where each row starts (rowCount + 1 entries). */
  rowValueStart: Int32Array | undefined;
  rowCount: number;
}

function flatColumn(column: LakeColumn, values: ColumnValues): Leaf {
  const rowCount = values.length;
  if (!column.nullable) {
    for (let row = 0; row < rowCount; row += 1) {
      const value = values[row];
      if (value === null || value === undefined) throw new TypeError(`parquet writer: required column ${column.name} has no value at row ${row}`);
    }
    return { values, definition: undefined, repetition: undefined, maxDefinition: 0, levelCount: rowCount, rowLevelStart: undefined, rowValueStart: undefined, rowCount };
  }
  const definition = new Uint8Array(rowCount);
  const rowValueStart = new Int32Array(rowCount + 1);
  const present = presentValues(values);
  let next = 0;
  for (let row = 0; row < rowCount; row += 1) {
    rowValueStart[row] = next;
    const value = values[row];
    if (value === null || value === undefined) continue;
    definition[row] = 1;
    present[next++] = value;
  }
  rowValueStart[rowCount] = next;
  return { values: present, definition, repetition: undefined, maxDefinition: 1, levelCount: rowCount, rowLevelStart: undefined, rowValueStart, rowCount };
}

/**
 * An array for a nullable column's non-null values, sized once: pushing a row group's values grew
 * an array a dozen times, a third of the garbage of writing a state file. V8 keeps `new Array(n)`
 * in fast elements only up to 100,000; larger columns (a whole gold table in one group) grow.
 */
function presentValues(values: ColumnValues): unknown[] {
  let count = 0;
  for (let row = 0; row < values.length; row += 1) if (values[row] !== null && values[row] !== undefined) count += 1;
  return count <= PRESIZED_LIMIT ? new Array<unknown>(count) : [];
}

const PRESIZED_LIMIT = 65_536;

/** A list column as Parquet's levels: an empty list is one level entry without a value. */
function flattenList(column: LakeColumn, values: ColumnValues): Leaf {
  const rowCount = values.length;
  const maxDefinition = column.nullable ? 2 : 1;
  let levelCount = 0;
  for (let row = 0; row < rowCount; row += 1) {
    const list = values[row];
    if (list === null || list === undefined) {
      if (!column.nullable) throw new TypeError(`parquet writer: required column ${column.name} has no value at row ${row}`);
      levelCount += 1;
    } else if (!Array.isArray(list)) {
      throw new TypeError(`parquet writer: column ${column.name} holds lists, got ${typeof list} at row ${row}`);
    } else {
      levelCount += Math.max(1, list.length);
    }
  }
  const definition = new Uint8Array(levelCount);
  const repetition = new Uint8Array(levelCount);
  const rowLevelStart = new Int32Array(rowCount + 1);
  const rowValueStart = new Int32Array(rowCount + 1);
  const leafValues: unknown[] = [];
  let level = 0;
  for (let row = 0; row < rowCount; row += 1) {
    rowLevelStart[row] = level;
    rowValueStart[row] = leafValues.length;
    const list = values[row] as readonly unknown[] | null | undefined;
    if (list === null || list === undefined) {
      level += 1; // definition 0: a null list
      continue;
    }
    if (list.length === 0) {
      definition[level] = maxDefinition - 1;
      level += 1;
      continue;
    }
    for (let item = 0; item < list.length; item += 1) {
      const value = list[item];
      if (value === null || value === undefined) throw new TypeError(`parquet writer: column ${column.name} has a null list element at row ${row}`);
      definition[level] = maxDefinition;
      repetition[level] = item === 0 ? 0 : 1;
      leafValues.push(value);
      level += 1;
    }
  }
  rowLevelStart[rowCount] = level;
  rowValueStart[rowCount] = leafValues.length;
  return { values: leafValues, definition, repetition, maxDefinition, levelCount, rowLevelStart, rowValueStart, rowCount };
}

interface Page {
  rowStart: number;
  rowEnd: number;
  levelStart: number;
  levelEnd: number;
  valueStart: number;
  valueEnd: number;
}

/** Pages of about `pageSize` value bytes, each starting on a row (data pages v2 never split one). */
function pageBoundaries(leaf: Leaf, width: number, pageSize: number): Page[] {
  const pages: Page[] = [];
  const levelOf = (row: number) => (leaf.rowLevelStart === undefined ? row : leaf.rowLevelStart[row]!);
  const valueOf = (row: number) => (leaf.rowValueStart === undefined ? row : leaf.rowValueStart[row]!);
  let rowStart = 0;
  let bytes = 0;
  if (width > 0 && leaf.rowLevelStart === undefined) {
    // Flat fixed-width values: a page every pageSize / width rows, counted in values.
    const perPage = Math.max(1, Math.floor(pageSize / width));
    let valueStart = 0;
    for (let row = 0; row < leaf.rowCount; row += 1) {
      if (valueOf(row + 1) - valueStart > perPage && row > rowStart) {
        pages.push({ rowStart, rowEnd: row, levelStart: rowStart, levelEnd: row, valueStart, valueEnd: valueOf(row) });
        rowStart = row;
        valueStart = valueOf(row);
      }
    }
    pages.push({ rowStart, rowEnd: leaf.rowCount, levelStart: rowStart, levelEnd: leaf.rowCount, valueStart, valueEnd: valueOf(leaf.rowCount) });
    return pages;
  }
  for (let row = 0; row < leaf.rowCount; row += 1) {
    let rowBytes = 0;
    const end = valueOf(row + 1);
    for (let index = valueOf(row); index < end; index += 1) rowBytes += width > 0 ? width : byteLength(leaf.values[index]);
    if (bytes + rowBytes > pageSize && row > rowStart) {
      pages.push({ rowStart, rowEnd: row, levelStart: levelOf(rowStart), levelEnd: levelOf(row), valueStart: valueOf(rowStart), valueEnd: valueOf(row) });
      rowStart = row;
      bytes = 0;
    }
    bytes += rowBytes;
  }
  pages.push({ rowStart, rowEnd: leaf.rowCount, levelStart: levelOf(rowStart), levelEnd: levelOf(leaf.rowCount), valueStart: valueOf(rowStart), valueEnd: valueOf(leaf.rowCount) });
  return pages;
}

/** Bytes per PLAIN value; 0 for byte arrays (their length varies). */
function valueWidth(kind: LakeColumnKind): number {
  switch (kind) {
    case 'DOUBLE':
    case 'TIMESTAMP':
      return 8;
    case 'INT32':
    case 'DATE':
      return 4;
    case 'BOOLEAN':
      return 1;
    default:
      return 0;
  }
}

/** Approximate: UTF-16 length for a string (exact for ASCII), as the page size only needs to be near. */
function byteLength(value: unknown): number {
  return typeof value === 'string' ? value.length + 4 : (value as Uint8Array).length + 4;
}

function textOf(value: unknown, kind: LakeColumnKind): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  throw new TypeError(`parquet writer: a ${kind} column holds ${typeof value}`);
}

/**
 * Min and max as hyparquet-writer's metadata writer expects them (JavaScript values it
 * converts and truncates): text compared as UTF-8 bytes, NaN left out and counted, −0 as the min.
 */
function statisticsOf(values: ArrayLike<unknown>, kind: LakeColumnKind): ChunkStatistics {
  let min: unknown;
  let max: unknown;
  let nanCount = 0n;
  if (kind === 'STRING' || kind === 'STRING_LIST') {
    for (let index = 0; index < values.length; index += 1) {
      const text = textOf(values[index], kind);
      if (min === undefined || compareUtf8(text, min as string) < 0) min = text;
      if (max === undefined || compareUtf8(text, max as string) > 0) max = text;
    }
  } else if (kind === 'BOOLEAN') {
    for (let index = 0; index < values.length; index += 1) {
      const value = values[index];
      if (min === undefined || (value as boolean) < (min as boolean)) min = value;
      if (max === undefined || (value as boolean) > (max as boolean)) max = value;
    }
  } else {
    for (let index = 0; index < values.length; index += 1) {
      const number = values[index] as number;
      if (Number.isNaN(number)) {
        nanCount += 1n;
        continue;
      }
      if (min === undefined || number < (min as number)) min = number;
      if (max === undefined || number > (max as number)) max = number;
    }
    if (min === 0) min = -0;
    if (max === 0) max = 0;
  }
  const statistics: ChunkStatistics = { ...(min === undefined ? {} : { min_value: min as never, max_value: max as never }) };
  if (kind === 'DOUBLE') statistics.nan_count = nanCount;
  return statistics;
}

/** hyparquet's Statistics plus the NaN count hyparquet-writer's metadata writer also writes. */
type ChunkStatistics = Statistics & { nan_count?: bigint };

interface Dictionary {
  values: unknown[];
  indexes: Int32Array;
}

/**
 * A dictionary of the chunk's distinct values, kept only when it and its indexes take at most half
 * the PLAIN bytes (hyparquet-writer's rule, so files stay as compact as before).
 */
function dictionaryOf(values: ArrayLike<unknown>, kind: LakeColumnKind): Dictionary | undefined {
  if (values.length === 0) return undefined;
  const isText = kind === 'STRING' || kind === 'STRING_LIST';
  if (values.length > SAMPLE * 2 && mostlyDistinct(values)) return undefined;
  const positions = new Map<unknown, number>();
  const distinct: unknown[] = [];
  const indexes = new Int32Array(values.length);
  for (let index = 0; index < values.length; index += 1) {
    let value = values[index];
    if (isText && typeof value !== 'string') value = textOf(value, kind);
    let position = positions.get(value);
    if (position === undefined) {
      position = distinct.length;
      positions.set(value, position);
      distinct.push(value);
      // Most values distinct: a dictionary cannot halve the column.
      if (distinct.length > 64 && distinct.length * 2 > values.length) return undefined;
    }
    indexes[index] = position;
  }
  const width = valueWidth(kind);
  let plainBytes = 0;
  let dictionaryBytes = 0;
  if (isText) {
    const counts = new Int32Array(distinct.length);
    for (let index = 0; index < indexes.length; index += 1) counts[indexes[index]!]! += 1;
    for (let position = 0; position < distinct.length; position += 1) {
      const size = Buffer.byteLength(distinct[position] as string, 'utf8') + 4;
      dictionaryBytes += size;
      plainBytes += size * counts[position]!;
    }
  } else {
    plainBytes = width * values.length;
    dictionaryBytes = width * distinct.length;
  }
  const indexBytes = Math.ceil((values.length * Math.ceil(Math.log2(distinct.length))) / 8);
  if (2 * (dictionaryBytes + indexBytes) > plainBytes) return undefined;
  return { values: distinct, indexes };
}

const SAMPLE = 1000;

/** Whether 1,000 values spread over the chunk are over 90 % distinct: then no dictionary is tried. */
function mostlyDistinct(values: ArrayLike<unknown>): boolean {
  const seen = new Set<unknown>();
  for (let sample = 0; sample < SAMPLE; sample += 1) seen.add(values[Math.floor((sample * (values.length - 1)) / (SAMPLE - 1))]);
  return seen.size > 0.9 * SAMPLE;
}

/** One page's value bytes, in a buffer reused from page to page. */
class ValueBuffer {
  private buffer = Buffer.allocUnsafe(1 << 18);
  private view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  private length = 0;
  private readonly indexWriter = new ByteWriter(1 << 16);

  reset(): void {
    this.length = 0;
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  plain(values: ArrayLike<unknown>, start: number, end: number, kind: LakeColumnKind): void {
    switch (kind) {
      case 'STRING':
      case 'STRING_LIST':
        for (let index = start; index < end; index += 1) {
          const value = values[index];
          if (typeof value === 'string') {
            this.ensure(4 + value.length * 3);
            const written = this.buffer.write(value, this.length + 4, 'utf8');
            this.view.setUint32(this.length, written, true);
            this.length += 4 + written;
          } else if (value instanceof Uint8Array) {
            this.ensure(4 + value.length);
            this.view.setUint32(this.length, value.length, true);
            this.buffer.set(value, this.length + 4);
            this.length += 4 + value.length;
          } else {
            throw new TypeError(`parquet writer: a text column holds ${typeof value}`);
          }
        }
        return;
      case 'DOUBLE':
        this.ensure(8 * (end - start));
        for (let index = start; index < end; index += 1) {
          this.view.setFloat64(this.length, numberOf(values[index], kind), true);
          this.length += 8;
        }
        return;
      case 'INT32':
      case 'DATE':
        this.ensure(4 * (end - start));
        for (let index = start; index < end; index += 1) {
          this.view.setInt32(this.length, int32Of(values[index], kind), true);
          this.length += 4;
        }
        return;
      case 'TIMESTAMP':
        this.ensure(8 * (end - start));
        for (let index = start; index < end; index += 1) {
          this.view.setBigInt64(this.length, int64Of(values[index]), true);
          this.length += 8;
        }
        return;
      case 'BOOLEAN': {
        const count = end - start;
        this.ensure((count + 7) >> 3);
        this.buffer.fill(0, this.length, this.length + ((count + 7) >> 3));
        for (let index = 0; index < count; index += 1) {
          const value = values[start + index];
          if (typeof value !== 'boolean') throw new TypeError(`parquet writer: a BOOLEAN column holds ${typeof value}`);
          if (value) this.buffer[this.length + (index >> 3)]! |= 1 << (index & 7);
        }
        this.length += (count + 7) >> 3;
        return;
      }
    }
  }

  /** Dictionary indexes: their bit width, then the RLE/bit-packed hybrid. */
  indexes(indexes: Int32Array, start: number, end: number, dictionarySize: number): void {
    const bitWidth = Math.ceil(Math.log2(dictionarySize));
    const writer = this.indexWriter;
    writer.index = 0;
    writer.offset = 0;
    writer.appendUint8(bitWidth);
    writeRleBitPackedHybrid(writer, indexes.subarray(start, end), bitWidth);
    const bytes = writer.getBytes();
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }
}

function numberOf(value: unknown, kind: LakeColumnKind): number {
  if (typeof value !== 'number') throw new TypeError(`parquet writer: a ${kind} column holds ${typeof value}`);
  return value;
}

function int32Of(value: unknown, kind: LakeColumnKind): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw new TypeError(`parquet writer: a ${kind} column holds ${String(value)}, not a 32-bit integer`);
  return value;
}

function int64Of(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`parquet writer: a TIMESTAMP column holds ${String(value)}, not integer milliseconds`);
  return BigInt(value);
}

function appendBytes(writer: ByteWriter, bytes: Uint8Array): void {
  writer.ensure(bytes.length);
  new Uint8Array(writer.buffer, writer.index, bytes.length).set(bytes);
  writer.index += bytes.length;
  writer.offset += bytes.length;
}
