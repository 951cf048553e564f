/**
 * The shard of a listing: FNV-1a (32-bit) of the listing id's UTF-8 bytes, modulo the shard count.
 *
 *   hash = 0x811c9dc5; for each byte b: hash = (hash XOR b) * 0x01000193 mod 2^32
 *   shard = hash mod shardCount
 *
 * Frozen: gold keeps each listing's history in state shard K, day after day, and finds it again
 * only because today's silver puts the listing in the same K. Changing this function (or the
 * encoding of the id) would scatter every listing's history. tests/silver-bucket.test.ts pins
 * known values.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/** FNV-1a 32-bit hash of the UTF-8 encoding of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  // ASCII (every listing id): each UTF-16 unit is its own UTF-8 byte, so hash the units directly.
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return fnv1a32Utf8(text);
    hash = Math.imul(hash ^ code, FNV_PRIME);
  }
  return hash >>> 0;
}

/** The general case: FNV-1a over the bytes TextEncoder gives (lone surrogates become U+FFFD). */
function fnv1a32Utf8(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    // Math.imul keeps the multiplication exact modulo 2^32 (a plain * would lose low bits).
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** The shard (0 … shardCount-1) that holds `listingId`. */
export function shardOf(listingId: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new RangeError(`shardCount must be a positive integer, got ${shardCount}`);
  return fnv1a32(listingId) % shardCount;
}
