import test from 'ava';
import fc from 'fast-check';
import { fnv1a32, shardOf } from '#shared/lake/bucket.ts';

test('FNV-1a 32 matches the published test vectors', (t) => {
  t.is(fnv1a32(''), 0x811c9dc5);
  t.is(fnv1a32('a'), 0xe40c292c);
  t.is(fnv1a32('foobar'), 0xbf9cf968);
});

test('pinned shards: changing these breaks every listing history in gold', (t) => {
  t.is(fnv1a32('pzpko29729j3'), 4164248505);
  t.is(fnv1a32('ñ'), 111002361);
  t.is(shardOf('pzpko29729j3', 16), 4164248505 % 16);
  t.deepEqual(
    ['pzpko29729j3', 'qjwy4weydwzo', '8j3g5y0qx7zk', 'abc'].map((id) => shardOf(id, 16)),
    [9, 7, 6, 11],
  );
  t.deepEqual(['pzpko29729j3', 'qjwy4weydwzo', '8j3g5y0qx7zk', 'abc'].map((id) => shardOf(id, 1)), [0, 0, 0, 0]);
});

test('spreads ids evenly', (t) => {
  const counts = new Array(16).fill(0);
  for (let i = 0; i < 32_000; i += 1) counts[shardOf(`id${i.toString(36)}x`, 16)] += 1;
  for (const count of counts) t.true(count > 1700 && count < 2300, String(count));
});

test('rejects a shard count that is not a positive integer', (t) => {
  t.throws(() => shardOf('a', 0), { instanceOf: RangeError });
  t.throws(() => shardOf('a', 2.5), { instanceOf: RangeError });
});

/** The frozen definition, spelled out: FNV-1a over TextEncoder's UTF-8 bytes. */
function fnv1a32Reference(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

test('the ASCII fast path hashes exactly as the UTF-8 bytes do, for any string', (t) => {
  const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 24 }).map((codes) => String.fromCharCode(...codes));
  const mostlyAscii = fc.tuple(fc.string({ unit: 'binary-ascii' }), fc.constantFrom('', 'ñ', 'é', '€', '😀', '\ud800', '\udc00', '\u007f', '\u0080', '\uffff')).map(([a, b]) => a + b);
  for (const strings of [fc.string({ unit: 'binary-ascii' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), units, mostlyAscii]) {
    fc.assert(
      fc.property(strings, fc.integer({ min: 1, max: 512 }), (text, shardCount) => fnv1a32(text) === fnv1a32Reference(text) && shardOf(text, shardCount) === fnv1a32Reference(text) % shardCount),
      { numRuns: 2000 },
    );
  }
  for (const text of ['', 'a', 'pzpko29729j3', 'ñ', '\ud800', 'a\udc00b', '😀', 'x'.repeat(1000)]) t.is(fnv1a32(text), fnv1a32Reference(text), JSON.stringify(text));
});
