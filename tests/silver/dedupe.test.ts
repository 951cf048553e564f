import test from 'ava';
import fc from 'fast-check';
import { dedupeRows, supersedes, type Occurrence } from '#shared/silver/dedupe.ts';
import { indexCategories } from '#shared/silver/categories.ts';
import { normaliseItem } from '#shared/silver/item.ts';
import type { SilverRow } from '#shared/silver/schema.ts';
import { makeItem, random } from '../helpers/bronze-fixtures.ts';

function rowAt(id: string, price: number, occurrence: Occurrence): { row: SilverRow; occurrence: Occurrence } {
  const result = normaliseItem(makeItem(random(price), { id, price }), {
    day: '2026-11-24',
    search: 'ps5',
    page: occurrence.page,
    fetchedAtMs: occurrence.fetchedAtMs,
    categories: indexCategories({ categories: [] }),
  });
  if (!result.ok) throw new Error(result.reason);
  return { row: result.row, occurrence };
}

test('the latest observation wins: fetched_at, then page, then position', (t) => {
  t.true(supersedes({ fetchedAtMs: 2, page: 1, index: 0 }, { fetchedAtMs: 1, page: 9, index: 9 }));
  t.true(supersedes({ fetchedAtMs: 1, page: 2, index: 0 }, { fetchedAtMs: 1, page: 1, index: 39 }));
  t.true(supersedes({ fetchedAtMs: 1, page: 1, index: 5 }, { fetchedAtMs: 1, page: 1, index: 4 }));
  t.false(supersedes({ fetchedAtMs: 1, page: 1, index: 4 }, { fetchedAtMs: 1, page: 1, index: 4 }));

  const { rows, duplicates } = dedupeRows([
    rowAt('a', 100, { fetchedAtMs: 1000, page: 1, index: 39 }),
    rowAt('b', 50, { fetchedAtMs: 1000, page: 1, index: 10 }),
    rowAt('a', 90, { fetchedAtMs: 2500, page: 2, index: 0 }), // the price dropped between pages
    rowAt('a', 95, { fetchedAtMs: 2500, page: 2, index: 1 }), // and again later on the same page
  ]);
  t.is(duplicates, 2);
  t.deepEqual(rows.map((row) => [row.listing_id, row.price, row.source_page]).sort(), [['a', 95, 2], ['b', 50, 1]]);
});

test('property: the kept rows do not depend on arrival order', (t) => {
  const occurrence = fc.record({ fetchedAtMs: fc.integer({ min: 0, max: 5 }), page: fc.integer({ min: 1, max: 3 }), index: fc.integer({ min: 0, max: 3 }) });
  const entry = fc.record({ id: fc.constantFrom('a', 'b', 'c'), price: fc.integer({ min: 1, max: 1000 }), occurrence });
  // A listing appears at most once at a given (page, index), so occurrences of one id are distinct.
  const entries = fc.uniqueArray(entry, { selector: (e) => `${e.occurrence.fetchedAtMs}/${e.occurrence.page}/${e.occurrence.index}`, maxLength: 12 });
  fc.assert(
    fc.property(entries, fc.integer(), (list, seed) => {
      const built = list.map((e) => rowAt(e.id, e.price, e.occurrence));
      const shuffled = [...built].sort((a, b) => (random(seed + a.row.price)() < random(seed + b.row.price)() ? -1 : 1));
      const key = (rows: SilverRow[]) => JSON.stringify(rows.map((row) => [row.listing_id, row.price, row.fetched_at]).sort());
      const first = dedupeRows(built);
      const second = dedupeRows(shuffled);
      return key(first.rows) === key(second.rows) && first.duplicates === second.duplicates && first.rows.length + first.duplicates === list.length;
    }),
  );
  t.pass();
});
