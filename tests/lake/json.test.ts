import test from 'ava';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonBytes } from '#shared/lake/json.ts';

/** Keys that JavaScript orders specially, or that a copy could mistake for something else. */
const awkwardKey = fc.oneof(
  fc.string(),
  fc.nat({ max: 5000 }).map(String),
  fc.constantFrom('0', '01', '-1', '4294967294', '4294967295', '9007199254740993', '__proto__', 'toJSON', 'constructor', ''),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const leaf = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(-0),
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.date({ noInvalidDate: true }),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(awkwardKey, tie('value'), { maxKeys: 8 }),
}));

test('the sorted-copy writer gives the hand-written writer’s bytes, awkward keys and values included', (t) => {
  fc.assert(
    fc.property(value, (input) => canonicalJson(input, { sortedCopy: true }) === canonicalJson(input)),
    { numRuns: 3000 },
  );
  t.pass();
});

/** The same value rebuilt with every object's keys inserted in sorted order: what the sorted-copy writer hands to JSON.stringify without copying. */
function insertedSorted(input: unknown): unknown {
  if (Array.isArray(input)) return input.map(insertedSorted);
  if (input === null || typeof input !== 'object' || Object.getPrototypeOf(input) !== Object.prototype) return input;
  const record = input as Record<string, unknown>;
  const rebuilt: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) Object.defineProperty(rebuilt, key, { value: insertedSorted(record[key]), enumerable: true, writable: true, configurable: true });
  return rebuilt;
}

test('values already in canonical form, written without a copy, give the hand-written writer’s bytes', (t) => {
  fc.assert(
    fc.property(value, (input) => {
      const sorted = insertedSorted(input);
      return canonicalJson(sorted, { sortedCopy: true }) === canonicalJson(input) && canonicalJson(sorted) === canonicalJson(input);
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('both writers sort keys, integer-like ones included, and keep "__proto__" as a key', (t) => {
  const input = JSON.parse('{"b":1,"a":{"10":"x","9":"y","z":[3]},"__proto__":"kept"}') as Record<string, unknown>;
  (input.a as Record<string, unknown>).gone = undefined;
  const expected = '{"__proto__":"kept","a":{"10":"x","9":"y","z":[3]},"b":1}\n';
  t.is(canonicalJson(input), expected);
  t.is(canonicalJson(input, { sortedCopy: true }), expected);
});

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Objects and arrays large enough for the chunked writer to split them member by member, and text that is two-byte in JavaScript. */
const member = fc.oneof(value, fc.string({ unit: 'grapheme' }));
const largeArray = fc.array(member, { minLength: 60, maxLength: 140 });
const largeObject = fc.dictionary(awkwardKey, member, { minKeys: 60, maxKeys: 140 });
const large = fc.oneof(largeArray, largeObject, fc.dictionary(awkwardKey, fc.oneof(largeArray, largeObject, value), { maxKeys: 4 }), fc.array(fc.oneof(largeObject, value), { maxLength: 3 }));

test('the chunked bytes writer gives the hand-written writer’s text as UTF-8, large and two-byte values included', (t) => {
  fc.assert(
    fc.property(fc.oneof(value, large), (input) => utf8.decode(canonicalJsonBytes(input)) === canonicalJson(input) && utf8.decode(canonicalJsonBytes(insertedSorted(input))) === canonicalJson(input)),
    { numRuns: 400 },
  );
  // Past the chunk size (64 Ki characters), with a card-like object per member and an emoji in one of them.
  const cards = Object.fromEntries(Array.from({ length: 3000 }, (_, index) => [`id${index}`, { title: index === 1234 ? 'Platos 💥 ñ' : `título ${index}`, price: index / 7, tags: ['a', index % 2 === 0 ? null : 'b'] }]));
  const day = { lists: { categories: { 10: ['id1'], 9: ['id2'] } }, listings: cards, n: [1, 2, 3] };
  const bytes = canonicalJsonBytes(day);
  t.true(bytes.length > 1 << 17);
  t.is(utf8.decode(bytes), canonicalJson(day));
});

test('both writers refuse what JSON cannot say: non-finite numbers, bigints', (t) => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 10n]) {
    for (const sortedCopy of [false, true]) t.throws(() => canonicalJson({ deep: [{ bad }] }, { sortedCopy }), { instanceOf: TypeError }, `${String(bad)} sortedCopy=${sortedCopy}`);
    t.throws(() => canonicalJsonBytes({ deep: [{ bad }] }), { instanceOf: TypeError }, `${String(bad)} as bytes`);
  }
});
