import { snappyCompressor, snappyUncompressor } from 'hysnappy';

/**
 * Snappy for every Parquet file we write and read, from hysnappy (WebAssembly, by hyparquet's
 * authors, made for these two libraries). The same format as hyparquet's built-in JavaScript codec,
 * so every reader is unaffected; on our pages it compresses 3–10× and decompresses 2.5–4× faster
 * (docs/performance.md).
 */

/**
 * Compressors for one Parquet file: pass a new one to every writer. A hysnappy compressor keeps its
 * hash table from page to page, so a page's bytes depend on the pages compressed before it. Within
 * one file those are the file's own earlier pages, the same on every rerun; a compressor shared
 * across files would make a file's bytes depend on what else the process wrote, and break "a rerun
 * rewrites the same bytes".
 */
export function snappyCompressors(): { SNAPPY: (page: Uint8Array) => Uint8Array } {
  return { SNAPPY: snappyCompressor() };
}

/** Decompression has one right answer: one instance serves every read. */
export const SNAPPY_DECOMPRESSORS = { SNAPPY: snappyUncompressor() };
