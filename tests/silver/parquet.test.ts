import test from 'ava';
import { indexCategories } from '#shared/silver/categories.ts';
import { normaliseItem } from '#shared/silver/item.ts';
import { compareUtf8 } from '#shared/lake/parquet.ts';
import { SILVER_PARQUET, readSilverRowGroups, readSilverRows, silverParquetMetadata, writeSilverParquet } from '#shared/silver/parquet.ts';
import type { SilverRow } from '#shared/silver/schema.ts';
import { CATEGORY_TREE, makeItem, random } from '../helpers/bronze-fixtures.ts';

const categories = indexCategories(CATEGORY_TREE);

function rows(count: number, seed = 7): SilverRow[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const result = normaliseItem(makeItem(next), { day: '2026-11-24', search: 'ps5', page: 1 + Math.floor(i / 40), fetchedAtMs: 1_795_000_000_000 + i, categories });
    if (!result.ok) throw new Error(result.reason);
    return result.row;
  });
}

test('round-trips every column, nulls included, sorted by listing_id', async (t) => {
  const input = rows(300);
  input[0] = { ...input[0]!, title: null, description: null, currency: null, latitude: null, is_reserved: null, created_at: null, image_url: null, category_id: null, category_name: null, category_path: null };
  const bytes = writeSilverParquet(input);
  const output = await readSilverRows(bytes);
  const expected = [...input].sort((a, b) => compareUtf8(a.listing_id, b.listing_id));
  t.deepEqual(output, expected);
  t.is(output[0]!.snapshot_day, '2026-11-24');
  t.is(typeof output[0]!.fetched_at, 'number');
});

test('reads only the asked columns and rows, one row group at a time', async (t) => {
  const input = rows(SILVER_PARQUET.rowGroupSize * 2 + 10, 11);
  const bytes = writeSilverParquet(input);
  const metadata = await silverParquetMetadata(bytes);
  t.deepEqual(metadata.row_groups.map((group) => Number(group.num_rows)), [SILVER_PARQUET.rowGroupSize, SILVER_PARQUET.rowGroupSize, 10]);
  // Sorted ids give disjoint, ordered row-group ranges: readers can skip groups by min/max.
  const bounds = metadata.row_groups.map((group) => group.columns[0]!.meta_data!.statistics!);
  for (let i = 1; i < bounds.length; i += 1) t.true(compareUtf8(String(bounds[i - 1]!.max_value), String(bounds[i]!.min_value)) < 0);
  const groups: number[] = [];
  let total = 0;
  for await (const group of readSilverRowGroups(bytes, ['listing_id', 'price'])) {
    groups.push(group.length);
    t.deepEqual(Object.keys(group[0]!).sort(), ['listing_id', 'price']);
    total += group.reduce((sum, row) => sum + row.price, 0);
  }
  t.deepEqual(groups, [SILVER_PARQUET.rowGroupSize, SILVER_PARQUET.rowGroupSize, 10]);
  t.is(Math.round(total * 100), Math.round(input.reduce((sum, row) => sum + row.price, 0) * 100));
});

test('an empty shard is a valid file with the full schema', async (t) => {
  const bytes = writeSilverParquet([]);
  t.deepEqual(await readSilverRows(bytes), []);
  const metadata = await silverParquetMetadata(bytes);
  t.is(Number(metadata.num_rows), 0);
  t.is(metadata.schema.length, 1 + 33);
});

test('equal rows in any order give identical bytes', (t) => {
  const input = rows(500, 3);
  const a = writeSilverParquet(input);
  const b = writeSilverParquet([...input].reverse());
  t.deepEqual(Buffer.from(a), Buffer.from(b));
});

test('refuses duplicate listing ids', (t) => {
  const [row] = rows(1);
  t.throws(() => writeSilverParquet([row!, { ...row! }]), { message: /duplicate listing_id/ });
});

test('UTF-8 order differs from UTF-16 order above U+E000', (t) => {
  t.true(compareUtf8('\uffff', '😀') < 0);
  t.true('\uffff' > '😀');
  t.true(compareUtf8('a', 'b') < 0);
  t.true(compareUtf8('ab', 'a') > 0);
  t.is(compareUtf8('x', 'x'), 0);
});

test('min/max statistics only on the prunable columns; near-unique columns written PLAIN', async (t) => {
  const input = rows(2000, 5);
  const metadata = await silverParquetMetadata(writeSilverParquet(input));
  const columns = metadata.row_groups[0]!.columns.map((column) => column.meta_data!);
  const withStatistics = columns.filter((column) => column.statistics !== undefined).map((column) => column.path_in_schema.join('.'));
  t.deepEqual(withStatistics.sort(), [...SILVER_PARQUET.statisticsColumns].sort());
  for (const column of columns) {
    const name = column.path_in_schema.join('.');
    if ((SILVER_PARQUET.plainColumns as readonly string[]).includes(name)) t.deepEqual(column.encodings, ['PLAIN'], name);
  }
  // Low-cardinality columns still get a dictionary where it pays.
  const encodingsOf = (name: string) => columns.find((column) => column.path_in_schema.join('.') === name)!.encodings;
  t.true(encodingsOf('search_slug').includes('RLE_DICTIONARY'));
  t.true(encodingsOf('city').includes('RLE_DICTIONARY'));
  // The listing_id bounds readers prune on are exact.
  const ids = input.map((row) => row.listing_id).sort(compareUtf8);
  const stats = columns[0]!.statistics!;
  t.is(stats.min_value, ids[0]);
  t.is(stats.max_value, ids.at(-1));
});

test('rows are written in UTF-8 byte order of listing_id, also where UTF-16 order differs', async (t) => {
  // U+FF5E sorts before U+1F600 in UTF-8 (EF… < F0…) but after it in UTF-16 (FF5E > D83D).
  const ids = ['b', '\u{1F600}x', '\uFF5Ex', 'a'];
  const input = rows(ids.length).map((row, i) => ({ ...row, listing_id: ids[i]! }));
  const output = await readSilverRows(writeSilverParquet(input), { columns: ['listing_id'] });
  t.deepEqual(
    output.map((row) => row.listing_id),
    ['a', 'b', '\uFF5Ex', '\u{1F600}x'],
  );
});
