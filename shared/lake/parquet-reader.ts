import { Buffer } from 'node:buffer';
import { parquetSchema, type ColumnChunk, type FileMetaData, type SchemaElement } from 'hyparquet';
// hyparquet's page-header and level decoders, exported by the package under `src/*.js`: this
// reader decodes the values itself and lets the library parse the Thrift framing.
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { SNAPPY_DECOMPRESSORS } from './snappy.ts';

/**
 * The lake's fast path for reading its own Parquet files a row group at a time. hyparquet decodes
 * every text value to a Uint8Array and then to a string, builds nested lists through a generic
 * assembler and returns pages it then copies: reading was a fifth of a gold shard's CPU
 * (docs/performance.md). This reader knows the few shapes the lake writes (flat columns of text,
 * doubles, 32-bit integers and dates, booleans, millisecond timestamps, and a required list of
 * text; data pages v2, PLAIN or dictionary, SNAPPY) and decodes each page straight into the result
 * array: a string per text value, read from the page's bytes.
 *
 * Anything else — another writer's page type or encoding, another codec, another shape — makes it
 * return undefined, and the caller reads the file with hyparquet. Both give the same values: the
 * property test in tests/lake/parquet-reader.test.ts compares them on random files of both writers.
 */

type Shape =
  | { kind: 'text' | 'double' | 'int32' | 'boolean' | 'millis'; path: string[]; maxDefinition: 0 | 1 }
  | { kind: 'text-list'; path: string[]; maxDefinition: 1 | 2 };

/**
 * Row group `group`'s columns `names`, one array each (text as strings, DATE as day numbers,
 * TIMESTAMP as epoch ms, lists as string arrays, null for a missing value, undefined for a null
 * list), or undefined when the fast path does not understand the file.
 */
export function readRowGroupFast(bytes: Uint8Array, metadata: FileMetaData, group: number, names: readonly string[]): Record<string, unknown[]> | undefined {
  const rowGroup = metadata.row_groups[group];
  if (rowGroup === undefined) return undefined;
  const rows = Number(rowGroup.num_rows);
  const shapes = shapesOf(metadata);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const result: Record<string, unknown[]> = {};
  for (const name of names) {
    const shape = shapes.get(name);
    if (shape === undefined) return undefined;
    const chunk = rowGroup.columns.find((candidate) => sameMembers(candidate.meta_data?.path_in_schema, shape.path));
    if (chunk === undefined) return undefined;
    const values = readChunk(bytes, view, chunk, shape, rows);
    if (values === undefined) return undefined;
    result[name] = values;
  }
  return result;
}

const shapeCache = new WeakMap<FileMetaData, Map<string, Shape>>();

/** The shape of every top-level column the fast path can read (the others are left out). */
function shapesOf(metadata: FileMetaData): Map<string, Shape> {
  let shapes = shapeCache.get(metadata);
  if (shapes !== undefined) return shapes;
  shapes = new Map();
  for (const child of parquetSchema(metadata).children) {
    const element = child.element;
    if (child.children.length === 0) {
      const kind = flatKind(element);
      if (kind !== undefined && element.repetition_type !== 'REPEATED') shapes.set(element.name, { kind, path: [element.name], maxDefinition: element.repetition_type === 'OPTIONAL' ? 1 : 0 });
      continue;
    }
    // The standard three-level list of required text: <name> (LIST) → list (REPEATED) → element.
    const list = child.children[0];
    const item = list?.children[0];
    if (element.converted_type !== 'LIST' || child.children.length !== 1 || list === undefined || list.element.repetition_type !== 'REPEATED' || list.children.length !== 1 || item === undefined || item.children.length !== 0) continue;
    if (flatKind(item.element) !== 'text' || item.element.repetition_type !== 'REQUIRED' || element.repetition_type === 'REPEATED') continue;
    shapes.set(element.name, { kind: 'text-list', path: [element.name, list.element.name, item.element.name], maxDefinition: element.repetition_type === 'OPTIONAL' ? 2 : 1 });
  }
  shapeCache.set(metadata, shapes);
  return shapes;
}

function flatKind(element: SchemaElement): Exclude<Shape['kind'], 'text-list'> | undefined {
  const logical = element.logical_type?.type;
  switch (element.type) {
    case 'BYTE_ARRAY':
      return element.converted_type === 'UTF8' || logical === 'STRING' ? 'text' : undefined;
    case 'DOUBLE':
      return element.converted_type === undefined && logical === undefined ? 'double' : undefined;
    case 'INT32':
      return (element.converted_type === undefined && logical === undefined) || element.converted_type === 'DATE' ? 'int32' : undefined;
    case 'BOOLEAN':
      return 'boolean';
    case 'INT64':
      return element.converted_type === 'TIMESTAMP_MILLIS' ? 'millis' : undefined;
    default:
      return undefined;
  }
}

function sameMembers(path: readonly string[] | undefined, expected: readonly string[]): boolean {
  return path !== undefined && path.length === expected.length && path.every((part, index) => part === expected[index]);
}

