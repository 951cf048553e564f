import { snappyCompressor, snappyUncompressor } from 'hysnappy';

/**
 * Snappy for every Parquet file we write and read, from hysnappy (WebAssembly, by hyparquet's
 * authors, made for these two libraries). The same format as hyparquet's built-in JavaScript codec,
 * so every reader is unaffected; on our pages it decompresses 2.5–4× faster (docs/performance.md).
 *
 * A hysnappy compressor keeps its hash table between calls: the same page can compress to different
 * (valid) bytes depending on what was compressed before, which would break "a rerun rewrites the
 * same bytes". So every page gets a fresh WebAssembly instance: that costs ~0.2 ms on a large page
 * and still halves the built-in codec's time on a gold shard's pages. Decompression has one right
 * answer, so one instance serves every call.
 */
export const SNAPPY_COMPRESSORS = { SNAPPY: (page: Uint8Array): Uint8Array => snappyCompressor()(page) };
export const SNAPPY_DECOMPRESSORS = { SNAPPY: snappyUncompressor() };
