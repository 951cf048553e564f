import test from 'ava';
import { indexCategories } from '#shared/silver/categories.ts';
import { CATEGORY_TREE } from '../helpers/bronze-fixtures.ts';

test('indexes every node with its path from the root', (t) => {
  const index = indexCategories(CATEGORY_TREE);
  t.is(index.size, 8);
  t.deepEqual(index.get(10304), { name: 'Componentes de PC', path: 'Tecnología y electrónica > Informática > Componentes de PC' });
  t.deepEqual(index.get(100), { name: 'Coches', path: 'Coches' });
  t.is(index.get(1), undefined);
});

test('goes five levels deep and skips malformed or repeated nodes', (t) => {
  let node: Record<string, unknown> = { id: 5, name: 'L5' };
  for (let level = 4; level >= 1; level -= 1) node = { id: level, name: `L${level}`, subcategories: [node] };
  const index = indexCategories({
    categories: [node, { id: 'x', name: 'bad id' }, { name: 'no id' }, { id: 1, name: 'duplicate' }, 'junk', { id: '77', name: 'String id', subcategories: null }],
  });
  t.is(index.get(5)?.path, 'L1 > L2 > L3 > L4 > L5');
  t.is(index.get(1)?.name, 'L1');
  t.is(index.get(77)?.name, 'String id');
  t.is(index.skippedNodes, 4);
});

test('a body without a categories array is an error', (t) => {
  t.throws(() => indexCategories({ data: [] }), { name: 'CategoryTreeError' });
  t.throws(() => indexCategories('<html>'), { name: 'CategoryTreeError' });
});
