import test from 'ava';
import fc from 'fast-check';
import { DESCRIPTION_MAX_CHARS, normaliseItem } from '#shared/silver/item.ts';
import type { ItemQuarantineReason } from '#shared/silver/quarantine.ts';
import { SILVER_COLUMN_NAMES, SILVER_SCHEMA_VERSION } from '#shared/silver/schema.ts';
import { ITEM_CONTEXT, makeItem, random, sampleItem } from '../helpers/bronze-fixtures.ts';

const context = ITEM_CONTEXT;


const rowOf = (raw: unknown) => {
  const result = normaliseItem(raw, context);
  if (!result.ok) throw new Error(`expected a row, got ${result.reason}: ${result.detail}`);
  return result;
};

test('a complete item becomes a complete row', (t) => {
  const { row, notes } = rowOf(sampleItem());
  t.deepEqual(Object.keys(row).sort(), [...SILVER_COLUMN_NAMES].sort());
  t.deepEqual(row, {
    listing_id: 'pzpko29729j3',
    snapshot_day: '2026-11-24',
    search_slug: 'iphone-13',
    title: 'iPhone 13 128GB azul',
    description: 'Como nuevo',
    price: 385,
    currency: 'EUR',
    previous_price: null,
    category_id: 24202,
    category_name: 'Smartphones',
    category_path: 'Tecnología y electrónica > Móviles y telefonía > Smartphones',
    seller_id: 'qjwy4weydwzo',
    city: 'Madrid',
    postal_code: '28004',
    region: 'Comunidad de Madrid',
    province: 'Madrid',
    country_code: 'ES',
    latitude: 40.42,
    longitude: -3.7,
    is_reserved: false,
    is_shippable: true,
    seller_allows_shipping: false,
    is_refurbished: false,
    has_warranty: false,
    is_top_profile: true,
    is_bumped: false,
    created_at: 1_790_000_000_000,
    modified_at: 1_790_000_100_000,
    listing_url: 'https://es.wallapop.com/item/iphone-13-128gb-azul-1275712826',
    image_url: 'https://img/m.jpg',
    fetched_at: Date.parse('2026-11-24T06:00:04.500Z'),
    source_page: 3,
    schema_version: SILVER_SCHEMA_VERSION,
  });
  t.deepEqual(notes, { invalidFields: [], textRepaired: false, textTruncated: false, categoryUnknown: false });
});

test('tolerates the known quirks', (t) => {
  t.is(rowOf(sampleItem({ price: 120 })).row.price, 120);
  t.is(rowOf(sampleItem({ price: 120 })).row.currency, null);
  t.is(rowOf(sampleItem({ price: { amount: '99.50', currency: 'EUR' } })).row.price, 99.5);
  t.is(rowOf(sampleItem({ images: [] })).row.image_url, null);
  t.is(rowOf(sampleItem({ images: undefined })).row.image_url, null);
  t.is(rowOf(sampleItem({ images: [{ urls: { big: 'https://img/b.jpg' } }] })).row.image_url, 'https://img/b.jpg');
  t.is(rowOf(sampleItem({ bump: { type: 'country' } })).row.is_bumped, true);
  t.is(rowOf(sampleItem({ bump: undefined })).row.is_bumped, null);
  t.is(rowOf(sampleItem({ reserved: true })).row.is_reserved, true);
  t.is(rowOf(sampleItem({ reserved: { flag: true } })).row.is_reserved, true);
  t.is(rowOf(sampleItem({ description: undefined })).row.description, null);
  t.is(rowOf(sampleItem({ discount: { previous_price: 450, percentage: 14 } })).row.previous_price, 450);
  // Every form of the seller's "was" price seen in public clients (docs/wallapop-api.md).
  t.is(rowOf(sampleItem({ discount: { previous_price: { amount: 450, currency: 'EUR' }, percentage: 14 } })).row.previous_price, 450);
  t.is(rowOf(sampleItem({ previous_price: { amount: 430, currency: 'EUR' } })).row.previous_price, 430);
  t.is(rowOf(sampleItem({ previous_price: 430 })).row.previous_price, 430);
  t.is(rowOf(sampleItem({ discount: { previous_price: 450 }, previous_price: { amount: 430 } })).row.previous_price, 450, 'the discount wins over a top-level field');
  t.is(rowOf(sampleItem({ discount: { percentage: 14 }, previous_price: { amount: '430.00', currency: 'EUR' } })).row.previous_price, 430);
  t.deepEqual(rowOf(sampleItem({ discount: { previous_price: { currency: 'EUR' } } })).notes.invalidFields, ['discount.previous_price']);
  t.is(rowOf(sampleItem({ location: { city: 'Córdoba', region: 'Andalucía', region2: 'Córdoba' } })).row.province, 'Córdoba');
  t.is(rowOf(sampleItem({ location: { city: 'Córdoba', region: 'Andalucía' } })).row.province, null);
  t.is(rowOf(sampleItem({ created_at: 1_790_000_000 })).row.created_at, 1_790_000_000_000);
  t.is(rowOf(sampleItem({ created_at: '2026-09-21T10:00:00Z' })).row.created_at, Date.parse('2026-09-21T10:00:00Z'));
  t.is(rowOf(sampleItem({ web_slug: undefined })).row.listing_url, null);
  t.is(rowOf(sampleItem({ extra_field_from_the_future: { nested: [1, 2] } })).row.listing_id, 'pzpko29729j3');
  t.is(rowOf(sampleItem({ price: { amount: 0, currency: 'EUR' } })).row.price, 0);
});

