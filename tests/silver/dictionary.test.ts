import test from 'ava';
import { readFile } from 'node:fs/promises';
import { renderSilverDictionary, withSilverDictionary } from '#shared/silver/dictionary.ts';
import { SILVER_COLUMNS } from '#shared/silver/schema.ts';

test('docs/data-dictionary.md matches the silver schema (regenerate: npx tsx scripts/data-dictionary.ts)', async (t) => {
  const document = await readFile(new URL('../../docs/data-dictionary.md', import.meta.url), 'utf8');
  t.true(document.includes(renderSilverDictionary()));
  t.is(withSilverDictionary(document), document);
});

test('every column is described, named by dbt conventions, and unique', (t) => {
  t.is(new Set(SILVER_COLUMNS.map((column) => column.name)).size, SILVER_COLUMNS.length);
  for (const column of SILVER_COLUMNS) {
    t.regex(column.name, /^[a-z][a-z0-9_]*$/);
    t.true(column.description.length > 10, column.name);
    if (column.kind === 'BOOLEAN') t.regex(column.name, /^(is|has)_|_allows_/, column.name);
    if (column.kind === 'TIMESTAMP') t.regex(column.name, /_at$/, column.name);
  }
});
