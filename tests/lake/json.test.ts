import test from 'ava';
import fc from 'fast-check';
import { canonicalJson } from '#shared/lake/json.ts';

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

test('both writers refuse what JSON cannot say: non-finite numbers, bigints', (t) => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 10n]) {
    for (const sortedCopy of [false, true]) t.throws(() => canonicalJson({ deep: [{ bad }] }, { sortedCopy }), { instanceOf: TypeError }, `${String(bad)} sortedCopy=${sortedCopy}`);
  }
});
