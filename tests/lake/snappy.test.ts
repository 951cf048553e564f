import test from 'ava';
import { randomBytes } from 'node:crypto';
import { snappyUncompress } from 'hyparquet';
import { SNAPPY_DECOMPRESSORS, snappyCompressors } from '#shared/lake/snappy.ts';

const decompress = SNAPPY_DECOMPRESSORS.SNAPPY;
const text = (value: string) => new TextEncoder().encode(value);

/** hyparquet's own JavaScript decoder: an independent reader of what hysnappy writes. */
function referenceDecode(compressed: Uint8Array, length: number): Uint8Array {
  const output = new Uint8Array(length);
  snappyUncompress(compressed, output);
  return output;
}

test('pages round-trip through hysnappy and through hyparquet’s own decoder', (t) => {
  const compress = snappyCompressors().SNAPPY;
  const listingUrls = Array.from({ length: 5_000 }, (_, i) => `https://es.wallapop.com/item/iphone-13-pro-${(i * 7919) % 100_003}`).join('');
  const pages = [new Uint8Array(0), text('ab'), text(listingUrls), new Uint8Array(randomBytes(300_000)), new Uint8Array(new Float64Array(40_000).fill(199.5).buffer)];
  for (const page of pages) {
    const compressed = compress(page);
    t.deepEqual(referenceDecode(compressed, page.length), page, `${page.length} bytes`);
    t.deepEqual(decompress(compressed, page.length), page, `${page.length} bytes`);
  }
});

test('a file’s pages do not depend on what other files compressed before', (t) => {
  // A hysnappy compressor keeps its hash table: after the first page, the second finds a match at
  // offset 13 that a fresh table does not know, and compresses differently.
  const page = text('ABCDEFGHABCDEFGHXYZWFGHXqrstuvwxyz');
  const alone = snappyCompressors().SNAPPY(page);
  const sharedAcrossFiles = snappyCompressors().SNAPPY;
  sharedAcrossFiles(text('0123456789abcFGHX'));
  t.notDeepEqual(sharedAcrossFiles(page), alone, 'the library keeps state: why every file gets its own compressor');
  t.deepEqual(snappyCompressors().SNAPPY(page), alone);
  t.deepEqual(referenceDecode(alone, page.length), page);
});
