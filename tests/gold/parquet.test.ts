import test from 'ava';
import { ParquetListingCursor } from '#shared/gold/cursor.ts';
import { GoldInputError } from '#shared/gold/gold-errors.ts';
import { readStateFile, StateWriter, type ListingState } from '#shared/gold/state.ts';
import { writeColumns } from '#shared/gold/parquet.ts';
import { compareUtf8 } from '#shared/lake/parquet.ts';
import { writeSilverParquet } from '#shared/silver/parquet.ts';
import { silverRow } from '../helpers/gold-fixtures.ts';

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
    status: index % 3 === 0 ? 'vanished' : index % 3 === 1 ? 'active' : index % 2 === 0 ? 'relisted' : 'untracked',
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
    seller_id: index % 17 === 0 ? null : `seller-${index % 50}`,
    item_id: index % 19 === 0 ? `first-${index}` : id,
    relisted_from: index % 19 === 0 ? `previous-${index}` : null,
    comparable_key: index % 9 === 0 ? null : '12345|titulo',
    fair_price: index % 4 === 0 ? null : 7.25,
    fair_price_group: index % 4 === 0 ? null : '12345|titulo',
    comparables: index % 4 === 0 ? 0 : 12,
    province: index % 3 === 0 ? null : 'Córdoba',
    listed_previous_price: index % 6 === 0 ? 12.5 : null,
  }));
  const writer = new StateWriter();
  for (const row of rows) writer.push(row);
  t.is(writer.length, rows.length);
  t.deepEqual(await readStateFile(writer.finish()), rows);
  t.deepEqual(await readStateFile(new StateWriter().finish()), []);
});

test('a version 1 state file (before relists and comparables) reads with item_id = listing_id and empty new columns', async (t) => {
  const { STATE_COLUMNS, STATE_COLUMNS_SINCE_V2 } = await import('#shared/gold/state.ts');
  const old = STATE_COLUMNS.filter((column) => !(STATE_COLUMNS_SINCE_V2 as readonly string[]).includes(column.name));
  const data: Record<string, unknown[]> = {};
  const values: Record<string, unknown> = {
    day: 20_400, status: 'active', first_seen_day: 20_390, last_seen_day: 20_400, vanished_on: null, days_on_market: null, first_price: 10, min_price: 9,
    last_price: 9, price_before_change: 10, price_changed_on: 20_399, price_change_count: 1, currency: 'EUR', is_reserved: false, is_shippable: true,
    searches: ['a'], title: 'Bici', category_id: 1, category_name: 'Bicis', region: 'Madrid', city: 'Madrid', created_at: 1, listing_url: null, image_url: null,
  };
  for (const column of old) data[column.name] = ['a1', 'b2'].map((id) => (column.name === 'listing_id' ? id : values[column.name]));
  const rows = await readStateFile(writeColumns(old, data as never));
  t.is(rows.length, 2);
  t.like(rows[0], { listing_id: 'a1', item_id: 'a1', seller_id: null, relisted_from: null, comparable_key: null, fair_price: null, fair_price_group: null, comparables: 0, last_price: 9 });
  t.is(rows[1]!.item_id, 'b2');
  const broken = writeColumns([{ name: 'listing_id', kind: 'STRING', nullable: false, description: '' }], { listing_id: ['a'] });
  await t.throwsAsync(() => readStateFile(broken, 'gold/state/dt=x/shard=0.parquet'), { message: /gold\/state\/dt=x\/shard=0\.parquet is not a gold state file: it has no column\(s\) day/ });
});

test('a file that is not sorted by listing_id is refused, naming it', async (t) => {
  const bytes = writeColumns([{ name: 'listing_id', kind: 'STRING', nullable: false, description: '' }], { listing_id: ['b', 'a'] });
  const cursor = await ParquetListingCursor.open('silver/x.parquet', bytes, [], () => () => null);
  const error = await t.throwsAsync(async () => cursor.advance(), { instanceOf: GoldInputError });
  t.regex(error!.message, /silver\/x\.parquet is not sorted/);
});
