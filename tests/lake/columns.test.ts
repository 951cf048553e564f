import test from 'ava';
import { columnExtractor, rowReader } from '#shared/lake/columns.ts';

interface Row {
  id: string;
  price: number | null;
  tags: string[];
}

test('columnExtractor and rowReader are inverses, nulls and constants included', (t) => {
  const rows: Row[] = [
    { id: 'a', price: 3, tags: ['x'] },
    { id: 'b', price: null, tags: [] },
  ];
  const columns = columnExtractor<Row, 'id' | 'price' | 'tags'>(['id', 'price', 'tags'])(rows);
  t.deepEqual(columns, { id: ['a', 'b'], price: [3, null], tags: [['x'], []] });

  const tags: string[] = [];
  const read = rowReader<Row>([{ name: 'id', nullable: false }, { name: 'price', nullable: true }], { tags })({ id: ['a', 'b'], price: [3, undefined] });
  t.deepEqual([read(0), read(1)], [
    { id: 'a', price: 3, tags: [] },
    { id: 'b', price: null, tags: [] },
  ]);
  t.is(read(0).tags, tags, 'constants are shared, not copied');
});

test('names that are not identifiers, or repeated, are refused (they become code)', (t) => {
  t.throws(() => columnExtractor<Record<string, unknown>, string>(['ok', 'x; process.exit()']), { message: /must be identifiers: x; process.exit\(\)/ });
  t.throws(() => rowReader([{ name: 'a', nullable: false }], { a: 1 }), { message: /distinct/ });
});