function readChunk(bytes: Uint8Array, view: DataView, chunk: ColumnChunk, shape: Shape, rows: number): unknown[] | undefined {
  const meta = chunk.meta_data;
  if (meta === undefined || (meta.codec !== 'SNAPPY' && meta.codec !== 'UNCOMPRESSED')) return undefined;
  const dictionaryOffset = meta.dictionary_page_offset === undefined ? undefined : Number(meta.dictionary_page_offset);
  const dataOffset = Number(meta.data_page_offset);
  const start = dictionaryOffset !== undefined && dictionaryOffset > 0 && dictionaryOffset < dataOffset ? dictionaryOffset : dataOffset;
  const end = start + Number(meta.total_compressed_size);
  if (end > bytes.length) return undefined;
  const reader = { view, offset: start };
  const out = new Array<unknown>(rows);
  let dictionary: unknown[] | undefined;
  let lists: ListInterner | undefined;
  let row = 0;
  while (row < rows) {
    if (reader.offset >= end) return undefined;
    const header = parquetHeader(reader);
    const pageStart = reader.offset;
    const pageEnd = pageStart + header.compressed_page_size;
    reader.offset = pageEnd;
    if (header.type === 'DICTIONARY_PAGE') {
      const dictionaryHeader = header.dictionary_page_header;
      if (dictionaryHeader === undefined || (dictionaryHeader.encoding !== 'PLAIN' && dictionaryHeader.encoding !== 'PLAIN_DICTIONARY')) return undefined;
      const page = decompressPage(bytes.subarray(pageStart, pageEnd), header.uncompressed_page_size, meta.codec, SNAPPY_DECOMPRESSORS);
      dictionary = new Array<unknown>(dictionaryHeader.num_values);
      if (!decodePlain(page, shape.kind, dictionary, 0, dictionary.length)) return undefined;
      continue;
    }
    if (header.type !== 'DATA_PAGE_V2') return undefined;
    const v2 = header.data_page_header_v2;
    if (v2 === undefined) return undefined;
    const levelCount = v2.num_values;
    const pageRows = v2.num_rows;
    if (row + pageRows > rows) return undefined;
    const repetitionLength = v2.repetition_levels_byte_length;
    const definitionLength = v2.definition_levels_byte_length;
    const isList = shape.kind === 'text-list';
    let repetition: Uint8Array | undefined;
    let definitionLevels: Uint8Array | undefined;
    if (isList) {
      if (repetitionLength === 0) return undefined;
      repetition = new Uint8Array(levelCount);
      readRleBitPackedHybrid({ view, offset: pageStart }, 1, repetition, repetitionLength);
    } else if (repetitionLength !== 0) {
      return undefined;
    }
    if (shape.maxDefinition > 0) {
      definitionLevels = new Uint8Array(levelCount);
      readRleBitPackedHybrid({ view, offset: pageStart + repetitionLength }, shape.maxDefinition, definitionLevels, definitionLength);
    }
    const valueCount = levelCount - v2.num_nulls;
    const valuesStart = pageStart + repetitionLength + definitionLength;
    const valueBytes = bytes.subarray(valuesStart, pageEnd);
    const uncompressedSize = header.uncompressed_page_size - repetitionLength - definitionLength;
    const page = v2.is_compressed === false || meta.codec === 'UNCOMPRESSED' ? valueBytes : decompressPage(valueBytes, uncompressedSize, meta.codec, SNAPPY_DECOMPRESSORS);
    const valueKind = isList ? 'text' : shape.kind;
    // A required flat column's values are its rows: decode them straight into the result.
    const direct = !isList && definitionLevels === undefined;
    if (direct && valueCount !== pageRows) return undefined;
    const dictionaryCoded = v2.encoding === 'RLE_DICTIONARY' || v2.encoding === 'PLAIN_DICTIONARY';
    // Dictionary-coded lists are assembled from their indexes (ListInterner), without the values.
    const values = direct ? out : isList && dictionaryCoded ? NO_VALUES : new Array<unknown>(valueCount);
    const at = direct ? row : 0;
    if (v2.encoding === 'PLAIN') {
      if (!decodePlain(page, valueKind, values, at, valueCount)) return undefined;
    } else if (dictionaryCoded) {
      if (dictionary === undefined || page.length === 0) return undefined;
      const indexes = new Int32Array(valueCount);
      const pageView = new DataView(page.buffer, page.byteOffset, page.byteLength);
      readRleBitPackedHybrid({ view: pageView, offset: 1 }, page[0]!, indexes, page.length - 1);
      for (let index = 0; index < valueCount; index += 1) if (indexes[index]! >= dictionary.length) return undefined;
      if (isList) {
        lists ??= new ListInterner(dictionary);
        if (!lists.assemble(indexes, repetition!, definitionLevels!, shape.maxDefinition, out, row, pageRows)) return undefined;
        row += pageRows;
        continue;
      }
      for (let index = 0; index < valueCount; index += 1) values[at + index] = dictionary[indexes[index]!];
    } else if (v2.encoding === 'RLE' && valueKind === 'boolean') {
      const bits = new Uint8Array(valueCount);
      const pageView = new DataView(page.buffer, page.byteOffset, page.byteLength);
      readRleBitPackedHybrid({ view: pageView, offset: 0 }, 1, bits);
      for (let index = 0; index < valueCount; index += 1) values[at + index] = bits[index] === 1;
    } else {
      return undefined;
    }
    if (isList) {
      if (!assembleList(values, repetition!, definitionLevels!, shape.maxDefinition, out, row, pageRows)) return undefined;
    } else if (!direct) {
      if (levelCount !== pageRows) return undefined;
      let next = 0;
      const definition = definitionLevels!;
      for (let index = 0; index < levelCount; index += 1) out[row + index] = definition[index] === 1 ? values[next++] : null;
      if (next !== valueCount) return undefined;
    }
    row += pageRows;
  }
  return out;
}

