import test from 'ava';
import { randomBytes } from 'node:crypto';
import { snappyUncompress } from 'hyparquet';
import { SNAPPY_COMPRESSORS, SNAPPY_DECOMPRESSORS } from '#shared/lake/snappy.ts';

const compress = SNAPPY_COMPRESSORS.SNAPPY;
const decompress = SNAPPY_DECOMPRESSORS.SNAPPY;
const text = (value: string) => new TextEncoder().encode(value);

/** hyparquet's own JavaScript decoder: an independent reader of what hysnappy writes. */
function referenceDecode(compressed: Uint8Array, length: number): Uint8Array {
  const output = new Uint8Array(length);
  snappyUncompress(compressed, output);
  return output;
}

test('pages round-trip through hysnappy and through hyparquet’s own decoder', (t) => {
  const listingUrls = Array.from({ length: 5_000 }, (_, i) => `https://es.wallapop.com/item/iphone-13-pro-${(i * 7919) % 100_003}`).join('');
  const pages = [new Uint8Array(0), text('ab'), text(listingUrls), new Uint8Array(randomBytes(300_000)), new Uint8Array(new Float64Array(40_000).fill(199.5).buffer)];
  for (const page of pages) {
    const compressed = compress(page);
    t.deepEqual(referenceDecode(compressed, page.length), page, `${page.length} bytes`);
    t.deepEqual(decompress(compressed, page.length), page, `${page.length} bytes`);
  }
});

test('a page compresses to the same bytes whatever was compressed before it', (t) => {
  // A hysnappy instance keeps its hash table: after the first page, the second would find a match
  // at offset 13 that a fresh table does not know, and compress differently.
  const page = text('ABCDEFGHABCDEFGHXYZWFGHXqrstuvwxyz');
  const alone = compress(page);
  compress(text('0123456789abcFGHX'));
  t.deepEqual(compress(page), alone);
  t.deepEqual(referenceDecode(alone, page.length), page);
});
