import { Buffer } from 'node:buffer';
import type { AsyncBuffer } from 'hyparquet';

/**
 * Parquet helpers every stage that reads or writes the lake's Parquet files shares (silver's
 * shards, gold's state): the byte order Parquet sorts text in, a column's text encoded in one pass,
 * and a file in memory as hyparquet's AsyncBuffer.
 */

/**
 * Orders strings as their UTF-8 bytes compare, which is how Parquet orders BYTE_ARRAY statistics.
 * Plain `<` compares UTF-16 units, which disagrees for characters above U+E000 vs surrogate pairs.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Move surrogates (0xD800–0xDFFF) above U+E000–U+FFFF, as their code points are.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The UTF-8 bytes of a column's strings, encoded in one pass (nulls stay null). hyparquet-writer
 * would encode each value on its own, a TextEncoder call and a buffer per value: this is ~2.5×
 * faster for long near-unique text. Only for PLAIN columns without statistics, whose writer never
 * compares the values.
 */
export function utf8Column(values: readonly unknown[]): unknown[] {
  const lengths = new Array<number>(values.length);
  const strings: string[] = [];
  let total = 0;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (typeof value !== 'string') continue;
    lengths[index] = Buffer.byteLength(value, 'utf8');
    total += lengths[index]!;
    strings.push(value);
  }
  const bytes = Buffer.from(strings.join(''), 'utf8');
  // A lone high surrogate at the end of one value and a low one at the start of the next would
  // join into one character: then encode value by value.
  if (bytes.length !== total) return values.map((value) => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value));
  const column = new Array<unknown>(values.length);
  let offset = 0;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (typeof value !== 'string') {
      column[index] = value;
      continue;
    }
    column[index] = bytes.subarray(offset, offset + lengths[index]!);
    offset += lengths[index]!;
  }
  return column;
}

/** A Uint8Array as hyparquet's AsyncBuffer, without copying the whole file. */
export function asyncBufferOf(bytes: Uint8Array): AsyncBuffer {
  return {
    byteLength: bytes.byteLength,
    slice: (start, end = bytes.byteLength) => bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end) as ArrayBuffer,
  };
}
