import type { AsyncBuffer } from 'hyparquet';

/**
 * Parquet helpers every stage that reads or writes the lake's Parquet files shares (silver's
 * shards, gold's state): the byte order Parquet sorts text in, and a file in memory as hyparquet's
 * AsyncBuffer. The writer is ./parquet-writer.ts, the fast reader ./parquet-reader.ts.
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

/** A Uint8Array as hyparquet's AsyncBuffer, without copying the whole file. */
export function asyncBufferOf(bytes: Uint8Array): AsyncBuffer {
  return {
    byteLength: bytes.byteLength,
    slice: (start, end = bytes.byteLength) => bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end) as ArrayBuffer,
  };
}
