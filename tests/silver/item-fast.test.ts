import test from 'ava';
import fc from 'fast-check';
import { fastRow, normaliseItem, normaliseItemChecked, SearchItemSchema, type ItemContext } from '#shared/silver/item.ts';
import { ITEM_CONTEXT, makeItem, random, sampleItem } from '../helpers/bronze-fixtures.ts';

/**
 * normaliseItem takes a hand-written fast path for well-formed items and the valibot path
 * (normaliseItemChecked) for everything else. Whatever the item, both must give the same result:
 * the same row and notes, or the same quarantine reason, detail and fragment (or the same throw).
 */

const context = ITEM_CONTEXT;

const outcome = (normalise: (raw: unknown, context: ItemContext) => unknown, raw: unknown) => {
  try {
    return { result: normalise(raw, context) };
  } catch (error) {
    return { threw: String(error) };
  }
};

/** Same result from both paths, compared structurally and as JSON (key order included). */
function agree(raw: unknown): boolean {
  const fast = outcome(normaliseItem, raw);
  const checked = outcome(normaliseItemChecked, raw);
  return JSON.stringify(fast) === JSON.stringify(checked) && fc.stringify(fast) === fc.stringify(checked);
}

const base = (): Record<string, unknown> => sampleItem({ discount: { previous_price: 400, percentage: 4 } });

/** Awkward values per field: every type the API (or a broken client) might send, valid or not. */
const flag = [true, false, null, undefined, { flag: true }, { flag: false }, { flag: null }, {}, { flag: 'yes' }, { flag: 1 }, [], 'true', 0];
const instant = [
  1_790_000_000_000, 1_790_000_000, 1_790_000_000.6, 1.5e9, 0, -5, -1e12, 1e300, Number.MAX_SAFE_INTEGER, 9e15, null, undefined,
  '1790000000000', '1790000000', '2026-11-24T06:00:00Z', '2026-11-24', '', ' ', 'yesterday', [], {}, true,
];
const text = [
  null, undefined, '', ' ', 'iPhone 13', 'EspaÃ±a', 'BEBÉ…', 'â€œholaâ€\u009d', 'ðŸ˜€ nuevo', 'x'.repeat(1001), 'é'.repeat(2100), '😀'.repeat(1500),
  'EspaÃƒÂ±a', 5, true, [], {}, ['a'],
];
const FIELD_VALUES: Record<string, unknown[]> = {
  id: ['pzpko29729j3', 'a', ' padded ', '', ' ', null, undefined, 5, {}, ['x'], 'ñ-id-😀'],
  price: [
    385, 0, -1, 12.5, '12.50', ' 12 ', '12,50', 'abc', '', null, undefined, {}, [], true,
    { amount: 385, currency: 'EUR' }, { amount: 0 }, { amount: -0 }, { amount: '3' }, { amount: '3.5', currency: 'EUR' }, { amount: -1 },
    { amount: null }, { amount: 5, currency: 3 }, { amount: 5, currency: null }, { amount: 1e308 }, { amount: [] }, [{ amount: 1 }],
  ],
  user_id: [...text],
  title: [...text],
  description: [...text],
  web_slug: [null, undefined, '', '  ', 'slug-1', ' slug with spaces ', 'cañón-ñ', 'a/b?c', 7, {}],
  category_id: [24202, 10304, 100, 99999, 0, -1, 1.5, 2 ** 31 - 1, 2 ** 31, '24202', '24202.0', '', 'x', null, undefined, [], {}],
  taxonomy: [
    null, undefined, [], [{ id: 24200 }], [{ id: 24200 }, { id: 12801 }], [{ id: 24200 }, {}], [{ id: 24200 }, { id: null }], [{ id: '12801' }],
    [{ id: -3 }], [null], [{ id: 1 }, 'x'], [[]], {}, 'tech', [{ id: 1.5 }],
  ],
  images: [
    null, undefined, [], [null], [{}], [{ urls: null }], [{ urls: {} }], [{ urls: { medium: '' } }], [{ urls: { medium: '', big: 'b', small: 's' } }],
    [{ urls: { small: 's' } }], [{ urls: { small: 1 } }], [{ urls: [] }], [{ urls: 'u' }], [{ urls: { big: 'b' } }, 3], [3, { urls: { big: 'b' } }], 'img', {}, [[]],
  ],
  reserved: flag,
  is_refurbished: flag,
  has_warranty: flag,
  is_top_profile: flag,
  location: [
    null, undefined, {}, [], 'Madrid', { latitude: 40.4, longitude: -3.7 }, { latitude: 91 }, { latitude: -90, longitude: 180 }, { longitude: -180.5 },
    { latitude: '40.4' }, { latitude: null, longitude: null, city: null }, { city: 28004 }, { postal_code: 28004 }, { region: 'X', country_code: 'ES' }, { country_code: [] },
    { region: 'Andalucía', region2: 'Córdoba' }, { region2: null }, { region2: 14 }, { region2: ['Córdoba'] },
  ],
  shipping: [null, undefined, {}, [], { item_is_shippable: true }, { item_is_shippable: 'yes' }, { user_allows_shipping: null }, { user_allows_shipping: 1 }, true],
  bump: [null, undefined, {}, [], { type: '' }, { type: ' ' }, { type: 'country' }, { type: null }, { type: 3 }, 'country'],
  created_at: instant,
  modified_at: instant,
  discount: [
    null, undefined, {}, [], { previous_price: 400 }, { previous_price: '400' }, { previous_price: -1 }, { previous_price: null }, { previous_price: 'x' }, 5,
    { previous_price: { amount: 400, currency: 'EUR' } }, { previous_price: { amount: '400' } }, { previous_price: { amount: -1 } }, { previous_price: { currency: 'EUR' } }, { previous_price: [400] },
  ],
  previous_price: [null, undefined, 400, '400', -1, { amount: 410, currency: 'EUR' }, { amount: 'x' }, {}, [], true],
};
const FIELDS = Object.keys(FIELD_VALUES);