/** Lists of one page into `out` from row `row`: repetition 0 starts a row; below the max definition, an empty (or null) list. */
function assembleList(values: readonly unknown[], repetition: Uint8Array, definition: Uint8Array, maxDefinition: number, out: unknown[], row: number, pageRows: number): boolean {
  let next = 0;
  let current: unknown[] | undefined;
  let produced = 0;
  for (let level = 0; level < repetition.length; level += 1) {
    if (repetition[level] === 0) {
      const depth = definition[level]!;
      current = depth >= maxDefinition - 1 ? [] : undefined;
      out[row + produced] = current;
      produced += 1;
      if (depth === maxDefinition) current!.push(values[next++]);
    } else {
      if (current === undefined || definition[level] !== maxDefinition) return false;
      current.push(values[next++]);
    }
  }
  return produced === pageRows && next === values.length;
}

/**
 * Lists of dictionary-coded text, one array per distinct list of a column chunk: a state file's
 * `searches` repeats a few combinations of slugs over every row, and a fresh array per row was a
 * fifth of what reading a state file allocates. Rows with equal lists share one array, so the
 * lists a reader returns must be treated as immutable (the shard never mutates them).
 */
class ListInterner {
  private readonly root: ListNode = { list: [], next: new Map() };

  constructor(private readonly dictionary: readonly unknown[]) {}

  /** Like assembleList, from dictionary indexes; false when the levels do not match the values. */
  assemble(indexes: Int32Array, repetition: Uint8Array, definition: Uint8Array, maxDefinition: number, out: unknown[], row: number, pageRows: number): boolean {
    let next = 0;
    let produced = 0;
    let node: ListNode | undefined;
    for (let level = 0; level <= repetition.length; level += 1) {
      if (level === repetition.length || repetition[level] === 0) {
        if (node !== undefined) out[row + produced - 1] = node.list;
        if (level === repetition.length) break;
        const depth = definition[level]!;
        produced += 1;
        if (depth < maxDefinition - 1) {
          out[row + produced - 1] = undefined;
          node = undefined;
          continue;
        }
        node = this.root;
        if (depth < maxDefinition) continue;
      } else if (node === undefined || definition[level] !== maxDefinition) {
        return false;
      }
      node = this.child(node, indexes[next++]!);
    }
    return produced === pageRows && next === indexes.length;
  }

  private child(node: ListNode, index: number): ListNode {
    let child = node.next.get(index);
    if (child === undefined) {
      child = { list: [...node.list, this.dictionary[index]], next: new Map() };
      node.next.set(index, child);
    }
    return child;
  }
}

interface ListNode {
  list: unknown[];
  next: Map<number, ListNode>;
}

const NO_VALUES: unknown[] = [];
const TWO_32 = 4294967296;

/** `count` PLAIN values of `kind` from `page` into `out` from `at`; false when the page is short. */
function decodePlain(page: Uint8Array, kind: Shape['kind'], out: unknown[], at: number, count: number): boolean {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  let offset = 0;
  switch (kind) {
    case 'text':
    case 'text-list': {
      // utf8Slice: Buffer#toString without its argument checks, once per value.
      const text = Buffer.from(page.buffer, page.byteOffset, page.byteLength) as Buffer & { utf8Slice(start: number, end: number): string };
      for (let index = 0; index < count; index += 1) {
        if (offset + 4 > page.length) return false;
        const length = view.getUint32(offset, true);
        offset += 4;
        if (offset + length > page.length) return false;
        out[at + index] = text.utf8Slice(offset, offset + length);
        offset += length;
      }
      return true;
    }
    case 'double':
      if (count * 8 > page.length) return false;
      for (let index = 0; index < count; index += 1) out[at + index] = view.getFloat64(index * 8, true);
      return true;
    case 'int32':
      if (count * 4 > page.length) return false;
      for (let index = 0; index < count; index += 1) out[at + index] = view.getInt32(index * 4, true);
      return true;
    case 'millis':
      if (count * 8 > page.length) return false;
      for (let index = 0; index < count; index += 1) out[at + index] = view.getUint32(index * 8, true) + view.getInt32(index * 8 + 4, true) * TWO_32;
      return true;
    case 'boolean':
      if (count > page.length * 8) return false;
      for (let index = 0; index < count; index += 1) out[at + index] = ((page[index >> 3]! >> (index & 7)) & 1) === 1;
      return true;
  }
}
