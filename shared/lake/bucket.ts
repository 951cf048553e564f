/**
 * The shard of a bucket key: FNV-1a (32-bit) of its UTF-8 bytes, modulo the shard count.
 *
 *   hash = 0x811c9dc5; for each byte b: hash = (hash XOR b) * 0x01000193 mod 2^32
 *   shard = hash mod shardCount
 *
 * Frozen: gold keeps each listing's history in state shard K, day after day, and finds it again
 * only because today's silver puts the listing in the same K. Changing this function (or the
 * encoding of the key) would scatter every listing's history. tests/lake/bucket.test.ts pins
 * known values. What is hashed (the seller, see `shardOfListing`) changed once, with the state
 * schema: gold re-buckets the previous state on that day (./../gold/previous-state.ts).
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

/** The shard (0 … shardCount-1) of a bucket key. */
export function shardOf(bucketKey: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new RangeError(`shardCount must be a positive integer, got ${shardCount}`);
  return fnv1a32(bucketKey) % shardCount;
}

/**
 * What silver and gold bucket listings by: 'seller' (since state schema 2): the seller id, or the
 * listing id when the seller is unknown, so every listing of one seller (a relist and the listing
 * it replaces) lands in the same shard. Before, 'listing': the listing id.
 */
export type Bucketing = 'listing' | 'seller';
export const BUCKETING: Bucketing = 'seller';

/** The shard of a listing under seller buckets. */
export function shardOfListing(listingId: string, sellerId: string | null, shardCount: number): number {
  return shardOf(sellerId === null || sellerId === '' ? listingId : sellerId, shardCount);
}