/** The base item with some fields replaced by awkward values and some removed. */
const awkwardItem = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...FIELDS), fc.nat(), { maxKeys: 6 }),
    fc.subarray(FIELDS, { maxLength: 4 }),
  )
  .map(([replace, remove]) => {
    const raw = base();
    for (const [field, index] of Object.entries(replace)) {
      const choices = FIELD_VALUES[field]!;
      const value = choices[index % choices.length];
      if (value === undefined) delete raw[field];
      else raw[field] = value;
    }
    for (const field of remove) delete raw[field];
    return raw;
  });

test('the awkward values cover every field of the schema, so a field added to one parser is tried on both', (t) => {
  t.deepEqual(FIELDS.toSorted(), Object.keys(SearchItemSchema.entries).toSorted());
});

test('every awkward value of every field, one at a time: both paths agree', (t) => {
  let checked = 0;
  for (const [field, values] of Object.entries(FIELD_VALUES)) {
    for (const value of values) {
      const raw = base();
      if (value === undefined) delete raw[field];
      else raw[field] = value;
      t.true(agree(raw), `${field} = ${fc.stringify(value)}`);
      // As the stage sees it: through JSON (undefined fields vanish, -0 becomes 0).
      t.true(agree(JSON.parse(JSON.stringify(raw))), `${field} = ${fc.stringify(value)} (via JSON)`);
      checked += 1;
    }
  }
  t.true(checked > 200);
});

test('property: combinations of awkward and missing fields: both paths agree', (t) => {
  fc.assert(fc.property(awkwardItem, (raw) => agree(raw) && agree(JSON.parse(JSON.stringify(raw)))), { numRuns: 3000 });
  t.pass();
});

test('property: arbitrary values in the fields silver reads: both paths agree', (t) => {
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...FIELDS), fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true })), (fields) =>
      agree({ ...base(), ...fields }),
    ),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.jsonValue(), (value) => agree(value) && agree({ ...base(), nested: value })),
    { numRuns: 500 },
  );
  t.pass();
});

test('the fast path handles realistic items (so the tests above compare two different paths)', (t) => {
  let handled = 0;
  for (let seed = 0; seed < 500; seed += 1) {
    const raw = JSON.parse(JSON.stringify(makeItem(random(seed)))) as unknown;
    t.true(agree(raw));
    if (fastRow(raw, context) !== undefined) handled += 1;
  }
  t.is(handled, 500);
  t.not(fastRow(base(), context), undefined);
  // Bare-boolean flags and epoch seconds are common quirks the fast path mirrors.
  t.not(fastRow({ ...base(), reserved: true, created_at: 1_790_000_000 }, context), undefined);
  // Anything needing a transform beyond those, or a repair, or a rejection, goes to the checked path.
  for (const raw of [{ ...base(), price: 385 }, { ...base(), created_at: '2026-11-24T06:00:00Z' }, { ...base(), category_id: '24202' }, { ...base(), location: { latitude: 95 } }, { ...base(), id: '' }]) {
    t.is(fastRow(raw, context), undefined, fc.stringify(raw));
    t.true(agree(raw));
  }
});

test('mojibake, truncation and unknown categories give the same notes on both paths', (t) => {
  const raw = { ...base(), title: 'EspaÃ±a', description: 'é'.repeat(2100), category_id: 99999 };
  const fast = fastRow(raw, context);
  t.true(fast?.ok);
  if (fast?.ok) t.deepEqual(fast.notes, { invalidFields: [], textRepaired: true, textTruncated: true, categoryUnknown: true });
  t.true(agree(raw));
});
