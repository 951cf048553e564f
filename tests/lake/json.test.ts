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

/** Canonical JSON as its definition says, written the slow obvious way: the writers must give these bytes. */
function reference(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'function' || typeof value === 'symbol') return 'null';
  if (typeof value === 'bigint' || (typeof value === 'number' && !Number.isFinite(value))) throw new TypeError('no JSON form');
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${Array.from(value, (item: unknown) => reference(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const kept = Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined && typeof record[key] !== 'function');
  return `{${kept.map((key) => `${JSON.stringify(key)}:${reference(record[key])}`).join(',')}}`;
}

test('the writer gives the definition’s bytes, awkward keys and values included, and objects of a shape met before (a generated writer) too', (t) => {
  fc.assert(
    fc.property(value, (input) => {
      const expected = reference(input);
      // Three times over, two levels down (the top two levels are written member by member): every
      // object's shape is met again, so the second and third copies go through generated writers.
      const thrice = `[${expected},${expected},${expected}]`;
      return (
        canonicalJson(input) === `${expected}\n` &&
        canonicalJson([input, input, input]) === `${thrice}\n` &&
        canonicalJson({ nested: { copies: [input, input, input] } }) === `{"nested":{"copies":${thrice}}}\n`
      );
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('objects of one shape with different values each get their own text', (t) => {
  const keys = fc.uniqueArray(awkwardKey, { maxLength: 6 });
  fc.assert(
    fc.property(
      keys.chain((names) => fc.array(fc.tuple(...names.map(() => value)), { minLength: 2, maxLength: 8 }).map((rows) => rows.map((row) => Object.fromEntries(names.map((name, index) => [name, row[index]]))))),
      // Two levels down, where objects are written whole: from the second row on, by the shape's generated writer.
      (objects) => canonicalJson(objects) === `${reference(objects)}\n` && canonicalJson({ nested: { rows: objects } }) === `{"nested":{"rows":${reference(objects)}}}\n`,
    ),
    { numRuns: 1000 },
  );
  t.pass();
});

/** The same value rebuilt with every object's keys inserted in sorted order: the bytes must not depend on insertion order. */
function insertedSorted(input: unknown): unknown {
  if (Array.isArray(input)) return input.map(insertedSorted);
  if (input === null || typeof input !== 'object' || Object.getPrototypeOf(input) !== Object.prototype) return input;
  const record = input as Record<string, unknown>;
  const rebuilt: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) Object.defineProperty(rebuilt, key, { value: insertedSorted(record[key]), enumerable: true, writable: true, configurable: true });
  return rebuilt;
}

test('values already in canonical form give the bytes of the same values in another order', (t) => {
  fc.assert(
    fc.property(value, (input) => canonicalJson(insertedSorted(input)) === canonicalJson(input)),
    { numRuns: 3000 },
  );
  t.pass();
});

test('both forms sort keys, integer-like ones included, and keep "__proto__" as a key', (t) => {
  const input = JSON.parse('{"b":1,"a":{"10":"x","9":"y","z":[3]},"__proto__":"kept"}') as Record<string, unknown>;
  (input.a as Record<string, unknown>).gone = undefined;
  const expected = '{"__proto__":"kept","a":{"10":"x","9":"y","z":[3]},"b":1}\n';
  t.is(canonicalJson(input), expected);
  t.is(canonicalJson([input, input]), `[${expected.trim()},${expected.trim()}]\n`);
  t.is(canonicalJson(input, { pretty: true }), '{\n  "__proto__": "kept",\n  "a": {\n    "10": "x",\n    "9": "y",\n    "z": [\n      3\n    ]\n  },\n  "b": 1\n}\n');
});

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Objects and arrays large enough for the chunked writer to split them member by member, and text that is two-byte in JavaScript. */
const member = fc.oneof(value, fc.string({ unit: 'grapheme' }));
const largeArray = fc.array(member, { minLength: 60, maxLength: 140 });
const largeObject = fc.dictionary(awkwardKey, member, { minKeys: 60, maxKeys: 140 });
const large = fc.oneof(largeArray, largeObject, fc.dictionary(awkwardKey, fc.oneof(largeArray, largeObject, value), { maxKeys: 4 }), fc.array(fc.oneof(largeObject, value), { maxLength: 3 }));

test('the chunked bytes writer gives the definition’s text as UTF-8, large and two-byte values included', (t) => {
  fc.assert(
    fc.property(fc.oneof(value, large), (input) => utf8.decode(canonicalJsonBytes(input)) === `${reference(input)}\n` && utf8.decode(canonicalJsonBytes(insertedSorted(input))) === canonicalJson(input)),
    { numRuns: 400 },
  );
  // Past the chunk size (64 Ki characters), with a card-like object per member and an emoji in one of them.
  const cards = Object.fromEntries(Array.from({ length: 3000 }, (_, index) => [`id${index}`, { title: index === 1234 ? 'Platos 💥 ñ' : `título ${index}`, price: index / 7, tags: ['a', index % 2 === 0 ? null : 'b'] }]));
  const day = { lists: { categories: { 10: ['id1'], 9: ['id2'] } }, listings: cards, n: [1, 2, 3] };
  const bytes = canonicalJsonBytes(day);
  t.true(bytes.length > 1 << 17);
  t.is(utf8.decode(bytes), `${reference(day)}\n`);
});

test('both forms refuse what JSON cannot say: non-finite numbers, bigints', (t) => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 10n]) {
    for (const pretty of [false, true]) t.throws(() => canonicalJson({ deep: [{ bad }] }, { pretty }), { instanceOf: TypeError }, `${String(bad)} pretty=${pretty}`);
    // In an object of a shape met before, two levels down: a generated writer.
    t.throws(() => canonicalJson({ nested: { rows: [{ a: 1, b: 2 }, { a: 1, b: bad }] } }), { instanceOf: TypeError }, `${String(bad)} in a generated writer`);
    t.throws(() => canonicalJsonBytes({ deep: [{ bad }] }), { instanceOf: TypeError }, `${String(bad)} as bytes`);
  }
});
