import test from 'ava';
import { ParquetListingCursor } from '#shared/gold/cursor.ts';
import { GoldInputError } from '#shared/gold/errors.ts';
import { readStateFile, StateWriter, type ListingState } from '#shared/gold/state.ts';
import { writeColumns } from '#shared/gold/parquet.ts';
import { compareUtf8, writeSilverParquet } from '#shared/silver/parquet.ts';
import { silverRow } from './helpers/gold-fixtures.ts';

const ids = (count: number) =>
  Array.from({ length: count }, (_, index) => `id-${index}-é`).sort(compareUtf8);

test('a cursor walks a multi-row-group file in listing_id order, batch by batch', async (t) => {
  const wanted = ids(45_000);
  const bytes = writeSilverParquet(wanted.map((id, index) => silverRow('2026-11-01', 's', { id, price: index })));
  const cursor = await ParquetListingCursor.open('silver', bytes, ['price'], (columns) => (index) => columns.price![index] as number);
  const seen: string[] = [];
  let prices = 0;
  while (cursor.currentId !== undefined) {
    seen.push(cursor.currentId);
    prices += cursor.current();
    await cursor.advance();
  }
  t.deepEqual(seen, wanted);
  t.is(prices, (45_000 * 44_999) / 2);
});

test('state files round-trip through the row-group writer, nulls and lists included', async (t) => {
  const rows: ListingState[] = ids(25_001).map((id, index) => ({
    listing_id: id,
    day: 20_400,
    status: index % 3 === 0 ? 'vanished' : 'active',
    first_seen_day: 20_390,
    last_seen_day: 20_399,
    vanished_on: index % 3 === 0 ? 20_400 : null,
    days_on_market: index % 3 === 0 ? 10 : null,
    first_price: 10,
    min_price: 5,
    last_price: 5.5,
    price_before_change: index % 2 ? 6 : null,
    price_changed_on: index % 2 ? 20_399 : null,
    price_change_count: index % 4,
    currency: 'EUR',
    is_reserved: index % 5 === 0 ? null : index % 2 === 0,
    is_shippable: true,
    searches: index % 7 === 0 ? ['a', 'b'] : ['a'],
    title: index % 9 === 0 ? null : `Título ${index} 🚲`,
    category_id: index % 11 === 0 ? null : 12_345,
    category_name: 'Bicis',
    region: 'Madrid',
    city: 'Madrid',
    created_at: index % 13 === 0 ? null : 1_700_000_000_000 + index,
    listing_url: null,
    image_url: 'https://example.com/a.jpg',
  }));
  const writer = new StateWriter();
  for (const row of rows) writer.push(row);
  t.is(writer.length, rows.length);
  t.deepEqual(await readStateFile(writer.finish()), rows);
  t.deepEqual(await readStateFile(new StateWriter().finish()), []);
});

test('a file that is not sorted by listing_id is refused, naming it', async (t) => {
  const bytes = writeColumns([{ name: 'listing_id', kind: 'STRING', nullable: false, description: '' }], { listing_id: ['b', 'a'] });
  const cursor = await ParquetListingCursor.open('silver/x.parquet', bytes, [], () => () => null);
  const error = await t.throwsAsync(async () => cursor.advance(), { instanceOf: GoldInputError });
  t.regex(error!.message, /silver\/x\.parquet is not sorted/);
});