test('category: taxonomy as fallback, unknown ids counted', (t) => {
  const fallback = rowOf(sampleItem({ category_id: undefined, taxonomy: [{ id: 24200 }, { id: 10304 }] }));
  t.is(fallback.row.category_id, 10304);
  t.is(fallback.row.category_path, 'Tecnología y electrónica > Informática > Componentes de PC');
  const unknown = rowOf(sampleItem({ category_id: 999_999 }));
  t.is(unknown.row.category_name, null);
  t.true(unknown.notes.categoryUnknown);
});

test('unusable optional fields become null and are reported', (t) => {
  const result = rowOf(sampleItem({ location: { latitude: '40.4', longitude: -3.7, city: 42, region: 'Madrid' }, title: { es: 'x' }, shipping: 'yes' }));
  t.is(result.row.latitude, null);
  t.is(result.row.longitude, -3.7);
  t.is(result.row.city, null);
  t.is(result.row.region, 'Madrid');
  t.is(result.row.title, null);
  t.is(result.row.is_shippable, null);
  t.deepEqual(result.notes.invalidFields, ['location.city', 'location.latitude', 'shipping', 'title']);
  t.deepEqual(rowOf(sampleItem({ images: [{ urls: { medium: 5 } }] })).notes.invalidFields, ['images[].urls.medium']);
  t.deepEqual(rowOf(sampleItem({ price: { amount: 10, currency: 978 } })).notes.invalidFields, ['price.currency']);
});

test('text: mojibake repaired, description bounded', (t) => {
  const result = rowOf(sampleItem({ title: 'CamiÃ³n teledirigido', description: 'x'.repeat(DESCRIPTION_MAX_CHARS + 50) }));
  t.is(result.row.title, 'Camión teledirigido');
  t.is(result.row.description?.length, DESCRIPTION_MAX_CHARS);
  t.true(result.notes.textRepaired);
  t.true(result.notes.textTruncated);
});

test('rejects items without an id or a price, with the reason and the fragment', (t) => {
  const cases: Array<[unknown, ItemQuarantineReason]> = [
    [sampleItem({ id: undefined }), 'missing-id'],
    [sampleItem({ id: '' }), 'missing-id'],
    [sampleItem({ id: '   ' }), 'missing-id'],
    [sampleItem({ id: 12345 }), 'invalid-id'],
    [sampleItem({ price: undefined }), 'missing-price'],
    [sampleItem({ price: null }), 'missing-price'],
    [sampleItem({ price: { currency: 'EUR' } }), 'missing-price'],
    [sampleItem({ price: { amount: -5, currency: 'EUR' } }), 'invalid-price'],
    [sampleItem({ price: { amount: 'gratis', currency: 'EUR' } }), 'invalid-price'],
    [sampleItem({ price: { amount: Number.NaN } }), 'invalid-price'],
    [sampleItem({ price: true }), 'invalid-price'],
    [null, 'item-not-object'],
    ['pzpko29729j3', 'item-not-object'],
    [[1, 2], 'item-not-object'],
  ];
  for (const [raw, reason] of cases) {
    const result = normaliseItem(raw, context);
    t.false(result.ok, JSON.stringify(raw));
    if (!result.ok) {
      t.is(result.reason, reason, JSON.stringify(raw)?.slice(0, 80));
      t.true(result.fragment.length <= 2048);
    }
  }
  const noPrice = normaliseItem(sampleItem({ price: undefined }), context);
  t.true(!noPrice.ok && noPrice.listingId === 'pzpko29729j3' && noPrice.fragment.includes('pzpko29729j3'));
  const huge = normaliseItem(sampleItem({ price: undefined, description: 'y'.repeat(10_000) }), context);
  t.true(!huge.ok && huge.fragment.length === 2048 && huge.fragmentTruncated);
});

const validId = fc.string({ minLength: 1, maxLength: 20 }).filter((id) => id.trim() !== '');
const validPrice = fc.oneof(
  fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }),
  fc.record({ amount: fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }), currency: fc.constantFrom('EUR', 'GBP', undefined) }),
);
const OPTIONAL_FIELDS = ['user_id', 'title', 'description', 'category_id', 'taxonomy', 'images', 'reserved', 'is_refurbished', 'has_warranty', 'is_top_profile', 'location', 'shipping', 'bump', 'web_slug', 'created_at', 'modified_at', 'discount'];

test('property: any item with a valid id and price normalises, whatever its other fields hold', (t) => {
  fc.assert(
    fc.property(validId, validPrice, fc.dictionary(fc.constantFrom(...OPTIONAL_FIELDS), fc.anything()), (id, price, rest) => {
      const result = normaliseItem({ ...rest, id, price }, context);
      return result.ok && result.row.listing_id === id && result.row.price >= 0;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('property: realistic items always normalise; nothing ever throws', (t) => {
  fc.assert(
    fc.property(fc.integer(), (seed) => normaliseItem(makeItem(random(seed)), context).ok),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.anything(), (raw) => {
      normaliseItem(raw, context);
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('a web slug holding a lone surrogate (valid JSON) keeps the listing, with U+FFFD in its URL', (t) => {
  const raw = JSON.parse('{"slug":"moto-\\ud83d-1234"}') as { slug: string };
  const row = rowOf(sampleItem({ web_slug: raw.slug })).row;
  t.is(row.listing_url, 'https://es.wallapop.com/item/moto-%EF%BF%BD-1234');
  t.is(rowOf(sampleItem({ web_slug: 'cámara-\ud83d\udcf7-99' })).row.listing_url, `https://es.wallapop.com/item/${encodeURIComponent('cámara-\ud83d\udcf7-99')}`);
});
