import test from 'ava';
import { columnBuffer, columnExtractor, rowReader } from '#shared/lake/columns.ts';

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

test('columnBuffer appends rows into columns and hands them over exactly as long as the rows appended', (t) => {
  const newBuffer = columnBuffer<{ id: string; price: number | null }, 'id' | 'price'>(['id', 'price'], 3);
  const buffer = newBuffer();
  buffer.append({ id: 'a', price: 1.5 });
  buffer.append({ id: 'b', price: null });
  t.is(buffer.length, 2);
  t.deepEqual(buffer.take(), { id: ['a', 'b'], price: [1.5, null] });
  t.is(buffer.length, 0);
  for (const id of ['c', 'd', 'e']) buffer.append({ id, price: 2 });
  t.throws(() => buffer.append({ id: 'f', price: 3 }), { message: /full \(3 rows\)/ });
  t.deepEqual(buffer.take(), { id: ['c', 'd', 'e'], price: [2, 2, 2] });
  t.throws(() => columnBuffer<Record<string, unknown>, string>(['not-an-identifier'], 3), { message: /identifiers/ });
});
